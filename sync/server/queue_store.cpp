#include "queue_store.hpp"

#include "client/core/ids.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sqlite3.h>

namespace zhuxue::sync::server {

namespace {

// Same text for both databases: BIGINT has integer affinity in SQLite. "win" because WINDOW is
// reserved in PostgreSQL.
const std::vector<std::string> kQueueSchema = {
    "CREATE TABLE IF NOT EXISTS queue_tickets(id TEXT PRIMARY KEY, day TEXT NOT NULL, "
    "service TEXT NOT NULL, code TEXT NOT NULL, number BIGINT NOT NULL, status TEXT NOT NULL, "
    "win BIGINT NOT NULL DEFAULT 0, transfer_to BIGINT NOT NULL DEFAULT 0, issued_at BIGINT NOT "
    "NULL, called_at BIGINT NOT NULL DEFAULT 0, calls BIGINT NOT NULL DEFAULT 0, call_seq BIGINT "
    "NOT NULL DEFAULT 0, township TEXT NOT NULL DEFAULT '', device TEXT NOT NULL DEFAULT '', "
    "UNIQUE(day, code))",
    "CREATE INDEX IF NOT EXISTS queue_tickets_waiting ON queue_tickets(day, status, issued_at)",
    "CREATE TABLE IF NOT EXISTS queue_counters(day TEXT NOT NULL, name TEXT NOT NULL, "
    "last BIGINT NOT NULL, PRIMARY KEY(day, name))",
    "CREATE TABLE IF NOT EXISTS queue_appointments(id TEXT PRIMARY KEY, day TEXT NOT NULL, "
    "slot_time TEXT NOT NULL, service TEXT NOT NULL, township TEXT NOT NULL, code TEXT NOT NULL, "
    "device TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE(day, code))",
    "CREATE INDEX IF NOT EXISTS queue_appointments_day ON queue_appointments(day, slot_time)",
    "CREATE TABLE IF NOT EXISTS queue_keys(name TEXT PRIMARY KEY, public_key TEXT NOT NULL, "
    "secret_key TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS queue_submissions(id TEXT PRIMARY KEY, day TEXT NOT NULL, "
    "device TEXT NOT NULL, received_at BIGINT NOT NULL, payload TEXT NOT NULL, "
    "ticket_id TEXT NOT NULL DEFAULT '', counties TEXT NOT NULL DEFAULT '')",
};

constexpr const char* kTicketCols = "id, day, service, code, number, status, win, transfer_to, "
                                    "issued_at, called_at, calls, call_seq, township, device";
constexpr const char* kApptCols = "id, day, slot_time, service, township, code, device, created_at";

int64_t num(const std::string& s) {
    return s.empty() ? 0 : std::stoll(s);
}

Ticket ticketFromRow(const SqlRow& r) {
    Ticket t;
    t.id = r[0];
    t.day = r[1];
    t.service = r[2];
    t.code = r[3];
    t.number = num(r[4]);
    t.status = r[5];
    t.window = static_cast<int>(num(r[6]));
    t.transferTo = static_cast<int>(num(r[7]));
    t.issuedAt = num(r[8]);
    t.calledAt = num(r[9]);
    t.calls = num(r[10]);
    t.callSeq = num(r[11]);
    t.township = r[12];
    t.device = r[13];
    return t;
}

Appointment apptFromRow(const SqlRow& r) {
    return Appointment{r[0], r[1], r[2], r[3], r[4], r[5], r[6], num(r[7])};
}

std::string str(int64_t v) {
    return std::to_string(v);
}

// ---- SQLite ----------------------------------------------------------------------------------

class SqliteTx final : public QueueTx {
public:
    SqliteTx(sqlite3* db, std::mutex& m) : m_db(db), m_lock(m) {}
    ~SqliteTx() override {
        if (m_open)
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Status start() {
        if (sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
            return err("begin");
        m_open = true;
        return {};
    }
    Result<std::vector<SqlRow>> query(const std::string& sql,
                                      const std::vector<std::string>& params) override {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            return err("prepare");
        for (std::size_t i = 0; i < params.size(); ++i) {
            std::string name = "$" + std::to_string(i + 1);
            int idx = sqlite3_bind_parameter_index(st, name.c_str());
            if (idx > 0)
                sqlite3_bind_text(st, idx, params[i].data(), static_cast<int>(params[i].size()),
                                  SQLITE_TRANSIENT);
        }
        std::vector<SqlRow> rows;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            SqlRow row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                auto p = sqlite3_column_text(st, c);
                row.emplace_back(p ? reinterpret_cast<const char*>(p) : "");
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return err("step");
        return rows;
    }
    Status commit() override {
        if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            return err("commit");
        m_open = false;
        return {};
    }

private:
    Error err(const char* what) {
        return Error("sync.error.storage", {}, std::string("queue ") + what + ": " + sqlite3_errmsg(m_db));
    }
    sqlite3* m_db;
    std::unique_lock<std::mutex> m_lock;
    bool m_open = false;
};

class SqliteQueueDb final : public QueueDb {
public:
    SqliteQueueDb(sqlite3* db, std::mutex& m) : m_db(db), m_mutex(m) {}
    Result<std::unique_ptr<QueueTx>> begin() override {
        auto tx = std::make_unique<SqliteTx>(m_db, m_mutex);
        if (auto st = tx->start(); !st)
            return st.error();
        return std::unique_ptr<QueueTx>(std::move(tx));
    }

private:
    sqlite3* m_db;
    std::mutex& m_mutex;
};

} // namespace

std::unique_ptr<QueueDb> makeSqliteQueueDb(sqlite3* db, std::mutex& mutex) {
    return std::make_unique<SqliteQueueDb>(db, mutex);
}

const char* ticketStatusName(TicketStatus s) {
    switch (s) {
    case TicketStatus::Waiting: return "waiting";
    case TicketStatus::Called: return "called";
    case TicketStatus::Skipped: return "skipped";
    case TicketStatus::Done: return "done";
    }
    return "waiting";
}

int weekdayOf(const std::string& day) {
    int y = 0, m = 0, d = 0;
    if (day.size() != 10 || std::sscanf(day.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                    std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return 0;
    return static_cast<int>(std::chrono::weekday{std::chrono::sys_days{ymd}}.iso_encoding());
}

std::string localDay(int64_t unixSeconds) {
    std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return buf;
}

std::string addDays(const std::string& day, int n) {
    int y = 0, m = 0, d = 0;
    std::sscanf(day.c_str(), "%4d-%2d-%2d", &y, &m, &d);
    std::chrono::sys_days sd{std::chrono::year_month_day{
        std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
        std::chrono::day{static_cast<unsigned>(d)}}};
    std::chrono::year_month_day out{sd + std::chrono::days{n}};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()),
                  static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
    return buf;
}

QueueStore::QueueStore(std::unique_ptr<QueueDb> db, hall::HallConfig config)
    : m_db(std::move(db)), m_config(std::move(config)) {}

Status QueueStore::init() {
    {
        // Its own block: the transaction holds the storage's lock until it is destroyed, and
        // upgradeSubmissions() below takes that lock again.
        auto tx = m_db->begin();
        if (!tx)
            return tx.error();
        for (const auto& sql : kQueueSchema)
            if (auto r = (*tx)->query(sql); !r)
                return r.error();
        if (auto st = initKeys(**tx); !st)
            return st;
        if (auto st = (*tx)->commit(); !st)
            return st;
    }
    if (auto st = upgradeSubmissions(); !st)
        return st;
    auto ix = m_db->begin();
    if (!ix)
        return ix.error();
    if (auto r = (*ix)->query("CREATE INDEX IF NOT EXISTS queue_submissions_ticket ON queue_submissions(ticket_id)"); !r)
        return r.error();
    return (*ix)->commit();
}

Result<int64_t> QueueStore::nextCounter(QueueTx& tx, const std::string& day, const std::string& name) {
    auto r = tx.query("INSERT INTO queue_counters(day, name, last) VALUES($1, $2, 1) "
                      "ON CONFLICT(day, name) DO UPDATE SET last = queue_counters.last + 1 "
                      "RETURNING last",
                      {day, name});
    if (!r)
        return r.error();
    if (r->empty())
        return Error("sync.error.storage", {}, "counter did not return a value");
    return num((*r)[0][0]);
}

Result<Ticket> QueueStore::issue(const NewTicket& t, const std::string& day,
                                 const std::string& device, int64_t nowMs) {
    const hall::HallService* svc = m_config.service(t.service);
    if (!svc)
        return Error("hall.error.unknown_service", {{"service", t.service}},
                     "no service " + t.service + " in the hall configuration");
    std::string id = t.id.empty() ? newUuidV7().str() : t.id;
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto existing = (*tx)->query(std::string("SELECT ") + kTicketCols +
                                     " FROM queue_tickets WHERE id = $1",
                                 {id});
    if (!existing)
        return existing.error();
    if (!existing->empty()) {
        Ticket old = ticketFromRow((*existing)[0]);
        if (old.service != t.service)
            return Error("hall.error.ticket_conflict", {{"id", id}},
                         "ticket id already used for another service");
        return old; // the same request again (a retry, or a kiosk reconciling twice)
    }
    Ticket n;
    n.id = id;
    n.day = day;
    n.service = t.service;
    n.township = t.township;
    n.device = device;
    n.issuedAt = t.issuedAt > 0 ? t.issuedAt : nowMs;
    if (!t.localCode.empty()) {
        n.code = t.localCode;
    } else {
        auto c = nextCounter(**tx, day, svc->prefix);
        if (!c)
            return c.error();
        n.number = *c;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%03lld", svc->prefix.c_str(), static_cast<long long>(n.number));
        n.code = buf;
    }
    auto ins = (*tx)->query("INSERT INTO queue_tickets(id, day, service, code, number, status, "
                            "issued_at, township, device) VALUES($1, $2, $3, $4, $5, 'waiting', "
                            "$6, $7, $8)",
                            {n.id, n.day, n.service, n.code, str(n.number), str(n.issuedAt),
                             n.township, n.device});
    if (!ins)
        return Error("hall.error.ticket_conflict", {{"code", n.code}}, ins.error().detail);
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return n;
}

Result<std::optional<Ticket>> QueueStore::current(QueueTx& tx, const std::string& day, int window) {
    auto r = tx.query(std::string("SELECT ") + kTicketCols +
                          " FROM queue_tickets WHERE day = $1 AND status = 'called' AND win = $2 "
                          "ORDER BY called_at DESC LIMIT 1",
                      {day, str(window)});
    if (!r)
        return r.error();
    if (r->empty())
        return std::optional<Ticket>();
    return std::optional<Ticket>(ticketFromRow((*r)[0]));
}

Result<std::optional<Ticket>> QueueStore::callNext(const std::string& day, int window, int64_t nowMs) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    if (auto r = (*tx)->query("UPDATE queue_tickets SET status = 'done' WHERE day = $1 AND "
                              "status = 'called' AND win = $2",
                              {day, str(window)});
        !r)
        return r.error();
    std::vector<std::string> params{day, str(window)};
    std::string in;
    for (const auto& s : m_config.servicesAt(window)) {
        params.push_back(s);
        in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    std::string sql = std::string("SELECT ") + kTicketCols +
                      " FROM queue_tickets WHERE day = $1 AND status = 'waiting' AND (transfer_to = $2";
    if (!in.empty())
        sql += " OR (transfer_to = 0 AND service IN (" + in + "))";
    sql += ") ORDER BY CASE WHEN transfer_to = $2 THEN 0 ELSE 1 END, issued_at, code LIMIT 1";
    auto next = (*tx)->query(sql, params);
    if (!next)
        return next.error();
    if (next->empty()) {
        if (auto st = (*tx)->commit(); !st)
            return st.error();
        return std::optional<Ticket>();
    }
    Ticket t = ticketFromRow((*next)[0]);
    auto seq = nextCounter(**tx, day, "#calls");
    if (!seq)
        return seq.error();
    t.status = "called";
    t.window = window;
    t.calledAt = nowMs;
    t.calls += 1;
    t.callSeq = *seq;
    if (auto r = (*tx)->query("UPDATE queue_tickets SET status = 'called', win = $2, called_at = $3, "
                              "calls = $4, call_seq = $5 WHERE id = $1",
                              {t.id, str(window), str(nowMs), str(t.calls), str(t.callSeq)});
        !r)
        return r.error();
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return std::optional<Ticket>(t);
}

Result<std::optional<Ticket>> QueueStore::recall(const std::string& day, int window, int64_t nowMs) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto cur = current(**tx, day, window);
    if (!cur || !cur->has_value())
        return cur;
    Ticket t = **cur;
    auto seq = nextCounter(**tx, day, "#calls");
    if (!seq)
        return seq.error();
    t.calls += 1;
    t.callSeq = *seq;
    t.calledAt = nowMs;
    if (auto r = (*tx)->query("UPDATE queue_tickets SET calls = $2, call_seq = $3, called_at = $4 "
                              "WHERE id = $1",
                              {t.id, str(t.calls), str(t.callSeq), str(nowMs)});
        !r)
        return r.error();
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return std::optional<Ticket>(t);
}

Result<std::optional<Ticket>> QueueStore::skip(const std::string& day, int window, int64_t) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto cur = current(**tx, day, window);
    if (!cur || !cur->has_value())
        return cur;
    Ticket t = **cur;
    t.status = "skipped";
    if (auto r = (*tx)->query("UPDATE queue_tickets SET status = 'skipped' WHERE id = $1", {t.id}); !r)
        return r.error();
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return std::optional<Ticket>(t);
}

Result<std::optional<Ticket>> QueueStore::transfer(const std::string& day, int window, int to, int64_t) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto cur = current(**tx, day, window);
    if (!cur || !cur->has_value())
        return cur;
    Ticket t = **cur;
    t.status = "waiting";
    t.window = 0;
    t.transferTo = to;
    if (auto r = (*tx)->query("UPDATE queue_tickets SET status = 'waiting', win = 0, transfer_to = $2 "
                              "WHERE id = $1",
                              {t.id, str(to)});
        !r)
        return r.error();
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return std::optional<Ticket>(t);
}

Result<std::vector<Ticket>> QueueStore::calls(const std::string& day) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query(std::string("SELECT ") + kTicketCols +
                              " FROM queue_tickets WHERE day = $1 AND status = 'called' ORDER BY win",
                          {day});
    if (!r)
        return r.error();
    std::vector<Ticket> out;
    for (const auto& row : *r)
        out.push_back(ticketFromRow(row));
    return out;
}

