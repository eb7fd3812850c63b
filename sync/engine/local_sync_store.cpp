#include "local_sync_store.hpp"

#include "sync/protocol/wire.hpp"

#include <chrono>
#include <sqlite3.h>

namespace zhuxue::sync {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS sync_outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    change TEXT NOT NULL, acked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS sync_outbox_pending ON sync_outbox(acked, seq);
CREATE TABLE IF NOT EXISTS sync_fields(record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
    state TEXT NOT NULL, conflict INTEGER NOT NULL, PRIMARY KEY(record_type, record_id, field));
CREATE TABLE IF NOT EXISTS sync_state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sync_quarantine(id TEXT PRIMARY KEY, change TEXT NOT NULL, reason TEXT NOT NULL,
    detail TEXT NOT NULL, at INTEGER NOT NULL);
)";

struct Stmt {
    sqlite3_stmt* s = nullptr;
    Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
    ~Stmt() { sqlite3_finalize(s); }
    Stmt& bind(int i, const std::string& v) {
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(s, i, v);
        return *this;
    }
    int step() { return sqlite3_step(s); }
    void reset() { sqlite3_reset(s); }
    std::string text(int c) {
        auto p = sqlite3_column_text(s, c);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    int64_t i64(int c) { return sqlite3_column_int64(s, c); }
};

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string formatUuid(std::string hex) {
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string newUuid(int version) {
    std::string hex = randomHex(16);
    if (version == 7) {
        char ms[13];
        std::snprintf(ms, sizeof ms, "%012llx",
                      static_cast<unsigned long long>(nowMs()) & 0xffffffffffffULL);
        hex.replace(0, 12, ms);
    }
    hex[12] = static_cast<char>('0' + version);
    hex[16] = "89ab"[hex[16] % 4];
    return formatUuid(hex);
}

nlohmann::json stateToJson(const FieldState& st) {
    auto heads = nlohmann::json::array();
    for (const auto& h : st.heads)
        heads.push_back(toJson(h));
    return {{"heads", heads}, {"replaced", st.replaced}};
}

FieldState stateFromJson(const std::string& text) {
    FieldState st;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        return st;
    for (const auto& h : j["heads"])
        if (auto c = changeFromJson(h))
            st.heads.push_back(*c);
    st.replaced = j["replaced"].get<std::vector<std::string>>();
    return st;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v)
        out += (out.empty() ? "" : ",") + x;
    return out;
}

} // namespace

Result<std::unique_ptr<LocalSyncStore>> LocalSyncStore::open(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return Error("sync.error.store_open", {{"path", file.string()}}, msg);
    }
    sqlite3_busy_timeout(db, 15000);
    std::string sql = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") + kSchema;
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        sqlite3_close(db);
        return Error("sync.error.store_open", {{"path", file.string()}}, msg);
    }
    std::unique_ptr<LocalSyncStore> s(new LocalSyncStore(db));
    // The device identity is made once and never changes (re-enrollment keeps it).
    if (!s->exec("BEGIN IMMEDIATE"))
        return s->dbError("begin");
    auto id = s->getState("device");
    if (id && id->empty())
        s->setState("device", newUuid(4));
    if (!s->exec("COMMIT"))
        return s->dbError("commit");
    return s;
}

LocalSyncStore::~LocalSyncStore() {
    sqlite3_close(m_db);
}

Error LocalSyncStore::dbError(const char* what) {
    return Error("sync.error.store", {}, std::string(what) + ": " + sqlite3_errmsg(m_db));
}

