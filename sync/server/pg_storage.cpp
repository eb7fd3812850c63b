// PostgreSQL backend (libpq): several zhuxue-server processes may share one database.
//
// Cursor safety: every transaction that appends to the change log first takes a transaction-
// scoped advisory lock (pg_advisory_xact_lock), so appends are serialised and seq order equals
// commit order. A reader therefore never sees seq N while an earlier seq is still uncommitted,
// and "seq > cursor" never skips a change. The lock is held only for the inserts of one batch
// (one statement), which keeps thousands of changes per second possible. Why not the snapshot-
// xmin horizon: it needs no lock but makes every pull wait for the oldest open transaction of
// the whole cluster and is harder to test; see PROTOCOL.md.
#include "storage.hpp"
#include "queue_store.hpp"
#include "sync/protocol/wire.hpp"

#include <condition_variable>
#include <libpq-fe.h>
#include <mutex>
#include <set>

namespace zhuxue::sync::server {

namespace {

constexpr int64_t kLogLockKey = 0x7a687578; // "zhux"

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS changes(
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    county TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    hlc TEXT NOT NULL,
    device TEXT NOT NULL,
    base TEXT NOT NULL,
    received_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS changes_county_seq ON changes(county, seq);
CREATE INDEX IF NOT EXISTS changes_blob_ref ON changes(value, county)
    WHERE record_type = 'attachment' AND field = 'sha256';
CREATE TABLE IF NOT EXISTS devices(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, counties TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    enrolled_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enroll_codes(
    code_hash TEXT PRIMARY KEY, counties TEXT NOT NULL, name TEXT NOT NULL, expires_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '');
-- Device roles (databases made before them: every device and code was a staff one).
ALTER TABLE devices ADD COLUMN IF NOT EXISTS role TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE enroll_codes ADD COLUMN IF NOT EXISTS role TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE enroll_codes ADD COLUMN IF NOT EXISTS for_device TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS blobs(sha TEXT PRIMARY KEY, size BIGINT NOT NULL, total BIGINT NOT NULL,
    complete BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS blob_parts(sha TEXT NOT NULL, off BIGINT NOT NULL, data BYTEA NOT NULL,
    PRIMARY KEY(sha, off));
-- One push batch in one statement, so in one implicit transaction and one round trip: takes the
-- log's append lock (held until that transaction has committed), inserts the changes in batch
-- order and returns the ids it stored; ids already in the log are left as they are.
CREATE OR REPLACE FUNCTION zhuxue_append_changes(batch jsonb, lock_key bigint, received bigint)
RETURNS SETOF text LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY WITH ins AS (
        INSERT INTO changes(id, county, record_type, record_id, field, value, hlc, device, base,
                            received_at)
        SELECT e->>'id', e->>'county', e->>'record_type', e->>'record_id', e->>'field',
               e->>'value', e->>'hlc', e->>'device', e->>'base', received
        FROM jsonb_array_elements(batch) WITH ORDINALITY AS t(e, n) ORDER BY n
        ON CONFLICT (id) DO NOTHING RETURNING id)
    SELECT id FROM ins;
END
$fn$;
)";

using PGresultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

class Conn {
public:
    explicit Conn(PGconn* c) : m_c(c) {}
    ~Conn() { PQfinish(m_c); }
    PGconn* get() const { return m_c; }

    // Runs a statement with text parameters; nullptr params are SQL NULL.
    PGresultPtr run(const char* sql, std::initializer_list<std::string> params = {}) {
        std::vector<const char*> values;
        for (const auto& p : params)
            values.push_back(p.c_str());
        return PGresultPtr(PQexecParams(m_c, sql, static_cast<int>(values.size()), nullptr,
                                        values.data(), nullptr, nullptr, 0),
                           &PQclear);
    }
    bool ok(const PGresultPtr& r) const {
        auto s = PQresultStatus(r.get());
        return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    }
    Error error(const char* what) const {
        return Error("sync.error.storage", {}, std::string(what) + ": " + PQerrorMessage(m_c));
    }
    bool broken() const { return PQstatus(m_c) != CONNECTION_OK; }

private:
    PGconn* m_c;
};

Change changeFromRow(PGresult* r, int row, int first) {
    auto t = [&](int c) {
        return std::string(PQgetvalue(r, row, first + c),
                           static_cast<std::size_t>(PQgetlength(r, row, first + c)));
    };
    Change c;
    c.id = t(0);
    c.county = t(1);
    c.recordType = t(2);
    c.recordId = t(3);
    c.field = t(4);
    c.value = nlohmann::json::parse(t(5), nullptr, false);
    c.hlc = t(6);
    c.device = t(7);
    c.base = splitBase(t(8));
    return c;
}

class PgStorage final : public Storage {
public:
    PgStorage(std::string conninfo, std::vector<std::unique_ptr<Conn>> conns)
        : m_conninfo(std::move(conninfo)), m_free(std::move(conns)) {}

    // A connection from the pool, returned at scope exit; a broken one is replaced.
    class Lease {
    public:
        Lease(PgStorage& s) : m_s(s) {
            std::unique_lock lock(s.m_mutex);
            s.m_cv.wait(lock, [&] { return !s.m_free.empty(); });
            m_c = std::move(s.m_free.back());
            s.m_free.pop_back();
            if (m_c->broken())
                PQreset(m_c->get());
        }
        ~Lease() {
            if (PQtransactionStatus(m_c->get()) != PQTRANS_IDLE)
                m_c->run("ROLLBACK");
            std::lock_guard lock(m_s.m_mutex);
            m_s.m_free.push_back(std::move(m_c));
            m_s.m_cv.notify_one();
        }
        Conn* operator->() { return m_c.get(); }

    private:
        PgStorage& m_s;
        std::unique_ptr<Conn> m_c;
    };

    Status addEnrollCode(const std::string& codeHash, const EnrollCodeSpec& spec) override {
        Lease c(*this);
        auto r = c->run("INSERT INTO enroll_codes(code_hash, counties, name, expires_at, role, "
                        "for_device) VALUES($1,$2,$3,$4,$5,$6)",
                        {codeHash, joinCountyList(spec.counties), spec.name,
                         std::to_string(spec.expiresAt), std::string(roleName(spec.role)),
                         spec.forDevice});
        if (!c->ok(r))
            return c->error("add enroll code");
        return {};
    }

    Result<DeviceInfo> redeemEnrollCode(const std::string& codeHash, const EnrollClaim& claim,
                                        int64_t now) override {
        Lease c(*this);
        // One transaction: the code's row lock keeps two servers from using it twice, and a
        // refusal leaves it unused (the lease rolls back what is not committed).
        if (!c->ok(c->run("BEGIN")))
            return c->error("begin");
        auto r = c->run("SELECT counties, name, role, for_device FROM enroll_codes WHERE code_hash = $1 "
                        "AND used_at = 0 AND expires_at > $2 FOR UPDATE",
                        {codeHash, std::to_string(now)});
        if (!c->ok(r))
            return c->error("redeem enroll code");
        if (PQntuples(r.get()) != 1)
            return badCode();
        DeviceInfo info{claim.device, claim.name.empty() ? PQgetvalue(r.get(), 0, 1) : claim.name,
                        splitCountyList(PQgetvalue(r.get(), 0, 0)), claim.tokenExpiresAt, 0,
                        parseRole(PQgetvalue(r.get(), 0, 2)).value_or(DeviceRole::Staff)};
        const std::string forDevice = PQgetvalue(r.get(), 0, 3);
        if (auto st = checkClaim(claim, info.role, forDevice); !st)
            return st.error();
        auto known = c->run("SELECT 1 FROM devices WHERE id = $1 FOR UPDATE", {claim.device});
        if (!c->ok(known))
            return c->error("redeem enroll code");
        bool exists = PQntuples(known.get()) > 0;
        if (exists && forDevice.empty())
            return deviceExists(claim.device);
        auto use = c->run("UPDATE enroll_codes SET used_at = $2, device = $3 WHERE code_hash = $1",
                          {codeHash, std::to_string(now), claim.device});
        // A new device is inserted (a racing insert of the same id fails on the primary key);
        // only a code made for this device replaces its token.
        auto d = c->run(exists ? "UPDATE devices SET name = $2, counties = $3, token_hash = $4, "
                                 "enrolled_at = $5, expires_at = $6, revoked_at = 0, role = $7 WHERE id = $1"
                               : "INSERT INTO devices(id, name, counties, token_hash, enrolled_at, "
                                 "expires_at, revoked_at, role) VALUES($1,$2,$3,$4,$5,$6,0,$7)",
                        {claim.device, info.name, joinCountyList(info.counties), claim.tokenHash,
                         std::to_string(now), std::to_string(claim.tokenExpiresAt),
                         std::string(roleName(info.role))});
        if (!c->ok(use) || !c->ok(d) || !c->ok(c->run("COMMIT")))
            return c->error("register device");
        return info;
    }

    Result<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) override {
        Lease c(*this);
        auto r = c->run("SELECT id, name, counties, expires_at, revoked_at, role FROM devices "
                        "WHERE token_hash = $1",
                        {tokenHash});
        if (!c->ok(r))
            return c->error("device by token");
        if (PQntuples(r.get()) == 0)
            return std::optional<DeviceInfo>();
        return std::optional<DeviceInfo>(
            DeviceInfo{PQgetvalue(r.get(), 0, 0), PQgetvalue(r.get(), 0, 1),
                       splitCountyList(PQgetvalue(r.get(), 0, 2)), std::stoll(PQgetvalue(r.get(), 0, 3)),
                       std::stoll(PQgetvalue(r.get(), 0, 4)),
                       parseRole(PQgetvalue(r.get(), 0, 5)).value_or(DeviceRole::Display)});
    }

    Result<bool> revokeDevice(const std::string& device, int64_t now) override {
        Lease c(*this);
        auto r = c->run("UPDATE devices SET revoked_at = $2 WHERE id = $1",
                        {device, std::to_string(now)});
        if (!c->ok(r))
            return c->error("revoke");
        return std::string(PQcmdTuples(r.get())) != "0";
    }

    Result<std::vector<PushResult>> storeChanges(const std::vector<Change>& changes,
                                                 int64_t now) override {
        // The whole batch is one JSON array parameter of one statement (zhuxue_append_changes):
        // one round trip, and the append lock is held only while this statement runs and commits.
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& ch : changes)
            rows.push_back({{"id", ch.id},
                            {"county", ch.county},
                            {"record_type", ch.recordType},
                            {"record_id", ch.recordId},
                            {"field", ch.field},
                            {"value", ch.value.dump()},
                            {"hlc", ch.hlc},
                            {"device", ch.device},
                            {"base", joinBase(ch.base)}});
        Lease c(*this);
        auto ins = c->run("SELECT zhuxue_append_changes($1::jsonb, $2::bigint, $3::bigint)",
                          {rows.dump(), std::to_string(kLogLockKey), std::to_string(now)});
        if (!c->ok(ins))
            return c->error("insert changes");
        std::set<std::string> inserted;
        for (int i = 0; i < PQntuples(ins.get()); ++i)
            inserted.emplace(PQgetvalue(ins.get(), i, 0),
                             static_cast<std::size_t>(PQgetlength(ins.get(), i, 0)));
        // Ids that were in the log already (a batch sent again, or the same id twice in one
        // batch): duplicate when the content is the same, else an id conflict.
        std::vector<PushResult> out;
        out.reserve(changes.size());
        nlohmann::json again = nlohmann::json::array();
        for (const auto& ch : changes) {
            if (inserted.erase(ch.id)) {
                out.push_back(PushResult{ch.id, PushStatus::Stored, 200, {}, {}});
                continue;
            }
            out.push_back(PushResult{ch.id, PushStatus::Duplicate, 200, {}, {}});
            again.push_back(ch.id);
        }
        if (again.empty())
            return out;
        auto existing = c->run("SELECT id, county, record_type, record_id, field, value, hlc, "
                               "device, base FROM changes "
                               "WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))",
                               {again.dump()});
        if (!c->ok(existing))
            return c->error("find changes");
        std::map<std::string, Change> known;
        for (int i = 0; i < PQntuples(existing.get()); ++i) {
            auto ch = changeFromRow(existing.get(), i, 0);
            known.emplace(ch.id, std::move(ch));
        }
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (out[i].status != PushStatus::Duplicate)
                continue;
            auto it = known.find(changes[i].id);
            if (it == known.end())
                return Error("sync.error.storage", {{"id", changes[i].id}},
                             "a change the log refused as known is not in the log");
            if (!sameContent(it->second, changes[i]))
                out[i] = PushResult{changes[i].id, PushStatus::Rejected, 409,
                                    "sync.error.id_conflict",
                                    "a different change with this id is already stored"};
        }
        return out;
    }

