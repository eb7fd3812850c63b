#include "accounts.hpp"

#include "crypto/key_vault.hpp"
#include "paths.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>

namespace zhuxue::store {

std::string_view toCode(Role role) {
    switch (role) {
    case Role::Admin: return "admin";
    case Role::Staff: return "staff";
    case Role::Volunteer: return "volunteer";
    }
    return "volunteer";
}

std::optional<Role> roleFromCode(std::string_view code) {
    for (Role r : {Role::Admin, Role::Staff, Role::Volunteer})
        if (toCode(r) == code)
            return r;
    return std::nullopt;
}

std::filesystem::path Accounts::path(const std::filesystem::path& dataDir) {
    return dataDir / "accounts.db";
}

Result<std::unique_ptr<Accounts>> Accounts::open(const std::filesystem::path& dataDir, LockoutRule rule) {
    if (sodium_init() < 0)
        return Error("accounts.crypto_unavailable", {}, "sodium_init");
    if (auto st = ensureDir(dataDir); !st)
        return st.error();
    auto db = Db::open(path(dataDir).string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db)
        return db.error();
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                            "CREATE TABLE IF NOT EXISTS account ("
                            " user TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,"
                            " pw_hash TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
                            " locked_until INTEGER NOT NULL DEFAULT 0,"
                            " last_sign_in INTEGER NOT NULL DEFAULT 0) STRICT"})
        if (auto st = db->exec(sql); !st)
            return st.error();
    // The data key wrapped by this account's password (added with encryption at rest).
    auto wrapColumn =
        db->queryInt("SELECT count(*) FROM pragma_table_info('account') WHERE name = 'key_wrap'");
    if (!wrapColumn)
        return wrapColumn.error();
    if (wrapColumn->value_or(0) == 0)
        if (auto st = db->exec("ALTER TABLE account ADD COLUMN key_wrap TEXT"); !st)
            return st.error();
    auto n = db->queryInt("SELECT count(*) FROM account");
    if (!n)
        return n.error();
    auto accounts = std::unique_ptr<Accounts>(new Accounts(std::move(*db), rule, dataDir));
    accounts->m_count = n->value_or(0);
    return accounts;
}

Result<bool> Accounts::empty() {
    std::lock_guard lock(m_mutex);
    auto n = m_db.queryInt("SELECT count(*) FROM account");
    if (!n)
        return n.error();
    return !n->has_value() || **n == 0;
}

Result<std::vector<Account>> Accounts::list() {
    std::lock_guard lock(m_mutex);
    auto st = m_db.prepare("SELECT user, display_name, role, failed, locked_until, last_sign_in "
                           "FROM account ORDER BY user");
    if (!st)
        return st.error();
    std::vector<Account> out;
    for (;;) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        Account a;
        a.user = st->text(0);
        a.displayName = st->text(1);
        a.role = roleFromCode(st->text(2)).value_or(Role::Volunteer);
        a.failedAttempts = static_cast<int>(st->i64(3));
        a.lockedUntilMs = st->i64(4);
        a.lastSignInMs = st->i64(5);
        out.push_back(std::move(a));
    }
    return out;
}

