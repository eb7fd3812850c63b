// Journeys save what the person changed and nothing else (issue 27). Store::update writes only
// the fields in which the edited record differs from the one read; save() never blanks a stored
// sensitive value; and for each journey a fully populated family saved without touching anything
// keeps every field of every record, while changing one field of the form changes exactly that.
#include "client/core/home_visit.hpp"
#include "client/store/home_visits.hpp"
#include "client/store/loan_journeys.hpp"
#include "tests/support/full_family.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace zhuxue;
using namespace zhuxue::store;
using zhuxue::test::changedFields;
using zhuxue::test::TempDir;
using zhuxue::test::snapshotRecords;

namespace {
const Actor kStaff{"li"};

std::unique_ptr<Store> openStore(const std::filesystem::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

std::multiset<std::string> fields(std::initializer_list<const char*> names) {
    return {names.begin(), names.end()};
}

// Reads the family, fills the form as the screen does, lets `edit` change it, saves it as the
// screen does; returns the visit saved.
HomeVisit visit(Store& db, const Uuid& student, const std::function<void(core::VisitForm&)>& edit,
                bool incomesWithheld = false) {
    auto family = loadVisitFamily(db, student);
    REQUIRE(family.ok());
    core::VisitForm form = core::visitFormFor(*family, "2026-05-12", "李文");
    edit(form);
    REQUIRE(core::checkVisitForm(form).ok());
    core::VisitSave plan = core::planHomeVisit(*family, form, incomesWithheld);
    Status st = saveHomeVisit(db, kStaff, *family, plan, {}, systemNowMs());
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().key + " " + st.error().detail));
    return plan.visit;
}
// Confirms a first loan (or renewal) as FirstLoanScreen::save does, from the family's records
// with `edit` applied to the form; returns the people saved.
core::LoanPeople loan(Store& db, const zhuxue::test::FullFamily& fam, bool renewal,
                      const std::function<void(core::LoanPeopleForm&)>& edit) {
    core::LoanPeopleLoaded loaded;
    loaded.student = *db.get<Student>(fam.student.id).value();
    auto cos = db.list<CoBorrower>("student_id", fam.student.id);
    REQUIRE(cos.ok());
    REQUIRE_FALSE(cos->empty());
    loaded.coBorrower = cos->back();
    core::LoanPeopleForm form = core::loanFormFor(loaded);
    edit(form);
    const core::Date today = *core::Date::make(2026, 7, 20);
    core::LoanPeople people = core::applyLoanForm(loaded, form, "420527", today, !renewal);
    LoanSubmission sub;
    sub.application.id = newUuidV7();
    sub.application.county = "420527";
    sub.application.studentId = people.student.id;
    sub.application.coBorrowerId = people.coBorrower.id;
    sub.application.kind = renewal ? ApplicationKind::Renewal : ApplicationKind::FirstLoan;
    sub.application.status = LoanStatus::Applied;
    sub.application.schoolYear = 2026;
    sub.application.amountFen = 1'600'000;
    sub.application.termYears = 20;
    sub.materials.id = newUuidV7();
    sub.materials.county = "420527";
    sub.materials.applicationId = sub.application.id;
    sub.studentConsent = zhuxue::test::consentOf(ConsentParty::Student, "420527", people.student.id, people.student.id);
    sub.coConsent =
        zhuxue::test::consentOf(ConsentParty::CoBorrower, "420527", people.student.id, people.coBorrower.id);
    sub.materialsChecked = true;
    Status st = saveLoanApplication(db, kStaff, loaded, people, sub);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().key + " " + st.error().detail));
    return people;
}
} // namespace

