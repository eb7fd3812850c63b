// SQLite backend: one file, one connection guarded by a mutex. SQLite has one writer at a time
// anyway; keeping one connection makes seq order equal commit order trivially.
#include "storage.hpp"
#include "queue_store.hpp"
#include "sync/protocol/wire.hpp"

#include <mutex>
#include <tuple>
#include <set>
#include <sqlite3.h>

namespace zhuxue::sync::server {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS changes(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    county TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    hlc TEXT NOT NULL,
    device TEXT NOT NULL,
    base TEXT NOT NULL,
    received_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS changes_county_seq ON changes(county, seq);
CREATE INDEX IF NOT EXISTS changes_blob_ref ON changes(value, county)
    WHERE record_type = 'attachment' AND field = 'sha256';
CREATE TABLE IF NOT EXISTS devices(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, counties TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    enrolled_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0,
    role TEXT NOT NULL DEFAULT 'staff');
CREATE TABLE IF NOT EXISTS enroll_codes(
    code_hash TEXT PRIMARY KEY, counties TEXT NOT NULL, name TEXT NOT NULL, expires_at INTEGER NOT NULL,
    used_at INTEGER NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'staff', for_device TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS blobs(sha TEXT PRIMARY KEY, size INTEGER NOT NULL, total INTEGER NOT NULL,
    complete INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blob_parts(sha TEXT NOT NULL, off INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY(sha, off));
)";

class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    bool ok() const { return m_rc == SQLITE_OK; }
    Stmt& bind(int i, const std::string& s) {
        sqlite3_bind_text(m_stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(m_stmt, i, v);
        return *this;
    }
    Stmt& bindBlob(int i, const std::string& s) {
        sqlite3_bind_blob(m_stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    int step() { return sqlite3_step(m_stmt); }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    std::string text(int c) const {
        auto p = sqlite3_column_text(m_stmt, c);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c)))
                 : std::string();
    }
    std::string blob(int c) const {
        auto p = sqlite3_column_blob(m_stmt, c);
        return p ? std::string(static_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c)))
                 : std::string();
    }
    int64_t i64(int c) const { return sqlite3_column_int64(m_stmt, c); }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc;
};

Change changeFromRow(const Stmt& st, int first) {
    Change c;
    c.id = st.text(first);
    c.county = st.text(first + 1);
    c.recordType = st.text(first + 2);
    c.recordId = st.text(first + 3);
    c.field = st.text(first + 4);
    c.value = nlohmann::json::parse(st.text(first + 5), nullptr, false);
    c.hlc = st.text(first + 6);
    c.device = st.text(first + 7);
    auto base = st.text(first + 8);
    c.base = splitBase(base);
    return c;
}

class SqliteStorage final : public Storage {
public:
    explicit SqliteStorage(sqlite3* db) : m_db(db) {}
    ~SqliteStorage() override { sqlite3_close(m_db); }

