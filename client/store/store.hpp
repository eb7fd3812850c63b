#pragma once
// The device store: every read and write of records goes through this class.
//
// A write (save, Batch::save, changeStatus, resolveConflict) runs in one SQLite transaction that
//  (a) writes the record row,
//  (b) appends one outbox entry per changed field (change id UUIDv7, record type and id, county,
//      field, new value as JSON text, HLC, device id, and the HLC of the value it replaced),
//  (c) updates the field_version table (record id, field -> hlc, device, change id; a record
//      created by the write gets one row standing for all its logged fields, whose change ids
//      are derived from one creation id: see Store::Impl::fieldChangeId),
//  (d) appends an audit entry (who, device, when, what: field names, never sensitive values).
// When save() returns ok the change is on disk (WAL, synchronous=FULL). When it returns an error
// nothing of it was written.
//
// Consent (PIPL: separate consent for sensitive personal information; DOMAIN.md §5). A local
// save or batch that gives a sensitive field (FieldSpec::sensitive) a non-empty value is refused
// with store.consent_missing {party, party_en, name, record} and nothing of it is written, unless
// the party concerned has a Consent on this device that was given (consented_ms > 0, a 64-digit
// text_sha256, or method national_system from an import) and not withdrawn (withdrawn_ms = 0):
//  - student, hardship assessment, home visit, loan application (notes), contract (settlement
//    account, through its application): the student's own consent (party student, person_id =
//    the student's id; a guardian signs it for a child under 14);
//  - household and household member: the consent of a student whose household_id is that
//    household (saved in the same batch is enough: the check runs at commit);
//  - co-borrower: the co-borrower's own consent (party co_borrower, person_id = its id).
// Clearing a sensitive value, non-sensitive fields, status changes and post-loan notes need none.
// Remote changes (applyRemote) and conflict resolution are not checked: the consent may arrive
// before or after the data, and the device that collected the data checked it. Withdrawal keeps
// what was stored (the legal archive period applies) but refuses every new sensitive value until
// a new consent is recorded. The CLI import of pre-application lists records a Consent with
// method national_system for each student (the family consented in the national system).
//
// Sync (sync/engine) uses pendingChanges / markAcknowledged / fieldVersion(s) / applyRemote and
// the conflict and quarantine functions; the merge decision itself is made by sync/protocol and
// passed in as ApplyMode. A Store is used from one thread; the sync worker opens its own.
//
// Access (access.hpp): a Store opens at Access::System; setAccess() sets the level for the
// session (the staff client: the signed-in account's role, Locked when nobody is signed in).
// Record reads and writes below check it and fail with access.denied; a Volunteer reads withheld
// fields as empty defaults and never overwrites their stored values (see access.hpp).
#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "access.hpp"
#include "database.hpp"
#include "field_codec.hpp"
#include "record_schema.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zhuxue::store {

// The person (or process: "import", "sync") on whose behalf a write is made; goes to the audit.
struct Actor {
    std::string user;
};

struct SearchHit {
    Uuid studentId;
    std::string name;
    std::string township;
    std::string village;
    std::string school; // university when known, else high school
    std::string idTail; // last 4 characters of the ID number (for telling namesakes apart)
    double score = 0;   // lower is better (FTS5 bm25)
};

// A field change waiting in the outbox (valueJson is plain JSON; sensitive values are decoded).
struct OutboxChange {
    std::int64_t seq = 0; // outbox order
    Uuid changeId;
    RecordType recordType = RecordType::Student;
    Uuid recordId;
    std::string county;
    std::string field;
    std::string valueJson;
    Hlc hlc;
    DeviceId device;
    std::optional<Hlc> base; // stamp of the value this change replaced; none for a new field
};

struct FieldVersion {
    Uuid recordId;
    std::string field;
    Hlc hlc;
    DeviceId device;
    Uuid changeId;
};

// A change pulled from the server, to be stored as the sync merge decided.
struct RemoteChange {
    Uuid changeId;
    RecordType recordType = RecordType::Student;
    Uuid recordId;
    std::string county;
    std::string field;
    std::string valueJson;
    Hlc hlc;
    DeviceId device;
};

