#pragma once
// Internals shared by the store's source files (store.cpp: records; store_sync.cpp: outbox,
// remote changes, conflicts, quarantine; search.cpp; attachments.cpp). Not part of the API.
#include "store.hpp"

#include <array>
#include <atomic>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <span>

namespace zhuxue::store {

using json = nlohmann::json;

struct Store::Impl {
    std::filesystem::path dataDir;
    Db db;
    FieldCodec codec;
    DeviceId device;
    // How far the server's clock is ahead of this device's (meta 'clock_offset_ms', learnt at
    // enrolment and at each sync): stamps follow the server's time even when the device's
    // clock is a year off, so the server never refuses them as far-future and they merge fairly.
    std::atomic<std::int64_t> clockOffsetMs{0};
    HlcClock clock{[this] { return systemNowMs() + clockOffsetMs.load(); }};
    // The session's access level (access.hpp); atomic because the UI thread changes it at
    // sign-in/out while a worker may be reading through this Store.
    std::atomic<Access> access{Access::System};

    // access.denied unless the access level may read / write records.
    Status mayRead() const;
    Status mayWrite() const;
    // Whether field `i` of this row is withheld at access level `a` (the row's status decides
    // for rules with readableWhile).
    static bool withheldIn(Access a, const TableSpec& t, std::size_t i, const FieldValues& row);
    // Replaces the fields this access level may not see with their default values.
    void withhold(const TableSpec& t, FieldValues& values) const;

    // Column values through the codec: sensitive values are stored as encode(plain) where plain
    // is the text itself for Text fields and the JSON text otherwise; a default value is NULL.
    void bindValue(Stmt& st, int index, const TableSpec& t, std::size_t field, const json& v);
    json readValue(const Stmt& st, int col, const TableSpec& t, std::size_t field);
    // Values as kept in outbox, conflict and quarantine rows: JSON text, through the codec when
    // the field is sensitive.
    std::string encodeLogged(const TableSpec& t, std::string_view field, const std::string& json);
    std::string decodeLogged(const TableSpec& t, std::string_view field, const std::string& stored);

    Result<std::optional<FieldValues>> readValues(const TableSpec& t, const Uuid& id);
    // writeRecord's statements, prepared once per connection (db.cached keeps them): building
    // the SQL text and looking it up per write cost a tenth of an import. Outbox and
    // field_version rows of one record go in one multi-row statement each (n rows; n up to
    // kRowsPerInsert, more are written in several).
    static constexpr std::size_t kRowsPerInsert = 32;
    struct TableStatements {
        Stmt* upsert = nullptr;
        Stmt* insert = nullptr; // plain INSERT: Batch::create
        Stmt* selectById = nullptr;
    };
    std::array<TableStatements, static_cast<std::size_t>(RecordType::AuditEntry) + 1> tableStmts;
    std::array<Stmt*, kRowsPerInsert + 1> outboxInserts{};
    std::array<Stmt*, kRowsPerInsert + 1> versionUpserts{};
    Result<Stmt*> upsertStmt(const TableSpec& t);
    Result<Stmt*> insertStmt(const TableSpec& t);
    Result<Stmt*> selectByIdStmt(const TableSpec& t);
    Result<Stmt*> outboxInsert(std::size_t rows);
    Result<Stmt*> versionUpsert(std::size_t rows);
    // Field versions of a record created on this device (no row before the write) are one
    // field_version row: field = '*' + the names of the fields its creation logged, comma-
    // separated; change_id = the creation's id. It stands for each named field until that field
    // gets its own row (a later local or remote change); the outbox keeps one change per field,
    // whose id is fieldChangeId(creation id, field). A county's import creates ~100,000 records:
    // one version row each instead of one per field halves what the change log writes.
    static Uuid fieldChangeId(const Uuid& recordChange, std::string_view field);
    // The version of one field (its own row, else the creation row naming it); all of a record's
    // fields with a version, by field name.
    Result<std::optional<FieldVersion>> versionOf(const Uuid& recordId, std::string_view field);
    Result<std::vector<FieldVersion>> versionsOf(const Uuid& recordId);
    // The outbox keeps a record created on this device the same way (store_sync.cpp): ONE row,
    // change_id = the creation's id, field = '*' + the logged field names, value = the fields'
    // JSON texts, each as "<length>:<json>", sealed as a whole by the codec (context
    // "<table>.*") when any of them is sensitive; base_hlc NULL (a new record has none).
    // pendingChanges expands it into the field changes a per-field outbox held: change id
    // fieldChangeId(creation, field), same hlc, device and value text. Acknowledging or
    // quarantining one of those ids takes its field out of the row (the row goes with the last).
    // An import of 20,000 families wrote ~1,100,000 outbox rows before, 100,000 now.
    Status appendCreatedChange(const TableSpec& t, const Uuid& recordId, std::string_view county,
                               const Uuid& creation, std::string_view names,
                               std::span<const std::string> values, bool sealed,
                               std::int64_t hlc);
    // Removes the fields whose change ids are `changeIds` from the creation rows holding them;
    // ids no creation row holds are ignored. `taken` (when given) receives those fields as
    // changes (valueJson plain JSON).
    Status takeCreatedFields(std::span<const Uuid> changeIds, std::vector<OutboxChange>* taken);
    // Writes a record inside an open transaction; `action` goes to the audit ("create"/"update"
    // is chosen automatically when empty). Field `forceField` is logged as a change even when
    // its value did not change (conflict resolution). `fresh`: the caller made the id just now
    // (Batch::create): no read before the write, a plain INSERT that fails if the id exists.
    // `edited` (Store::update): the fields the person changed; only those, and `forceField`,
    // may turn a stored sensitive value blank (store.blanks_sensitive otherwise).
    Status writeRecord(const TableSpec& t, const Uuid& id, const FieldValues& values,
                       const Actor& who, std::string_view action = {}, int forceField = -1,
                       bool fresh = false, const std::vector<bool>* edited = nullptr);
    // Store::update: the fields in which `edited` differs from `loaded` written onto the stored
    // row (the whole of `edited` when no row is stored).
    Status updateRecord(const TableSpec& t, const Uuid& id, const FieldValues& loaded,
                        const FieldValues& edited, const Actor& who);
    Status changeStatusInTx(const Uuid& applicationId, LoanStatus to, const std::string& reason,
                            const Actor& who);
    Status appendAudit(std::string_view action, RecordType type, const Uuid& recordId,
                       std::string_view county, std::string_view summary, const std::string& user);
    Status saveClock();
    // Batch::beginAuditGroup: while set, writeRecord adds each record's audit line here instead
    // of writing an entry; endAuditGroup writes them as one entry.
    struct AuditLine {
        RecordType type;
        Uuid id;
        std::string county;
        std::string action;
        std::string fields;
    };
    std::optional<std::vector<AuditLine>> auditGroup;
    Status endAuditGroup(const std::string& user);
    // Inside a Batch, the search rows, the audit chain's hashes and the saved clock are written
    // once at commit instead of per record: every statement that follows an FTS5 write inside a
    // transaction makes FTS5 flush its pending terms (statement savepoints), and linking each
    // audit entry re-read and rewrote the chain's head, which made a 20,000-row import crawl.
    // searchPending: the students a batch wrote, with the values it stored when they read back
    // as written (every value fits its field), so commit need not read and decrypt them again.
    bool batching = false;
    std::map<Uuid, std::optional<FieldValues>> searchPending;
    Status finishBatch();
    // Rebuilds the search rows of one student (by id) from its current row, or from `stored`
    // when the caller has the values just written.
    Status updateSearch(const Uuid& studentId, const FieldValues* stored = nullptr);
    Status rebuildSearchIfStale();
    Result<std::vector<SearchHit>> search(std::string_view query, int limit);
    std::string lookupFor(const std::string& idNumber) const;

