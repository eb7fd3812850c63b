#pragma once
// Staff accounts of one device: sign-in works with no network. Passwords are stored as
// Argon2id hashes (libsodium crypto_pwhash_str); failed attempts are counted on disk, so a
// restart does not reset a lockout. Accounts live in <dataDir>/accounts.db, apart from the
// records, and are never exported.
//
// Two kinds, one table:
//  - local accounts, made on this device (create); the data key is wrapped by the password.
//  - server accounts, made with `zhuxue-server account add` and received by sync
//    (applyServerAccounts; PROTOCOL.md "Accounts"). Each has an X25519 key pair: the public key,
//    and the private key locked by the password (crypto/password_box.hpp). When one arrives while
//    someone is signed in, this device seals its data key to the public key; at sign-in the
//    password opens the private key, which opens that seal. A password reset on the server
//    locks the same private key again, so the seal stays valid. Their password, role and
//    enabled state are the server's (setPassword/setRole refuse them: accounts.server_managed);
//    the failure count and lockout stay local, like a local account's.
//
// Thread use: every function locks; hashing takes ~0.1 s, so the UI calls signIn/create from a
// worker and hands the result back through the main-thread queue.
#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "sqlite.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::store {

// admin: everything incl. accounts and settings; staff: all casework; volunteer: guides families
// through forms, cannot approve, sign contracts or resolve conflicts.
enum class Role { Admin, Staff, Volunteer };
std::string_view toCode(Role role);
std::optional<Role> roleFromCode(std::string_view code);

struct Account {
    std::string user;        // sign-in name, unique
    std::string displayName; // shown in the UI and written to the audit
    Role role = Role::Volunteer;
    int failedAttempts = 0;
    UnixMs lockedUntilMs = 0; // 0: not locked
    UnixMs lastSignInMs = 0;
    bool fromServer = false; // made on zhuxue-server, received by sync
    bool disabled = false;   // disabled on the server: sign-in refused (accounts.disabled)
};

// A server account as sync received it (sync/protocol/accounts.hpp AccountRecord).
struct ServerAccount {
    std::string user, displayName;
    Role role = Role::Volunteer;
    std::vector<std::string> counties;
    bool disabled = false;
    std::string pwHash;    // crypto_pwhash_str
    std::string publicKey; // base64, 32 bytes
    std::string secretBox; // the private key locked by the password
};

struct ServerAccountsApplied {
    int added = 0, changed = 0, disabled = 0;
    int sealed = 0;         // accounts given this device's data key now
    int waitingForKey = 0;  // enabled but not yet given it (nobody signed in while it arrived)
    bool sessionLocked = false; // the signed-in account was disabled: the data key left memory
    std::vector<std::string> clashes; // a local account has the name: the server's is ignored
};

struct LockoutRule {
    int maxAttempts = 5; // wrong passwords in a row before the account locks
    UnixMs lockMs = 0;   // for this long; 0: until an administrator unlocks it (unlock())
};

inline constexpr UnixMs kLockedUntilUnlocked = INT64_MAX;

class Accounts {
public:
    static Result<std::unique_ptr<Accounts>> open(const std::filesystem::path& dataDir,
                                                  LockoutRule rule = {});
    static std::filesystem::path path(const std::filesystem::path& dataDir);

    Result<bool> empty();
    // Lock-free: whether any account exists (for the UI, which must not wait on a hashing job).
    bool anyAccount() const { return m_count.load() > 0; }
    Result<std::vector<Account>> list();
    // Errors: accounts.bad_user (empty or too long), accounts.weak_password (< 8 characters),
    // accounts.exists.
    Status create(const std::string& user, const std::string& displayName, Role role,
                  const std::string& password);
    Status setPassword(const std::string& user, const std::string& password);
    Status setRole(const std::string& user, Role role);
    // An administrator lifts a lockout (the failure count starts again at 0).
    // Error accounts.wrong when no such user.
    Status unlock(const std::string& user);
    // Errors: accounts.wrong (unknown user or wrong password: the message does not tell which),
    // accounts.locked (until an administrator unlocks), accounts.locked_for {minutes} (a rule with
    // lockMs > 0). A success clears the failure count. Counts are on disk (WAL, synchronous=FULL),
    // so killing the program does not reset them.
    // A successful sign-in also unwraps this device's data key with the password and unlocks it
    // for every Store of the data directory (crypto/key_vault.hpp); create() and setPassword()
    // wrap the key for the account (the first account takes over the key from device.key).
    Result<Account> signIn(const std::string& user, const std::string& password, UnixMs nowMs);
    // Wipes the data key from memory (sign-out, idle lock): records read as store.locked until
    // the next sign-in.
    void lockData();

    // The whole list of server accounts for this device's counties, as the server sent it:
    // new ones are added, changed ones updated (a new password hash clears the lockout), ones
    // missing from the list are disabled. Disabling drops the account's seal of the data key.
    // Accounts without a seal get one when the data key is unlocked. When the account that
    // unlocked the key is disabled, the key is locked at once (sessionLocked), so the client
    // returns to sign-in.
    Result<ServerAccountsApplied> applyServerAccounts(const std::vector<ServerAccount>& accounts);
    // Whether the data key is in memory (someone signed in); lock-free enough for every frame.
    bool dataUnlocked() const;

    // Whether accounts.db holds a wrapped data key (a staff machine); false when it is missing.
    static Result<bool> hasKeyWraps(const std::filesystem::path& dataDir);

private:
    explicit Accounts(Db db, LockoutRule rule, std::filesystem::path dataDir)
        : m_db(std::move(db)), m_rule(rule), m_dataDir(std::move(dataDir)) {}
    Status storeWrap(const std::string& user, const std::string& password);
    Result<std::optional<Account>> find(const std::string& user);
    Result<bool> isServerAccount(const std::string& user);
    // Opens the seal of a server account with its password into the key vault.
    Status openServerSeal(const std::string& wrap, const std::string& publicKey,
                          const std::string& secretBox, const std::string& password);
    Result<std::string> hash(const std::string& password);

    std::mutex m_mutex;
    std::atomic<int64_t> m_count{0};
    Db m_db;
    LockoutRule m_rule;
    std::filesystem::path m_dataDir;
};

} // namespace zhuxue::store
