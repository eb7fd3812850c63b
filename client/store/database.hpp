#pragma once
// The one place the device database is opened, checked, upgraded, backed up and restored.
//
// Layout of a data directory: zhuxue.db (+ -wal, -shm), backups/, attachments/.
// Connection settings: WAL journal, foreign keys on, busy timeout 5 s, synchronous=FULL (every
// record write is on disk when its commit returns), cell_size_check on (damaged pages are noticed
// instead of misread).
//
// A file that cannot be read as a database or fails PRAGMA quick_check is renamed aside
// (zhuxue.db.damaged-<UTC time>, with its WAL), made read-only and never overwritten; open then
// returns store.damaged with args {kept: that path, backup: the newest backup or ""} so the caller
// can offer restoreDatabase(). Copies are made only with VACUUM INTO or the backup API, never by
// copying files, so a copy is always a consistent database.
#include "sqlite.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace zhuxue::store {

// How much of the file is checked on open. PRAGMA quick_check reads every page: ~50 ms per
// 1,000 students here, seconds for a large county, too slow to wait for at every start. Quick
// therefore checks the whole file when it is small and, for a large file, the header, the schema
// and the tables holding unsynced work (outbox, quarantine, conflicts, meta); a damaged page
// elsewhere is still noticed when it is read (cell_size_check, store.damaged errors) and by
// Store::verify(), which a worker thread runs after start-up.
enum class OpenCheck { Full, Quick, None };

struct OpenOptions {
    std::string vfs;                    // a SQLite VFS name (tests inject faults); empty = default
    OpenCheck check = OpenCheck::Quick; // integrity check on open
    bool create = true;                 // create the database when the file is missing
    // Page cache of this connection (PRAGMA cache_size). 32 MiB suits imports and sync, whose
    // transactions touch thousands of rows; the staff client's screen connections use less, as
    // each open connection fills its cache over time (resident memory).
    int cacheKiB = 32 * 1024;
};

// Files up to this size get a full quick_check on open even with OpenCheck::Quick.
inline constexpr std::uintmax_t kFullCheckMaxBytes = 32u << 20;

std::filesystem::path databasePath(const std::filesystem::path& dataDir);
std::filesystem::path backupsDir(const std::filesystem::path& dataDir);
std::filesystem::path attachmentsDir(const std::filesystem::path& dataDir);

// Opens the database (creating data dir and file as needed), applies the connection settings,
// checks integrity and runs pending migrations.
// Waits for other connections (busy timeout) and switches the file to WAL, retrying when
// another connection is switching it at the same moment. Every connection to a device file
// starts with this.
Status useWalWaiting(Db& db);

Result<Db> openDatabase(const std::filesystem::path& dataDir, const OpenOptions& options = {});

// PRAGMA quick_check over the whole file; the problems found (empty = ok).
Result<std::vector<std::string>> quickCheck(Db& db);
// Moves a damaged database file (and its WAL) aside, read-only, and returns store.damaged with
// args {path, kept, backup} as openDatabase does. No connection to it may be open.
Error setDamagedAside(const std::filesystem::path& dataDir, const std::string& detail);

// PRAGMA integrity_check (full) and foreign_key_check; returns the problems found (empty = ok).
Result<std::vector<std::string>> checkDatabase(Db& db);

// Writes a consistent copy of the open database to `file` with VACUUM INTO. Refuses to overwrite
// an existing file (store.backup_exists).
Status backupDatabase(Db& db, const std::filesystem::path& file);
// A backup into <dataDir>/backups/zhuxue-<UTC time>.db; returns its path.
Result<std::filesystem::path> backupToDir(Db& db, const std::filesystem::path& dataDir);
// Backups in <dataDir>/backups, newest first.
std::vector<std::filesystem::path> listBackups(const std::filesystem::path& dataDir);

// Replaces the device database with the content of `backupFile` (checked first: readable,
// quick_check ok, schema not newer than this program) using the SQLite backup API. The current
// database is kept first: a readable one is backed up into backups/before-restore-<time>.db, a
// damaged one is renamed aside. No connection to the database may be open.
Status restoreDatabase(const std::filesystem::path& dataDir,
                       const std::filesystem::path& backupFile, const OpenOptions& options = {});

} // namespace zhuxue::store