enum class ApplyMode {
    Write,            // the remote value wins: store value and version
    WriteAndConflict, // the remote value wins, the local value is kept in a conflict row
    ConflictOnly,     // the local value stays, the remote value is kept in a conflict row
};

struct RemoteApply {
    RemoteChange change;
    ApplyMode mode = ApplyMode::Write;
};

struct Conflict {
    Uuid id;
    RecordType recordType = RecordType::Student;
    Uuid recordId;
    std::string county;
    std::string field;
    std::string localValueJson;
    std::optional<Hlc> localHlc;
    DeviceId localDevice;
    std::string remoteValueJson;
    Hlc remoteHlc;
    DeviceId remoteDevice;
    Uuid remoteChangeId;
    UnixMs createdMs = 0;
};

struct QuarantinedChange {
    OutboxChange change;
    std::string reasonKey; // i18n key, e.g. "sync.out_of_scope"
    std::string reasonDetail;
    UnixMs atMs = 0;
};

struct StoreStats {
    std::vector<std::pair<RecordType, std::int64_t>> records; // rows per record type
    std::int64_t pendingChanges = 0;
    std::int64_t openConflicts = 0;
    std::int64_t quarantined = 0;
    std::int64_t auditEntries = 0;
    std::int64_t databaseBytes = 0; // page_count * page_size
};

class Store;

// Several writes in one transaction (a student with household, co-borrower and application; an
// import of many rows). Nothing is written unless commit() returns ok; destroying an uncommitted
// batch rolls it back.
class Batch {
public:
    ~Batch();
    Batch(Batch&&) noexcept;
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    template <class R> Status save(const R& record);
    // Store::update inside the batch.
    template <class R> Status update(const R& loaded, const R& edited);
    // Saves a record whose id the caller made just now (newUuidV7; an import's new families):
    // written without reading it first. Everything else is as save() does (change log, audit,
    // consent rule); when a record with that id exists nothing of it is overwritten: the write
    // fails and the batch with it.
    template <class R> Status create(const R& record);
    // Records written between beginAuditGroup() and endAuditGroup() share ONE audit entry
    // (action "group"; record type and id of the first; summary: each record's action, type, id
    // and logged fields, e.g. "create student <id>: county,name; create consent <id>: ...").
    // An import writes one per family instead of five. commit() ends a group left open.
    void beginAuditGroup();
    Status endAuditGroup();
    Status changeStatus(const Uuid& applicationId, LoanStatus to, const std::string& reason);
    Status commit();

private:
    friend class Store;
    Batch(Store& store, Actor who);
    Status write(const TableSpec& t, const Uuid& id, const FieldValues& values, bool fresh);
    Store* m_store;
    Actor m_who;
    std::unique_ptr<Transaction> m_tx;
    Status m_failed;
};

class Store {
public:
    // Opens (creating when missing) <dataDir>/zhuxue.db. Errors: store.damaged (args kept,
    // backup: offer restoreDatabase), store.too_new, store.disk_full, store.io_error, ...
    static Result<std::unique_ptr<Store>> open(const std::filesystem::path& dataDir,
                                               const OpenOptions& options = {});
    ~Store();

    const std::filesystem::path& dataDir() const;
    DeviceId deviceId() const;
    // How many ms the sync server's clock is ahead of this device's (negative: behind), as last
    // learnt; new stamps use the device's clock plus this. Kept on disk; a change of less than
    // a second is ignored.
    std::int64_t clockOffsetMs() const;
    Status setClockOffset(std::int64_t ms);
    const FieldCodec& codec() const;

    // ---- access (access.hpp) ------------------------------------------------------------------
    void setAccess(Access access);
    Access access() const;
    // Whether reads at the current access level withhold `field` of `type` (shown as
    // "仅工作人员可见"; the value read is the field's empty default).
    bool withholds(RecordType type, std::string_view field) const;
    // Every export (roster, reminder list) asks first: access.denied unless Staff, Admin or System.
    Status requireExport() const;

