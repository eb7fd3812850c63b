#include "account_store.hpp"

#include "client/store/crypto/password_box.hpp"

#include <sodium.h>

#include <algorithm>

namespace zhuxue::sync::server {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS staff_accounts(user_name TEXT PRIMARY KEY, display_name TEXT NOT "
    "NULL, role TEXT NOT NULL, counties TEXT NOT NULL, disabled BIGINT NOT NULL DEFAULT 0, "
    "pw_hash TEXT NOT NULL, public_key TEXT NOT NULL, secret_key TEXT NOT NULL, secret_box TEXT "
    "NOT NULL, updated_at BIGINT NOT NULL)";
constexpr const char* kCols =
    "user_name, display_name, role, counties, disabled, pw_hash, public_key, secret_box";
// Authenticated with the box, so the locked private key cannot pass for another kind of key.
constexpr std::string_view kBoxContext = "zhuxue account key";

AccountRecord fromRow(const SqlRow& r) {
    AccountRecord a;
    a.user = r[0];
    a.displayName = r[1];
    a.role = r[2];
    a.counties = splitCountyList(r[3]);
    a.disabled = r[4] == "1";
    a.pwHash = r[5];
    a.publicKey = r[6];
    a.secretBox = r[7];
    return a;
}

std::size_t codepoints(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

Status checkPassword(const std::string& password) {
    if (codepoints(password) < 8)
        return Error("account.weak_password", {{"min", "8"}}, "the password needs at least 8 characters");
    return {};
}

Result<std::string> hashPassword(const std::string& password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return Error("account.crypto", {}, "Argon2id could not get its memory");
    return std::string(out);
}

} // namespace

Status AccountStore::init() {
    if (sodium_init() < 0)
        return Error("sync.error.storage", {}, "libsodium cannot start");
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    if (auto r = (*tx)->query(kSchema); !r)
        return r.error();
    return (*tx)->commit();
}

Status AccountStore::add(const NewAccount& a, const std::string& password, int64_t now) {
    if (!isAccountUser(a.user))
        return Error("account.bad_user", {{"user", a.user}},
                     "the user name must be 1-64 characters without spaces");
    if (!isAccountRole(a.role))
        return Error("account.bad_role", {{"role", a.role}}, "the role is admin, staff or volunteer");
    if (a.counties.empty())
        return Error("account.bad_county", {{"county", ""}}, "an account needs --county CODE");
    for (const auto& c : a.counties)
        if (!isCountyCode(c))
            return Error("account.bad_county", {{"county", c}}, c + " is not a 6-digit county code");
    if (auto st = checkPassword(password); !st)
        return st;
    auto hash = hashPassword(password);
    if (!hash)
        return hash.error();
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    auto box = store::crypto::passwordSeal(sk, password, kBoxContext);
    std::string skText = store::crypto::toBase64(sk, sizeof sk);
    sodium_memzero(sk, sizeof sk);
    if (!box)
        return box.error();
    const std::string counties = joinCountyList(a.counties);
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto exists = (*tx)->query("SELECT 1 FROM staff_accounts WHERE user_name = $1", {a.user});
    if (!exists)
        return exists.error();
    if (!exists->empty())
        return Error("account.exists", {{"user", a.user}}, "an account " + a.user + " exists already");
    auto ins = (*tx)->query(
        "INSERT INTO staff_accounts(user_name, display_name, role, counties, disabled, pw_hash, "
        "public_key, secret_key, secret_box, updated_at) VALUES($1, $2, $3, $4, 0, $5, $6, $7, $8, $9)",
        {a.user, a.displayName.empty() ? a.user : a.displayName, a.role, counties, *hash,
         store::crypto::toBase64(pk, sizeof pk), skText, *box, std::to_string(now)});
    sodium_memzero(skText.data(), skText.size());
    if (!ins)
        return ins.error();
    return (*tx)->commit();
}

Status AccountStore::setPassword(const std::string& user, const std::string& password, int64_t now) {
    if (auto st = checkPassword(password); !st)
        return st;
    auto hash = hashPassword(password);
    if (!hash)
        return hash.error();
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto row = (*tx)->query("SELECT secret_key FROM staff_accounts WHERE user_name = $1", {user});
    if (!row)
        return row.error();
    if (row->empty())
        return Error("account.unknown", {{"user", user}}, "no account " + user);
    std::vector<unsigned char> sk;
    if (!store::crypto::fromBase64((*row)[0][0], sk) || sk.size() != crypto_box_SECRETKEYBYTES)
        return Error("sync.error.storage", {}, "the stored key of " + user + " is damaged");
    auto box = store::crypto::passwordSeal(sk.data(), password, kBoxContext);
    sodium_memzero(sk.data(), sk.size());
    sodium_memzero((*row)[0][0].data(), (*row)[0][0].size());
    if (!box)
        return box.error();
    auto upd = (*tx)->query(
        "UPDATE staff_accounts SET pw_hash = $2, secret_box = $3, updated_at = $4 WHERE user_name = $1",
        {user, *hash, *box, std::to_string(now)});
    if (!upd)
        return upd.error();
    return (*tx)->commit();
}

Status AccountStore::setDisabled(const std::string& user, bool disabled, int64_t now) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto row = (*tx)->query("SELECT 1 FROM staff_accounts WHERE user_name = $1", {user});
    if (!row)
        return row.error();
    if (row->empty())
        return Error("account.unknown", {{"user", user}}, "no account " + user);
    auto upd = (*tx)->query("UPDATE staff_accounts SET disabled = $2, updated_at = $3 WHERE user_name = $1",
                            {user, disabled ? "1" : "0", std::to_string(now)});
    if (!upd)
        return upd.error();
    return (*tx)->commit();
}

Result<std::vector<AccountRecord>> AccountStore::list() {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto rows = (*tx)->query(std::string("SELECT ") + kCols + " FROM staff_accounts ORDER BY user_name");
    if (!rows)
        return rows.error();
    std::vector<AccountRecord> out;
    for (const auto& r : *rows)
        out.push_back(fromRow(r));
    return out;
}

Result<std::vector<AccountRecord>> AccountStore::forCounties(const std::vector<std::string>& counties) {
    auto all = list();
    if (!all)
        return all.error();
    std::vector<AccountRecord> out;
    for (auto& a : *all) {
        std::vector<std::string> shared;
        for (const auto& c : a.counties)
            if (std::find(counties.begin(), counties.end(), c) != counties.end())
                shared.push_back(c);
        if (shared.empty())
            continue;
        a.counties = std::move(shared);
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace zhuxue::sync::server