    Error dbError(const char* what) {
        return Error("sync.error.storage", {}, std::string(what) + ": " + sqlite3_errmsg(m_db));
    }
    bool exec(const char* sql) {
        return sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    Status addEnrollCode(const std::string& codeHash, const EnrollCodeSpec& spec) override {
        std::lock_guard lock(m_mutex);
        Stmt st(m_db, "INSERT INTO enroll_codes(code_hash, counties, name, expires_at, role, "
                      "for_device) VALUES(?,?,?,?,?,?)");
        st.bind(1, codeHash)
            .bind(2, joinCountyList(spec.counties))
            .bind(3, spec.name)
            .bind(4, spec.expiresAt)
            .bind(5, std::string(roleName(spec.role)))
            .bind(6, spec.forDevice);
        if (st.step() != SQLITE_DONE)
            return dbError("add enroll code");
        return {};
    }

    Result<DeviceInfo> redeemEnrollCode(const std::string& codeHash, const EnrollClaim& claim,
                                        int64_t now) override {
        std::lock_guard lock(m_mutex);
        if (!exec("BEGIN IMMEDIATE"))
            return dbError("begin");
        auto refuse = [&](Error e) -> Result<DeviceInfo> {
            exec("ROLLBACK");
            return e;
        };
        Stmt q(m_db, "SELECT counties, name, role, for_device FROM enroll_codes WHERE code_hash = ? "
                     "AND used_at = 0 AND expires_at > ?");
        q.bind(1, codeHash).bind(2, now);
        if (q.step() != SQLITE_ROW)
            return refuse(badCode());
        DeviceInfo info{claim.device, claim.name.empty() ? q.text(1) : claim.name,
                        splitCountyList(q.text(0)), claim.tokenExpiresAt, 0,
                        parseRole(q.text(2)).value_or(DeviceRole::Staff)};
        const std::string forDevice = q.text(3);
        if (auto st = checkClaim(claim, info.role, forDevice); !st)
            return refuse(st.error());
        Stmt known(m_db, "SELECT 1 FROM devices WHERE id = ?");
        known.bind(1, claim.device);
        int rc = known.step();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return refuse(dbError("redeem enroll code"));
        if (rc == SQLITE_ROW && forDevice.empty())
            return refuse(deviceExists(claim.device));
        Stmt use(m_db, "UPDATE enroll_codes SET used_at = ?, device = ? WHERE code_hash = ?");
        use.bind(1, now).bind(2, claim.device).bind(3, codeHash);
        // A new device is inserted; only a code made for this device replaces its token.
        Stmt dev(m_db,
                 rc == SQLITE_ROW
                     ? "UPDATE devices SET name = ?2, counties = ?3, token_hash = ?4, enrolled_at = ?5, "
                       "expires_at = ?6, revoked_at = 0, role = ?7 WHERE id = ?1"
                     : "INSERT INTO devices(id, name, counties, token_hash, enrolled_at, expires_at, "
                       "revoked_at, role) VALUES(?1,?2,?3,?4,?5,?6,0,?7)");
        dev.bind(1, claim.device)
            .bind(2, info.name)
            .bind(3, joinCountyList(info.counties))
            .bind(4, claim.tokenHash)
            .bind(5, now)
            .bind(6, claim.tokenExpiresAt)
            .bind(7, std::string(roleName(info.role)));
        if (use.step() != SQLITE_DONE || dev.step() != SQLITE_DONE || !exec("COMMIT")) {
            auto e = dbError("redeem enroll code");
            exec("ROLLBACK");
            return e;
        }
        return info;
    }

    Result<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) override {
        std::lock_guard lock(m_mutex);
        Stmt q(m_db, "SELECT id, name, counties, expires_at, revoked_at, role FROM devices WHERE "
                     "token_hash = ?");
        q.bind(1, tokenHash);
        int rc = q.step();
        if (rc == SQLITE_DONE)
            return std::optional<DeviceInfo>();
        if (rc != SQLITE_ROW)
            return dbError("device by token");
        // An unknown role text (a newer server's) grants nothing beyond a display's reading.
        return std::optional<DeviceInfo>(DeviceInfo{q.text(0), q.text(1), splitCountyList(q.text(2)),
                                                    q.i64(3), q.i64(4),
                                                    parseRole(q.text(5)).value_or(DeviceRole::Display)});
    }

    Result<bool> revokeDevice(const std::string& device, int64_t now) override {
        std::lock_guard lock(m_mutex);
        Stmt q(m_db, "UPDATE devices SET revoked_at = ? WHERE id = ?");
        q.bind(1, now).bind(2, device);
        if (q.step() != SQLITE_DONE)
            return dbError("revoke");
        return sqlite3_changes(m_db) > 0;
    }

    Result<std::vector<PushResult>> storeChanges(const std::vector<Change>& changes,
                                                 int64_t now) override {
        std::lock_guard lock(m_mutex);
        if (!exec("BEGIN IMMEDIATE"))
            return dbError("begin");
        // Insert first; only an id already in the log costs a second statement (a lookup to
        // tell a duplicate from an id conflict).
        Stmt ins(m_db, "INSERT INTO changes(id, county, record_type, record_id, field, value, hlc, "
                       "device, base, received_at) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING");
        Stmt find(m_db, "SELECT id, county, record_type, record_id, field, value, hlc, device, "
                        "base FROM changes WHERE id = ?");
        std::vector<PushResult> out;
        out.reserve(changes.size());
        for (const auto& c : changes) {
            ins.bind(1, c.id)
                .bind(2, c.county)
                .bind(3, c.recordType)
                .bind(4, c.recordId)
                .bind(5, c.field);
            ins.bind(6, c.value.dump())
                .bind(7, c.hlc)
                .bind(8, c.device)
                .bind(9, joinBase(c.base))
                .bind(10, now);
            if (ins.step() != SQLITE_DONE) {
                auto e = dbError("insert change");
                exec("ROLLBACK");
                return e;
            }
            ins.reset();
            PushResult r{c.id, PushStatus::Stored, 200, {}, {}};
            if (sqlite3_changes(m_db) == 0) {
                find.bind(1, c.id);
                if (find.step() != SQLITE_ROW) {
                    auto e = dbError("find change");
                    exec("ROLLBACK");
                    return e;
                }
                if (sameContent(changeFromRow(find, 0), c))
                    r.status = PushStatus::Duplicate;
                else
                    r = PushResult{c.id, PushStatus::Rejected, 409, "sync.error.id_conflict",
                                   "a different change with this id is already stored"};
                find.reset();
            }
            out.push_back(std::move(r));
        }
        if (!exec("COMMIT")) {
            auto e = dbError("commit");
            exec("ROLLBACK");
            return e;
        }
        return out;
    }

