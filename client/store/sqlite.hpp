#pragma once
// A thin RAII layer over the SQLite C API: a connection with a cache of prepared statements, a
// statement with typed bind/column helpers, and a transaction guard that rolls back unless
// committed. SQLite failures become Error values whose key says what a person can do about them
// (disk full, database damaged, busy, I/O error); the SQLite message goes into Error::detail.
#include "client/core/ids.hpp"
#include "client/core/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace zhuxue::store {

// Maps a SQLite result code to an i18n error key: store.disk_full, store.damaged, store.busy,
// store.io_error, store.read_only, store.constraint or store.sql_error.
Error sqliteError(int code, std::string_view what, sqlite3* db = nullptr);

class Stmt {
public:
    Stmt() = default;
    Stmt(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    Stmt(Stmt&& o) noexcept;
    Stmt& operator=(Stmt&& o) noexcept;
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    // Binding is 1-based like SQLite. Binding an empty optional or a nil Uuid binds NULL.
    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, double v);
    Stmt& bind(int i, std::string_view text);
    Stmt& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
    Stmt& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
    // Binds text without copying it: `text` must stay alive and unchanged until the statement
    // has run (step() returned false or an error) or the parameter is bound again. For hot write
    // paths whose values live in locals for the whole run.
    Stmt& bindRef(int i, std::string_view text);
    Stmt& bindRef(int i, const Uuid& id);
    Stmt& bind(int i, const Uuid& id);
    Stmt& bindBlob(int i, const void* data, int size);
    Stmt& bindNull(int i);
    template <class T> Stmt& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bindNull(i);
    }

    // true when a row is ready, false when done; Error on failure. Resets on done/error (the
    // bindings stay: bind every parameter again before the next run, or reset()).
    Result<bool> step();
    // For statements that return no rows.
    Status run();
    // Resets and clears every binding to NULL.
    void reset();

    bool isNull(int col) const;
    std::int64_t i64(int col) const;
    double real(int col) const;
    std::string text(int col) const;
    Uuid uuid(int col) const; // nil when NULL or not 16 bytes
    int columnCount() const;
    int columnType(int col) const; // SQLITE_INTEGER, ...
    std::string columnName(int col) const;
    sqlite3_stmt* raw() const { return m_stmt; }

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    bool m_owned = true;
    friend class Db;
};

class Db {
public:
    Db() = default;
    ~Db();
    Db(Db&& o) noexcept;
    Db& operator=(Db&& o) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // flags are SQLITE_OPEN_*; vfs may be empty for the default.
    static Result<Db> open(const std::string& path, int flags, const std::string& vfs = {});
    void close();
    sqlite3* raw() const { return m_db; }

    Status exec(std::string_view sql);
    // A statement cached for the life of the connection (reset, bindings cleared, before it is
    // handed out). The pointer stays valid until close().
    Result<Stmt*> cached(const std::string& sql);
    // A fresh statement owned by the caller.
    Result<Stmt> prepare(std::string_view sql);
    // The first column of the first row, or nullopt when no row.
    Result<std::optional<std::int64_t>> queryInt(std::string_view sql);
    Result<std::optional<std::string>> queryText(std::string_view sql);
    std::int64_t changes() const;

private:
    sqlite3* m_db = nullptr;
    std::map<std::string, std::unique_ptr<Stmt>, std::less<>> m_cache;
};

// BEGIN IMMEDIATE on construction (so the write lock is taken before reading what to change);
// rolls back in the destructor unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Db& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const Status& begun() const { return m_begin; }
    Status commit();

private:
    Db& m_db;
    Status m_begin;
    bool m_open = false;
};

} // namespace zhuxue::store