bool LocalSyncStore::exec(const char* sql) {
    return sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

Result<std::string> LocalSyncStore::getState(const std::string& key) {
    Stmt q(m_db, "SELECT value FROM sync_state WHERE key = ?");
    q.bind(1, key);
    int rc = q.step();
    if (rc == SQLITE_ROW)
        return q.text(0);
    if (rc == SQLITE_DONE)
        return std::string();
    return dbError("read state");
}

Status LocalSyncStore::setState(const std::string& key, const std::string& value) {
    Stmt q(m_db, "INSERT INTO sync_state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET "
                 "value = excluded.value");
    q.bind(1, key).bind(2, value);
    if (q.step() != SQLITE_DONE)
        return dbError("write state");
    return {};
}

Status LocalSyncStore::mergeOne(const Change& c, bool bumpClock) {
    Stmt q(m_db,
           "SELECT state FROM sync_fields WHERE record_type = ? AND record_id = ? AND field = ?");
    q.bind(1, c.recordType).bind(2, c.recordId).bind(3, c.field);
    FieldState st;
    if (q.step() == SQLITE_ROW)
        st = stateFromJson(q.text(0));
    auto r = mergeField(st, c);
    if (r.kind == MergeKind::Duplicate)
        return {};
    if (r.kind == MergeKind::IdConflict)
        return Error("sync.error.id_conflict", {{"id", c.id}},
                     "a different change with this id is already here");
    Stmt w(
        m_db,
        "INSERT INTO sync_fields(record_type, record_id, field, state, conflict) VALUES(?,?,?,?,?) "
        "ON CONFLICT(record_type, record_id, field) DO UPDATE SET state = excluded.state, conflict "
        "= excluded.conflict");
    w.bind(1, c.recordType)
        .bind(2, c.recordId)
        .bind(3, c.field)
        .bind(4, stateToJson(r.state).dump());
    w.bind(5, static_cast<int64_t>(r.state.inConflict() ? 1 : 0));
    if (w.step() != SQLITE_DONE)
        return dbError("write field");
    if (!bumpClock)
        return {};
    // Keep the clock ahead of every stamp seen, so a later local edit is newer than it.
    auto last = getState("hlc");
    if (!last)
        return last.error();
    if (hlcValue(c.hlc) > hlcValue(*last))
        return setState("hlc", c.hlc);
    return {};
}

Result<Change> LocalSyncStore::edit(const std::string& recordType, const std::string& recordId,
                                    const std::string& county, const std::string& field,
                                    const nlohmann::json& value) {
    if (!m_inBatch && !exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    auto fail = [&](Error e) {
        if (!m_inBatch)
            exec("ROLLBACK");
        return e;
    };
    auto last = getState("hlc");
    auto dev = getState("device");
    if (!last || !dev)
        return fail(dbError("read state"));
    Change c;
    c.id = newUuid(7);
    c.recordType = recordType;
    c.recordId = recordId;
    c.county = county;
    c.field = field;
    c.value = value;
    c.hlc = hlcText(std::max(hlcValue(*last) + 1, static_cast<uint64_t>(nowMs()) << 16));
    c.device = *dev;
    Stmt q(m_db,
           "SELECT state FROM sync_fields WHERE record_type = ? AND record_id = ? AND field = ?");
    q.bind(1, recordType).bind(2, recordId).bind(3, field);
    if (q.step() == SQLITE_ROW) {
        auto st = stateFromJson(q.text(0));
        if (!st.empty())
            c.base.push_back(versionRef(st.winner()));
    }
    if (auto v = validate(c); !v)
        return fail(v.error());
    if (auto m = mergeOne(c); !m)
        return fail(m.error());
    Stmt o(m_db, "INSERT INTO sync_outbox(id, change) VALUES(?, ?)");
    o.bind(1, c.id).bind(2, toJson(c).dump());
    if (o.step() != SQLITE_DONE || (!m_inBatch && !exec("COMMIT")))
        return fail(dbError("queue change"));
    return c;
}

Status LocalSyncStore::batch(const std::function<Status()>& fn) {
    if (m_inBatch)
        return fn();
    if (!exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    m_inBatch = true;
    Status st = fn();
    m_inBatch = false;
    if (!st) {
        exec("ROLLBACK");
        return st;
    }
    if (!exec("COMMIT")) {
        auto e = dbError("commit");
        exec("ROLLBACK");
        return e;
    }
    return {};
}

Result<std::map<FieldKey, FieldState>> LocalSyncStore::fields() {
    std::map<FieldKey, FieldState> out;
    Stmt q(m_db, "SELECT record_type, record_id, field, state FROM sync_fields");
    while (q.step() == SQLITE_ROW)
        out[FieldKey{q.text(0), q.text(1), q.text(2)}] = stateFromJson(q.text(3));
    return out;
}

Result<std::vector<Change>> LocalSyncStore::pending(std::size_t limit) {
    std::vector<Change> out;
    Stmt q(m_db, "SELECT change FROM sync_outbox WHERE acked = 0 ORDER BY seq LIMIT ?");
    q.bind(1, static_cast<int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        auto c = changeFromJson(nlohmann::json::parse(q.text(0), nullptr, false));
        if (!c)
            return c.error();
        out.push_back(std::move(*c));
    }
    if (rc != SQLITE_DONE)
        return dbError("read outbox");
    return out;
}

Status LocalSyncStore::acknowledge(const std::vector<std::string>& ids) {
    if (!exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    Stmt q(m_db, "UPDATE sync_outbox SET acked = 1 WHERE id = ?");
    for (const auto& id : ids) {
        q.bind(1, id);
        if (q.step() != SQLITE_DONE) {
            auto e = dbError("acknowledge");
            exec("ROLLBACK");
            return e;
        }
        q.reset();
    }
    if (!exec("COMMIT"))
        return dbError("commit");
    return {};
}

Status LocalSyncStore::quarantine(const Change& c, const std::string& reasonKey,
                                  const std::string& detail) {
    if (!exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    Stmt q(
        m_db,
        "INSERT OR REPLACE INTO sync_quarantine(id, change, reason, detail, at) VALUES(?,?,?,?,?)");
    q.bind(1, c.id)
        .bind(2, toJson(c).dump())
        .bind(3, reasonKey)
        .bind(4, detail)
        .bind(5, nowMs() / 1000);
    // Out of the push queue, but never deleted: the person sees it with the reason.
    Stmt o(m_db, "UPDATE sync_outbox SET acked = 2 WHERE id = ?");
    o.bind(1, c.id);
    if (q.step() != SQLITE_DONE || o.step() != SQLITE_DONE || !exec("COMMIT")) {
        auto e = dbError("quarantine");
        exec("ROLLBACK");
        return e;
    }
    return {};
}

Status LocalSyncStore::applyRemote(const std::vector<Change>& changes,
                                   const std::string& newCursor) {
    if (!exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    std::string newest;
    for (const auto& c : changes) {
        newest = std::max(newest, c.hlc);
        if (auto st = mergeOne(c, false); !st) {
            if (st.error().key == "sync.error.id_conflict")
                continue; // the server refuses these too; keep the first one seen
            exec("ROLLBACK");
            return st;
        }
    }
    auto last = getState("hlc");
    if (!last) {
        exec("ROLLBACK");
        return last.error();
    }
    if (newest > *last && !setState("hlc", newest)) {
        auto e = dbError("write clock");
        exec("ROLLBACK");
        return e;
    }
    if (auto st = setState("cursor", newCursor); !st) {
        exec("ROLLBACK");
        return st;
    }
    if (!exec("COMMIT"))
        return dbError("commit");
    return {};
}

Result<std::string> LocalSyncStore::cursor() {
    return getState("cursor");
}

Result<SyncCounts> LocalSyncStore::counts() {
    SyncCounts c;
    Stmt a(m_db, "SELECT (SELECT count(*) FROM sync_outbox WHERE acked = 0), (SELECT count(*) FROM "
                 "sync_fields WHERE conflict = 1), "
                 "(SELECT count(*) FROM sync_quarantine)");
    if (a.step() != SQLITE_ROW)
        return dbError("counts");
    c.pending = a.i64(0);
    c.conflicts = a.i64(1);
    c.quarantined = a.i64(2);
    return c;
}

Result<SyncCredentials> LocalSyncStore::credentials() {
    SyncCredentials c;
    auto url = getState("url"), token = getState("token"), dev = getState("device"),
         counties = getState("counties"), exp = getState("expires_at");
    if (!url || !token || !dev || !counties || !exp)
        return dbError("read credentials");
    c.url = *url;
    c.token = *token;
    c.device = *dev;
    std::size_t start = 0;
    while (start < counties->size()) {
        auto comma = counties->find(',', start);
        if (comma == std::string::npos)
            comma = counties->size();
        c.counties.push_back(counties->substr(start, comma - start));
        start = comma + 1;
    }
    c.expiresAt = exp->empty() ? 0 : std::stoll(*exp);
    return c;
}

Status LocalSyncStore::saveCredentials(const SyncCredentials& c) {
    if (!exec("BEGIN IMMEDIATE"))
        return dbError("begin");
    auto old = getState("url");
    // A different server means a different log: start its cursor from the beginning. Unsynced
    // changes stay in the outbox and go to the new server.
    bool sameServer = old && *old == c.url;
    if (!setState("url", c.url) || !setState("token", c.token) ||
        !setState("counties", join(c.counties)) ||
        !setState("expires_at", std::to_string(c.expiresAt)) ||
        (!sameServer && !setState("cursor", ""))) {
        exec("ROLLBACK");
        return dbError("save credentials");
    }
    if (!exec("COMMIT"))
        return dbError("commit");
    return {};
}

Result<std::string> LocalSyncStore::deviceId() {
    return getState("device");
}

} // namespace zhuxue::sync
