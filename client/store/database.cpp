#include "database.hpp"

#include "paths.hpp"
#include "schema.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sqlite3.h>
#include <system_error>
#include <thread>

namespace zhuxue::store {
namespace fs = std::filesystem;

namespace {

std::string utcStamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// A path that does not exist yet: base, base-2, base-3, ... (backups and kept files are never
// overwritten).
fs::path freshPath(const fs::path& dir, const std::string& stem, const std::string& ext) {
    fs::path p = dir / (stem + ext);
    std::error_code ec;
    for (int i = 2; fs::exists(p, ec); ++i)
        p = dir / (stem + "-" + std::to_string(i) + ext);
    return p;
}

// Moves a damaged database (and its WAL) aside, read-only. Returns the new path of the database.
fs::path keepAside(const fs::path& db) {
    fs::path kept =
        freshPath(db.parent_path(), db.filename().string() + ".damaged-" + utcStamp(), "");
    std::error_code ec;
    fs::rename(db, kept, ec);
    if (ec)
        return {};
    fs::permissions(kept, fs::perms::owner_read, fs::perm_options::replace, ec);
    fs::path wal = db.string() + "-wal";
    if (fs::exists(wal, ec)) {
        fs::path keptWal = kept.string() + "-wal";
        fs::rename(wal, keptWal, ec);
        fs::permissions(keptWal, fs::perms::owner_read, fs::perm_options::replace, ec);
    }
    fs::remove(db.string() + "-shm", ec); // the shared-memory index is rebuilt from the WAL
    return kept;
}

Status applySettings(Db& db, int cacheKiB) {
    if (auto st = useWalWaiting(db); !st)
        return st;
    // journal_mode answers with a row; exec ignores it.
    for (const char* sql : {"PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL",
                            "PRAGMA cell_size_check=ON", "PRAGMA trusted_schema=OFF",
                            "PRAGMA temp_store=MEMORY"})
        if (auto st = db.exec(sql); !st)
            return st;
    // 32 MiB of page cache by default (SQLite's is 2 MiB): an import's transaction touches the
    // record, outbox, field-version, audit and search pages of thousands of rows; with the small
    // cache SQLite spilled dirty pages to the WAL mid-transaction (a third of the time).
    return db.exec("PRAGMA cache_size=-" + std::to_string(std::max(cacheKiB, 1024)));
}

// "ok" rows mean healthy; anything else is a list of problems.
Result<std::vector<std::string>> pragmaRows(Db& db, const char* sql) {
    auto st = db.prepare(sql);
    if (!st)
        return st.error();
    std::vector<std::string> rows;
    while (true) {
        auto r = st->step();
        if (!r)
            return r.error();
        if (!*r)
            break;
        std::string line;
        for (int c = 0; c < st->columnCount(); ++c) {
            if (c)
                line += " ";
            line += st->text(c);
        }
        if (line != "ok")
            rows.push_back(line);
        if (rows.size() > 20)
            break;
    }
    return rows;
}

bool isDamage(const Error& e) {
    return e.key == "store.damaged";
}

} // namespace

// A file still in rollback mode (an old device, a restored backup) is switched to WAL by the
// first connection that opens it. The switch reads the file, then writes its header: a second
// connection doing the same at that moment is refused at once (SQLite does not wait when a
// reader asks to write, to avoid a deadlock), so it waits here and tries again; once the first
// one has switched, the pragma finds WAL and does nothing.
Status useWalWaiting(Db& db) {
    if (auto st = db.exec("PRAGMA busy_timeout=5000"); !st)
        return st;
    constexpr auto kPatience = std::chrono::seconds(5);
    auto until = std::chrono::steady_clock::now() + kPatience;
    for (int attempt = 0;; ++attempt) {
        auto st = db.exec("PRAGMA journal_mode=WAL");
        if (st || st.error().key != "store.busy" || std::chrono::steady_clock::now() >= until)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 + attempt, 20)));
    }
}

fs::path databasePath(const fs::path& dataDir) {
    return dataDir / "zhuxue.db";
}
fs::path backupsDir(const fs::path& dataDir) {
    return dataDir / "backups";
}
fs::path attachmentsDir(const fs::path& dataDir) {
    return dataDir / "attachments";
}

Result<std::vector<std::string>> checkDatabase(Db& db) {
    auto rows = pragmaRows(db, "PRAGMA integrity_check");
    if (!rows)
        return rows;
    auto fk = pragmaRows(db, "PRAGMA foreign_key_check");
    if (!fk)
        return fk;
    for (auto& r : *fk)
        rows->push_back("foreign key: " + r);
    return rows;
}

