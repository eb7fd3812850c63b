#include "backup_crypto.hpp"

#include "accounts.hpp"
#include "crypto/key_vault.hpp"
#include "paths.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>
#include <vector>

namespace zhuxue::store {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'Z', 'X', 'B', 'A', 'C', 'K', 'U', 'P'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kKdfArgon2id13 = 1;
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr std::size_t kStreamHeader = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 8 + kSaltBytes + kStreamHeader;
static_assert(kHeaderBytes == 68);
using Key = std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES>;

void putU64(unsigned char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t getU64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

Error fileError(const std::string& key, const fs::path& path, const std::string& detail = {}) {
    return Error(key, {{"path", path.string()}}, detail);
}

// Wipes the derived key whatever way the function leaves.
struct KeyGuard {
    Key key{};
    ~KeyGuard() { sodium_memzero(key.data(), key.size()); }
};

Status deriveKey(Key& key, const std::string& passphrase, const unsigned char* salt, KdfLimits limits) {
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt, limits.opsLimit,
                      limits.memLimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return Error("backup.out_of_memory", {}, "crypto_pwhash: not enough memory");
    return {};
}

Status syncAndRename(const fs::path& tmp, const fs::path& file) {
    if (auto st = commitFileDurably(tmp, file); !st)
        return fileError("backup.write_failed", file, st.error().detail);
    return {};
}

std::string utcStamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// A plaintext copy lives only in the data directory (as private as the store itself) and only
// for the length of one call.
struct TempPlain {
    fs::path path;
    ~TempPlain() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            fs::remove(path.string() + suffix, ec);
    }
};

Status copyWithBackupApi(Db& src, const fs::path& to) {
    auto dst = Db::open(to.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dst)
        return dst.error();
    sqlite3_backup* b = sqlite3_backup_init(dst->raw(), "main", src.raw(), "main");
    if (!b)
        return Error("backup.copy_failed", {}, sqlite3_errmsg(dst->raw()));
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return Error("backup.copy_failed", {}, sqlite3_errstr(rc));
    // One self-contained file, no WAL beside it.
    return dst->exec("PRAGMA journal_mode=DELETE");
}

} // namespace

KdfLimits defaultKdfLimits() {
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

Status encryptFile(const fs::path& plainFile, const fs::path& outFile, const std::string& passphrase,
                   KdfLimits limits) {
    if (sodium_init() < 0)
        return Error("backup.crypto_unavailable");
    std::ifstream in(plainFile, std::ios::binary);
    if (!in)
        return fileError("backup.read_failed", plainFile);
    std::array<unsigned char, kHeaderBytes> header{};
    std::copy(std::begin(kMagic), std::end(kMagic), header.begin());
    header[8] = kVersion;
    header[9] = kKdfArgon2id13;
    putU64(&header[12], limits.opsLimit);
    putU64(&header[20], limits.memLimit);
    unsigned char* salt = &header[28];
    randombytes_buf(salt, kSaltBytes);
    KeyGuard k;
    if (auto st = deriveKey(k.key, passphrase, salt, limits); !st)
        return st;
    crypto_secretstream_xchacha20poly1305_state state;
    crypto_secretstream_xchacha20poly1305_init_push(&state, &header[28 + kSaltBytes], k.key.data());

    fs::path tmp = outFile.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return fileError("backup.write_failed", outFile);
        out.write(reinterpret_cast<const char*>(header.data()), header.size());
        std::vector<unsigned char> plain(kChunk), cipher(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES);
        for (;;) {
            in.read(reinterpret_cast<char*>(plain.data()), static_cast<std::streamsize>(plain.size()));
            std::size_t n = static_cast<std::size_t>(in.gcount());
            bool last = in.eof();
            if (in.bad())
                return fileError("backup.read_failed", plainFile);
            unsigned long long clen = 0;
            crypto_secretstream_xchacha20poly1305_push(&state, cipher.data(), &clen, plain.data(), n, header.data(),
                                                       header.size(),
                                                       last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
            unsigned char len[4] = {static_cast<unsigned char>(clen), static_cast<unsigned char>(clen >> 8),
                                    static_cast<unsigned char>(clen >> 16), static_cast<unsigned char>(clen >> 24)};
            out.write(reinterpret_cast<const char*>(len), 4);
            out.write(reinterpret_cast<const char*>(cipher.data()), static_cast<std::streamsize>(clen));
            if (last)
                break;
        }
        sodium_memzero(plain.data(), plain.size());
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            return fileError("backup.write_failed", outFile, "disk full or not writable");
        }
    }
    return syncAndRename(tmp, outFile);
}

