#include "roster_definition.hpp"

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
    static const std::vector<std::string> kinds = {"review", "programme", "public-notice",
                                                   "funds", "daily-contracts", "pre-application"};
    return kinds;
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
    if (def.isPublic && def.minimumAge < 14)
        return defError(source, "a public roster needs minimum_age of at least 14");
    return {};
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
        def.groupBy = j.value("group_by", std::vector<std::string>{});
        def.aggregateBy = j.value("aggregate_by", std::vector<std::string>{});
        def.orderBy = j.value("order_by", std::vector<std::string>{});
        def.columns = j.at("columns").get<std::vector<std::string>>();
        def.footnoteKeys = j.value("footnotes", std::vector<std::string>{});
        def.statuses = j.value("statuses", std::vector<std::string>{});
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