    // Encryption at rest (crypto/at_rest.cpp). prepareKey, on open: unlocks from device.key on a
    // device without staff accounts (creating the key on a fresh one); a staff machine stays
    // locked until someone signs in. requireKey: store.locked while locked; on the first call
    // after an unlock it also seals values written before schema version 4 (plaintext) and
    // replaces plain ID numbers in *_lookup columns by the blind index, in one transaction.
    // audit_chain.cpp: links new audit entries into the hash chain (inside the caller's
    // transaction) and checks the whole chain.
    Status chainAudit();
    // Inside a Batch each entry is linked as it is written (the chain's head kept here, written
    // to meta once by finishAuditChain) instead of re-read and updated at commit.
    std::optional<std::pair<std::int64_t, std::string>> batchAuditHead;
    Status appendLinkedAudit(const Uuid& id, std::string_view county, std::int64_t atMs,
                             std::string_view user, std::string_view action,
                             std::string_view recordType, const Uuid& recordId,
                             std::string_view summary);
    Status finishAuditChain();
    Result<std::vector<std::string>> verifyAuditChain();

    // Consent rule (consent_rule.cpp, documented in store.hpp): writeRecord notes each record
    // whose sensitive fields it gave a value; checkConsents, run before a local save or batch
    // commits, refuses with store.consent_missing unless the party concerned has consented.
    // applyRemote and conflict resolution do not check (the writing device did).
    std::vector<std::pair<RecordType, Uuid>> consentPending;
    Status checkConsents();

    Status prepareKey();
    Status requireKey();
    Status sealPlaintext();
    bool sealChecked = false;
};

// The number of field changes waiting in the outbox: a creation row ('*' + names) counts one
// per field it still holds.
inline constexpr const char* kPendingCountSql =
    "SELECT coalesce(sum(CASE WHEN substr(field, 1, 1) = '*'"
    " THEN length(field) - length(replace(field, ',', '')) + 1 ELSE 1 END), 0) FROM outbox";

// true when `v` has the JSON type field kind `k` expects (null allowed for Id fields).
bool valueFits(FieldKind k, const json& v);
bool isCountyCode(std::string_view s);

} // namespace zhuxue::store