TEST_CASE("update writes only what was edited, onto what is stored now") {
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    Student loaded = fam.student;
    // Meanwhile sync brought another device's phone number.
    Student synced = loaded;
    synced.phone = "13907179999";
    REQUIRE(db->save(synced, Actor{"sync"}).ok());
    auto before = snapshotRecords(*db);
    auto pendingBefore = db->pendingCount();

    Student edited = loaded;
    edited.major = "口腔医学";
    REQUIRE(db->update(loaded, edited, kStaff).ok());
    CHECK(changedFields(before, snapshotRecords(*db)) == fields({"student.major"}));
    auto now = db->get<Student>(loaded.id);
    REQUIRE(now.ok());
    CHECK((*now)->phone == "13907179999"); // not put back to what the journey read
    CHECK((*now)->idNumber == loaded.idNumber);
    CHECK(*db->pendingCount() == *pendingBefore + 1);

    // Nothing edited: nothing written, not even an audit entry or an outbox change.
    auto stats = db->stats();
    REQUIRE(db->update(edited, edited, kStaff).ok());
    CHECK(db->stats()->auditEntries == stats->auditEntries);
    CHECK(*db->pendingCount() == *pendingBefore + 1);

    // Clearing a sensitive field the person edited is theirs to do.
    Student cleared = edited;
    cleared.notes.clear();
    cleared.address.clear();
    REQUIRE(db->update(edited, cleared, kStaff).ok());
    CHECK((*db->get<Student>(loaded.id))->address.empty());

    // Another record's id: refused.
    Student other = edited;
    other.id = newUuidV7();
    CHECK(db->update(edited, other, kStaff).error().key == "store.bad_record");
}

TEST_CASE("save never blanks a stored sensitive value; the stored value stays") {
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    // What HomeVisitScreen::save did before: a member rebuilt from the visit form, no ID number.
    HouseholdMember rebuilt;
    rebuilt.id = fam.father.id;
    rebuilt.county = fam.father.county;
    rebuilt.householdId = fam.father.householdId;
    rebuilt.name = fam.father.name;
    rebuilt.relation = fam.father.relation;
    rebuilt.birthYear = fam.father.birthYear;
    rebuilt.occupation = fam.father.occupation;
    rebuilt.annualIncomeFen = fam.father.annualIncomeFen;
    rebuilt.health = fam.father.health;
    rebuilt.ableToWork = fam.father.ableToWork;
    rebuilt.inSchool = fam.father.inSchool;
    auto before = snapshotRecords(*db);
    Status st = db->save(rebuilt, kStaff);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "store.blanks_sensitive");
    CHECK(st.error().args.at("type") == "household_member");
    CHECK(st.error().args.at("field") == "id_number");
    CHECK(changedFields(before, snapshotRecords(*db)).empty());
    // In a batch it fails the batch: nothing of it is written.
    Batch b = db->batch(kStaff);
    Student s = fam.student;
    s.major = "药学";
    CHECK(b.save(s).ok());
    CHECK_FALSE(b.save(rebuilt).ok());
    CHECK_FALSE(b.commit().ok());
    CHECK(changedFields(before, snapshotRecords(*db)).empty());
    // Non-sensitive fields may still be cleared by save(), and a sensitive value replaced.
    Student t = fam.student;
    t.major.clear();
    t.phone = "13907170009";
    CHECK(db->save(t, kStaff).ok());
}

TEST_CASE("home visit: saved untouched, no field of any record changes; the members keep their ID numbers") {
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    auto before = snapshotRecords(*db);
    HomeVisit v = visit(*db, fam.student.id, [](core::VisitForm& f) {
        CHECK(f.members.size() == 2); // the student is not a row of the table
        f.observations = "土坯房两间";
    });
    CHECK(changedFields(before, snapshotRecords(*db)).empty());
    auto members = db->list<HouseholdMember>("household_id", fam.household.id);
    REQUIRE(members.ok());
    REQUIRE(members->size() == 3);
    for (const auto& m : *members)
        CHECK(!m.idNumber.empty());
    auto saved = db->get<HomeVisit>(v.id);
    REQUIRE(saved.ok());
    REQUIRE(saved->has_value());
    CHECK((*saved)->visitors == std::vector<std::string>{"李文"});
    CHECK((*saved)->householdSize == 3);
    CHECK((*saved)->perCapitaIncomeFen == 1'000'017); // (18,000 + 12,000.50) / 3, rounded half up
    CHECK((*saved)->address == fam.student.address);
}

