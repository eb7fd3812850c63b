#include "messages.hpp"
#include "enrollment.hpp"

#include <algorithm>

#include <set>

namespace zhuxue::sync {

namespace {
// obj[key] when it is a string, else "" (a peer's error text is optional and may be anything).
std::string stringOr(const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}
} // namespace


namespace {

// keys must all be there; optional ones may be.
Status checkEnvelope(const nlohmann::json& j, const std::set<std::string>& keys,
                     const std::set<std::string>& optional = {}) {
    if (!j.is_object())
        return Error("sync.error.body_not_object", {}, "the body must be a JSON object");
    for (const auto& [k, v] : j.items()) {
        if (!keys.count(k) && !optional.count(k))
            return Error("sync.error.unknown_body_field", {{"field", k}},
                         "unknown key in body: " + k);
    }
    for (const auto& k : keys) {
        if (!j.contains(k))
            return Error("sync.error.missing_body_field", {{"field", k}},
                         "missing key in body: " + k);
    }
    if (!j["protocol"].is_number_integer() || j["protocol"].get<int64_t>() != kProtocolVersion)
        return Error("sync.error.protocol_version", {{"version", j["protocol"].dump()}},
                     "unsupported protocol version " + j["protocol"].dump() +
                         " (this side speaks 1)");
    return {};
}

Error typeError(const std::string& key) {
    return Error("sync.error.body_field_type", {{"field", key}}, "wrong type for key: " + key);
}

Result<std::vector<Change>> changesFrom(const nlohmann::json& arr, std::size_t max) {
    if (!arr.is_array())
        return typeError("changes");
    if (arr.size() > max)
        return Error("sync.error.batch_too_large", {{"max", std::to_string(max)}},
                     "too many changes in one batch (max " + std::to_string(max) + ")");
    std::vector<Change> out;
    out.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        auto c = changeFromJson(arr[i]);
        if (!c) {
            Error e = c.error();
            e.args["index"] = std::to_string(i);
            if (arr[i].is_object() && arr[i].contains("id") && arr[i]["id"].is_string())
                e.args["change_id"] = arr[i]["id"].get<std::string>();
            e.detail = "change " + std::to_string(i) + ": " + e.detail;
            return e;
        }
        out.push_back(std::move(*c));
    }
    return out;
}

} // namespace

nlohmann::json toJson(const PushRequest& r) {
    auto arr = nlohmann::json::array();
    for (const auto& c : r.changes)
        arr.push_back(toJson(c));
    return {{"protocol", kProtocolVersion}, {"changes", std::move(arr)}};
}

static const char* statusText(PushStatus s) {
    switch (s) {
    case PushStatus::Stored:
        return "stored";
    case PushStatus::Duplicate:
        return "duplicate";
    case PushStatus::Rejected:
        return "rejected";
    }
    return "rejected";
}

nlohmann::json toJson(const PushResponse& r) {
    auto arr = nlohmann::json::array();
    for (const auto& x : r.results) {
        nlohmann::json o{{"id", x.id}, {"status", statusText(x.status)}, {"code", x.code}};
        if (x.status == PushStatus::Rejected)
            o["error"] = {{"key", x.errorKey}, {"message", x.detail}};
        arr.push_back(std::move(o));
    }
    return {{"protocol", kProtocolVersion}, {"results", std::move(arr)}};
}

nlohmann::json toJson(const PullResponse& r) {
    auto arr = nlohmann::json::array();
    for (const auto& c : r.changes)
        arr.push_back(toJson(c));
    return {{"protocol", kProtocolVersion},
            {"changes", std::move(arr)},
            {"cursor", r.cursor},
            {"more", r.more}};
}

nlohmann::json toJson(const EnrollRequest& r) {
    nlohmann::json j{
        {"protocol", kProtocolVersion}, {"code", r.code}, {"device", r.device}, {"name", r.name}};
    if (!r.role.empty())
        j["role"] = r.role;
    return j;
}

nlohmann::json toJson(const EnrollResponse& r) {
    return {{"protocol", kProtocolVersion},
            {"device", r.device},
            {"token", r.token},
            {"counties", r.counties},
            {"expires_at", r.expiresAt},
            {"role", r.role}};
}

Result<PushRequest> pushRequestFromJson(const nlohmann::json& j) {
    if (auto st = checkEnvelope(j, {"protocol", "changes"}); !st)
        return st.error();
    auto changes = changesFrom(j["changes"], kMaxBatchChanges);
    if (!changes)
        return changes.error();
    return PushRequest{std::move(*changes)};
}

