#pragma once
// The hall queue's data on the server: tickets, calls and appointments, written once for both
// backends. Each operation is one transaction that holds the backend's queue lock (SQLite: the
// storage mutex and BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so two
// windows pressing "call next" at the same moment, even on two server processes sharing one
// PostgreSQL, can never receive the same ticket, and no waiting ticket is lost.
#include "client/core/result.hpp"
#include "queue_config.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace zhuxue::sync::server {

using SqlRow = std::vector<std::string>;

// One transaction; rolled back at destruction unless committed.
class QueueTx {
public:
    virtual ~QueueTx() = default;
    // Parameters are $1, $2 ... (text; both databases convert them to the column's type).
    virtual Result<std::vector<SqlRow>> query(const std::string& sql,
                                              const std::vector<std::string>& params = {}) = 0;
    virtual Status commit() = 0;
};

class QueueDb {
public:
    virtual ~QueueDb() = default;
    virtual Result<std::unique_ptr<QueueTx>> begin() = 0;
};

// Borrows the SQLite storage's connection and mutex (one writer, like the change log).
std::unique_ptr<QueueDb> makeSqliteQueueDb(sqlite3* db, std::mutex& mutex);
#ifdef ZHUXUE_WITH_POSTGRES
// Opens its own small pool of connections to the same database.
std::unique_ptr<QueueDb> makePgQueueDb(const std::string& conninfo);
#endif

enum class TicketStatus { Waiting, Called, Skipped, Done };
const char* ticketStatusName(TicketStatus s);

struct Ticket {
    std::string id;      // client-made UUID (or server-made), idempotent on issue
    std::string day;     // YYYY-MM-DD, hall local time
    std::string service; // hall service id
    std::string code;    // "A023", or "K7-A004" for one issued by a kiosk while offline
    int64_t number = 0;
    std::string status = "waiting";
    int window = 0;      // the window that called it (0 while waiting)
    int transferTo = 0;  // a waiting ticket sent to this window goes before the others there
    int64_t issuedAt = 0; // Unix ms; the order in which tickets are called
    int64_t calledAt = 0;
    int64_t calls = 0;    // how many times it was called (recall adds one)
    int64_t callSeq = 0;  // rises with every call or recall of the day: the display announces it
    std::string township;
    std::string device;
};

struct Appointment {
    std::string id;
    std::string day;  // YYYY-MM-DD
    std::string time; // HH:MM
    std::string service;
    std::string township;
    std::string code; // "Y007"
    std::string device;
    int64_t createdAt = 0;
};

// What a family entered at a kiosk, opened on the server.
struct Submission {
    std::string id, ticketId;
    std::vector<std::string> counties; // of the kiosk that sent it
    std::string payload;               // the JSON object the kiosk sealed
    int64_t receivedAt = 0;
};

struct NewTicket {
    std::string id;        // empty: the server makes one
    std::string service;
    std::string township;
    std::string localCode; // set when a kiosk issued it offline: kept as the ticket's code
    int64_t issuedAt = 0;  // kept for offline tickets so they keep their place
};

class QueueStore {
public:
    QueueStore(std::unique_ptr<QueueDb> db, hall::HallConfig config);
    Status init(); // creates the tables when missing

    const hall::HallConfig& config() const { return m_config; }
    Result<Ticket> issue(const NewTicket& t, const std::string& day, const std::string& device,
                         int64_t nowMs);
    // Finishes the window's current ticket and calls the next one for it, or nullopt.
    Result<std::optional<Ticket>> callNext(const std::string& day, int window, int64_t nowMs);
    // The window's current ticket again (nullopt when it has none).
    Result<std::optional<Ticket>> recall(const std::string& day, int window, int64_t nowMs);
    Result<std::optional<Ticket>> skip(const std::string& day, int window, int64_t nowMs);
    // The current ticket waits again, first in line at window `to`.
    Result<std::optional<Ticket>> transfer(const std::string& day, int window, int to,
                                           int64_t nowMs);
    // Current call per window, ordered by window.
    Result<std::vector<Ticket>> calls(const std::string& day);
    Result<std::vector<Ticket>> tickets(const std::string& day);
    Result<Appointment> book(const Appointment& a, const std::string& today, int64_t nowMs);
    Result<std::vector<Appointment>> appointments(const std::string& day);
    // Booked count per slot time of a day.
    Result<std::vector<std::pair<std::string, int>>> slotUse(const std::string& day);

    // queue_seal.cpp: what a family typed at a kiosk reaches the server sealed to this server's
    // X25519 public key (libsodium crypto_box_seal), so the kiosk's disk and the kiosk itself
    // never hold it readable. The key pair lives in the database, so every server process on
    // one PostgreSQL opens the same submissions.
    const std::string& sealPublicKeyHex() const { return m_publicHex; }
    // Opens and stores one submission (idempotent on id) with the counties of the kiosk that sent
    // it: only staff devices of those counties may read it. Errors: hall.error.bad_seal (cannot
    // be opened with this server's key, or not a JSON object).
    Status storeSubmission(const std::string& id, const std::string& sealed, const std::string& device,
                           const std::vector<std::string>& counties, int64_t nowMs);
    // The latest submission for a ticket or appointment id (the kiosk seals it with "ticket_id").
    Result<std::optional<Submission>> submissionFor(const std::string& ticketId);
    // Stored submissions of a day, opened (for staff tools and tests on the server side).
    Result<std::vector<std::string>> submissions(const std::string& day);

private:
    Status upgradeSubmissions(); // adds ticket_id and counties to a table made before they existed
    Result<std::optional<Ticket>> current(QueueTx& tx, const std::string& day, int window);
    Result<int64_t> nextCounter(QueueTx& tx, const std::string& day, const std::string& name);
    Status initKeys(QueueTx& tx);
    std::unique_ptr<QueueDb> m_db;
    std::string m_publicHex, m_secret; // the seal key pair (secret as raw bytes)
    hall::HallConfig m_config;
};

// Weekday (1 = Monday) of a YYYY-MM-DD date, 0 when it is not a date.
int weekdayOf(const std::string& day);
// Today in the hall's local time, and a day n days later.
std::string localDay(int64_t unixSeconds);
std::string addDays(const std::string& day, int n);

} // namespace zhuxue::sync::server