Status decryptFile(const fs::path& encFile, const fs::path& plainOut, const std::string& passphrase) {
    if (sodium_init() < 0)
        return Error("backup.crypto_unavailable");
    std::ifstream in(encFile, std::ios::binary);
    if (!in)
        return fileError("backup.read_failed", encFile);
    std::array<unsigned char, kHeaderBytes> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    if (static_cast<std::size_t>(in.gcount()) != header.size() || !std::equal(std::begin(kMagic), std::end(kMagic), header.begin()))
        return fileError("backup.bad_file", encFile, "not a zhuxue encrypted backup");
    if (header[8] != kVersion || header[9] != kKdfArgon2id13)
        return fileError("backup.bad_file", encFile, "unknown format version " + std::to_string(header[8]));
    KdfLimits limits{getU64(&header[12]), static_cast<std::size_t>(getU64(&header[20]))};
    // A tampered header must not make us spend hours or all memory before the check fails.
    if (limits.opsLimit < crypto_pwhash_OPSLIMIT_MIN || limits.opsLimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        limits.memLimit < crypto_pwhash_MEMLIMIT_MIN || limits.memLimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
        return fileError("backup.wrong_passphrase_or_damaged", encFile, "implausible key parameters");
    KeyGuard k;
    if (auto st = deriveKey(k.key, passphrase, &header[28], limits); !st)
        return st;
    crypto_secretstream_xchacha20poly1305_state state;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state, &header[28 + kSaltBytes], k.key.data()) != 0)
        return fileError("backup.wrong_passphrase_or_damaged", encFile);

    auto fail = [&](const std::string& key, const std::string& detail) -> Status {
        std::error_code ec;
        fs::remove(plainOut, ec);
        return fileError(key, encFile, detail);
    };
    std::ofstream out(plainOut, std::ios::binary | std::ios::trunc);
    if (!out)
        return fileError("backup.write_failed", plainOut);
    std::vector<unsigned char> cipher(kChunk + crypto_secretstream_xchacha20poly1305_ABYTES), plain(kChunk);
    bool final = false;
    bool first = true;
    while (!final) {
        unsigned char len[4];
        in.read(reinterpret_cast<char*>(len), 4);
        if (in.gcount() != 4) {
            out.close();
            return fail("backup.truncated", "the file ends before its last piece");
        }
        std::size_t clen = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<std::size_t>(len[3]) << 24);
        if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > cipher.size()) {
            out.close();
            return fail(first ? "backup.wrong_passphrase_or_damaged" : "backup.damaged", "bad piece length");
        }
        in.read(reinterpret_cast<char*>(cipher.data()), static_cast<std::streamsize>(clen));
        if (static_cast<std::size_t>(in.gcount()) != clen) {
            out.close();
            return fail("backup.truncated", "the file ends inside a piece");
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&state, plain.data(), &plen, &tag, cipher.data(), clen,
                                                       header.data(), header.size()) != 0) {
            out.close();
            // The first piece fails the same way for a wrong passphrase and for damage there.
            return fail(first ? "backup.wrong_passphrase_or_damaged" : "backup.damaged", "authentication failed");
        }
        out.write(reinterpret_cast<const char*>(plain.data()), static_cast<std::streamsize>(plen));
        final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        first = false;
    }
    sodium_memzero(plain.data(), plain.size());
    if (in.peek() != std::ifstream::traits_type::eof()) {
        out.close();
        return fail("backup.damaged", "data after the last piece");
    }
    out.flush();
    if (!out) {
        out.close();
        return fail("backup.write_failed", "disk full or not writable");
    }
    return {};
}