TEST_CASE("home visit: changing one cell of the form changes exactly that field") {
    struct Edit {
        const char* what;
        std::function<void(core::VisitForm&)> edit;
        std::multiset<std::string> changed;
    };
    const std::vector<Edit> edits = {
        {"name", [](core::VisitForm& f) { f.members[0].name = "向建民"; }, fields({"household_member.name"})},
        {"relation", [](core::VisitForm& f) { f.members[1].relation = "继母"; }, fields({"household_member.relation"})},
        {"birth year", [](core::VisitForm& f) { f.members[0].birthYear = "1974"; },
         fields({"household_member.birth_year"})},
        {"occupation", [](core::VisitForm& f) { f.members[1].occupation = "务农"; },
         fields({"household_member.occupation"})},
        // The household's income follows its members' when one of them changes.
        {"income", [](core::VisitForm& f) { f.members[0].income = "20000"; },
         fields({"household_member.annual_income_fen", "household.annual_income_fen"})},
        {"health", [](core::VisitForm& f) { f.members[0].health.clear(); }, fields({"household_member.health"})},
        {"able to work", [](core::VisitForm& f) { f.members[1].ableToWork = true; },
         fields({"household_member.able_to_work"})},
        // One address per family: the student's and the household's copy change together.
        {"address", [](core::VisitForm& f) { f.address = "茅坪镇秭归村4组1号"; },
         fields({"student.address", "household.address"})},
        {"visit only", [](core::VisitForm& f) { f.present = "父亲、学生"; }, fields({})},
    };
    for (const auto& e : edits) {
        CAPTURE(e.what);
        TempDir dir;
        auto db = openStore(dir.path());
        auto fam = zhuxue::test::seedFullFamily(*db);
        auto before = snapshotRecords(*db);
        visit(*db, fam.student.id, e.edit);
        CHECK(changedFields(before, snapshotRecords(*db)) == e.changed);
    }
}