    // ---- records ----------------------------------------------------------------------------
    // Creates or updates the record with record.id (which must be a UUID, county 6 digits).
    // Only fields that differ from the stored row become changes; saving an unchanged record
    // writes nothing. Errors: store.bad_record, store.missing_parent, store.disk_full, ...
    // A stored sensitive value is never blanked by save(): store.blanks_sensitive {type, field}
    // (a form that did not show the field must not erase it); a person clears one through update().
    template <class R> Status save(const R& record, const Actor& who);
    // How a journey saves a record it read: only the fields in which `edited` differs from
    // `loaded` (the record as the journey read it, ids equal) are written, onto the row stored
    // now; every other field keeps its stored value, a value sync brought meanwhile included.
    // These fields may be cleared (the person did). A record not stored yet is saved as `edited`.
    // Nothing changed: nothing written.
    template <class R> Status update(const R& loaded, const R& edited, const Actor& who);
    Batch batch(const Actor& who);
    // Moves an application along its life cycle (canTransition) and records a StatusChange
    // (who, when, why) in the same transaction. Error store.bad_transition otherwise.
    Status changeStatus(const Uuid& applicationId, LoanStatus to, const std::string& reason,
                        const Actor& who);

    template <class R> Result<std::optional<R>> get(const Uuid& id);
    // Records whose Id field `field` equals parentId, oldest first (e.g. list<HouseholdMember>(
    // "household_id", h), list<LoanApplication>("student_id", s)).
    template <class R> Result<std::vector<R>> list(std::string_view field, const Uuid& parentId);
    // Every record of a type in creation order; stop early by returning false.
    template <class R> Status forEach(const std::function<bool(const R&)>& visit);
    Result<std::int64_t> count(RecordType type);

    // Exact lookup by resident ID number (normalised: spaces dropped, x -> X).
    Result<std::vector<Student>> studentsByIdNumber(std::string_view idNumber);
    Result<std::vector<CoBorrower>> coBorrowersByIdNumber(std::string_view idNumber);
    // Whether another contract (id other than `exceptId`) of `county` signed in `year` already
    // has this contract number, compared after core::normalizeContractCode (issue #20.17).
    Result<bool> contractNumberTaken(std::string_view county, int year,
                                     std::string_view contractNumber, const Uuid& exceptId = {});

    // Search as you type over students: any substring of name, ID number, phone tail (last 4),
    // schools, township, village, and pinyin keys of the name once available. Ranked (name hits
    // first), at most `limit` hits. An empty query returns nothing.
    Result<std::vector<SearchHit>> search(std::string_view query, int limit = 20);

    // ---- attachments ------------------------------------------------------------------------
    // Stores the bytes under attachments/<sha256[0:2]>/<sha256> (temp file, fsync, rename) and
    // saves the Attachment record (sha256 and size filled in; id made when nil).
    Result<Attachment> addAttachment(Attachment meta, std::span<const std::byte> bytes,
                                     const Actor& who);
    // The file half of addAttachment: the bytes stored durably, the record returned ready to be
    // saved (sha256, size, id and time filled in) in the same batch as the record it belongs to,
    // so that the two are saved together or not at all. Runs on a worker's connection.
    Result<Attachment> storeAttachmentFile(Attachment meta, std::span<const std::byte> bytes);
    std::filesystem::path attachmentPath(std::string_view sha256) const;
    // Reads the file back and verifies its hash (store.attachment_damaged when it differs).
    Result<std::vector<std::byte>> readAttachment(std::string_view sha256) const;
    // Stores the bytes of an attachment another device made (sync): refused with
    // store.attachment_damaged unless their SHA-256 is `sha256`; sealed with this device's key
    // like addAttachment's files. No record is written (the pulled Attachment record exists).
    Status putAttachmentFile(std::string_view sha256, std::span<const std::byte> bytes);
    // Whether the file of this attachment is on this device (not decrypted or verified).
    bool hasAttachmentFile(std::string_view sha256) const;
    // A download cut midway (sync) is kept so the next round resumes it:
    // attachments/partial/<sha256>.part holds the bytes received so far as sealed frames (each
    // piece encrypted with this device's key, bound to its offset), never in clear. Appending
    // fsyncs the frame; a frame cut by a crash is dropped when the file is next read.
    // readPartialAttachment returns the bytes so far (empty when none), appendPartialAttachment
    // adds the bytes that start at `offset` (which must be the current length),
    // dropPartialAttachment removes the file (done, or the bytes proved wrong).
    Result<std::vector<std::byte>> readPartialAttachment(std::string_view sha256);
    Status appendPartialAttachment(std::string_view sha256, std::int64_t offset,
                                   std::span<const std::byte> bytes);
    void dropPartialAttachment(std::string_view sha256);

