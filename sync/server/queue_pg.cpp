// The hall queue on PostgreSQL: its own small connection pool; every queue transaction first
// takes one transaction-scoped advisory lock, so queue changes are serialised across all server
// processes sharing the database (a hall's queue sees a few requests a second; correctness of
// "call next" matters far more than parallelism here).
#include "queue_store.hpp"

#include <condition_variable>
#include <libpq-fe.h>

namespace zhuxue::sync::server {

namespace {

constexpr int64_t kQueueLockKey = 0x7a68716c; // "zhql"
constexpr int kConnections = 4;

class PgQueueDb;

class PgTx final : public QueueTx {
public:
    PgTx(PgQueueDb& db, PGconn* c) : m_db(db), m_c(c) {}
    ~PgTx() override;
    Result<std::vector<SqlRow>> query(const std::string& sql,
                                      const std::vector<std::string>& params) override {
        std::vector<const char*> values;
        for (const auto& p : params)
            values.push_back(p.c_str());
        PGresult* r = PQexecParams(m_c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                   values.data(), nullptr, nullptr, 0);
        auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            Error e("sync.error.storage", {}, std::string("queue: ") + PQerrorMessage(m_c));
            PQclear(r);
            return e;
        }
        std::vector<SqlRow> rows;
        for (int i = 0; i < PQntuples(r); ++i) {
            SqlRow row;
            for (int c = 0; c < PQnfields(r); ++c)
                row.emplace_back(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c)));
            rows.push_back(std::move(row));
        }
        PQclear(r);
        return rows;
    }
    Status commit() override {
        auto r = query("COMMIT", {});
        if (!r)
            return r.error();
        m_open = false;
        return {};
    }
    void opened() { m_open = true; }

private:
    PgQueueDb& m_db;
    PGconn* m_c;
    bool m_open = false;
};

class PgQueueDb final : public QueueDb {
public:
    explicit PgQueueDb(std::string conninfo) : m_conninfo(std::move(conninfo)) {}
    ~PgQueueDb() override {
        for (auto* c : m_free)
            PQfinish(c);
    }
    Result<std::unique_ptr<QueueTx>> begin() override {
        PGconn* c = take();
        if (PQstatus(c) != CONNECTION_OK)
            PQreset(c);
        auto tx = std::make_unique<PgTx>(*this, c);
        if (PQstatus(c) != CONNECTION_OK)
            return Error("sync.error.storage", {}, std::string("queue: ") + PQerrorMessage(c));
        if (auto r = tx->query("BEGIN", {}); !r)
            return r.error();
        tx->opened();
        if (auto r = tx->query("SELECT pg_advisory_xact_lock(" + std::to_string(kQueueLockKey) + ")", {}); !r)
            return r.error();
        return std::unique_ptr<QueueTx>(std::move(tx));
    }
    void give(PGconn* c) {
        std::lock_guard lock(m_mutex);
        m_free.push_back(c);
        m_cv.notify_one();
    }

private:
    PGconn* take() {
        std::unique_lock lock(m_mutex);
        if (m_free.empty() && m_made < kConnections) {
            ++m_made;
            lock.unlock();
            PGconn* c = PQconnectdb(m_conninfo.c_str());
            PQclear(PQexec(c, "SET client_min_messages = warning"));
            return c;
        }
        m_cv.wait(lock, [&] { return !m_free.empty(); });
        PGconn* c = m_free.back();
        m_free.pop_back();
        return c;
    }
    std::string m_conninfo;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<PGconn*> m_free;
    int m_made = 0;
};

PgTx::~PgTx() {
    if (m_open) {
        PGresult* r = PQexec(m_c, "ROLLBACK");
        PQclear(r);
    }
    m_db.give(m_c);
}

} // namespace

std::unique_ptr<QueueDb> makePgQueueDb(const std::string& conninfo) {
    return std::make_unique<PgQueueDb>(conninfo);
}

} // namespace zhuxue::sync::server