Result<Db> openDatabase(const fs::path& dataDir, const OpenOptions& options) {
    fs::path path = databasePath(dataDir);
    std::error_code ec;
    bool existed = fs::exists(path, ec);
    if (!existed && !options.create)
        return Error("store.missing", {{"path", path.string()}});
    if (auto st = ensureDir(dataDir); !st)
        return st.error();


    Result<Db> db = [&]() -> Result<Db> {
        auto opened =
            Db::open(path.string(),
                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, options.vfs);
        if (!opened)
            return opened;
        if (auto st = applySettings(*opened, options.cacheKiB); !st)
            return st.error();
        if (existed && options.check != OpenCheck::None) {
            std::error_code sizeEc;
            bool whole = options.check == OpenCheck::Full ||
                         fs::file_size(path, sizeEc) + fs::file_size(path.string() + "-wal", sizeEc) <=
                             kFullCheckMaxBytes;
            // Reading the schema parses every table definition: a damaged header or schema
            // page fails here.
            auto tables = pragmaRows(*opened, "SELECT count(*) = -1 FROM sqlite_schema");
            if (!tables)
                return tables.error();
            std::vector<std::string> checks;
            if (whole) {
                checks.push_back("PRAGMA quick_check");
            } else {
                auto existing = pragmaRows(*opened, "SELECT name FROM sqlite_schema WHERE"
                                                    " type = 'table' AND name IN ('meta',"
                                                    " 'outbox', 'quarantine', 'conflict')");
                if (!existing)
                    return existing.error();
                for (auto& t : *existing)
                    checks.push_back("PRAGMA quick_check(" + t + ")");
            }
            for (auto& sql : checks) {
                auto problems = pragmaRows(*opened, sql.c_str());
                if (!problems)
                    return problems.error();
                if (!problems->empty())
                    return Error("store.damaged", {}, problems->front());
            }
        }
        if (auto st = migrate(*opened); !st)
            return st.error();
        return opened;
    }();
    if (!db && isDamage(db.error()) && existed) {
        Error cause = db.error();
        db = Error(cause); // closes the connection before the file is moved
        return setDamagedAside(dataDir, cause.detail);
    }
    return db;
}

Error setDamagedAside(const fs::path& dataDir, const std::string& detail) {
    fs::path path = databasePath(dataDir);
    fs::path kept = keepAside(path);
    auto backups = listBackups(dataDir);
    return Error("store.damaged",
                 {{"path", path.string()},
                  {"kept", kept.string()},
                  {"backup", backups.empty() ? std::string() : backups.front().string()}},
                 detail);
}

Result<std::vector<std::string>> quickCheck(Db& db) { return pragmaRows(db, "PRAGMA quick_check"); }

Status backupDatabase(Db& db, const fs::path& file) {
    std::error_code ec;
    if (fs::exists(file, ec))
        return Error("store.backup_exists", {{"path", file.string()}});
    if (file.has_parent_path())
        if (auto st = ensureDir(file.parent_path()); !st)
            return st;
    auto st = db.prepare("VACUUM INTO ?");
    if (!st)
        return st.error();
    st->bind(1, file.string());
    if (auto r = st->run(); !r) {
        fs::remove(file, ec); // never leave a half-written copy that looks like a backup
        return r;
    }
    return {};
}

Result<fs::path> backupToDir(Db& db, const fs::path& dataDir) {
    fs::path file = freshPath(backupsDir(dataDir), "zhuxue-" + utcStamp(), ".db");
    if (auto st = backupDatabase(db, file); !st)
        return st.error();
    return file;
}

std::vector<fs::path> listBackups(const fs::path& dataDir) {
    std::vector<std::pair<fs::file_time_type, fs::path>> found;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(backupsDir(dataDir), ec))
        if (e.is_regular_file(ec) && e.path().extension() == ".db")
            found.emplace_back(e.last_write_time(ec), e.path());
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    std::vector<fs::path> out;
    for (auto& [t, p] : found)
        out.push_back(p);
    return out;
}

Status restoreDatabase(const fs::path& dataDir, const fs::path& backupFile,
                       const OpenOptions& options) {
    // 1. The backup must be a healthy database this program understands.
    auto src = Db::open(backupFile.string(), SQLITE_OPEN_READONLY, options.vfs);
    if (!src)
        return Error("store.backup_unreadable", {{"path", backupFile.string()}},
                     src.error().detail);
    auto problems = pragmaRows(*src, "PRAGMA quick_check");
    if (!problems || !problems->empty())
        return Error("store.backup_unreadable", {{"path", backupFile.string()}},
                     problems ? problems->front() : problems.error().detail);
    auto version = src->queryInt("PRAGMA user_version");
    if (!version)
        return Error("store.backup_unreadable", {{"path", backupFile.string()}},
                     version.error().detail);
    if (version->value_or(0) > latestSchemaVersion())
        return Error("store.too_new", {{"version", std::to_string(version->value_or(0))},
                                       {"supported", std::to_string(latestSchemaVersion())}});

    // 2. Keep what is there now: unsynced work must survive a restore.
    fs::path path = databasePath(dataDir);
    std::error_code ec;
    if (fs::exists(path, ec)) {
        OpenOptions keep = options;
        keep.create = false;
        auto current = openDatabase(dataDir, keep);
        if (current) {
            fs::path file = freshPath(backupsDir(dataDir), "before-restore-" + utcStamp(), ".db");
            if (auto st = backupDatabase(*current, file); !st)
                return st;
        } else if (current.error().key != "store.damaged") {
            return current.error(); // damaged files were moved aside by openDatabase
        }
    }

    // 3. Copy page by page with the backup API into a fresh database, then upgrade it.
    if (auto st = ensureDir(dataDir); !st)
        return st;
    auto dst = Db::open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.vfs);
    if (!dst)
        return dst.error();
    sqlite3_backup* b = sqlite3_backup_init(dst->raw(), "main", src->raw(), "main");
    if (!b)
        return sqliteError(sqlite3_errcode(dst->raw()), "backup init", dst->raw());
    int rc = sqlite3_backup_step(b, -1);
    int fin = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return sqliteError(rc, "restore", dst->raw());
    if (fin != SQLITE_OK)
        return sqliteError(fin, "restore", dst->raw());
    if (auto st = applySettings(*dst, options.cacheKiB); !st)
        return st;
    return migrate(*dst);
}

} // namespace zhuxue::store
