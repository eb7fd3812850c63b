#pragma once
// Staff accounts kept by zhuxue-server and sent to the devices of their counties
// (GET /v1/accounts, PROTOCOL.md "Accounts"). Made with `zhuxue-server account ...`.
//
// The password is never stored: only its Argon2id hash (crypto_pwhash_str) and the account's
// X25519 private key locked by it (client/store/crypto/password_box.hpp). Devices seal their
// data key to the public key, so a person signs in on any device of the county offline, and the
// password opens that device's data key. The server also keeps the private key itself (like the
// hall's seal key, queue_keys): a password reset locks the SAME private key under the new
// password, so no device has to re-seal anything. Whoever holds the server database AND a
// device's files could therefore open that device's data key; either alone reveals nothing.
//
// Same SQL for SQLite and PostgreSQL, through the storage's transaction interface (QueueDb).
#include "queue_store.hpp"
#include "sync/protocol/accounts.hpp"

#include <memory>
#include <string>
#include <vector>

namespace zhuxue::sync::server {

struct NewAccount {
    std::string user, displayName, role;
    std::vector<std::string> counties;
};

class AccountStore {
public:
    explicit AccountStore(std::unique_ptr<QueueDb> db) : m_db(std::move(db)) {}
    Status init(); // creates the table when missing

    // Errors (account.*, sync.json): bad_user, bad_role, bad_county, weak_password, exists.
    Status add(const NewAccount& a, const std::string& password, int64_t now);
    // Same key pair, locked under the new password. Errors: account.unknown, weak_password.
    Status setPassword(const std::string& user, const std::string& password, int64_t now);
    // Errors: account.unknown.
    Status setDisabled(const std::string& user, bool disabled, int64_t now);
    // Every account (for `account list`), counties as bound.
    Result<std::vector<AccountRecord>> list();
    // The accounts bound to any of these counties, each with only those of its counties that are
    // among them (a device learns nothing about other counties).
    Result<std::vector<AccountRecord>> forCounties(const std::vector<std::string>& counties);

private:
    std::unique_ptr<QueueDb> m_db;
};

} // namespace zhuxue::sync::server