TEST_CASE("home visit: a member added is created whole; a volunteer's visit leaves the stored incomes") {
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    auto before = snapshotRecords(*db);
    visit(*db, fam.student.id, [](core::VisitForm& f) {
        core::VisitMemberRow r;
        r.name = "向奶奶";
        r.relation = "祖母";
        r.income = "3000";
        r.ableToWork = false;
        f.members.push_back(r);
    });
    CHECK(changedFields(before, snapshotRecords(*db)) == fields({"household.annual_income_fen"}));
    CHECK((*db->get<Household>(fam.household.id))->annualIncomeFen == 1'800'000 + 1'200'050 + 300'000);
    auto members = db->list<HouseholdMember>("household_id", fam.household.id);
    REQUIRE(members->size() == 4);
    CHECK(members->back().name == "向奶奶");
    CHECK(members->back().annualIncomeFen == 300'000);
    CHECK(members->back().householdId == fam.household.id);

    // A volunteer reads no incomes: a member's name fixed, nothing else of the family changes.
    before = snapshotRecords(*db); // as the office reads it: nothing withheld
    db->setAccess(Access::Volunteer);
    HomeVisit v = visit(
        *db, fam.student.id, [](core::VisitForm& f) { f.members[0].name = "向建民"; }, true);
    db->setAccess(Access::System);
    CHECK(changedFields(before, snapshotRecords(*db)) == fields({"household_member.name"}));
    CHECK((*db->get<HouseholdMember>(fam.father.id))->annualIncomeFen == 1'800'000);
    CHECK((*db->get<HomeVisit>(v.id))->perCapitaIncomeFen == 0); // left for staff
}

TEST_CASE("home visit: a student without a household gets one, linked, with the members typed") {
    TempDir dir;
    auto db = openStore(dir.path());
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "覃明";
    s.township = "茅坪镇";
    s.idNumber = "420527200803151227";
    s.address = "茅坪镇1号";
    zhuxue::test::consentStudent(*db, s.county, s.id);
    REQUIRE(db->save(s, kStaff).ok());
    auto before = snapshotRecords(*db);
    HomeVisit v = visit(*db, s.id, [](core::VisitForm& f) {
        core::VisitMemberRow r;
        r.name = "覃父";
        r.relation = "父亲";
        r.income = "12000";
        f.members.push_back(r);
    });
    CHECK(changedFields(before, snapshotRecords(*db)) == fields({"student.household_id"}));
    auto now = db->get<Student>(s.id);
    REQUIRE_FALSE((*now)->householdId.isNil());
    CHECK((*now)->idNumber == s.idNumber);
    auto h = db->get<Household>((*now)->householdId);
    REQUIRE(h->has_value());
    CHECK((*h)->address == "茅坪镇1号");
    CHECK((*h)->annualIncomeFen == 1'200'000);
    CHECK((*db->get<HomeVisit>(v.id))->perCapitaIncomeFen == 600'000);
}

TEST_CASE("visitors: Chinese and ASCII commas, spaces trimmed") {
    CHECK(core::splitVisitors("李文（县资助中心），王芳（班主任）") ==
          std::vector<std::string>{"李文（县资助中心）", "王芳（班主任）"});
    CHECK(core::splitVisitors(" a , b,,c ") == std::vector<std::string>{"a", "b", "c"});
    CHECK(core::splitVisitors(" ，, ").empty());
}

TEST_CASE("first loan and renewal: confirmed untouched, no field of any record changes; one field typed, that one") {
    for (bool renewal : {false, true}) {
        CAPTURE(renewal);
        TempDir dir;
        auto db = openStore(dir.path());
        auto fam = zhuxue::test::seedFullFamily(*db);
        auto before = snapshotRecords(*db);
        core::LoanPeople p = loan(*db, fam, renewal, [](core::LoanPeopleForm&) {});
        CHECK(changedFields(before, snapshotRecords(*db)).empty());
        CHECK(p.student.id == fam.student.id);
        CHECK(p.coBorrower.id == fam.coBorrower.id); // the same person: no second co-borrower
        CHECK(db->list<CoBorrower>("student_id", fam.student.id)->size() == 1);
        auto apps = db->list<LoanApplication>("student_id", fam.student.id);
        REQUIRE(apps->size() == 2);
        CHECK(apps->back().coBorrowerId == fam.coBorrower.id);
        CHECK(apps->back().status == LoanStatus::MaterialsChecked);
    }
    struct Edit {
        const char* what;
        std::function<void(core::LoanPeopleForm&)> edit;
        std::multiset<std::string> changed;
    };
    const std::vector<Edit> edits = {
        {"phone", [](core::LoanPeopleForm& f) { f.phone = "139 0717 0003"; }, fields({"student.phone"})},
        {"major", [](core::LoanPeopleForm& f) { f.major = "口腔医学"; }, fields({"student.major"})},
        {"address", [](core::LoanPeopleForm& f) { f.address = "茅坪镇秭归村4组1号"; }, fields({"student.address"})},
        {"level", [](core::LoanPeopleForm& f) { f.level = 2; }, fields({"student.study_level"})},
        {"program years", [](core::LoanPeopleForm& f) { f.programYears = "8"; }, fields({"student.program_years"})},
        {"co-borrower phone", [](core::LoanPeopleForm& f) { f.coPhone = "13907170008"; },
         fields({"co_borrower.phone"})},
        {"ID number as typed in lower case", [](core::LoanPeopleForm& f) { f.coIdNumber = "11010519491231002x"; },
         fields({})},
        // Another person: a new co-borrower; the earlier one keeps every field.
        {"another co-borrower", [](core::LoanPeopleForm& f) {
             f.coName = "覃桂英";
             f.coRelation = "母亲";
             f.coIdNumber = "34052419800101001X";
         }, fields({})},
    };
    for (const auto& e : edits) {
        CAPTURE(e.what);
        TempDir dir;
        auto db = openStore(dir.path());
        auto fam = zhuxue::test::seedFullFamily(*db);
        auto before = snapshotRecords(*db);
        core::LoanPeople p = loan(*db, fam, true, e.edit);
        CHECK(changedFields(before, snapshotRecords(*db)) == e.changed);
        if (std::string(e.what) == "another co-borrower") {
            CHECK(p.newCoBorrower);
            auto c = db->get<CoBorrower>(p.coBorrower.id);
            REQUIRE(c->has_value());
            CHECK((*c)->birthDate == "1980-01-01");
            CHECK((*c)->name == "覃桂英");
        }
    }
    // A changed ID number brings the birth date and gender it encodes.
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    auto before = snapshotRecords(*db);
    loan(*db, fam, false, [](core::LoanPeopleForm& f) { f.idNumber = "34052419800101001X"; });
    CHECK(changedFields(before, snapshotRecords(*db)) == fields({"student.id_number", "student.birth_date", "student.gender"}));
}

TEST_CASE("a pre-application becomes the application it prepared; the co-borrower stays one record") {
    TempDir dir;
    auto db = openStore(dir.path());
    auto fam = zhuxue::test::seedFullFamily(*db);
    // The high school's pre-application list brought this family's 预申请, with the co-borrower.
    LoanApplication pre;
    pre.id = newUuidV7();
    pre.county = "420527";
    pre.studentId = fam.student.id;
    pre.coBorrowerId = fam.coBorrower.id;
    pre.kind = ApplicationKind::PreApplication;
    pre.status = LoanStatus::PreApplication;
    pre.schoolYear = 2026;
    pre.createdMs = 1'780'000'000'000;
    pre.notes = "高中预申请名单";
    REQUIRE(db->save(pre, kStaff).ok());
    auto apps = db->list<LoanApplication>("student_id", fam.student.id);
    REQUIRE(apps.ok());
    auto open = core::openPreApplication(*apps);
    REQUIRE(open.has_value());
    CHECK(open->id == pre.id);

    core::LoanPeopleLoaded loaded;
    loaded.student = fam.student;
    loaded.coBorrower = fam.coBorrower;
    loaded.coBorrowersOnFile = {fam.coBorrower};
    core::LoanPeopleForm form = core::loanFormFor(loaded);
    core::LoanPeople people = core::applyLoanForm(loaded, form, "420527", *core::Date::make(2026, 8, 20), true);
    LoanApplication confirmed;
    confirmed.id = newUuidV7();
    confirmed.county = "420527";
    confirmed.studentId = people.student.id;
    confirmed.coBorrowerId = people.coBorrower.id;
    confirmed.kind = ApplicationKind::FirstLoan;
    confirmed.status = LoanStatus::Applied;
    confirmed.schoolYear = 2026;
    confirmed.amountFen = 1'200'000;
    confirmed.termYears = 19;
    LoanSubmission sub;
    sub.preApplication = open;
    sub.application = core::fromPreApplication(*open, confirmed);
    sub.materials.id = newUuidV7();
    sub.materials.county = "420527";
    sub.materials.applicationId = sub.application.id;
    sub.studentConsent = zhuxue::test::consentOf(ConsentParty::Student, "420527", people.student.id, people.student.id);
    sub.coConsent = zhuxue::test::consentOf(ConsentParty::CoBorrower, "420527", people.student.id, people.coBorrower.id);
    sub.materialsChecked = true;
    Status st = saveLoanApplication(*db, kStaff, loaded, people, sub);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().key + " " + st.error().detail));

    // The same two applications as before (the full family's earlier one and this), not three.
    apps = db->list<LoanApplication>("student_id", fam.student.id);
    REQUIRE(apps->size() == 2);
    auto now = db->get<LoanApplication>(pre.id);
    REQUIRE(now->has_value());
    CHECK((*now)->kind == ApplicationKind::FirstLoan);
    CHECK((*now)->status == LoanStatus::MaterialsChecked);
    CHECK((*now)->amountFen == 1'200'000);
    CHECK((*now)->createdMs == pre.createdMs);
    CHECK((*now)->notes == "高中预申请名单");
    CHECK_FALSE(core::openPreApplication(*apps).has_value());
    // Its history keeps the step out of 预申请.
    auto changes = db->list<StatusChange>("application_id", pre.id);
    REQUIRE(changes->size() == 2);
    std::set<std::pair<LoanStatus, LoanStatus>> steps;
    for (const auto& c : *changes)
        steps.insert({c.from, c.to});
    CHECK(steps.count({LoanStatus::PreApplication, LoanStatus::Applied}) == 1);
    CHECK(steps.count({LoanStatus::Applied, LoanStatus::MaterialsChecked}) == 1);
    CHECK(db->list<CoBorrower>("student_id", fam.student.id)->size() == 1);
    CHECK(db->list<MaterialsChecklist>("application_id", pre.id)->size() == 1);
}
