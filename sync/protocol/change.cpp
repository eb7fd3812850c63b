#include "change.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace zhuxue::sync {

const std::vector<std::string>& recordTypes() {
    // Keep sorted; add a type here before any device writes it.
    static const std::vector<std::string> types = {
        "appointment",       "attachment",          "co_borrower",      "consent",
        "contract",
        "democratic_review", "form_definition",     "hardship_assessment", "home_visit",
        "household",         "household_member",    "loan_application", "loan_contract",
        "materials_checklist", "notice",            "post_loan_event",  "queue_ticket",
        "review_round",      "status_change",       "student",          "visit_assignment",
    };
    return types;
}

bool isRecordType(std::string_view type) {
    const auto& t = recordTypes();
    return std::find(t.begin(), t.end(), type) != t.end();
}

namespace {
bool isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
} // namespace

bool isUuidText(std::string_view s) {
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isLowerHex(s[i])) {
            return false;
        }
    }
    return true;
}

bool isHlcText(std::string_view s) {
    return s.size() == 16 && std::all_of(s.begin(), s.end(), isLowerHex);
}

std::vector<std::string> splitCountyList(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto comma = s.find(',', start);
        if (comma == std::string_view::npos)
            comma = s.size();
        if (comma > start)
            out.emplace_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::string joinCountyList(const std::vector<std::string>& counties) {
    std::string out;
    for (const auto& c : counties)
        out += (out.empty() ? "" : ",") + c;
    return out;
}

bool isCountyCode(std::string_view s) {
    return s.size() == 6 && s[0] != '0' &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isFieldName(std::string_view s) {
    if (s == kDeletedField)
        return true;
    if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

uint64_t hlcValue(std::string_view t) {
    if (!isHlcText(t))
        return 0;
    uint64_t v = 0;
    for (char c : t)
        v = v << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    return v;
}

std::string hlcText(uint64_t value) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
    return buf;
}

std::string joinBase(const std::vector<std::string>& base) {
    return joinCountyList(base);
}

std::vector<std::string> splitBase(std::string_view s) {
    return splitCountyList(s);
}

std::string versionRef(const Change& c) {
    return c.hlc + "@" + c.device;
}

bool isBaseRef(std::string_view s) {
    if (s.size() == 16)
        return isHlcText(s);
    return s.size() == 16 + 1 + 36 && isHlcText(s.substr(0, 16)) && s[16] == '@' &&
           isUuidText(s.substr(17));
}

namespace {
// Whether the JSON text of `v` is longer than `max` bytes. A scalar and a short string cannot be
// (a byte of a string takes at most 6 characters escaped, "\u001f"), so only long strings and
// containers are encoded to find out: every change is validated, most values are short.
bool encodedSizeAbove(const nlohmann::json& v, std::size_t max) {
    if (v.is_null() || v.is_boolean() || v.is_number())
        return false;
    if (v.is_string() && v.get_ref<const std::string&>().size() * 6 + 2 <= max)
        return false;
    return v.dump().size() > max;
}
} // namespace

Status validate(const Change& c) {
    auto bad = [&](const char* key, std::string what) {
        return Status(Error(key, {{"id", c.id}, {"value", what}}, std::string(key) + ": " + what));
    };
    if (!isUuidText(c.id))
        return bad("sync.error.bad_change_id", c.id);
    if (!isRecordType(c.recordType))
        return bad("sync.error.unknown_record_type", c.recordType);
    if (!isUuidText(c.recordId))
        return bad("sync.error.bad_record_id", c.recordId);
    if (!isCountyCode(c.county))
        return bad("sync.error.bad_county", c.county);
    if (!isFieldName(c.field))
        return bad("sync.error.bad_field", c.field);
    if (!isHlcText(c.hlc) || hlcValue(c.hlc) == 0)
        return bad("sync.error.bad_hlc", c.hlc);
    if (!isUuidText(c.device))
        return bad("sync.error.bad_device", c.device);
    for (std::size_t i = 0; i < c.base.size(); ++i) {
        const auto& b = c.base[i];
        if (!isBaseRef(b) || !(std::string_view(b).substr(0, 16) < c.hlc) ||
            std::find(c.base.begin(), c.base.begin() + static_cast<std::ptrdiff_t>(i), b) !=
                c.base.begin() + static_cast<std::ptrdiff_t>(i))
            return bad("sync.error.bad_base", b);
    }
    if (c.field == kDeletedField && !c.value.is_boolean())
        return bad("sync.error.bad_deleted", c.value.dump());
    if (c.value.is_discarded() || encodedSizeAbove(c.value, kMaxValueBytes))
        return bad("sync.error.value_too_large", c.field);
    return {};
}

nlohmann::json toJson(const Change& c) {
    return nlohmann::json{{"id", c.id},
                          {"record_type", c.recordType},
                          {"record_id", c.recordId},
                          {"county", c.county},
                          {"field", c.field},
                          {"value", c.value},
                          {"hlc", c.hlc},
                          {"device", c.device},
                          {"base", joinBase(c.base)}};
}

Result<Change> changeFromJson(const nlohmann::json& j) {
    static const std::set<std::string> keys = {
        "id", "record_type", "record_id", "county", "field", "value", "hlc", "device", "base"};
    if (!j.is_object())
        return Error("sync.error.change_not_object", {}, "a change must be a JSON object");
    for (const auto& [k, v] : j.items()) {
        if (!keys.count(k))
            return Error("sync.error.unknown_change_field", {{"field", k}},
                         "unknown key in change: " + k);
    }
    for (const auto& k : keys) {
        if (!j.contains(k))
            return Error("sync.error.missing_change_field", {{"field", k}},
                         "missing key in change: " + k);
        if (k != "value" && !j[k].is_string())
            return Error("sync.error.change_field_type", {{"field", k}},
                         "key must be a string: " + k);
    }
    Change c;
    c.id = j["id"].get<std::string>();
    c.recordType = j["record_type"].get<std::string>();
    c.recordId = j["record_id"].get<std::string>();
    c.county = j["county"].get<std::string>();
    c.field = j["field"].get<std::string>();
    c.value = j["value"];
    c.hlc = j["hlc"].get<std::string>();
    c.device = j["device"].get<std::string>();
    std::string base = j["base"].get<std::string>();
    std::size_t start = 0;
    while (!base.empty() && start <= base.size()) {
        auto comma = base.find(',', start);
        if (comma == std::string::npos)
            comma = base.size();
        c.base.push_back(base.substr(start, comma - start));
        start = comma + 1;
    }
    std::sort(c.base.begin(), c.base.end());
    if (auto st = validate(c); !st)
        return st.error();
    return c;
}

} // namespace zhuxue::sync
