#include "schema.hpp"

#include <string>

namespace zhuxue::store {

namespace {

// Conventions: ids are 16-byte BLOBs; every record row has `county`; columns holding sensitive
// values are declared BLOB (no type affinity) because the field codec decides their stored form
// (plain text today, ciphertext later) and NULL means "empty". The sensitive_field table repeats
// the registry of record_schema.cpp inside the file, so any tool reading the database knows which
// columns hold personal information (a unit test keeps both in step).
const std::vector<Migration>& allMigrations() {
    static const std::vector<Migration> kMigrations{
        {1,
         "records, change outbox, field versions, conflicts, quarantine, audit",
         {
             "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
             "CREATE TABLE sensitive_field(table_name TEXT NOT NULL, field TEXT NOT NULL,"
             " PRIMARY KEY(table_name, field)) WITHOUT ROWID",
             "INSERT INTO sensitive_field VALUES"
             " ('student','id_number'),('student','phone'),('student','address'),"
             " ('household','address'),('household','annual_income_fen'),"
             " ('household','priority_groups'),"
             " ('household_member','id_number'),('household_member','annual_income_fen'),"
             " ('household_member','health'),"
             " ('co_borrower','id_number'),('co_borrower','phone'),('co_borrower','address'),"
             " ('contract','settlement_account'),"
             " ('hardship_assessment','answers_json'),('hardship_assessment','priority_groups'),"
             " ('home_visit','address'),('home_visit','answers_json'),"
             " ('home_visit','per_capita_income_fen'),('home_visit','observations')",

             "CREATE TABLE household(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT '',"
             " township TEXT NOT NULL DEFAULT '', village TEXT NOT NULL DEFAULT '', address BLOB,"
             " annual_income_fen BLOB, priority_groups BLOB, notes TEXT NOT NULL DEFAULT '')",
             "CREATE TABLE student(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT '',"
             " name TEXT NOT NULL DEFAULT '', id_number BLOB, id_lookup TEXT,"
             " gender TEXT NOT NULL DEFAULT 'unknown', birth_date TEXT NOT NULL DEFAULT '',"
             " ethnicity TEXT NOT NULL DEFAULT '', phone BLOB,"
             " household_id BLOB REFERENCES household(id),"
             " township TEXT NOT NULL DEFAULT '', village TEXT NOT NULL DEFAULT '', address BLOB,"
             " high_school TEXT NOT NULL DEFAULT '', university TEXT NOT NULL DEFAULT '',"
             " major TEXT NOT NULL DEFAULT '', study_level TEXT NOT NULL DEFAULT 'unknown',"
             " enrollment_year INTEGER NOT NULL DEFAULT 0, program_years INTEGER NOT NULL DEFAULT "
             "0,"
             " notes TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX student_id_lookup ON student(id_lookup) WHERE id_lookup IS NOT NULL",
             "CREATE TABLE household_member(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', household_id BLOB REFERENCES household(id),"
             " name TEXT NOT NULL DEFAULT '', relation TEXT NOT NULL DEFAULT '',"
             " birth_year INTEGER NOT NULL DEFAULT 0, id_number BLOB, id_lookup TEXT,"
             " occupation TEXT NOT NULL DEFAULT '', annual_income_fen BLOB, health BLOB,"
             " able_to_work INTEGER NOT NULL DEFAULT 1, in_school INTEGER NOT NULL DEFAULT 0)",
             "CREATE INDEX household_member_household ON household_member(household_id)",
             "CREATE INDEX household_member_id_lookup ON household_member(id_lookup)"
             " WHERE id_lookup IS NOT NULL",
             "CREATE TABLE co_borrower(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT "
             "'',"
             " student_id BLOB REFERENCES student(id), name TEXT NOT NULL DEFAULT '',"
             " id_number BLOB, id_lookup TEXT, birth_date TEXT NOT NULL DEFAULT '',"
             " relation TEXT NOT NULL DEFAULT '', phone BLOB, address BLOB)",
             "CREATE INDEX co_borrower_student ON co_borrower(student_id)",
             "CREATE INDEX co_borrower_id_lookup ON co_borrower(id_lookup) WHERE id_lookup IS NOT "
             "NULL",
             "CREATE TABLE loan_application(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', student_id BLOB REFERENCES student(id),"
             " co_borrower_id BLOB REFERENCES co_borrower(id),"
             " kind TEXT NOT NULL DEFAULT 'pre_application',"
             " status TEXT NOT NULL DEFAULT 'pre_application', school_year INTEGER NOT NULL "
             "DEFAULT 0,"
             " amount_fen INTEGER NOT NULL DEFAULT 0, tuition_fen INTEGER NOT NULL DEFAULT 0,"
             " accommodation_fen INTEGER NOT NULL DEFAULT 0,"
             " remaining_study_years INTEGER NOT NULL DEFAULT 0,"
             " term_years INTEGER NOT NULL DEFAULT 0, renewal_mode TEXT NOT NULL DEFAULT 'none',"
             " proxy_signed INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL DEFAULT 0,"
             " notes TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX loan_application_student ON loan_application(student_id)",
             "CREATE INDEX loan_application_co_borrower ON loan_application(co_borrower_id)",
             "CREATE TABLE status_change(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL "
             "DEFAULT '',"
             " application_id BLOB REFERENCES loan_application(id),"
             " from_status TEXT NOT NULL DEFAULT 'pre_application',"
             " to_status TEXT NOT NULL DEFAULT 'pre_application', by_user TEXT NOT NULL DEFAULT '',"
             " at_ms INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX status_change_application ON status_change(application_id)",
             "CREATE TABLE contract(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT '',"
             " application_id BLOB REFERENCES loan_application(id),"
             " contract_number TEXT NOT NULL DEFAULT '', signing_date TEXT NOT NULL DEFAULT '',"
             " certificate_code TEXT NOT NULL DEFAULT '',"
             " settlement_account_type TEXT NOT NULL DEFAULT 'unknown', settlement_account BLOB,"
             " amount_fen INTEGER NOT NULL DEFAULT 0, term_years INTEGER NOT NULL DEFAULT 0,"
             " pre_signed INTEGER NOT NULL DEFAULT 1, signed_by_proxy INTEGER NOT NULL DEFAULT 0)",
             "CREATE INDEX contract_application ON contract(application_id)",
             "CREATE TABLE materials_checklist(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', application_id BLOB REFERENCES "
             "loan_application(id),"
             " items TEXT NOT NULL DEFAULT '[]', checked_by TEXT NOT NULL DEFAULT '',"
             " checked_ms INTEGER NOT NULL DEFAULT 0)",
             "CREATE INDEX materials_checklist_application ON materials_checklist(application_id)",
             "CREATE TABLE hardship_assessment(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', student_id BLOB REFERENCES student(id),"
             " school_year INTEGER NOT NULL DEFAULT 0, form_id TEXT NOT NULL DEFAULT '',"
             " form_version INTEGER NOT NULL DEFAULT 0, answers_json BLOB,"
             " score REAL NOT NULL DEFAULT 0, level TEXT NOT NULL DEFAULT 'none',"
             " priority_groups BLOB, commitment_signed INTEGER NOT NULL DEFAULT 0,"
             " status TEXT NOT NULL DEFAULT 'draft')",
             "CREATE INDEX hardship_assessment_student ON hardship_assessment(student_id)",
             "CREATE TABLE democratic_review(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '',"
             " assessment_id BLOB REFERENCES hardship_assessment(id),"
             " reviewer TEXT NOT NULL DEFAULT '', role TEXT NOT NULL DEFAULT '',"
             " date TEXT NOT NULL DEFAULT '', recommended_level TEXT NOT NULL DEFAULT 'none',"
             " votes_for INTEGER NOT NULL DEFAULT 0, votes_against INTEGER NOT NULL DEFAULT 0,"
             " opinion TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX democratic_review_assessment ON democratic_review(assessment_id)",
             "CREATE TABLE home_visit(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT "
             "'',"
             " student_id BLOB REFERENCES student(id), household_id BLOB REFERENCES household(id),"
             " visit_date TEXT NOT NULL DEFAULT '', method TEXT NOT NULL DEFAULT 'in_person',"
             " visitors TEXT NOT NULL DEFAULT '[]', people_present TEXT NOT NULL DEFAULT '',"
             " address BLOB, form_id TEXT NOT NULL DEFAULT '', form_version INTEGER NOT NULL "
             "DEFAULT 0,"
             " answers_json BLOB, household_size INTEGER NOT NULL DEFAULT 0,"
             " per_capita_income_fen BLOB, observations BLOB,"
             " recommended_level TEXT NOT NULL DEFAULT 'none')",
             "CREATE INDEX home_visit_student ON home_visit(student_id)",
             "CREATE TABLE attachment(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT "
             "'',"
             " owner_type TEXT NOT NULL DEFAULT 'student', owner_id BLOB,"
             " kind TEXT NOT NULL DEFAULT 'photo', sha256 TEXT NOT NULL DEFAULT '',"
             " mime TEXT NOT NULL DEFAULT '', size_bytes INTEGER NOT NULL DEFAULT 0,"
             " file_name TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL DEFAULT 0)",
             "CREATE INDEX attachment_owner ON attachment(owner_id)",
             "CREATE TABLE post_loan_event(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', application_id BLOB REFERENCES "
             "loan_application(id),"
             " student_id BLOB REFERENCES student(id),"
             " kind TEXT NOT NULL DEFAULT 'graduation_confirmation',"
             " event_date TEXT NOT NULL DEFAULT '', amount_fen INTEGER NOT NULL DEFAULT 0,"
             " details_json TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX post_loan_event_application ON post_loan_event(application_id)",

             // The transactional outbox: field changes waiting to be pushed, in the order made.
             "CREATE TABLE outbox(seq INTEGER PRIMARY KEY, change_id BLOB NOT NULL UNIQUE,"
             " record_type TEXT NOT NULL, record_id BLOB NOT NULL, county TEXT NOT NULL,"
             " field TEXT NOT NULL, value BLOB, hlc INTEGER NOT NULL, device BLOB NOT NULL,"
             " base_hlc INTEGER)",
             // The stamp of the value each field holds now (local or remote): what merge compares.
             "CREATE TABLE field_version(record_id BLOB NOT NULL, field TEXT NOT NULL,"
             " hlc INTEGER NOT NULL, device BLOB NOT NULL, change_id BLOB NOT NULL,"
             " PRIMARY KEY(record_id, field)) WITHOUT ROWID",
             "CREATE TABLE conflict(id BLOB PRIMARY KEY NOT NULL, record_type TEXT NOT NULL,"
             " record_id BLOB NOT NULL, county TEXT NOT NULL, field TEXT NOT NULL,"
             " local_value BLOB, local_hlc INTEGER, local_device BLOB,"
             " remote_value BLOB, remote_hlc INTEGER NOT NULL, remote_device BLOB NOT NULL,"
             " remote_change_id BLOB NOT NULL, created_ms INTEGER NOT NULL,"
             " resolved_ms INTEGER, resolved_by TEXT)",
             "CREATE INDEX conflict_open ON conflict(resolved_ms, record_id)",
             "CREATE TABLE quarantine(seq INTEGER PRIMARY KEY, change_id BLOB NOT NULL UNIQUE,"
             " record_type TEXT NOT NULL, record_id BLOB NOT NULL, county TEXT NOT NULL,"
             " field TEXT NOT NULL, value BLOB, hlc INTEGER NOT NULL, device BLOB NOT NULL,"
             " base_hlc INTEGER, reason_key TEXT NOT NULL, reason_detail TEXT NOT NULL DEFAULT '',"
             " at_ms INTEGER NOT NULL, resolved_ms INTEGER, resolution TEXT)",
             "CREATE TABLE audit_entry(seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE,"
             " county TEXT NOT NULL DEFAULT '', at_ms INTEGER NOT NULL, user TEXT NOT NULL,"
             " device BLOB NOT NULL, action TEXT NOT NULL, record_type TEXT NOT NULL,"
             " record_id BLOB, summary TEXT NOT NULL DEFAULT '')",
         }},
        {2,
         "search as you type",
         {
             // Substrings of three or more characters: trigram index over the student's name (and
             // its pinyin keys) and the other searchable fields; rowid = student.rowid.
             "CREATE VIRTUAL TABLE student_search USING fts5(name, other, tokenize='trigram')",
             // One- and two-character queries (most Chinese given names, pinyin initials like "zs")
             // are below the trigram size: each character of the name is indexed as its own token
             // and the query becomes a phrase of adjacent characters.
             "CREATE VIRTUAL TABLE student_search_short USING fts5(chars,"
             " tokenize='unicode61 remove_diacritics 0')",
             // The index is built by C++ (search document builder); 0 asks the store to rebuild it.
             "INSERT INTO meta(key, value) VALUES('search_builder', '0')"
             " ON CONFLICT(key) DO UPDATE SET value = '0'",
         }},
        {3,
         "sync state: cursor, enrollment, merge state of fields",
         {
             // Cursor and enrollment (url, token, counties, expires_at): beside the records, so a
             // pulled page and its cursor commit in one transaction.
             "CREATE TABLE sync_state(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
             // The protocol's merge state of each field (heads without values, replaced refs):
             // what sync/protocol's mergeField needs beyond field_version to tell a late or
             // repeated change from a concurrent one.
             "CREATE TABLE sync_field(record_id BLOB NOT NULL, field TEXT NOT NULL,"
             " state TEXT NOT NULL, PRIMARY KEY(record_id, field)) WITHOUT ROWID",
             // Values of heads while a field is in conflict (else the record holds it; lost heads
             // are also in conflict rows), through the field codec like every stored value, so the
             // shown value can move to another head when a newer one is replaced.
             "CREATE TABLE sync_head_value(change_id BLOB PRIMARY KEY NOT NULL, value BLOB)"
             " WITHOUT ROWID",
             // The wire `base` of each local change, fixed the first time it is read for a push:
             // a change pushed again must be byte-identical, or the server sees an id conflict.
             "CREATE TABLE sync_outbox_base(change_id BLOB PRIMARY KEY NOT NULL,"
             " base TEXT NOT NULL) WITHOUT ROWID",
         }},
        {4,
         "encryption at rest: notes and reasons are sensitive too",
         {
             // Free-text notes and status-change reasons carry hardship narratives and health
             // details: encrypted like the other sensitive fields (issue 8).
             "INSERT OR IGNORE INTO sensitive_field VALUES"
             " ('student','notes'),('household','notes'),('loan_application','notes'),"
             " ('status_change','reason'),('post_loan_event','note')",
             // Values written before this version are plaintext; the store seals them, replaces
             // the plain ID numbers in *_lookup columns by the keyed blind index and rebuilds the
             // search index without ID numbers on the first unlock (crypto/at_rest.cpp), because
             // a migration runs before any key is available.
             "INSERT INTO meta(key, value) VALUES('at_rest', '0')"
             " ON CONFLICT(key) DO UPDATE SET value = '0'",
             // The audit trail becomes a hash chain (audit_chain.cpp); entries written before
             // are linked in by the next audit write.
             "ALTER TABLE audit_entry ADD COLUMN prev_hash TEXT",
             "ALTER TABLE audit_entry ADD COLUMN hash TEXT",
         }},
        {5,
         "separate consent for sensitive personal information (PIPL)",
         {
             // One row per party's consent (store.hpp: the store refuses sensitive writes for a
             // party without one). Nothing in it is sensitive: it says who agreed to which text.
             "CREATE TABLE consent(id BLOB PRIMARY KEY NOT NULL, county TEXT NOT NULL DEFAULT '',"
             " student_id BLOB, application_id BLOB, party TEXT NOT NULL DEFAULT 'student',"
             " person_id BLOB, signer_name TEXT NOT NULL DEFAULT '',"
             " version TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',"
             " text_sha256 TEXT NOT NULL DEFAULT '', consented_ms INTEGER NOT NULL DEFAULT 0,"
             " recorded_by TEXT NOT NULL DEFAULT '', method TEXT NOT NULL DEFAULT 'on_screen',"
             " evidence_sha256 TEXT NOT NULL DEFAULT '', withdrawn_ms INTEGER NOT NULL DEFAULT 0,"
             " withdrawn_by TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX consent_student ON consent(student_id)",
             "CREATE INDEX consent_person ON consent(person_id)",
         }},
        {6,
         "students by household, for the consent rule",
         {
             // The consent rule looks up a household's students on every household or member
             // save; without this index each lookup scanned the student table, so saving a
             // county's families grew with the square of its size.
             "CREATE INDEX student_household ON student(household_id)",
         }},
        // 7 is left for a migration made in parallel (issue 5 notes); a gap is harmless: each
        // migration runs when the file's version is below its own.
        {8,
         "home-visit assignments (家访任务)",
         {
             // Nothing in it is sensitive: whose visit, to whom, by when, and the visit done.
             "CREATE TABLE visit_assignment(id BLOB PRIMARY KEY NOT NULL,"
             " county TEXT NOT NULL DEFAULT '', student_id BLOB REFERENCES student(id),"
             " assignee TEXT NOT NULL DEFAULT '', assignee_name TEXT NOT NULL DEFAULT '',"
             " due_date TEXT NOT NULL DEFAULT '', assigned_by TEXT NOT NULL DEFAULT '',"
             " assigned_ms INTEGER NOT NULL DEFAULT 0, visit_id BLOB,"
             " completed_ms INTEGER NOT NULL DEFAULT 0, completed_by TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX visit_assignment_student ON visit_assignment(student_id)",
             "CREATE INDEX visit_assignment_assignee ON visit_assignment(assignee, completed_ms)",
         }},
        {9,
         "the outbox keeps one row per record created on this device",
         {
             // From this version a record created here is one outbox row (field '*' + the field
             // names, the values packed and sealed together; store_impl.hpp) that is pushed as
             // the same field changes as before. Rows already pending stay as they are and are
             // pushed unchanged. No table changes: the version itself is the point, so a program
             // from before cannot open the file and push '*' as if it were a field.
             "INSERT INTO meta(key, value) VALUES('outbox_creation_rows', '1')"
             " ON CONFLICT(key) DO UPDATE SET value = '1'",
         }},
        {10,
         "a contract keeps the rate it was signed at; an application its chosen grace years",
         {
             // The annual rate (base on the signing date + spread), the spread and the policy id
             // are fixed when the contract is recorded (issue #20): later policy or base-rate
             // data never reprices an old contract. Contracts recorded before keep 0 / '' (the
             // rate is then taken from the data for their signing date).
             "ALTER TABLE contract ADD COLUMN annual_rate_bp INTEGER NOT NULL DEFAULT 0",
             "ALTER TABLE contract ADD COLUMN spread_bp INTEGER NOT NULL DEFAULT 0",
             "ALTER TABLE contract ADD COLUMN policy_id TEXT NOT NULL DEFAULT ''",
             // The grace years the borrower chose (0 up to the policy's maximum); -1 on older
             // applications: not chosen, the policy's maximum applies.
             "ALTER TABLE loan_application ADD COLUMN grace_years INTEGER NOT NULL DEFAULT -1",
         }},
    };
    return kMigrations;
}

} // namespace

std::span<const Migration> migrations() {
    return allMigrations();
}

int latestSchemaVersion() {
    return allMigrations().back().version;
}

Status migrate(Db& db, int target) {
    if (target < 0)
        target = latestSchemaVersion();
    auto current = db.queryInt("PRAGMA user_version");
    if (!current)
        return current.error();
    int version = static_cast<int>(current->value_or(0));
    if (version > latestSchemaVersion())
        return Error("store.too_new", {{"version", std::to_string(version)},
                                       {"supported", std::to_string(latestSchemaVersion())}});
    for (const auto& m : allMigrations()) {
        if (m.version <= version || m.version > target)
            continue;
        Transaction tx(db); // BEGIN IMMEDIATE: one connection migrates at a time
        if (!tx.begun())
            return tx.begun();
        // Another connection (the sync worker's, a second program on the same data directory)
        // may have applied it while this one waited for the lock: read the version again.
        auto now = db.queryInt("PRAGMA user_version");
        if (!now)
            return now.error();
        if (static_cast<int>(now->value_or(0)) >= m.version) {
            version = static_cast<int>(now->value_or(0));
            continue;
        }
        for (auto step : m.steps)
            if (auto st = db.exec(step); !st)
                return st;
        if (auto st = db.exec("PRAGMA user_version = " + std::to_string(m.version)); !st)
            return st;
        if (auto st = tx.commit(); !st)
            return st;
        version = m.version;
    }
    return {};
}

} // namespace zhuxue::store