    Result<PullPage> pull(const std::vector<std::string>& counties, int64_t cursor,
                          std::size_t limit) override {
        Lease c(*this);
        nlohmann::json cs = counties;
        // One snapshot for the page and the log end, so the jump past other counties is exact.
        auto begin = c->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        auto r = c->run("SELECT seq, id, county, record_type, record_id, field, value, hlc, "
                        "device, base FROM changes "
                        "WHERE seq > $1 AND county IN (SELECT "
                        "jsonb_array_elements_text($2::jsonb)) ORDER BY seq LIMIT $3",
                        {std::to_string(cursor), cs.dump(), std::to_string(limit + 1)});
        if (!c->ok(begin) || !c->ok(r))
            return c->error("pull");
        PullPage page;
        int64_t lastSeq = cursor;
        int n = PQntuples(r.get());
        for (int i = 0; i < n; ++i) {
            if (page.changes.size() == limit) {
                page.more = true;
                break;
            }
            lastSeq = std::stoll(PQgetvalue(r.get(), i, 0));
            page.changes.push_back(changeFromRow(r.get(), i, 1));
        }
        if (page.more) {
            page.cursor = lastSeq;
        } else {
            auto m = c->run("SELECT coalesce(max(seq), 0) FROM changes");
            if (!c->ok(m))
                return c->error("pull");
            page.cursor = std::max<int64_t>(lastSeq, std::stoll(PQgetvalue(m.get(), 0, 0)));
        }
        c->run("COMMIT");
        return page;
    }