Result<PushResponse> pushResponseFromJson(const nlohmann::json& j) {
    if (auto st = checkEnvelope(j, {"protocol", "results"}); !st)
        return st.error();
    if (!j["results"].is_array())
        return typeError("results");
    PushResponse r;
    for (const auto& x : j["results"]) {
        if (!x.is_object() || !x.contains("id") || !x["id"].is_string() || !x.contains("status") ||
            !x["status"].is_string() || !x.contains("code") || !x["code"].is_number_integer())
            return typeError("results");
        PushResult p;
        p.id = x["id"].get<std::string>();
        p.code = x["code"].get<int>();
        auto s = x["status"].get<std::string>();
        if (s == "stored")
            p.status = PushStatus::Stored;
        else if (s == "duplicate")
            p.status = PushStatus::Duplicate;
        else if (s == "rejected")
            p.status = PushStatus::Rejected;
        else
            return typeError("status");
        if (p.status == PushStatus::Rejected) {
            if (!x.contains("error") || !x["error"].is_object() ||
                !x["error"].value("key", nlohmann::json()).is_string())
                return typeError("error");
            p.errorKey = x["error"]["key"].get<std::string>();
            p.detail = stringOr(x["error"], "message");
        }
        r.results.push_back(std::move(p));
    }
    return r;
}

Result<PullResponse> pullResponseFromJson(const nlohmann::json& j) {
    if (auto st = checkEnvelope(j, {"protocol", "changes", "cursor", "more"}); !st)
        return st.error();
    if (!j["cursor"].is_string())
        return typeError("cursor");
    if (!j["more"].is_boolean())
        return typeError("more");
    auto changes = changesFrom(j["changes"], kMaxPullPage);
    if (!changes)
        return changes.error();
    return PullResponse{std::move(*changes), j["cursor"].get<std::string>(), j["more"].get<bool>()};
}

Result<EnrollRequest> enrollRequestFromJson(const nlohmann::json& j) {
    if (auto st = checkEnvelope(j, {"protocol", "code", "device", "name"}, {"role"}); !st)
        return st.error();
    for (const char* k : {"code", "device", "name"})
        if (!j[k].is_string())
            return typeError(k);
    EnrollRequest r{j["code"].get<std::string>(), j["device"].get<std::string>(),
                    j["name"].get<std::string>(), {}};
    if (j.contains("role")) {
        if (!j["role"].is_string() || !parseRole(j["role"].get<std::string>()))
            return Error("sync.error.bad_role", {{"role", j["role"].dump()}},
                         "role is staff, kiosk or display");
        r.role = j["role"].get<std::string>();
    }
    if (!isUuidText(r.device))
        return Error("sync.error.bad_device", {{"value", r.device}},
                     "device must be a lowercase UUID");
    if (r.name.size() > 200)
        return Error("sync.error.name_too_long", {}, "device name longer than 200 bytes");
    return r;
}

Result<EnrollResponse> enrollResponseFromJson(const nlohmann::json& j) {
    if (auto st = checkEnvelope(j, {"protocol", "device", "token", "counties", "expires_at"}, {"role"}); !st)
        return st.error();
    if (!j["device"].is_string() || !j["token"].is_string() || !j["counties"].is_array() ||
        !j["expires_at"].is_number_integer())
        return typeError("enroll");
    EnrollResponse r;
    r.device = j["device"].get<std::string>();
    r.token = j["token"].get<std::string>();
    for (const auto& c : j["counties"]) {
        if (!c.is_string() || !isCountyCode(c.get<std::string>()))
            return typeError("counties");
        r.counties.push_back(c.get<std::string>());
    }
    r.expiresAt = j["expires_at"].get<int64_t>();
    if (j.contains("role")) { // a server before device roles enrolled every device as staff
        if (!j["role"].is_string() || !parseRole(j["role"].get<std::string>()))
            return typeError("role");
        r.role = j["role"].get<std::string>();
    }
    return r;
}

nlohmann::json errorBody(const Error& e) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& [k, v] : e.args)
        args[k] = v;
    return {{"error", {{"key", e.key}, {"message", e.detail}, {"args", args}}}};
}

Error errorFromBody(int status, const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object() &&
        j["error"].value("key", nlohmann::json()).is_string()) {
        Error e(j["error"]["key"].get<std::string>(), {}, stringOr(j["error"], "message"));
        if (j["error"].contains("args") && j["error"]["args"].is_object())
            for (const auto& [k, v] : j["error"]["args"].items())
                if (v.is_string())
                    e.args[k] = v.get<std::string>();
        e.args["status"] = std::to_string(status);
        return e;
    }
    return Error("sync.error.http", {{"status", std::to_string(status)}},
                 "HTTP " + std::to_string(status) + ": " + body.substr(0, 300));
}

int jsonDepth(std::string_view text, int stopAbove) {
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > stopAbove)
                return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

Result<nlohmann::json> parseJson(const std::string& text) {
    if (jsonDepth(text) > kMaxJsonDepth)
        return Error("sync.error.too_deep", {{"max", std::to_string(kMaxJsonDepth)}},
                     "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return Error("sync.error.malformed_json", {}, "the body is not valid JSON");
    return j;
}

} // namespace zhuxue::sync
