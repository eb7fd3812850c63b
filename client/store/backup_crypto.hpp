#pragma once
// Encrypted backups of the device store for a USB drive: the database is copied with SQLite's
// backup API into a temporary file inside the data directory, then encrypted with libsodium's
// crypto_secretstream_xchacha20poly1305 under a key derived from a passphrase with Argon2id.
//
// File layout (all integers little-endian):
//   "ZXBACKUP" (8)  version u8 = 1  kdf u8 = 1 (Argon2id 1.3)  reserved u16 = 0
//   opslimit u64  memlimit u64  salt (16)  secretstream header (24)
//   then chunks: length u32 + ciphertext (plaintext <= 64 KiB + 17 bytes), the last tagged FINAL.
// The 68-byte header is the additional data of every chunk, so changing any byte of it, of a
// chunk, their order, or cutting the file short is detected before anything is installed.
#include "database.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace zhuxue::store {

struct KdfLimits {
    unsigned long long opsLimit;
    std::size_t memLimit;
};
// Argon2id "moderate": about a second and 256 MiB on an office laptop.
KdfLimits defaultKdfLimits();

// Encrypts `plainFile` into `outFile` (written to outFile.tmp, fsync, rename).
Status encryptFile(const std::filesystem::path& plainFile, const std::filesystem::path& outFile,
                   const std::string& passphrase, KdfLimits limits = defaultKdfLimits());
// Decrypts into `plainOut`. Errors: backup.bad_file (not a backup / unknown version),
// backup.wrong_passphrase_or_damaged, backup.truncated. plainOut is removed on any error.
Status decryptFile(const std::filesystem::path& encFile, const std::filesystem::path& plainOut,
                   const std::string& passphrase);

// Writes <dir>/zhuxue-<UTC time>.zxbak from the store in dataDir; returns its path.
Result<std::filesystem::path> writeEncryptedBackup(const std::filesystem::path& dataDir,
                                                   const std::filesystem::path& dir,
                                                   const std::string& passphrase,
                                                   KdfLimits limits = defaultKdfLimits());
// Decrypts and checks (integrity_check) the backup, then installs it with restoreDatabase, which
// keeps the current database in backups/before-restore-*.db. On any error nothing is changed.
Status restoreEncryptedBackup(const std::filesystem::path& dataDir, const std::filesystem::path& file,
                              const std::string& passphrase);

} // namespace zhuxue::store
