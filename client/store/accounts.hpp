#pragma once
// Local staff accounts of one device: sign-in works with no network. Passwords are stored as
// Argon2id hashes (libsodium crypto_pwhash_str); failed attempts are counted on disk, so a
// restart does not reset a lockout. Accounts live in <dataDir>/accounts.db, apart from the
// records: they are never synced and never exported.
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

    // Whether accounts.db holds a wrapped data key (a staff machine); false when it is missing.
    static Result<bool> hasKeyWraps(const std::filesystem::path& dataDir);

private:
    explicit Accounts(Db db, LockoutRule rule, std::filesystem::path dataDir)
        : m_db(std::move(db)), m_rule(rule), m_dataDir(std::move(dataDir)) {}
    Status storeWrap(const std::string& user, const std::string& password);
    Result<std::optional<Account>> find(const std::string& user);
    Result<std::string> hash(const std::string& password);

    std::mutex m_mutex;
    std::atomic<int64_t> m_count{0};
    Db m_db;
    LockoutRule m_rule;
    std::filesystem::path m_dataDir;
};

} // namespace zhuxue::store
