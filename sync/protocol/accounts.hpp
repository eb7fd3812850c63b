#pragma once
// Staff accounts made on the server (`zhuxue-server account ...`) as they travel to devices:
// GET /v1/accounts answers every account bound to one of the device's counties (PROTOCOL.md,
// "Accounts"). Nothing here is a password: `pw_hash` is an Argon2id hash
// (crypto_pwhash_str), `secret_box` the account's X25519 private key locked by the password
// (client/store/crypto/password_box.hpp), `public_key` the key devices seal their data key to.
#include "change.hpp"

#include <string>
#include <vector>

namespace zhuxue::sync {

struct AccountRecord {
    std::string user;
    std::string displayName;
    std::string role;                  // admin | staff | volunteer
    std::vector<std::string> counties; // of the asking device's counties, the ones it is bound to
    bool disabled = false;
    std::string pwHash;    // "$argon2id$..."
    std::string publicKey; // base64 (no padding) of 32 bytes
    std::string secretBox; // "argon2id$ops$mem$salt$sealed"
};

struct AccountsResponse {
    std::vector<AccountRecord> accounts;
};

inline constexpr std::size_t kMaxAccounts = 10000;

bool isAccountRole(std::string_view role);
// User names: 1-64 bytes, no whitespace or control characters (as on the device).
bool isAccountUser(std::string_view user);

nlohmann::json toJson(const AccountRecord& a);
nlohmann::json toJson(const AccountsResponse& r);
Result<AccountRecord> accountFromJson(const nlohmann::json& j);
Result<AccountsResponse> accountsResponseFromJson(const nlohmann::json& j);

} // namespace zhuxue::sync