    // ---- sync -------------------------------------------------------------------------------
    // Oldest pending changes first, at most `limit`.
    Result<std::vector<OutboxChange>> pendingChanges(int limit);
    Result<std::int64_t> pendingCount();
    // For each record created on this device whose creation is still pending: the change id of
    // the last of its fields still pending (they go out in field order, so when that one has
    // been read for a push, so were the others).
    Result<std::vector<Uuid>> pendingCreationTails();
    // The server stored these changes: they leave the outbox. Unknown ids are ignored, so an
    // acknowledgement delivered twice is harmless. `after` (the sync engine's bookkeeping) runs
    // in the same transaction.
    Status markAcknowledged(std::span<const Uuid> changeIds,
                            const std::function<Status()>& after = {});
    Result<std::optional<FieldVersion>> fieldVersion(const Uuid& recordId, std::string_view field);
    Result<std::vector<FieldVersion>> fieldVersions(const Uuid& recordId);
    // Stores remote changes in one transaction without creating outbox entries; the local clock
    // moves past every remote stamp. A change whose record does not exist yet creates it (and any
    // parent it names) with default values. Errors leave nothing applied.
    Status applyRemote(std::span<const RemoteApply> changes);
    // The same inside one transaction with the sync engine's own bookkeeping: `plan` runs first
    // (it may read and write sync_* tables through db() and returns what to apply), then the
    // changes are stored, then `after` runs; all of it commits together or not at all. Changes
    // whose record type or field this store does not know are skipped (the caller keeps them).
    Status applyRemoteWith(const std::function<Result<std::vector<RemoteApply>>()>& plan,
                           const std::function<Status()>& after);
    Result<std::vector<Conflict>> openConflicts(int limit = 100);
    // Keeps `valueJson` (either side's value or a new one) as a new local change of the field
    // and closes the conflict, and every other open conflict of the same field (a three-way
    // conflict is one decision).
    Status resolveConflict(const Uuid& conflictId, const std::string& valueJson, const Actor& who);
    // Moves changes the server refused for good from the outbox into quarantine with the reason.
    Status quarantine(std::span<const Uuid> changeIds, const Error& reason);
    Result<std::vector<QuarantinedChange>> listQuarantine();
    // Back into the outbox (after the cause was fixed, e.g. the device got the county's scope).
    Status requeueQuarantined(const Uuid& changeId, const Actor& who);
    // Gives up the change for good (audited); the local value stays as it is.
    Status dismissQuarantined(const Uuid& changeId, const Actor& who);

    // ---- audit and maintenance ----------------------------------------------------------------
    // An audit entry for something that is not a record write (export, print, restore offered).
    Status audit(std::string_view action, RecordType type, const Uuid& recordId,
                 std::string_view county, std::string_view summary, const Actor& who);
    Result<std::vector<AuditEntry>> auditTrail(std::int64_t afterSeq, int limit);
    Result<StoreStats> stats();
    // integrity_check + foreign_key_check + the audit trail's hash chain (an entry edited,
    // deleted or cut off the end is reported); empty when healthy.
    Result<std::vector<std::string>> check();
    // The whole-file quick_check that a large database skips on open (OpenCheck::Quick); run it
    // on a worker with its own Store after start-up. Returns store.damaged when it fails: close
    // every Store of this data directory, then call setDamagedAside() and offer a restore.
    Status verify();
    Result<std::filesystem::path> backup(); // into <dataDir>/backups
    Status backupTo(const std::filesystem::path& file);
    // The connection, for read-only queries of reports. Writes must use the functions above.
    Db& db();

    struct Impl;

private:
    friend class Batch;
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace zhuxue::store
