#pragma once
// zhuxue-server backup / restore. SQLite goes through SQLite's online backup API (a consistent
// copy while the server keeps writing; never a file copy, which can tear a WAL database);
// PostgreSQL through pg_dump / pg_restore in their custom format.
#include "client/core/args.hpp"
#include "client/core/result.hpp"

#include <string>

namespace zhuxue::sync::server {

// The SQLite file a store lives in, for db "" (dataDir/zhuxue-server.sqlite) or "sqlite:PATH".
std::string sqliteStorePath(const std::string& db, const std::string& dataDir);
bool isPostgresUrl(const std::string& db);

// Writes a backup of the store to `file` (via FILE.tmp, fsync, rename).
Status backupStore(const std::string& db, const std::string& dataDir, const std::string& file);

// Replaces the store with the backup in `file`. Refuses (server.backup.not_empty) when the store
// holds data, unless force. For SQLite the old file is first copied to
// <store>.before-restore-<UTC time>; `keptAside` receives that path ("" when there was none).
Status restoreStore(const std::string& db, const std::string& dataDir, const std::string& file, bool force,
                    std::string* keptAside = nullptr);

// `zhuxue-server backup FILE` / `restore FILE [--force]`: prints the outcome, returns the exit code.
int runBackupCommand(const std::string& command, const Args& args, const std::string& dataDir, const std::string& db);

} // namespace zhuxue::sync::server
