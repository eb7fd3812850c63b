#pragma once
// The per-device data key and everything done with it (libsodium).
//
// Each device has one random 256-bit data key. It encrypts sensitive field values and attachment
// files (XChaCha20-Poly1305, random 192-bit nonce per value) and, through a key derived from it,
// keys the blind index used for exact ID-number lookup (BLAKE2b keyed, crypto_generichash).
//
// Where the key lives:
//  - staff machines (any staff account exists): only wrapped, once per account, by a key derived
//    from that person's password (Argon2id), in accounts.db (accounts.hpp). Signing in unwraps it
//    into locked memory (sodium_malloc) registered here for the data directory; lock() wipes it.
//  - a device without staff accounts (a fresh install, the CLI on a server-side machine) keeps it
//    in <dataDir>/device.key (0600) and unlocks itself on open. Creating the first account wraps
//    the key and deletes that file.
//
// The vault is process-wide and keyed by data directory, so the sync worker's own Store sees the
// same unlocked key as the UI's Store, and a lock is effective for every connection at once.
#include "client/core/result.hpp"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::store::crypto {

inline constexpr std::size_t kKeyBytes = 32;
// Stored form of an encrypted text value: prefix + base64 (no padding) of nonce || ciphertext.
inline constexpr std::string_view kSealedPrefix = "zx1:";
// Attachment files start with this magic, then the nonce, then the ciphertext.
inline constexpr std::string_view kFileMagic = "ZXENC1\n";

// 32 secret bytes in guarded memory (sodium_malloc, mlock'ed, wiped on destruction).
class SecretKey {
public:
    SecretKey();
    ~SecretKey();
    SecretKey(SecretKey&& other) noexcept;
    SecretKey& operator=(SecretKey&& other) noexcept;
    SecretKey(const SecretKey&) = delete;
    SecretKey& operator=(const SecretKey&) = delete;
    static SecretKey random();
    unsigned char* data() { return m_bytes; }
    const unsigned char* data() const { return m_bytes; }

private:
    unsigned char* m_bytes = nullptr;
};

class KeyVault {
public:
    static bool unlocked(const std::filesystem::path& dataDir);
    // Registers a copy of the key for this data directory (replacing any earlier one).
    static void unlock(const std::filesystem::path& dataDir, const SecretKey& key);
    // Wipes the key of this data directory (sodium_memzero, then sodium_free).
    static void lock(const std::filesystem::path& dataDir);
    // Who unlocked it (the signed-in account's user name; "" when unlocked without one, e.g. from
    // device.key). Forgotten with the key. Sync locks the key when that account is disabled.
    static void setHolder(const std::filesystem::path& dataDir, const std::string& user);
    static std::string holder(const std::filesystem::path& dataDir);
    // A copy of the key, for wrapping it for another account. Error store.locked when locked.
    static Result<SecretKey> copy(const std::filesystem::path& dataDir);

    // Devices without staff accounts: <dataDir>/device.key. loadDeviceKey unlocks from it when it
    // exists (true), createDeviceKey makes and unlocks a new one, removeDeviceKey overwrites and
    // deletes it once the key is wrapped for an account.
    static std::filesystem::path deviceKeyPath(const std::filesystem::path& dataDir);
    static Result<bool> loadDeviceKey(const std::filesystem::path& dataDir);
    static Status createDeviceKey(const std::filesystem::path& dataDir);
    // Writes `key` as device.key and unlocks it (a restored backup brings its own key).
    static Status writeDeviceKey(const std::filesystem::path& dataDir, const SecretKey& key);
    static void removeDeviceKey(const std::filesystem::path& dataDir);

    // Text values. `context` (e.g. "student.id_number") is authenticated, so a value cannot be
    // moved to another column unnoticed. open() of text without the prefix returns it unchanged
    // (a value written before encryption existed; the unlock-time pass re-encrypts those).
    static Result<std::string> seal(const std::filesystem::path& dataDir, std::string_view context,
                                    std::string_view plain);
    static Result<std::string> open(const std::filesystem::path& dataDir, std::string_view context,
                                    std::string_view stored);
    static bool isSealed(std::string_view stored);
    // Keyed blind index: 32 hex characters of BLAKE2b(value) under a key derived from the data key.
    static Result<std::string> blindIndex(const std::filesystem::path& dataDir,
                                          std::string_view value);

    // Whole files (attachments): magic + nonce + ciphertext, context authenticated.
    static Result<std::vector<std::byte>> sealBytes(const std::filesystem::path& dataDir,
                                                    std::string_view context,
                                                    std::span<const std::byte> plain);
    // Bytes without the magic are returned unchanged (files written before encryption).
    static Result<std::vector<std::byte>> openBytes(const std::filesystem::path& dataDir,
                                                    std::string_view context,
                                                    std::span<const std::byte> stored);
};

// Wrapping the data key with a password (Argon2id, then XChaCha20-Poly1305). The wrapped form is
// one text: "argon2id$<opslimit>$<memlimit>$<salt b64>$<nonce b64>$<ciphertext b64>".
Result<std::string> wrapKey(const SecretKey& key, std::string_view password);
// Error accounts.wrong when the password does not open it.
Result<SecretKey> unwrapKey(std::string_view wrapped, std::string_view password);

// The key as base64 text and back (only ever stored inside a passphrase-encrypted backup).
std::string keyToText(const SecretKey& key);
Result<SecretKey> keyFromText(std::string_view text);

} // namespace zhuxue::store::crypto