    Result<int64_t> changeCount() override {
        Lease c(*this);
        auto r = c->run("SELECT count(*) FROM changes");
        if (!c->ok(r))
            return c->error("count");
        return std::stoll(PQgetvalue(r.get(), 0, 0));
    }

    Result<BlobState> blobState(const std::string& sha) override {
        Lease c(*this);
        return blobStateOn(*c.operator->(), sha, false);
    }

    Result<BlobState> appendBlob(const std::string& sha, int64_t offset, int64_t total,
                                 const std::string& data) override {
        Lease c(*this);
        Conn& conn = *c.operator->();
        if (!conn.ok(conn.run("BEGIN")))
            return conn.error("begin");
        // Row lock on the blob keeps two servers from appending the same piece twice.
        conn.run("INSERT INTO blobs(sha, size, total, complete) VALUES($1, 0, $2, false) ON "
                 "CONFLICT DO NOTHING",
                 {sha, std::to_string(total)});
        auto st = blobStateOn(conn, sha, true);
        if (!st)
            return st;
        if (st->complete)
            return st;
        if (offset != st->size)
            return Error("sync.error.blob_offset", {{"expected", std::to_string(st->size)}},
                         "upload must continue at byte " + std::to_string(st->size));
        if (total != st->total || offset + static_cast<int64_t>(data.size()) > total)
            return Error("sync.error.blob_size", {},
                         "the piece does not fit the announced blob size");
        const char* values[3] = {sha.c_str(), nullptr, data.data()};
        std::string off = std::to_string(offset);
        values[1] = off.c_str();
        int lengths[3] = {0, 0, static_cast<int>(data.size())};
        int formats[3] = {0, 0, 1};
        PGresultPtr ins(PQexecParams(conn.get(),
                                     "INSERT INTO blob_parts(sha, off, data) VALUES($1, $2, $3)", 3,
                                     nullptr, values, lengths, formats, 0),
                        &PQclear);
        if (!conn.ok(ins))
            return conn.error("append blob");
        int64_t size = offset + static_cast<int64_t>(data.size());
        bool complete = size == total;
        if (complete) {
            PGresultPtr parts(
                PQexecParams(conn.get(), "SELECT data FROM blob_parts WHERE sha = $1 ORDER BY off",
                             1, nullptr, values, nullptr, nullptr, 1),
                &PQclear);
            Sha256 h;
            for (int i = 0; i < PQntuples(parts.get()); ++i)
                h.update(
                    std::string_view(PQgetvalue(parts.get(), i, 0),
                                     static_cast<std::size_t>(PQgetlength(parts.get(), i, 0))));
            if (h.hexDigest() != sha) {
                conn.run("DELETE FROM blob_parts WHERE sha = $1", {sha});
                conn.run("DELETE FROM blobs WHERE sha = $1", {sha});
                conn.run("COMMIT");
                return Error("sync.error.blob_hash", {},
                             "the uploaded bytes do not have the SHA-256 named in the URL");
            }
        }
        auto up = conn.run("UPDATE blobs SET size = $2, complete = $3 WHERE sha = $1",
                           {sha, std::to_string(size), complete ? "true" : "false"});
        if (!conn.ok(up) || !conn.ok(conn.run("COMMIT")))
            return conn.error("append blob");
        return BlobState{size, total, complete};
    }