    Result<PullPage> pull(const std::vector<std::string>& counties, int64_t cursor,
                          std::size_t limit) override {
        std::lock_guard lock(m_mutex);
        std::string sql = "SELECT seq, id, county, record_type, record_id, field, value, hlc, "
                          "device, base FROM changes "
                          "WHERE seq > ? AND county IN (";
        for (std::size_t i = 0; i < counties.size(); ++i)
            sql += i ? ",?" : "?";
        sql += ") ORDER BY seq LIMIT ?";
        PullPage page;
        Stmt q(m_db, sql.c_str());
        if (!q.ok())
            return dbError("pull");
        q.bind(1, cursor);
        for (std::size_t i = 0; i < counties.size(); ++i)
            q.bind(static_cast<int>(i) + 2, counties[i]);
        q.bind(static_cast<int>(counties.size()) + 2, static_cast<int64_t>(limit) + 1);
        int64_t lastSeq = cursor;
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
            if (page.changes.size() == limit) {
                page.more = true;
                break;
            }
            lastSeq = q.i64(0);
            page.changes.push_back(changeFromRow(q, 1));
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return dbError("pull");
        if (page.more) {
            page.cursor = lastSeq;
        } else {
            // Nothing more in scope: jump past changes of other counties too.
            Stmt m(m_db, "SELECT coalesce(max(seq), 0) FROM changes");
            m.step();
            page.cursor = std::max<int64_t>(lastSeq, m.i64(0));
        }
        return page;
    }

    Result<int64_t> changeCount() override {
        std::lock_guard lock(m_mutex);
        Stmt m(m_db, "SELECT count(*) FROM changes");
        if (m.step() != SQLITE_ROW)
            return dbError("count");
        return m.i64(0);
    }

    Result<BlobState> blobState(const std::string& sha) override {
        std::lock_guard lock(m_mutex);
        return blobStateLocked(sha);
    }

    Result<BlobState> appendBlob(const std::string& sha, int64_t offset, int64_t total,
                                 const std::string& data) override {
        std::lock_guard lock(m_mutex);
        auto st = blobStateLocked(sha);
        if (!st)
            return st;
        if (st->complete)
            return st;
        if (offset != st->size)
            return Error("sync.error.blob_offset", {{"expected", std::to_string(st->size)}},
                         "upload must continue at byte " + std::to_string(st->size));
        if ((st->total >= 0 && total != st->total) ||
            offset + static_cast<int64_t>(data.size()) > total)
            return Error("sync.error.blob_size", {},
                         "the piece does not fit the announced blob size");
        if (!exec("BEGIN IMMEDIATE"))
            return dbError("begin");
        Stmt part(m_db, "INSERT INTO blob_parts(sha, off, data) VALUES(?,?,?)");
        part.bind(1, sha).bind(2, offset).bindBlob(3, data);
        int64_t size = offset + static_cast<int64_t>(data.size());
        bool complete = size == total;
        if (complete) {
            Sha256 h;
            Stmt all(m_db, "SELECT data FROM blob_parts WHERE sha = ? ORDER BY off");
            all.bind(1, sha);
            while (all.step() == SQLITE_ROW)
                h.update(all.blob(0));
            h.update(data);
            if (h.hexDigest() != sha) {
                Stmt del(m_db, "DELETE FROM blob_parts WHERE sha = ?");
                del.bind(1, sha);
                del.step();
                Stmt delb(m_db, "DELETE FROM blobs WHERE sha = ?");
                delb.bind(1, sha);
                delb.step();
                exec("COMMIT");
                return Error("sync.error.blob_hash", {},
                             "the uploaded bytes do not have the SHA-256 named in the URL");
            }
        }
        Stmt up(m_db, "INSERT INTO blobs(sha, size, total, complete) VALUES(?,?,?,?) ON "
                      "CONFLICT(sha) DO UPDATE SET "
                      "size = excluded.size, total = excluded.total, complete = excluded.complete");
        up.bind(1, sha).bind(2, size).bind(3, total).bind(4, complete ? 1 : 0);
        if (part.step() != SQLITE_DONE || up.step() != SQLITE_DONE || !exec("COMMIT")) {
            auto e = dbError("append blob");
            exec("ROLLBACK");
            return e;
        }
        return BlobState{size, total, complete};
    }