Result<std::vector<Ticket>> QueueStore::tickets(const std::string& day) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query(std::string("SELECT ") + kTicketCols +
                              " FROM queue_tickets WHERE day = $1 ORDER BY issued_at, code",
                          {day});
    if (!r)
        return r.error();
    std::vector<Ticket> out;
    for (const auto& row : *r)
        out.push_back(ticketFromRow(row));
    return out;
}

Result<Appointment> QueueStore::book(const Appointment& a, const std::string& today, int64_t nowMs) {
    if (!m_config.service(a.service))
        return Error("hall.error.unknown_service", {{"service", a.service}}, "unknown service");
    const hall::Township* tw = m_config.township(a.township);
    if (!tw)
        return Error("hall.error.unknown_township", {{"township", a.township}}, "unknown township");
    int wd = weekdayOf(a.day);
    if (wd == 0 || a.day < today || a.day > addDays(today, m_config.daysAhead))
        return Error("hall.error.bad_day", {{"day", a.day}}, "not a bookable day");
    if (std::find(tw->weekdays.begin(), tw->weekdays.end(), wd) == tw->weekdays.end())
        return Error("hall.error.not_township_day", {{"day", a.day}, {"township", a.township}},
                     "this township is not served on that weekday");
    if (std::find(m_config.slotTimes.begin(), m_config.slotTimes.end(), a.time) == m_config.slotTimes.end())
        return Error("hall.error.bad_time", {{"time", a.time}}, "no such slot");
    Appointment n = a;
    if (n.id.empty())
        n.id = newUuidV7().str();
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto existing = (*tx)->query(std::string("SELECT ") + kApptCols +
                                     " FROM queue_appointments WHERE id = $1",
                                 {n.id});
    if (!existing)
        return existing.error();
    if (!existing->empty())
        return apptFromRow((*existing)[0]);
    auto used = (*tx)->query("SELECT COUNT(*) FROM queue_appointments WHERE day = $1 AND slot_time = $2",
                             {n.day, n.time});
    if (!used)
        return used.error();
    if (num((*used)[0][0]) >= m_config.slotCapacity)
        return Error("hall.error.slot_full", {{"day", n.day}, {"time", n.time}}, "slot is full");
    auto c = nextCounter(**tx, n.day, "#appointments");
    if (!c)
        return c.error();
    char buf[32];
    std::snprintf(buf, sizeof buf, "Y%03lld", static_cast<long long>(*c));
    n.code = buf;
    n.createdAt = nowMs;
    if (auto r = (*tx)->query("INSERT INTO queue_appointments(id, day, slot_time, service, township, "
                              "code, device, created_at) VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
                              {n.id, n.day, n.time, n.service, n.township, n.code, n.device,
                               str(n.createdAt)});
        !r)
        return r.error();
    if (auto st = (*tx)->commit(); !st)
        return st.error();
    return n;
}

Result<std::vector<Appointment>> QueueStore::appointments(const std::string& day) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query(std::string("SELECT ") + kApptCols +
                              " FROM queue_appointments WHERE day = $1 ORDER BY slot_time, code",
                          {day});
    if (!r)
        return r.error();
    std::vector<Appointment> out;
    for (const auto& row : *r)
        out.push_back(apptFromRow(row));
    return out;
}

Result<std::vector<std::pair<std::string, int>>> QueueStore::slotUse(const std::string& day) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query("SELECT slot_time, COUNT(*) FROM queue_appointments WHERE day = $1 "
                          "GROUP BY slot_time ORDER BY slot_time",
                          {day});
    if (!r)
        return r.error();
    std::vector<std::pair<std::string, int>> out;
    for (const auto& row : *r)
        out.emplace_back(row[0], static_cast<int>(num(row[1])));
    return out;
}

} // namespace zhuxue::sync::server