    Result<std::optional<std::string>> blobOwnerCounty(const std::string& sha) override {
        Lease c(*this);
        auto r = c->run("SELECT county FROM changes WHERE record_type = 'attachment' AND field = "
                        "'sha256' AND value = $1 ORDER BY seq LIMIT 1",
                        {nlohmann::json(sha).dump()});
        if (!c->ok(r))
            return c->error("blob reference");
        if (PQntuples(r.get()) == 0)
            return std::optional<std::string>();
        return std::optional<std::string>(PQgetvalue(r.get(), 0, 0));
    }

    std::unique_ptr<QueueDb> queueDb() override { return makePgQueueDb(m_conninfo); }

    Result<std::string> readBlob(const std::string& sha, int64_t offset,
                                 int64_t maxBytes) override {
        Lease c(*this);
        Conn& conn = *c.operator->();
        auto st = blobStateOn(conn, sha, false);
        if (!st)
            return st.error();
        if (!st->complete)
            return Error("sync.error.blob_missing", {}, "no complete blob with this SHA-256");
        std::string off = std::to_string(offset);
        const char* values[2] = {sha.c_str(), off.c_str()};
        PGresultPtr parts(PQexecParams(conn.get(),
                                       "SELECT off, data FROM blob_parts WHERE sha = $1 AND off + "
                                       "length(data) > $2::bigint ORDER BY off",
                                       2, nullptr, values, nullptr, nullptr, 1),
                          &PQclear);
        if (!conn.ok(parts))
            return conn.error("read blob");
        std::string out;
        for (int i = 0; i < PQntuples(parts.get()) && static_cast<int64_t>(out.size()) < maxBytes;
             ++i) {
            // Binary int8 is big-endian.
            int64_t partOff = 0;
            const unsigned char* p =
                reinterpret_cast<const unsigned char*>(PQgetvalue(parts.get(), i, 0));
            for (int k = 0; k < 8; ++k)
                partOff = partOff << 8 | p[k];
            std::string_view d(PQgetvalue(parts.get(), i, 1),
                               static_cast<std::size_t>(PQgetlength(parts.get(), i, 1)));
            int64_t skip = std::max<int64_t>(0, offset - partOff);
            out += d.substr(static_cast<std::size_t>(skip));
        }
        if (static_cast<int64_t>(out.size()) > maxBytes)
            out.resize(static_cast<std::size_t>(maxBytes));
        return out;
    }

private:
    Result<BlobState> blobStateOn(Conn& conn, const std::string& sha, bool forUpdate) {
        auto r =
            conn.run(forUpdate ? "SELECT size, total, complete FROM blobs WHERE sha = $1 FOR UPDATE"
                               : "SELECT size, total, complete FROM blobs WHERE sha = $1",
                     {sha});
        if (!conn.ok(r))
            return conn.error("blob state");
        if (PQntuples(r.get()) == 0)
            return BlobState{};
        return BlobState{std::stoll(PQgetvalue(r.get(), 0, 0)),
                         std::stoll(PQgetvalue(r.get(), 0, 1)),
                         std::string(PQgetvalue(r.get(), 0, 2)) == "t"};
    }

