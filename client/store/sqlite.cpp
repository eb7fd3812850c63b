#include "sqlite.hpp"

#include <sqlite3.h>
#include <utility>

namespace zhuxue::store {

Error sqliteError(int code, std::string_view what, sqlite3* db) {
    std::string detail(what);
    detail += ": ";
    detail += sqlite3_errstr(code);
    if (db) {
        detail += " (";
        detail += sqlite3_errmsg(db);
        detail += ")";
    }
    const char* key = "store.sql_error";
    switch (code & 0xff) {
    case SQLITE_FULL:
        key = "store.disk_full";
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        key = "store.damaged";
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        key = "store.busy";
        break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        key = "store.io_error";
        break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
        key = "store.read_only";
        break;
    case SQLITE_CONSTRAINT:
        key = code == SQLITE_CONSTRAINT_FOREIGNKEY ? "store.missing_parent" : "store.constraint";
        break;
    default:
        break;
    }
    return Error(key, {}, std::move(detail));
}

Stmt::Stmt(Stmt&& o) noexcept
    : m_db(std::exchange(o.m_db, nullptr)), m_stmt(std::exchange(o.m_stmt, nullptr)),
      m_owned(o.m_owned) {}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
    if (this != &o) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_db = std::exchange(o.m_db, nullptr);
        m_stmt = std::exchange(o.m_stmt, nullptr);
        m_owned = o.m_owned;
    }
    return *this;
}

Stmt::~Stmt() {
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Stmt& Stmt::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}
Stmt& Stmt::bind(int i, double v) {
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
}
Stmt& Stmt::bind(int i, std::string_view text) {
    sqlite3_bind_text64(m_stmt, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}
Stmt& Stmt::bindRef(int i, std::string_view text) {
    sqlite3_bind_text64(m_stmt, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
}
Stmt& Stmt::bindRef(int i, const Uuid& id) {
    if (id.isNil())
        return bindNull(i);
    sqlite3_bind_blob(m_stmt, i, id.bytes.data(), 16, SQLITE_STATIC);
    return *this;
}
Stmt& Stmt::bind(int i, const Uuid& id) {
    if (id.isNil())
        return bindNull(i);
    return bindBlob(i, id.bytes.data(), 16);
}
Stmt& Stmt::bindBlob(int i, const void* data, int size) {
    sqlite3_bind_blob(m_stmt, i, data, size, SQLITE_TRANSIENT);
    return *this;
}
Stmt& Stmt::bindNull(int i) {
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

Result<bool> Stmt::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(m_stmt);
        return false;
    }
    Error e = sqliteError(rc, sqlite3_sql(m_stmt) ? sqlite3_sql(m_stmt) : "step", m_db);
    sqlite3_reset(m_stmt);
    return e;
}

Status Stmt::run() {
    auto r = step();
    if (!r)
        return r.error();
    if (*r) // a row came back: end the statement before the next use
        sqlite3_reset(m_stmt);
    return {};
}

void Stmt::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Stmt::isNull(int col) const {
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}
std::int64_t Stmt::i64(int col) const {
    return sqlite3_column_int64(m_stmt, col);
}
double Stmt::real(int col) const {
    return sqlite3_column_double(m_stmt, col);
}
std::string Stmt::text(int col) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}
Uuid Stmt::uuid(int col) const {
    Uuid id;
    if (sqlite3_column_type(m_stmt, col) != SQLITE_BLOB || sqlite3_column_bytes(m_stmt, col) != 16)
        return id;
    auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, col));
    std::copy(p, p + 16, id.bytes.begin());
    return id;
}
int Stmt::columnCount() const {
    return sqlite3_column_count(m_stmt);
}
int Stmt::columnType(int col) const {
    return sqlite3_column_type(m_stmt, col);
}
std::string Stmt::columnName(int col) const {
    return sqlite3_column_name(m_stmt, col);
}

Db::~Db() {
    close();
}

Db::Db(Db&& o) noexcept : m_db(std::exchange(o.m_db, nullptr)), m_cache(std::move(o.m_cache)) {}

Db& Db::operator=(Db&& o) noexcept {
    if (this != &o) {
        close();
        m_db = std::exchange(o.m_db, nullptr);
        m_cache = std::move(o.m_cache);
    }
    return *this;
}

Result<Db> Db::open(const std::string& path, int flags, const std::string& vfs) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_EXRESCODE,
                             vfs.empty() ? nullptr : vfs.c_str());
    if (rc != SQLITE_OK) {
        Error e = sqliteError(rc, "open " + path, raw);
        sqlite3_close_v2(raw);
        return e;
    }
    sqlite3_extended_result_codes(raw, 1);
    Db db;
    db.m_db = raw;
    return db;
}

void Db::close() {
    m_cache.clear(); // statements must be finalized before the connection closes
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Status Db::exec(std::string_view sql) {
    std::string s(sql);
    char* msg = nullptr;
    int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
        // The statement, not the message: sqliteError adds SQLite's message itself.
        sqlite3_free(msg);
        return sqliteError(rc, s, m_db);
    }
    return {};
}

Result<Stmt*> Db::cached(const std::string& sql) {
    auto it = m_cache.find(sql);
    if (it != m_cache.end()) {
        it->second->reset();
        return it->second.get();
    }
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(rc, sql, m_db);
    auto stmt = std::make_unique<Stmt>(m_db, raw);
    Stmt* p = stmt.get();
    m_cache.emplace(sql, std::move(stmt));
    return p;
}

Result<Stmt> Db::prepare(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(rc, sql, m_db);
    return Stmt(m_db, raw);
}

Result<std::optional<std::int64_t>> Db::queryInt(std::string_view sql) {
    auto st = prepare(sql);
    if (!st)
        return st.error();
    auto row = st->step();
    if (!row)
        return row.error();
    if (!*row || st->isNull(0))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(st->i64(0));
}

Result<std::optional<std::string>> Db::queryText(std::string_view sql) {
    auto st = prepare(sql);
    if (!st)
        return st.error();
    auto row = st->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<std::string>();
    return std::optional<std::string>(st->text(0));
}

std::int64_t Db::changes() const {
    return sqlite3_changes64(m_db);
}

Transaction::Transaction(Db& db) : m_db(db) {
    m_begin = m_db.exec("BEGIN IMMEDIATE");
    m_open = m_begin.ok();
}

Transaction::~Transaction() {
    if (m_open)
        (void)m_db.exec("ROLLBACK");
}

Status Transaction::commit() {
    if (!m_open)
        return m_begin.ok() ? Status(Error("store.sql_error", {}, "commit without transaction"))
                            : m_begin;
    auto st = m_db.exec("COMMIT");
    if (!st) {
        // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY) or rolled back (I/O
        // error); roll back explicitly so the caller sees a clean "not saved".
        if (!sqlite3_get_autocommit(m_db.raw()))
            (void)m_db.exec("ROLLBACK");
        m_open = false;
        return st;
    }
    m_open = false;
    return {};
}

} // namespace zhuxue::store
