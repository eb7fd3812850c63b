#include "client/store/import/import_run.hpp"

#include "client/store/import/spreadsheet.hpp"

#include <optional>

namespace zhuxue::import {

namespace {
// The family accepted the national student system's privacy terms when it pre-applied online;
// the list carries its data only because of that. No text of ours was shown, so version names
// the source and text_sha256 stays empty (the store accepts that for this method only).
std::vector<Consent> nationalSystemConsents(const PlannedRow& row, const store::Actor& who) {
    std::vector<Consent> out;
    auto add = [&](ConsentParty party, const Uuid& person, const std::string& name) {
        Consent c;
        c.id = newUuidV7();
        c.county = row.student.county;
        c.studentId = row.student.id;
        c.applicationId = row.application.id;
        c.party = party;
        c.personId = person;
        c.signerName = name;
        c.version = "national_system";
        c.consentedMs = row.application.createdMs > 0 ? row.application.createdMs : systemNowMs();
        c.recordedBy = who.user;
        c.method = ConsentMethod::NationalSystem;
        out.push_back(std::move(c));
    };
    add(ConsentParty::Student, row.student.id, row.student.name);
    if (row.coBorrower)
        add(ConsentParty::CoBorrower, row.coBorrower->id, row.coBorrower->name);
    return out;
}
} // namespace

Result<ImportResult> importPreApplications(store::Store& store, const Sheet& sheet,
                                           const ImportOptions& options, const store::Actor& who) {
    // A real import checks and writes in one write transaction: no other writer (the sync
    // worker pulling a student with the same ID number) comes between the check and the write,
    // and the thousands of lookups share one lock instead of taking and releasing it each.
    // Leaving without commit (rejected rows, a failed write) rolls everything back.
    std::optional<store::Batch> batch;
    if (!options.dryRun)
        batch.emplace(store.batch(who));
    // Store lookups run inside the planner's callbacks; the first failure is kept and reported.
    std::optional<Error> lookupError;
    ExistingRecords existing;
    existing.studentExists = [&](const std::string& id) {
        auto found = store.studentsByIdNumber(id);
        if (!found) {
            lookupError = lookupError.value_or(found.error());
            return false;
        }
        return !found->empty();
    };
    existing.isBorrowingStudent = [&](const std::string& id) {
        auto students = store.studentsByIdNumber(id);
        if (!students) {
            lookupError = lookupError.value_or(students.error());
            return false;
        }
        for (const Student& s : *students) {
            auto apps = store.list<LoanApplication>("student_id", s.id);
            if (!apps) {
                lookupError = lookupError.value_or(apps.error());
                return false;
            }
            for (const LoanApplication& a : *apps)
                if (a.status != LoanStatus::Rejected && a.status != LoanStatus::Withdrawn &&
                    a.status != LoanStatus::Closed)
                    return true;
        }
        return false;
    };
    auto plan = planPreApplications(sheet, options, existing);
    if (!plan)
        return plan.error();
    if (lookupError)
        return *lookupError;

    ImportResult result;
    result.plan = std::move(*plan);
    const bool blocked = result.plan.rejectedRows > 0 && !options.skipBadRows;
    if (options.dryRun || blocked || result.plan.rows.empty())
        return result;

    // Every record of the plan is new (the planner made its id): created without a read first.
    for (const PlannedRow& row : result.plan.rows) {
        batch->beginAuditGroup(); // one audit entry per family, naming each of its records
        if (auto st = batch->create(row.student); !st)
            return st.error();
        if (row.coBorrower)
            if (auto st = batch->create(*row.coBorrower); !st)
                return st.error();
        for (const Consent& c : nationalSystemConsents(row, who))
            if (auto st = batch->create(c); !st)
                return st.error();
        if (auto st = batch->create(row.application); !st)
            return st.error();
        if (auto st = batch->endAuditGroup(); !st)
            return st.error();
    }
    if (auto st = batch->commit(); !st)
        return st.error();
    result.imported = result.plan.rows.size();
    result.written = true;
    return result;
}

Result<ImportResult> importPreApplicationFile(store::Store& store,
                                              const std::filesystem::path& file,
                                              const ImportOptions& options, const store::Actor& who,
                                              const std::string& sheetName) {
    auto sheet = readSpreadsheetFile(file, sheetName);
    if (!sheet)
        return sheet.error();
    return importPreApplications(store, *sheet, options, who);
}

} // namespace zhuxue::import