namespace {

Status putBackupKey(const fs::path& dataDir, const fs::path& copy) {
    if (!crypto::KeyVault::unlocked(dataDir))
        if (auto loaded = crypto::KeyVault::loadDeviceKey(dataDir); !loaded)
            return loaded.error();
    auto key = crypto::KeyVault::copy(dataDir);
    if (!key) // a staff machine nobody is signed in to
        return key.error();
    auto db = Db::open(copy.string(), SQLITE_OPEN_READWRITE);
    if (!db)
        return db.error();
    auto st = db->prepare("INSERT INTO meta(key, value) VALUES('backup_data_key', ?)"
                          " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    st->bind(1, crypto::keyToText(*key));
    return st->run();
}

// Reads the key out of the decrypted copy and removes it there (secure_delete zeroes it), so the
// installed database never holds it. A backup from before encryption at rest has none.
Result<std::optional<crypto::SecretKey>> takeBackupKey(const fs::path& copy) {
    auto db = Db::open(copy.string(), SQLITE_OPEN_READWRITE);
    if (!db)
        return db.error();
    auto text = db->queryText("SELECT value FROM meta WHERE key = 'backup_data_key'");
    if (!text)
        return text.error();
    if (!*text)
        return std::optional<crypto::SecretKey>();
    auto key = crypto::keyFromText(**text);
    if (!key)
        return key.error();
    if (auto st = db->exec("PRAGMA secure_delete = ON; DELETE FROM meta WHERE key = 'backup_data_key';"
                           " VACUUM");
        !st)
        return st.error();
    return std::optional<crypto::SecretKey>(std::move(*key));
}

// The restored data's key becomes this device's key, kept in device.key until the next staff
// sign-in wraps it (accounts' old wraps held the replaced key and are cleared).
Status installBackupKey(const fs::path& dataDir, const std::optional<crypto::SecretKey>& key) {
    if (!key)
        return {};
    if (auto st = crypto::KeyVault::writeDeviceKey(dataDir, *key); !st)
        return st;
    std::error_code ec;
    if (fs::exists(Accounts::path(dataDir), ec)) {
        auto db = Db::open(Accounts::path(dataDir).string(), SQLITE_OPEN_READWRITE);
        if (!db)
            return db.error();
        auto col = db->queryInt(
            "SELECT count(*) FROM pragma_table_info('account') WHERE name = 'key_wrap'");
        if (!col)
            return col.error();
        if (col->value_or(0) > 0)
            if (auto st = db->exec("UPDATE account SET key_wrap = NULL"); !st)
                return st;
    }
    return {};
}

} // namespace

Result<fs::path> writeEncryptedBackup(const fs::path& dataDir, const fs::path& dir, const std::string& passphrase,
                                      KdfLimits limits) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return fileError("backup.no_dir", dir);
    OpenOptions options;
    options.create = false;
    auto db = openDatabase(dataDir, options);
    if (!db)
        return db.error();
    fs::create_directories(backupsDir(dataDir), ec);
    TempPlain plain{backupsDir(dataDir) / (".encrypting-" + utcStamp() + ".db")};
    if (auto st = copyWithBackupApi(*db, plain.path); !st)
        return st.error();
    // Sensitive values in the copy are sealed with this device's data key: the key travels
    // inside the passphrase-encrypted backup, so a replacement laptop can read them.
    if (auto st = putBackupKey(dataDir, plain.path); !st)
        return st.error();
    fs::path out = dir / ("zhuxue-" + utcStamp() + ".zxbak");
    for (int n = 2; fs::exists(out, ec); ++n)
        out = dir / ("zhuxue-" + utcStamp() + "-" + std::to_string(n) + ".zxbak");
    if (auto st = encryptFile(plain.path, out, passphrase, limits); !st)
        return st.error();
    return out;
}

Status restoreEncryptedBackup(const fs::path& dataDir, const fs::path& file, const std::string& passphrase) {
    std::error_code ec;
    fs::create_directories(backupsDir(dataDir), ec);
    TempPlain plain{backupsDir(dataDir) / (".decrypting-" + utcStamp() + ".db")};
    if (auto st = decryptFile(file, plain.path, passphrase); !st)
        return st;
    {
        auto db = Db::open(plain.path.string(), SQLITE_OPEN_READONLY);
        if (!db)
            return fileError("backup.damaged", file, db.error().detail);
        // The full check, not quick_check: this file is about to replace the device's data.
        sqlite3_stmt* st = nullptr;
        std::string verdict;
        if (sqlite3_prepare_v2(db->raw(), "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            verdict = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (verdict != "ok")
            return fileError("backup.damaged", file, "integrity_check: " + verdict);
    }
    auto key = takeBackupKey(plain.path);
    if (!key)
        return key.error();
    if (auto st = restoreDatabase(dataDir, plain.path); !st)
        return st;
    return installBackupKey(dataDir, *key);
}

} // namespace zhuxue::store