Result<std::optional<Account>> Accounts::find(const std::string& user) {
    auto st = m_db.cached("SELECT user, display_name, role, failed, locked_until, last_sign_in "
                          "FROM account WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user);
    auto row = (*st)->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<Account>{};
    Account a;
    a.user = (*st)->text(0);
    a.displayName = (*st)->text(1);
    a.role = roleFromCode((*st)->text(2)).value_or(Role::Volunteer);
    a.failedAttempts = static_cast<int>((*st)->i64(3));
    a.lockedUntilMs = (*st)->i64(4);
    a.lastSignInMs = (*st)->i64(5);
    (*st)->reset();
    return std::optional<Account>(std::move(a));
}

Result<std::string> Accounts::hash(const std::string& password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return Error("accounts.crypto_unavailable", {}, "crypto_pwhash_str: out of memory");
    return std::string(out);
}

namespace {
Error lockedError(UnixMs until, UnixMs now) {
    if (until == kLockedUntilUnlocked)
        return Error("accounts.locked", {}, "locked until an administrator unlocks it");
    return Error("accounts.locked_for", {{"minutes", std::to_string((until - now + 59'999) / 60'000)}});
}

size_t codepoints(std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}
} // namespace

Status Accounts::create(const std::string& user, const std::string& displayName, Role role,
                        const std::string& password) {
    if (user.empty() || user.size() > 64 || user.find_first_of(" \t\n") != std::string::npos)
        return Error("accounts.bad_user", {{"user", user}});
    if (codepoints(password) < 8)
        return Error("accounts.weak_password", {{"min", "8"}});
    auto h = hash(password);
    if (!h)
        return h.error();
    std::lock_guard lock(m_mutex);
    auto existing = find(user);
    if (!existing)
        return existing.error();
    if (*existing)
        return Error("accounts.exists", {{"user", user}});
    auto st = m_db.cached("INSERT INTO account(user, display_name, role, pw_hash) VALUES(?1,?2,?3,?4)");
    if (!st)
        return st.error();
    (*st)->bind(1, user).bind(2, displayName.empty() ? user : displayName).bind(3, toCode(role)).bind(4, *h);
    if (auto r = (*st)->run(); !r)
        return r;
    ++m_count;
    return storeWrap(user, password);
}

Result<bool> Accounts::hasKeyWraps(const std::filesystem::path& dataDir) {
    std::error_code ec;
    if (!std::filesystem::exists(path(dataDir), ec))
        return false;
    auto db = Db::open(path(dataDir).string(), SQLITE_OPEN_READONLY);
    if (!db)
        return db.error();
    auto col =
        db->queryInt("SELECT count(*) FROM pragma_table_info('account') WHERE name = 'key_wrap'");
    if (!col)
        return col.error();
    if (col->value_or(0) == 0)
        return false;
    auto n = db->queryInt("SELECT count(*) FROM account WHERE key_wrap IS NOT NULL");
    if (!n)
        return n.error();
    return n->value_or(0) > 0;
}

// Wraps the data key for `user`. The key comes from memory (someone is signed in), else from
// device.key (a device that had no accounts yet), else it is made here when no account holds a
// wrapped key and no store sealed anything with another one (Store::open refuses to replace a
// lost key). With a wrap stored, device.key is deleted: the key now exists only wrapped.
Status Accounts::storeWrap(const std::string& user, const std::string& password) {
    using crypto::KeyVault;
    if (!KeyVault::unlocked(m_dataDir)) {
        auto loaded = KeyVault::loadDeviceKey(m_dataDir);
        if (!loaded)
            return loaded.error();
        if (!*loaded) {
            auto others = m_db.queryInt("SELECT count(*) FROM account WHERE key_wrap IS NOT NULL");
            if (!others)
                return others.error();
            if (others->value_or(0) > 0)
                return Error("accounts.key_locked", {{"user", user}},
                             "an administrator must be signed in to give a new account access");
            KeyVault::unlock(m_dataDir, crypto::SecretKey::random());
        }
    }
    auto key = KeyVault::copy(m_dataDir);
    if (!key)
        return key.error();
    auto wrapped = crypto::wrapKey(*key, password);
    if (!wrapped)
        return wrapped.error();
    auto st = m_db.cached("UPDATE account SET key_wrap = ?2 WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user).bind(2, *wrapped);
    if (auto r = (*st)->run(); !r)
        return r;
    KeyVault::removeDeviceKey(m_dataDir);
    return {};
}

void Accounts::lockData() {
    crypto::KeyVault::lock(m_dataDir);
}

Status Accounts::setPassword(const std::string& user, const std::string& password) {
    if (codepoints(password) < 8)
        return Error("accounts.weak_password", {{"min", "8"}});
    auto h = hash(password);
    if (!h)
        return h.error();
    std::lock_guard lock(m_mutex);
    auto st = m_db.cached("UPDATE account SET pw_hash = ?2, failed = 0, locked_until = 0 WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user).bind(2, *h);
    if (auto r = (*st)->run(); !r)
        return r;
    if (m_db.changes() != 1)
        return Error("accounts.wrong");
    return storeWrap(user, password);
}

Status Accounts::unlock(const std::string& user) {
    std::lock_guard lock(m_mutex);
    auto st = m_db.cached("UPDATE account SET failed = 0, locked_until = 0 WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user);
    if (auto r = (*st)->run(); !r)
        return r;
    return m_db.changes() == 1 ? Status{} : Status(Error("accounts.wrong"));
}

Status Accounts::setRole(const std::string& user, Role role) {
    std::lock_guard lock(m_mutex);
    auto st = m_db.cached("UPDATE account SET role = ?2 WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user).bind(2, toCode(role));
    return (*st)->run();
}

Result<Account> Accounts::signIn(const std::string& user, const std::string& password, UnixMs nowMs) {
    std::lock_guard lock(m_mutex);
    auto found = find(user);
    if (!found)
        return found.error();
    std::string stored, wrap;
    if (*found) {
        auto q = m_db.cached("SELECT pw_hash, key_wrap FROM account WHERE user = ?1");
        if (!q)
            return q.error();
        (*q)->bind(1, user);
        auto row = (*q)->step();
        if (!row)
            return row.error();
        if (*row) {
            stored = (*q)->text(0);
            wrap = (*q)->isNull(1) ? std::string() : (*q)->text(1);
        }
        (*q)->reset();
    }
    if (!*found || stored.empty()) {
        // Spend the same time as a real check, so timing does not reveal which names exist.
        char dummy[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(dummy, password.data(), password.size(),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            return Error("accounts.crypto_unavailable");
        return Error("accounts.wrong");
    }
    Account a = **found;
    if (a.lockedUntilMs > nowMs)
        return lockedError(a.lockedUntilMs, nowMs);
    bool ok = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
    auto upd = m_db.cached("UPDATE account SET failed = ?2, locked_until = ?3, last_sign_in = ?4 WHERE user = ?1");
    if (!upd)
        return upd.error();
    if (ok) {
        a.failedAttempts = 0;
        a.lockedUntilMs = 0;
        a.lastSignInMs = nowMs;
    } else {
        a.failedAttempts += 1;
        if (a.failedAttempts >= m_rule.maxAttempts) {
            a.lockedUntilMs = m_rule.lockMs == 0 ? kLockedUntilUnlocked : nowMs + m_rule.lockMs;
            a.failedAttempts = 0;
        }
    }
    (*upd)->bind(1, a.user).bind(2, a.failedAttempts).bind(3, a.lockedUntilMs).bind(4, a.lastSignInMs);
    if (auto st = (*upd)->run(); !st)
        return st.error();
    if (!ok) {
        if (a.lockedUntilMs > nowMs)
            return lockedError(a.lockedUntilMs, nowMs);
        return Error("accounts.wrong");
    }
    if (!wrap.empty()) {
        auto key = crypto::unwrapKey(wrap, password);
        if (!key)
            return key.error();
        crypto::KeyVault::unlock(m_dataDir, *key);
    } else if (auto st = storeWrap(a.user, password); !st) {
        // An account from before encryption at rest: it gets the key now, if one is at hand.
        return st.error();
    }
    return a;
}

} // namespace zhuxue::store
