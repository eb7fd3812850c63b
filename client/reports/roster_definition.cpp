#include "roster_definition.hpp"

#include "client/core/records.hpp"
#include "client/store/paths.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace zhuxue::reports {

namespace {
using FC = FieldClass;
using CT = ColumnType;

const std::vector<FieldSpec> kFields = {
    {"seq", "reports.col.seq", CT::Integer, FC::Public},
    {"name", "reports.col.name", CT::Text, FC::Public},
    {"school", "reports.col.school", CT::Text, FC::Public},
    {"grade", "reports.col.grade", CT::Text, FC::Public},
    {"class", "reports.col.class", CT::Text, FC::Public},
    {"level", "reports.col.level", CT::Text, FC::Public},
    {"amount", "reports.col.amount", CT::MoneyFen, FC::Public},

    {"county", "reports.col.county", CT::Text, FC::Internal},
    {"township", "reports.col.township", CT::Text, FC::Internal},
    {"village", "reports.col.village", CT::Text, FC::Internal},
    {"programme", "reports.col.programme", CT::Text, FC::Internal},
    {"year", "reports.col.year", CT::Integer, FC::Internal},
    {"status", "reports.col.status", CT::Text, FC::Internal},
    {"birth_date", "reports.col.birth_date", CT::Date, FC::Internal},
    {"contract_number", "reports.col.contract_number", CT::Text, FC::Internal},
    {"signing_date", "reports.col.signing_date", CT::Date, FC::Internal},
    {"application_kind", "reports.col.application_kind", CT::Text, FC::Internal},
    {"term_years", "reports.col.term_years", CT::Integer, FC::Internal},
    {"proxy_signed", "reports.col.proxy_signed", CT::Text, FC::Internal},
    {"signature", "reports.col.signature", CT::Text, FC::Internal},

    {"id_number", "reports.col.id_number", CT::Text, FC::Sensitive},
    {"address", "reports.col.address", CT::Text, FC::Sensitive},
    {"phone", "reports.col.phone", CT::Text, FC::Sensitive},
    {"bank_account", "reports.col.bank_account", CT::Text, FC::Sensitive},
    {"income", "reports.col.income", CT::MoneyFen, FC::Sensitive},
    {"priority_group", "reports.col.priority_group", CT::Text, FC::Sensitive},
    {"health", "reports.col.health", CT::Text, FC::Sensitive},
    {"narrative", "reports.col.narrative", CT::Text, FC::Sensitive},
    {"photo", "reports.col.photo", CT::Text, FC::Sensitive},

    {"people", "reports.col.people", CT::Integer, FC::Measure},
    {"pre_applied", "reports.col.pre_applied", CT::Integer, FC::Measure},
    {"signed", "reports.col.signed", CT::Integer, FC::Measure},
    {"pending", "reports.col.pending", CT::Integer, FC::Measure},
    {"signed_amount", "reports.col.signed_amount", CT::MoneyFen, FC::Measure},
    {"signed_rate", "reports.col.signed_rate", CT::Text, FC::Measure},
};

Error defError(std::string_view source, std::string reason) {
    return Error("reports.roster.bad_definition", {{"file", std::string(source)}, {"reason", reason}});
}

bool isGroupable(std::string_view key) {
    const FieldSpec* f = findField(key);
    return f && f->cls != FC::Measure && f->key != "seq" && f->key != "amount";
}
} // namespace

const std::vector<FieldSpec>& allFields() { return kFields; }

const FieldSpec* findField(std::string_view key) {
    for (const FieldSpec& f : kFields)
        if (f.key == key)
            return &f;
    return nullptr;
}

const std::vector<std::string>& rosterKinds() {
    static const std::vector<std::string> kinds = {"review",          "review-staff", "programme", "public-notice",
                                                   "funds",           "daily-contracts", "pre-application"};
    return kinds;
}

const std::vector<std::string>& publicStatuses() {
    static const std::vector<std::string> codes = {std::string(toCode(AssessmentStatus::Reviewed)),
                                                   std::string(toCode(AssessmentStatus::Publicized)),
                                                   std::string(toCode(AssessmentStatus::Filed))};
    return codes;
}

