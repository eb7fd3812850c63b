#include "accounts.hpp"

#include "crypto/key_vault.hpp"
#include "crypto/password_box.hpp"
#include "database.hpp"
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

namespace {
constexpr const char* kAccountCols =
    "user, display_name, role, failed, locked_until, last_sign_in, origin, disabled";

Account accountFrom(Stmt& st) {
    Account a;
    a.user = st.text(0);
    a.displayName = st.text(1);
    a.role = roleFromCode(st.text(2)).value_or(Role::Volunteer);
    a.failedAttempts = static_cast<int>(st.i64(3));
    a.lockedUntilMs = st.i64(4);
    a.lastSignInMs = st.i64(5);
    a.fromServer = st.text(6) == "server";
    a.disabled = st.i64(7) != 0;
    return a;
}
} // namespace

Result<std::unique_ptr<Accounts>> Accounts::open(const std::filesystem::path& dataDir, LockoutRule rule) {
    if (sodium_init() < 0)
        return Error("accounts.crypto_unavailable", {}, "sodium_init");
    if (auto st = ensureDir(dataDir); !st)
        return st.error();
    auto db = Db::open(path(dataDir).string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db)
        return db.error();
    // The staff client and its sync worker open this file at the same time: both wait for each
    // other, and the table is made or extended by one of them at a time.
    if (auto st = useWalWaiting(*db); !st)
        return st.error();
    if (auto st = db->exec("PRAGMA synchronous=FULL"); !st)
        return st.error();
    Transaction tx(*db);
    if (!tx.begun())
        return tx.begun().error();
    for (const char* sql : {"CREATE TABLE IF NOT EXISTS account ("
                            " user TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,"
                            " pw_hash TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
                            " locked_until INTEGER NOT NULL DEFAULT 0,"
                            " last_sign_in INTEGER NOT NULL DEFAULT 0) STRICT"})
        if (auto st = db->exec(sql); !st)
            return st.error();
    // Columns added later: key_wrap (the data key wrapped by this account's password, with
    // encryption at rest; for a server account the seal to its public key), then the server
    // account columns.
    for (auto [name, type] : {std::pair{"key_wrap", "TEXT"},
                              {"origin", "TEXT NOT NULL DEFAULT 'local'"},
                              {"counties", "TEXT NOT NULL DEFAULT ''"},
                              {"public_key", "TEXT"},
                              {"secret_box", "TEXT"},
                              {"disabled", "INTEGER NOT NULL DEFAULT 0"}}) {
        auto has = db->queryInt(std::string("SELECT count(*) FROM pragma_table_info('account') "
                                            "WHERE name = '") + name + "'");
        if (!has)
            return has.error();
        if (has->value_or(0) == 0)
            if (auto st = db->exec(std::string("ALTER TABLE account ADD COLUMN ") + name + " " + type); !st)
                return st.error();
    }
    if (auto st = tx.commit(); !st)
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
    auto st = m_db.prepare(std::string("SELECT ") + kAccountCols + " FROM account ORDER BY user");
    if (!st)
        return st.error();
    std::vector<Account> out;
    for (;;) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.push_back(accountFrom(*st));
    }
    return out;
}

