#include "accounts.hpp"

#include <set>

namespace zhuxue::sync {

namespace {
Error bad(const std::string& field, const std::string& why) {
    return Error("sync.error.bad_account", {{"field", field}}, "account " + field + ": " + why);
}

bool isB64(std::string_view s) {
    return !s.empty() && s.size() <= 4096 &&
           s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/$") ==
               std::string_view::npos;
}
} // namespace

bool isAccountRole(std::string_view role) {
    return role == "admin" || role == "staff" || role == "volunteer";
}

bool isAccountUser(std::string_view user) {
    if (user.empty() || user.size() > 64)
        return false;
    for (unsigned char c : user)
        if (c <= 0x20 || c == 0x7f)
            return false;
    return true;
}

nlohmann::json toJson(const AccountRecord& a) {
    return {{"user", a.user},           {"name", a.displayName},   {"role", a.role},
            {"counties", a.counties},   {"disabled", a.disabled},  {"pw_hash", a.pwHash},
            {"public_key", a.publicKey}, {"secret_box", a.secretBox}};
}

nlohmann::json toJson(const AccountsResponse& r) {
    auto arr = nlohmann::json::array();
    for (const auto& a : r.accounts)
        arr.push_back(toJson(a));
    return {{"protocol", kProtocolVersion}, {"accounts", std::move(arr)}};
}

Result<AccountRecord> accountFromJson(const nlohmann::json& j) {
    static const std::set<std::string> keys{"user",     "name",    "role",       "counties",
                                            "disabled", "pw_hash", "public_key", "secret_box"};
    if (!j.is_object())
        return bad("account", "not an object");
    for (const auto& [k, v] : j.items())
        if (!keys.count(k))
            return bad(k, "unknown key");
    for (const auto& k : keys)
        if (!j.contains(k))
            return bad(k, "missing");
    for (const char* k : {"user", "name", "role", "pw_hash", "public_key", "secret_box"})
        if (!j[k].is_string())
            return bad(k, "not a string");
    if (!j["disabled"].is_boolean())
        return bad("disabled", "not true or false");
    if (!j["counties"].is_array())
        return bad("counties", "not an array");
    AccountRecord a;
    a.user = j["user"].get<std::string>();
    a.displayName = j["name"].get<std::string>();
    a.role = j["role"].get<std::string>();
    a.disabled = j["disabled"].get<bool>();
    a.pwHash = j["pw_hash"].get<std::string>();
    a.publicKey = j["public_key"].get<std::string>();
    a.secretBox = j["secret_box"].get<std::string>();
    if (!isAccountUser(a.user))
        return bad("user", "empty, too long or has spaces");
    if (a.displayName.size() > 256)
        return bad("name", "longer than 256 bytes");
    if (!isAccountRole(a.role))
        return bad("role", "not admin, staff or volunteer");
    for (const auto& c : j["counties"]) {
        if (!c.is_string() || !isCountyCode(c.get<std::string>()))
            return bad("counties", "not a 6-digit county code");
        a.counties.push_back(c.get<std::string>());
    }
    if (a.pwHash.rfind("$argon2id$", 0) != 0 || a.pwHash.size() > 256)
        return bad("pw_hash", "not an Argon2id hash");
    if (!isB64(a.publicKey) || a.publicKey.find('$') != std::string::npos)
        return bad("public_key", "not base64");
    if (a.secretBox.rfind("argon2id$", 0) != 0 || !isB64(a.secretBox))
        return bad("secret_box", "not a password-locked key");
    return a;
}

Result<AccountsResponse> accountsResponseFromJson(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("protocol") || !j.contains("accounts") || j.size() != 2)
        return Error("sync.error.body_not_object", {}, "an accounts answer has protocol and accounts");
    if (!j["protocol"].is_number_integer() || j["protocol"].get<int64_t>() != kProtocolVersion)
        return Error("sync.error.protocol_version", {{"version", j["protocol"].dump()}},
                     "unsupported protocol version " + j["protocol"].dump());
    if (!j["accounts"].is_array() || j["accounts"].size() > kMaxAccounts)
        return bad("accounts", "not an array of at most 10000");
    AccountsResponse r;
    for (const auto& a : j["accounts"]) {
        auto rec = accountFromJson(a);
        if (!rec)
            return rec.error();
        r.accounts.push_back(std::move(*rec));
    }
    return r;
}

} // namespace zhuxue::sync