Status validate(const RosterDefinition& def, std::string_view source) {
    if (def.columns.empty())
        return defError(source, "columns is empty");
    auto checkPublic = [&](const std::string& key) -> Status {
        const FieldSpec* f = findField(key);
        if (!f)
            return Error("reports.roster.unknown_column", {{"roster", std::string(source)}, {"column", key}});
        if (!def.isPublic)
            return {};
        if (f->cls == FC::Sensitive)
            return Error("reports.roster.forbidden_column",
                         {{"roster", std::string(source)}, {"column", key}, {"title_key", std::string(f->titleKey)}});
        if (f->cls != FC::Public)
            return Error("reports.roster.not_public_column",
                         {{"roster", std::string(source)}, {"column", key}, {"title_key", std::string(f->titleKey)}});
        return {};
    };
    for (const auto& key : def.columns)
        if (auto st = checkPublic(key); !st)
            return st;
    // Grouping shows each group's value in a heading, so it is published just like a column.
    for (const auto* list : {&def.groupBy, &def.aggregateBy, &def.orderBy})
        for (const auto& key : *list) {
            if (!isGroupable(key))
                return defError(source, "\"" + key + "\" cannot group or order rows");
            if (auto st = checkPublic(key); !st)
                return st;
        }
    bool aggregated = !def.aggregateBy.empty();
    for (const auto& key : def.columns) {
        const FieldSpec* f = findField(key);
        if (f->cls == FC::Measure && !aggregated)
            return defError(source, "\"" + key + "\" is a count and needs aggregate_by");
        if (aggregated && f->cls != FC::Measure && key != "amount" && key != "seq" && key != "signature" &&
            std::find(def.groupBy.begin(), def.groupBy.end(), key) == def.groupBy.end() &&
            std::find(def.aggregateBy.begin(), def.aggregateBy.end(), key) == def.aggregateBy.end())
            return defError(source, "\"" + key + "\" is per person but the roster is aggregated");
    }
    for (const auto& code : def.levels)
        if (!fromCode<HardshipLevel>(code))
            return defError(source, "levels: unknown level \"" + code + "\"");
    if (def.reviewGroup) {
        if (def.isPublic)
            return defError(source, "a roster is either public or for a review group");
        // The review group includes student representatives: what the office keeps to itself
        // (priority groups, any amount of money, anything sensitive) stays on the staff-only
        // variant (review-staff.json).
        for (const auto* list : {&def.columns, &def.groupBy, &def.aggregateBy, &def.orderBy})
            for (const auto& key : *list) {
                const FieldSpec* f = findField(key);
                if (f->cls == FC::Sensitive || f->type == CT::MoneyFen)
                    return Error("reports.roster.review_group_column",
                                 {{"roster", std::string(source)}, {"column", key}, {"title_key", std::string(f->titleKey)}});
            }
    }
    if (!def.isPublic)
        return {};
    if (def.minimumAge < 14)
        return defError(source, "a public roster needs minimum_age of at least 14");
    // Only the recognised list: review finished, with a level (DOMAIN.md §3, §5).
    if (def.statuses.empty())
        return Error("reports.roster.public_needs_filter", {{"roster", std::string(source)}, {"filter", "statuses"}});
    for (const auto& code : def.statuses)
        if (std::find(publicStatuses().begin(), publicStatuses().end(), code) == publicStatuses().end())
            return Error("reports.roster.public_status", {{"roster", std::string(source)}, {"status", code}});
    if (def.levels.empty())
        return Error("reports.roster.public_needs_filter", {{"roster", std::string(source)}, {"filter", "levels"}});
    for (const auto& code : def.levels)
        if (code == toCode(HardshipLevel::None))
            return Error("reports.roster.public_level_none", {{"roster", std::string(source)}});
    if (def.noticeDaysMin < 1 || def.noticeDaysMax < def.noticeDaysMin || def.noticeDaysDefault < def.noticeDaysMin ||
        def.noticeDaysDefault > def.noticeDaysMax)
        return defError(source, "a public roster needs notice_days {min, max, default} with min <= default <= max");
    return {};
}

Result<int> noticeDays(const RosterDefinition& def, std::string_view text) {
    if (text.empty())
        return def.noticeDaysDefault;
    auto bad = [&] {
        return Error("reports.roster.bad_notice_days", {{"value", std::string(text)},
                                                        {"min", std::to_string(def.noticeDaysMin)},
                                                        {"max", std::to_string(def.noticeDaysMax)}});
    };
    if (!def.isPublic || text.size() > 3 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return bad();
    int days = 0;
    for (char c : text)
        days = days * 10 + (c - '0');
    if (days < def.noticeDaysMin || days > def.noticeDaysMax)
        return bad();
    return days;
}

Result<RosterDefinition> parseDefinition(std::string_view text, std::string_view source) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        return defError(source, e.what());
    }
    RosterDefinition def;
    try {
        def.kind = j.at("kind").get<std::string>();
        def.titleKey = j.at("title").get<std::string>();
        def.defaultProgrammeKey = j.value("default_programme", std::string());
        def.isPublic = j.value("public", false);
        def.reviewGroup = j.value("review_group", false);
        def.groupBy = j.value("group_by", std::vector<std::string>{});
        def.aggregateBy = j.value("aggregate_by", std::vector<std::string>{});
        def.orderBy = j.value("order_by", std::vector<std::string>{});
        def.columns = j.at("columns").get<std::vector<std::string>>();
        def.footnoteKeys = j.value("footnotes", std::vector<std::string>{});
        def.statuses = j.value("statuses", std::vector<std::string>{});
        def.levels = j.value("levels", std::vector<std::string>{});
        if (j.contains("notice_days")) {
            const auto& d = j.at("notice_days");
            def.noticeDaysMin = d.at("min").get<int>();
            def.noticeDaysMax = d.at("max").get<int>();
            def.noticeDaysDefault = d.at("default").get<int>();
        }
        def.minimumAge = j.value("minimum_age", 0);
        std::string mask = j.value("name_mask", std::string("none"));
        if (mask == "middle")
            def.nameMask = NameMask::Middle;
        else if (mask != "none")
            return defError(source, "name_mask must be \"none\" or \"middle\"");
    } catch (const std::exception& e) {
        return defError(source, e.what());
    }
    if (auto st = validate(def, source); !st)
        return st.error();
    return def;
}

Result<RosterDefinition> loadDefinition(const std::filesystem::path& assets, std::string_view kind) {
    if (std::find(rosterKinds().begin(), rosterKinds().end(), kind) == rosterKinds().end())
        return Error("reports.roster.unknown_kind", {{"kind", std::string(kind)}});
    auto file = assets / "rosters" / (std::string(kind) + ".json");
    auto text = readTextFile(file);
    if (!text)
        return text.error();
    return parseDefinition(*text, file.filename().string());
}

} // namespace zhuxue::reports
