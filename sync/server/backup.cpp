#include "backup.hpp"
#include "console_text.hpp"

#include <sqlite3.h>
#ifdef ZHUXUE_WITH_POSTGRES
#include <libpq-fe.h>
#endif

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace zhuxue::sync::server {

namespace fs = std::filesystem;

namespace {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

// message: the whole text (Chinese, then English) for logs; reason: the technical cause alone
// (SQLite's or the system's words), which the console's catalogue text shows as {reason}.
Error backupError(const std::string& key, const std::string& path, const std::string& message,
                  const std::string& reason = {}) {
    return Error(key, {{"path", path}, {"reason", reason}}, message);
}

Result<Db> openDb(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK) {
        const std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
        return backupError("server.backup.open", path, "无法打开 cannot open " + path + ": " + why, why);
    }
    sqlite3_busy_timeout(raw, 10000);
    return db;
}

// Copies every page of src into dst with the online backup API. A busy source (the server is
// writing) only delays the copy; the result is one consistent snapshot.
Status copyDatabase(sqlite3* src, sqlite3* dst, const std::string& what) {
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b)
        return backupError("server.backup.copy", what,
                           "备份失败 backup failed (" + what + "): " + sqlite3_errmsg(dst), sqlite3_errmsg(dst));
    int rc;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        if (rc != SQLITE_OK)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return backupError("server.backup.copy", what,
                           "备份失败 backup failed (" + what + "): " + sqlite3_errstr(rc) + ", " + sqlite3_errmsg(dst),
                           std::string(sqlite3_errstr(rc)) + ", " + sqlite3_errmsg(dst));
    return {};
}

std::string singleText(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

Status checkIntegrity(sqlite3* db, const std::string& path) {
    std::string r = singleText(db, "PRAGMA integrity_check");
    if (r != "ok")
        return backupError("server.backup.corrupt", path,
                           "数据库已损坏 the database is damaged (" + path + "): " + (r.empty() ? sqlite3_errmsg(db) : r),
                           r.empty() ? sqlite3_errmsg(db) : r);
    return {};
}

Status syncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0)
            ::close(fd);
        return backupError("server.backup.write", path, "无法写入磁盘 cannot flush " + path + " to disk",
                           std::strerror(errno));
    }
    ::close(fd);
    return {};
}