Result<std::optional<Account>> Accounts::find(const std::string& user) {
    auto st = m_db.cached(std::string("SELECT ") + kAccountCols + " FROM account WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user);
    auto row = (*st)->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<Account>{};
    Account a = accountFrom(**st);
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
    auto server = isServerAccount(user);
    if (!server)
        return server.error();
    if (*server)
        return Error("accounts.server_managed", {{"user", user}});
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
    auto server = isServerAccount(user);
    if (!server)
        return server.error();
    if (*server)
        return Error("accounts.server_managed", {{"user", user}});
    auto st = m_db.cached("UPDATE account SET role = ?2 WHERE user = ?1");
    if (!st)
        return st.error();
    (*st)->bind(1, user).bind(2, toCode(role));
    return (*st)->run();
}

Result<bool> Accounts::isServerAccount(const std::string& user) {
    auto q = m_db.cached("SELECT count(*) FROM account WHERE user = ?1 AND origin = 'server'");
    if (!q)
        return q.error();
    (*q)->bind(1, user);
    auto row = (*q)->step();
    if (!row)
        return row.error();
    bool server = *row && (*q)->i64(0) > 0;
    (*q)->reset();
    return server;
}

Result<Account> Accounts::signIn(const std::string& user, const std::string& password, UnixMs nowMs) {
    std::lock_guard lock(m_mutex);
    auto found = find(user);
    if (!found)
        return found.error();
    std::string stored, wrap, publicKey, secretBox;
    if (*found) {
        auto q = m_db.cached("SELECT pw_hash, key_wrap, public_key, secret_box FROM account WHERE user = ?1");
        if (!q)
            return q.error();
        (*q)->bind(1, user);
        auto row = (*q)->step();
        if (!row)
            return row.error();
        if (*row) {
            stored = (*q)->text(0);
            wrap = (*q)->isNull(1) ? std::string() : (*q)->text(1);
            publicKey = (*q)->isNull(2) ? std::string() : (*q)->text(2);
            secretBox = (*q)->isNull(3) ? std::string() : (*q)->text(3);
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
    // Disabled on the server: said only to someone who knows the password, and not counted.
    if (ok && a.disabled)
        return Error("accounts.disabled", {{"user", a.user}});
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
    if (a.fromServer) {
        if (auto st = openServerSeal(wrap, publicKey, secretBox, password); !st)
            return st.error();
    } else if (!wrap.empty()) {
        auto key = crypto::unwrapKey(wrap, password);
        if (!key)
            return key.error();
        crypto::KeyVault::unlock(m_dataDir, *key);
    } else if (auto st = storeWrap(a.user, password); !st) {
        // An account from before encryption at rest: it gets the key now, if one is at hand.
        return st.error();
    }
    crypto::KeyVault::setHolder(m_dataDir, a.user);
    return a;
}

// ---- server accounts ------------------------------------------------------------------------

namespace {
// A server account's seal of the data key: "x25519$<public key b64>$<crypto_box_seal b64>". The
// public key it was made for is kept with it, so a changed key pair is noticed and sealed again.
constexpr std::string_view kSealPrefix = "x25519$";
constexpr std::string_view kBoxContext = "zhuxue account key"; // as zhuxue-server locks it

Result<std::string> sealTo(const std::string& publicKey, const crypto::SecretKey& key) {
    std::vector<unsigned char> pk;
    if (!crypto::fromBase64(publicKey, pk) || pk.size() != crypto_box_PUBLICKEYBYTES)
        return Error("store.crypto_damaged", {{"context", "account public key"}},
                     "a server account's public key is not 32 bytes of base64");
    std::vector<unsigned char> sealed(crypto_box_SEALBYTES + crypto::kKeyBytes);
    if (crypto_box_seal(sealed.data(), key.data(), crypto::kKeyBytes, pk.data()) != 0)
        return Error("store.crypto_damaged", {{"context", "account public key"}},
                     "cannot seal to a server account's public key");
    return std::string(kSealPrefix) + publicKey + "$" + crypto::toBase64(sealed.data(), sealed.size());
}

// Whether `wrap` is a seal made for `publicKey`.
bool sealedFor(const std::string& wrap, const std::string& publicKey) {
    return wrap.rfind(std::string(kSealPrefix) + publicKey + "$", 0) == 0;
}
} // namespace

Status Accounts::openServerSeal(const std::string& wrap, const std::string& publicKey,
                                const std::string& secretBox, const std::string& password) {
    if (wrap.empty() || !sealedFor(wrap, publicKey))
        return Error("accounts.not_on_device_yet");
    std::vector<unsigned char> pk, sealed;
    if (!crypto::fromBase64(publicKey, pk) || pk.size() != crypto_box_PUBLICKEYBYTES ||
        !crypto::fromBase64(std::string_view(wrap).substr(kSealPrefix.size() + publicKey.size() + 1), sealed) ||
        sealed.size() != crypto_box_SEALBYTES + crypto::kKeyBytes)
        return Error("store.crypto_damaged", {{"context", "key wrap"}},
                     "the sealed data key of this account is damaged");
    crypto::SecretKey secret, key;
    if (auto st = crypto::passwordOpen(secretBox, password, kBoxContext, secret.data()); !st)
        return st.error();
    if (crypto_box_seal_open(key.data(), sealed.data(), sealed.size(), pk.data(), secret.data()) != 0)
        return Error("store.crypto_damaged", {{"context", "key wrap"}},
                     "the sealed data key does not open with this account's key");
    crypto::KeyVault::unlock(m_dataDir, key);
    return {};
}

bool Accounts::dataUnlocked() const {
    return crypto::KeyVault::unlocked(m_dataDir);
}

Result<ServerAccountsApplied> Accounts::applyServerAccounts(const std::vector<ServerAccount>& accounts) {
    std::lock_guard lock(m_mutex);
    ServerAccountsApplied out;
    std::optional<crypto::SecretKey> key;
    if (auto k = crypto::KeyVault::copy(m_dataDir))
        key = std::move(*k);
    if (auto st = m_db.exec("BEGIN IMMEDIATE"); !st)
        return st.error();
    auto fail = [&](Error e) -> Result<ServerAccountsApplied> {
        (void)m_db.exec("ROLLBACK");
        return e;
    };
    std::vector<std::string> listed;
    for (const auto& sa : accounts) {
        auto q = m_db.cached("SELECT origin, pw_hash, role, display_name, counties, disabled, "
                             "public_key, secret_box, key_wrap FROM account WHERE user = ?1");
        if (!q)
            return fail(q.error());
        (*q)->bind(1, sa.user);
        auto row = (*q)->step();
        if (!row)
            return fail(row.error());
        bool exists = *row;
        std::string origin, pwHash, role, name, counties, publicKey, secretBox, wrap;
        bool disabled = false;
        if (exists) {
            origin = (*q)->text(0);
            pwHash = (*q)->text(1);
            role = (*q)->text(2);
            name = (*q)->text(3);
            counties = (*q)->text(4);
            disabled = (*q)->i64(5) != 0;
            publicKey = (*q)->isNull(6) ? "" : (*q)->text(6);
            secretBox = (*q)->isNull(7) ? "" : (*q)->text(7);
            wrap = (*q)->isNull(8) ? "" : (*q)->text(8);
        }
        (*q)->reset();
        if (exists && origin != "server") {
            out.clashes.push_back(sa.user);
            continue;
        }
        listed.push_back(sa.user);
        std::string newCounties;
        for (const auto& c : sa.counties) // the store does not depend on sync/protocol's helper
            newCounties += (newCounties.empty() ? "" : ",") + c;
        // A seal is kept only for an enabled account and the public key it was made for.
        std::string newWrap = !sa.disabled && sealedFor(wrap, sa.publicKey) ? wrap : std::string();
        if (newWrap.empty() && !sa.disabled && key) {
            auto sealed = sealTo(sa.publicKey, *key);
            if (!sealed)
                return fail(sealed.error());
            newWrap = *sealed;
            out.sealed++;
        }
        if (newWrap.empty() && !sa.disabled)
            out.waitingForKey++;
        // Runs the INSERT or the UPDATE below with the account's fields bound to ?1-?9.
        auto writeFields = [&](const char* sql) -> Status {
            auto st = m_db.cached(sql);
            if (!st)
                return st.error();
            (*st)->bind(1, sa.user).bind(2, sa.displayName.empty() ? sa.user : sa.displayName)
                .bind(3, toCode(sa.role)).bind(4, sa.pwHash).bind(5, newCounties)
                .bind(6, sa.publicKey).bind(7, sa.secretBox).bind(8, sa.disabled ? 1 : 0);
            if (newWrap.empty())
                (*st)->bindNull(9);
            else
                (*st)->bind(9, newWrap);
            return (*st)->run();
        };
        if (!exists) {
            if (auto r = writeFields(
                    "INSERT INTO account(user, display_name, role, pw_hash, origin, counties, "
                    "public_key, secret_box, disabled, key_wrap) "
                    "VALUES(?1, ?2, ?3, ?4, 'server', ?5, ?6, ?7, ?8, ?9)");
                !r)
                return fail(r.error());
            out.added++;
            if (sa.disabled)
                out.disabled++;
            continue;
        }
        bool same = pwHash == sa.pwHash && role == toCode(sa.role) && name == sa.displayName &&
                    counties == newCounties && disabled == sa.disabled && publicKey == sa.publicKey &&
                    secretBox == sa.secretBox && wrap == newWrap;
        if (same)
            continue;
        // A new password from the server is a fresh start for the lockout, as a reset is locally.
        if (auto r = writeFields(
                "UPDATE account SET display_name = ?2, role = ?3, pw_hash = ?4, counties = ?5, "
                "public_key = ?6, secret_box = ?7, disabled = ?8, key_wrap = ?9, "
                "failed = CASE WHEN pw_hash = ?4 THEN failed ELSE 0 END, "
                "locked_until = CASE WHEN pw_hash = ?4 THEN locked_until ELSE 0 END WHERE user = ?1");
            !r)
            return fail(r.error());
        out.changed++;
        if (sa.disabled && !disabled)
            out.disabled++;
    }
    // Server accounts the server no longer lists for this device's counties: disabled here too.
    auto all = m_db.prepare("SELECT user FROM account WHERE origin = 'server' AND disabled = 0");
    if (!all)
        return fail(all.error());
    std::vector<std::string> gone;
    for (;;) {
        auto row = all->step();
        if (!row)
            return fail(row.error());
        if (!*row)
            break;
        std::string u = all->text(0);
        if (std::find(listed.begin(), listed.end(), u) == listed.end())
            gone.push_back(u);
    }
    for (const auto& u : gone) {
        auto upd = m_db.cached("UPDATE account SET disabled = 1, key_wrap = NULL WHERE user = ?1");
        if (!upd)
            return fail(upd.error());
        (*upd)->bind(1, u);
        if (auto r = (*upd)->run(); !r)
            return fail(r.error());
        out.disabled++;
    }
    if (auto st = m_db.exec("COMMIT"); !st)
        return fail(st.error());
    auto n = m_db.queryInt("SELECT count(*) FROM account");
    if (n)
        m_count = n->value_or(0);
    // The signed-in person's account was disabled: end the session now, not at the next lock.
    if (std::string holder = crypto::KeyVault::holder(m_dataDir); !holder.empty()) {
        auto h = find(holder);
        if (h && *h && (*h)->fromServer && (*h)->disabled) {
            crypto::KeyVault::lock(m_dataDir);
            out.sessionLocked = true;
        }
    }
    return out;
}

} // namespace zhuxue::store
