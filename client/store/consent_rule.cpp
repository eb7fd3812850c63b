// The consent rule of store.hpp: sensitive personal information of a party is saved only while
// that party has a valid consent on this device.
#include "store_impl.hpp"

namespace zhuxue::store {

namespace {

// Reads one column of the record row with this id through read(stmt) (fallback when the row is
// missing or the value is NULL).
template <class T, class Read>
Result<T> columnOf(Db& db, std::string_view table, std::string_view column, const Uuid& id,
                   T fallback, Read read) {
    auto st = db.cached("SELECT " + std::string(column) + " FROM " + std::string(table) +
                        " WHERE id = ?");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, id);
    auto row = s.step();
    if (!row)
        return row.error();
    T out = *row && !s.isNull(0) ? read(s) : std::move(fallback);
    s.reset();
    return out;
}

// One Id column of a record row (nil when the row or value is missing).
Result<Uuid> idColumn(Db& db, std::string_view table, std::string_view column, const Uuid& id) {
    return columnOf<Uuid>(db, table, column, id, Uuid{}, [](Stmt& s) { return s.uuid(0); });
}

Result<std::string> nameOf(Db& db, std::string_view table, const Uuid& id) {
    return columnOf<std::string>(db, table, "name", id, std::string(),
                                 [](Stmt& s) { return s.text(0); });
}

// A consent counts when it was given (a time and the hash of the text shown) and not withdrawn.
Result<bool> hasConsent(Db& db, ConsentParty party, const Uuid& personId) {
    // Consent given in the national system (import) has no text of ours to hash.
    auto st = db.cached("SELECT 1 FROM consent WHERE party = ? AND person_id = ?"
                        " AND withdrawn_ms = 0 AND consented_ms > 0"
                        " AND (length(text_sha256) = 64 OR method = 'national_system') LIMIT 1");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, toCode(party)).bind(2, personId);
    auto row = s.step();
    if (!row)
        return row.error();
    bool found = *row;
    s.reset();
    return found;
}

Error missing(ConsentParty party, const std::string& name, std::string_view table) {
    bool student = party == ConsentParty::Student;
    return Error("store.consent_missing",
                 {{"party", student ? "学生" : "共同借款人"},
                  {"party_en", student ? "student" : "co-borrower"},
                  {"name", name.empty() ? std::string("?") : name},
                  {"record", std::string(table)}});
}

Status requireStudent(Db& db, const Uuid& studentId, std::string_view table) {
    if (studentId.isNil())
        return Error("store.consent_missing", {{"party", "学生"},
                                               {"party_en", "student"},
                                               {"name", "?"},
                                               {"record", std::string(table)}});
    auto ok = hasConsent(db, ConsentParty::Student, studentId);
    if (!ok)
        return ok.error();
    if (*ok)
        return {};
    auto name = nameOf(db, "student", studentId);
    if (!name)
        return name.error();
    return missing(ConsentParty::Student, *name, table);
}

// Household data belongs to the aid file of the students living in it: one of them must have
// consented (siblings share a household).
Status requireHousehold(Db& db, const Uuid& householdId, std::string_view table) {
    auto st = db.cached("SELECT id, name FROM student WHERE household_id = ? ORDER BY rowid");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, householdId);
    std::vector<std::pair<Uuid, std::string>> students;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        students.emplace_back(s.uuid(0), s.text(1));
    }
    for (const auto& [id, name] : students) {
        auto ok = hasConsent(db, ConsentParty::Student, id);
        if (!ok)
            return ok.error();
        if (*ok)
            return {};
    }
    return missing(ConsentParty::Student, students.empty() ? std::string() : students[0].second,
                   table);
}

} // namespace

Status Store::Impl::checkConsents() {
    auto pending = std::move(consentPending);
    consentPending.clear();
    for (const auto& [type, id] : pending) {
        std::string_view table = toCode(type);
        Status st;
        switch (type) {
        case RecordType::Student:
            st = requireStudent(db, id, table);
            break;
        case RecordType::CoBorrower: {
            auto ok = hasConsent(db, ConsentParty::CoBorrower, id);
            if (!ok)
                return ok.error();
            if (!*ok) {
                auto name = nameOf(db, "co_borrower", id);
                if (!name)
                    return name.error();
                return missing(ConsentParty::CoBorrower, *name, table);
            }
            break;
        }
        case RecordType::Household:
            st = requireHousehold(db, id, table);
            break;
        case RecordType::HouseholdMember: {
            auto household = idColumn(db, table, "household_id", id);
            if (!household)
                return household.error();
            st = requireHousehold(db, *household, table);
            break;
        }
        case RecordType::LoanApplication:
        case RecordType::HardshipAssessment:
        case RecordType::HomeVisit: {
            auto student = idColumn(db, table, "student_id", id);
            if (!student)
                return student.error();
            st = requireStudent(db, *student, table);
            break;
        }
        case RecordType::Contract: {
            auto app = idColumn(db, table, "application_id", id);
            if (!app)
                return app.error();
            auto student = idColumn(db, "loan_application", "student_id", *app);
            if (!student)
                return student.error();
            st = requireStudent(db, *student, table);
            break;
        }
        default: // status reasons, post-loan notes: staff's own records of an existing loan
            break;
        }
        if (!st)
            return st;
    }
    return {};
}

} // namespace zhuxue::store