    Result<std::string> readBlob(const std::string& sha, int64_t offset,
                                 int64_t maxBytes) override {
        std::lock_guard lock(m_mutex);
        auto st = blobStateLocked(sha);
        if (!st)
            return st.error();
        if (!st->complete)
            return Error("sync.error.blob_missing", {}, "no complete blob with this SHA-256");
        Stmt q(m_db, "SELECT off, data FROM blob_parts WHERE sha = ? AND off + length(data) > ? "
                     "ORDER BY off");
        q.bind(1, sha).bind(2, offset);
        std::string out;
        while (q.step() == SQLITE_ROW && static_cast<int64_t>(out.size()) < maxBytes) {
            int64_t off = q.i64(0);
            std::string d = q.blob(1);
            int64_t skip = std::max<int64_t>(0, offset - off);
            out += d.substr(static_cast<std::size_t>(skip));
        }
        if (static_cast<int64_t>(out.size()) > maxBytes)
            out.resize(static_cast<std::size_t>(maxBytes));
        return out;
    }

    Result<std::optional<std::string>> blobOwnerCounty(const std::string& sha) override {
        std::lock_guard lock(m_mutex);
        Stmt q(m_db, "SELECT county FROM changes WHERE record_type = 'attachment' AND field = "
                     "'sha256' AND value = ? ORDER BY seq LIMIT 1");
        if (!q.ok())
            return dbError("blob reference");
        q.bind(1, nlohmann::json(sha).dump());
        int rc = q.step();
        if (rc == SQLITE_DONE)
            return std::optional<std::string>();
        if (rc != SQLITE_ROW)
            return dbError("blob reference");
        return std::optional<std::string>(q.text(0));
    }

    std::unique_ptr<QueueDb> queueDb() override { return makeSqliteQueueDb(m_db, m_mutex); }

private:
    Result<BlobState> blobStateLocked(const std::string& sha) {
        Stmt q(m_db, "SELECT size, total, complete FROM blobs WHERE sha = ?");
        q.bind(1, sha);
        int rc = q.step();
        if (rc == SQLITE_DONE)
            return BlobState{};
        if (rc != SQLITE_ROW)
            return dbError("blob state");
        return BlobState{q.i64(0), q.i64(1), q.i64(2) != 0};
    }

    sqlite3* m_db;
    std::mutex m_mutex;
};

Status addColumnIfMissing(sqlite3* db, const char* table, const char* column, const char* decl) {
    Stmt info(db, (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?").c_str());
    info.bind(1, std::string(column));
    if (info.step() == SQLITE_ROW)
        return {};
    std::string sql = std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + decl;
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        return Error("sync.error.storage", {}, msg);
    }
    return {};
}

} // namespace

Error badCode() {
    return Error("sync.error.bad_code", {}, "unknown, used or expired enrollment code");
}

Error deviceExists(const std::string& device) {
    return Error("sync.error.device_exists", {{"device", device}},
                 "this device is enrolled already; re-enrolling it needs a code made for it "
                 "(zhuxue-server enroll --device " + device + ")");
}

Status checkClaim(const EnrollClaim& claim, DeviceRole codeRole, const std::string& forDevice) {
    if (claim.role && *claim.role != codeRole)
        return Error("sync.error.wrong_role",
                     {{"code_role", std::string(roleName(codeRole))},
                      {"device_role", std::string(roleName(*claim.role))}},
                     "this code is for a " + std::string(roleName(codeRole)) +
                         " device, not a " + std::string(roleName(*claim.role)));
    if (!forDevice.empty() && forDevice != claim.device)
        return badCode(); // a code for another device: as good as unknown to this one
    return {};
}

bool sameContent(const Change& stored, const Change& incoming) {
    return stored == incoming;
}

Result<std::unique_ptr<Storage>> openSqliteStorage(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return Error("sync.error.storage_open", {{"path", path}},
                     "cannot open " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db, 10000);
    // WAL with synchronous=FULL: a push that was answered survives kill -9 and power loss.
    char* err = nullptr;
    std::string sql =
        std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") +
        kSchema;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        sqlite3_close(db);
        return Error("sync.error.storage_open", {{"path", path}},
                     "cannot create the schema in " + path + ": " + msg);
    }
    // Stores made before device roles: every device and code was a staff one (the default).
    for (auto [table, column, decl] :
         {std::tuple{"devices", "role", "TEXT NOT NULL DEFAULT 'staff'"},
          std::tuple{"enroll_codes", "role", "TEXT NOT NULL DEFAULT 'staff'"},
          std::tuple{"enroll_codes", "for_device", "TEXT NOT NULL DEFAULT ''"}})
        if (auto st = addColumnIfMissing(db, table, column, decl); !st) {
            sqlite3_close(db);
            return Error("sync.error.storage_open", {{"path", path}},
                         "cannot add " + std::string(table) + "." + column + " in " + path + ": " +
                             st.error().detail);
        }
    return std::unique_ptr<Storage>(new SqliteStorage(db));
}

} // namespace zhuxue::sync::server