// The renamed name reaches the disk only when its directory is flushed too.
void syncDirectoryOf(const std::string& path) {
    auto dir = fs::absolute(path).parent_path();
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

Status installFile(const std::string& tmp, const std::string& file) {
    if (auto st = syncFile(tmp); !st)
        return st;
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec)
        return backupError("server.backup.write", file, "无法写入 cannot write " + file + ": " + ec.message(),
                           ec.message());
    syncDirectoryOf(file);
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

Status backupSqlite(const std::string& path, const std::string& file) {
    if (!fs::exists(path))
        return backupError("server.backup.no_store", path, "没有可备份的数据 no store to back up at " + path);
    auto src = openDb(path, SQLITE_OPEN_READWRITE);
    if (!src)
        return src.error();
    std::string tmp = file + ".tmp";
    fs::remove(tmp);
    {
        auto dst = openDb(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (!dst)
            return dst.error();
        if (auto st = copyDatabase(src->get(), dst->get(), path + " -> " + file); !st)
            return st;
        // One self-contained file: no -wal beside it.
        sqlite3_exec(dst->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
        if (auto st = checkIntegrity(dst->get(), tmp); !st)
            return st;
    }
    return installFile(tmp, file);
}

// Rows in the server's tables; -1 when the file holds something else (treated as not empty).
long long storeRows(sqlite3* db) {
    if (singleText(db, "SELECT count(*) FROM sqlite_master") == "0")
        return 0;
    std::string n = singleText(db, "SELECT (SELECT count(*) FROM changes) + (SELECT count(*) FROM devices) + "
                                   "(SELECT count(*) FROM enroll_codes) + (SELECT count(*) FROM blobs)");
    return n.empty() ? -1 : std::stoll(n);
}

Status restoreSqlite(const std::string& path, const std::string& file, bool force, std::string* keptAside) {
    auto src = openDb(file, SQLITE_OPEN_READONLY);
    if (!src)
        return src.error();
    if (auto st = checkIntegrity(src->get(), file); !st)
        return st;
    if (singleText(src->get(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'changes'") != "1")
        return backupError("server.backup.not_a_backup", file,
                           file + " 不是 zhuxue-server 的备份 is not a zhuxue-server backup");
    std::error_code ec;
    fs::create_directories(fs::absolute(path).parent_path(), ec);
    if (fs::exists(path)) {
        auto old = openDb(path, SQLITE_OPEN_READWRITE);
        if (!old)
            return old.error();
        long long rows = storeRows(old->get());
        if (rows != 0 && !force)
            return backupError("server.backup.not_empty", path,
                               path + " 中已有数据，恢复会覆盖它；确认后加 --force already holds data; "
                                      "add --force to replace it (the old file is kept aside)");
        std::string aside = path + ".before-restore-" + utcStamp();
        {
            auto dst = openDb(aside, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            if (!dst)
                return dst.error();
            if (auto st = copyDatabase(old->get(), dst->get(), path + " -> " + aside); !st)
                return st;
            sqlite3_exec(dst->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
        }
        if (auto st = syncFile(aside); !st)
            return st;
        if (keptAside)
            *keptAside = aside;
    }
    // Copied into the live file through SQLite, so its WAL and any reader stay consistent.
    auto dst = openDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dst)
        return dst.error();
    if (auto st = copyDatabase(src->get(), dst->get(), file + " -> " + path); !st)
        return st;
    sqlite3_exec(dst->get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    return checkIntegrity(dst->get(), path);
}

// Runs a program without a shell; its messages go straight to our stderr.
int runProgram(const std::vector<std::string>& argv) {
    std::vector<char*> av;
    for (const auto& a : argv)
        av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, av[0], nullptr, nullptr, av.data(), environ) != 0)
        return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#ifdef ZHUXUE_WITH_POSTGRES
// Rows in the server's tables (0 when they do not exist yet), or an error.
Result<long long> postgresRows(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(c);
        PQfinish(c);
        return backupError("server.backup.open", "postgresql", "无法连接数据库 cannot connect: " + msg, msg);
    }
    PGresult* r = PQexec(c, "SELECT CASE WHEN to_regclass('changes') IS NULL THEN 0 ELSE "
                            "(SELECT count(*) FROM changes) + (SELECT count(*) FROM devices) END");
    long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? std::stoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    PQfinish(c);
    return n;
}
#endif

} // namespace

bool isPostgresUrl(const std::string& db) {
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string sqliteStorePath(const std::string& db, const std::string& dataDir) {
    return db.rfind("sqlite:", 0) == 0 ? db.substr(7) : dataDir + "/zhuxue-server.sqlite";
}

Status backupStore(const std::string& db, const std::string& dataDir, const std::string& file) {
    if (!isPostgresUrl(db))
        return backupSqlite(sqliteStorePath(db, dataDir), file);
    std::string tmp = file + ".tmp";
    int rc = runProgram({"pg_dump", "--format=custom", "--no-owner", "--file=" + tmp, "--dbname=" + db});
    if (rc != 0) {
        fs::remove(tmp);
        const std::string why = rc < 0 ? "无法运行 cannot run pg_dump (apt-get install postgresql-client)"
                                       : "exit " + std::to_string(rc);
        return backupError("server.backup.pg_dump", file,
                           rc < 0 ? why : "pg_dump 失败 failed (" + why + ")", why);
    }
    return installFile(tmp, file);
}

Status restoreStore(const std::string& db, const std::string& dataDir, const std::string& file, bool force,
                    std::string* keptAside) {
    if (keptAside)
        keptAside->clear();
    if (!fs::exists(file))
        return backupError("server.backup.no_file", file, "找不到备份文件 no such backup file " + file);
    if (!isPostgresUrl(db))
        return restoreSqlite(sqliteStorePath(db, dataDir), file, force, keptAside);
#ifdef ZHUXUE_WITH_POSTGRES
    auto rows = postgresRows(db);
    if (!rows)
        return rows.error();
    if (*rows != 0 && !force)
        return backupError("server.backup.not_empty", "postgresql",
                           "数据库中已有数据，恢复会覆盖它；确认后加 --force the database already holds data; "
                           "add --force to replace it");
    int rc = runProgram({"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                         "--exit-on-error", "--dbname=" + db, file});
    if (rc != 0) {
        const std::string why = rc < 0 ? "无法运行 cannot run pg_restore (apt-get install postgresql-client)"
                                       : "exit " + std::to_string(rc);
        return backupError("server.backup.pg_restore", file,
                           rc < 0 ? why : "pg_restore 失败，数据库未改变 failed, the database is unchanged (" + why + ")",
                           why);
    }
    return {};
#else
    return Error("sync.error.no_postgres", {}, "this zhuxue-server was built without PostgreSQL support");
#endif
}

int runBackupCommand(const std::string& command, const Args& args, const std::string& dataDir, const std::string& db) {
    if (args.positional().size() != 2) {
        std::fprintf(stderr, "zhuxue-server %s: 需要备份文件名 needs a FILE\n", command.c_str());
        return 2;
    }
    const std::string& file = args.positional()[1];
    if (command == "backup") {
        if (auto st = backupStore(db, dataDir, file); !st) {
            std::fprintf(stderr, "zhuxue-server backup: %s\n", consoleText(st.error()).c_str());
            return 1;
        }
        std::printf("已备份到 backed up to %s\n", file.c_str());
        return 0;
    }
    std::string aside;
    if (auto st = restoreStore(db, dataDir, file, args.flag("force"), &aside); !st) {
        std::fprintf(stderr, "zhuxue-server restore: %s\n", consoleText(st.error()).c_str());
        return 1;
    }
    std::printf("已从 %s 恢复 restored from %s\n", file.c_str(), file.c_str());
    if (!aside.empty())
        std::printf("原数据保留在 the previous data is kept in %s\n", aside.c_str());
    return 0;
}

} // namespace zhuxue::sync::server