    std::string m_conninfo;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<Conn>> m_free;
};

// "PostgreSQL zhuxue@db.example:5432" for messages: the database, host and port the connection
// was made for (never the password).
std::string where(const PGconn* c) {
    auto text = [](const char* v) { return std::string(v ? v : ""); };
    std::string host = text(PQhost(c)), port = text(PQport(c)), db = text(PQdb(c));
    return "PostgreSQL " + db + "@" + (host.empty() ? "localhost" : host) + (port.empty() ? "" : ":" + port);
}

} // namespace

Result<std::unique_ptr<Storage>> openPostgresStorage(const std::string& conninfo, int connections) {
    std::vector<std::unique_ptr<Conn>> conns;
    for (int i = 0; i < connections; ++i) {
        auto c = std::make_unique<Conn>(PQconnectdb(conninfo.c_str()));
        if (c->broken())
            return Error("sync.error.storage_open", {{"path", where(c->get())}},
                         std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(c->get()));
        if (i == 0) {
            // Schema creation by several servers starting at once: serialise on a session lock.
            c->run("SET client_min_messages = warning");
            c->run("SELECT pg_advisory_lock(7283002)");
            PGresultPtr r(PQexec(c->get(), kSchema), &PQclear);
            c->run("SELECT pg_advisory_unlock(7283002)");
            if (!c->ok(r))
                return Error("sync.error.storage_open", {{"path", where(c->get())}},
                             std::string("cannot create the schema: ") + PQerrorMessage(c->get()));
        }
        conns.push_back(std::move(c));
    }
    return std::unique_ptr<Storage>(new PgStorage(conninfo, std::move(conns)));
}

} // namespace zhuxue::sync::server
