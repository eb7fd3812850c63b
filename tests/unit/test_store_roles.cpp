// Roles enforced in the store layer (store/access.hpp): what each access level reads, the fields
// withheld from volunteers, a volunteer's save never losing what staff stored, the kiosk and a
// signed-out client reading nothing, and exports refused to volunteers with a message naming the
// role needed.
#include "client/reports/roster_source.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kSeed{"import"};
const Actor kStaff{"李老师"};
const Actor kVolunteer{"志愿者小王"};

std::unique_ptr<Store> openStore(const std::filesystem::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

struct Family {
    Student student;
    Household household;
    HouseholdMember father;
    CoBorrower coBorrower;
    LoanApplication application;
    Contract contract;
    HardshipAssessment submitted, draft;
    HomeVisit visit;
    Attachment photo;
};

// One family with every withheld field holding a value, saved by the office (System).
Family seed(Store& db) {
    Family f;
    const std::string county = "420527";
    f.household.id = newUuidV7();
    f.household.county = county;
    f.household.township = "茅坪镇";
    f.household.annualIncomeFen = 2'400'000;
    f.household.priorityGroups = {"dibao"};
    f.household.notes = "旧备注";

    // The family consented (consent rule, store.hpp): the student's consent covers the household
    // the student lives in.
    f.student.id = newUuidV7();
    f.student.county = county;
    f.student.name = "龚𪚥";
    f.student.idNumber = "11010519491231002X";
    f.student.phone = "13812345678";
    f.student.householdId = f.household.id;
    f.student.township = "茅坪镇";
    {
        // One batch, as the client saves a new family: the consent rule is checked at commit.
        auto batch = db.batch(kSeed);
        REQUIRE(batch.save(zhuxue::test::consentOf(ConsentParty::Student, county, f.student.id,
                                                   f.student.id)).ok());
        REQUIRE(batch.save(f.household).ok());
        REQUIRE(batch.save(f.student).ok());
        REQUIRE(batch.commit().ok());
    }

    f.father.id = newUuidV7();
    f.father.county = county;
    f.father.householdId = f.household.id;
    f.father.name = "龚䶮";
    f.father.relation = "父亲";
    f.father.annualIncomeFen = 1'800'000;
    f.father.health = "慢性病";
    f.father.occupation = "务农";
    REQUIRE(db.save(f.father, kSeed).ok());

    f.coBorrower.id = newUuidV7();
    f.coBorrower.county = county;
    f.coBorrower.studentId = f.student.id;
    f.coBorrower.name = "龚䶮";
    f.coBorrower.idNumber = "34052419800101001X";
    zhuxue::test::consentCoBorrower(db, county, f.student.id, f.coBorrower.id);
    REQUIRE(db.save(f.coBorrower, kSeed).ok());

    f.application.id = newUuidV7();
    f.application.county = county;
    f.application.studentId = f.student.id;
    f.application.coBorrowerId = f.coBorrower.id;
    f.application.kind = ApplicationKind::FirstLoan;
    f.application.status = LoanStatus::Disbursed;
    f.application.schoolYear = 2025;
    f.application.amountFen = 1'200'000;
    REQUIRE(db.save(f.application, kSeed).ok());

    f.contract.id = newUuidV7();
    f.contract.county = county;
    f.contract.applicationId = f.application.id;
    f.contract.contractNumber = "HT-2025-0001";
    f.contract.settlementAccount = "6222021234567890123";
    f.contract.amountFen = 1'200'000;
    REQUIRE(db.save(f.contract, kSeed).ok());

    f.submitted.id = newUuidV7();
    f.submitted.county = county;
    f.submitted.studentId = f.student.id;
    f.submitted.schoolYear = 2025;
    f.submitted.answersJson = R"({"parents_work":"farming"})";
    f.submitted.score = 71.5;
    f.submitted.level = HardshipLevel::Special;
    f.submitted.priorityGroups = {"dibao"};
    f.submitted.status = AssessmentStatus::Submitted;
    REQUIRE(db.save(f.submitted, kSeed).ok());

    f.draft = f.submitted;
    f.draft.id = newUuidV7();
    f.draft.schoolYear = 2026;
    f.draft.status = AssessmentStatus::Draft;
    REQUIRE(db.save(f.draft, kSeed).ok());

    f.visit.id = newUuidV7();
    f.visit.county = county;
    f.visit.studentId = f.student.id;
    f.visit.householdId = f.household.id;
    f.visit.visitDate = "2025-07-01";
    f.visit.answersJson = R"({"housing":"mud"})";
    f.visit.perCapitaIncomeFen = 600'000;
    f.visit.observations = "父亲患病，无法外出务工";
    REQUIRE(db.save(f.visit, kSeed).ok());

    f.photo.county = county;
    f.photo.ownerType = RecordType::Student;
    f.photo.ownerId = f.student.id;
    f.photo.fileName = "photo.jpg";
    f.photo.mime = "image/jpeg";
    std::vector<std::byte> bytes(64, std::byte{7});
    auto added = db.addAttachment(f.photo, bytes, kSeed);
    REQUIRE(added.ok());
    f.photo = *added;
    return f;
}

template <class R> R got(Store& db, const Uuid& id) {
    auto r = db.get<R>(id);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key));
    REQUIRE(r->has_value());
    return **r;
}

bool denied(const Error& e) {
    return e.key == "access.denied";
}

const Catalog& zh() {
    static const Catalog c = *loadCatalog(assetsDir(), "zh-CN");
    return c;
}
const Catalog& en() {
    static const Catalog c = *loadCatalog(assetsDir(), "en");
    return c;
}
} // namespace

TEST_CASE("a store opens at System access and staff and admin read everything") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    CHECK(db->access() == Access::System);
    Family f = seed(*db);
    for (Access a : {Access::System, Access::Admin, Access::Staff}) {
        CAPTURE(toCode(a));
        db->setAccess(a);
        CHECK(got<Household>(*db, f.household.id).annualIncomeFen == 2'400'000);
        CHECK(got<HouseholdMember>(*db, f.father.id).health == "慢性病");
        CHECK(got<Contract>(*db, f.contract.id).settlementAccount == "6222021234567890123");
        CHECK(got<HardshipAssessment>(*db, f.submitted.id).answersJson == f.submitted.answersJson);
        CHECK(got<HomeVisit>(*db, f.visit.id).observations == f.visit.observations);
        CHECK_FALSE(db->withholds(RecordType::Household, "annual_income_fen"));
        CHECK(db->requireExport().ok());
    }
}

TEST_CASE("a volunteer reads families without incomes, hardship details or bank accounts") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    db->setAccess(Access::Volunteer);

    // What a volunteer needs to find and guide the family stays readable.
    Student s = got<Student>(*db, f.student.id);
    CHECK(s.name == "龚𪚥");
    CHECK(s.idNumber == "11010519491231002X");
    CHECK(s.phone == "13812345678");
    CHECK(got<CoBorrower>(*db, f.coBorrower.id).idNumber == "34052419800101001X");
    CHECK(got<LoanApplication>(*db, f.application.id).amountFen == 1'200'000);

    // Withheld: empty defaults, and the store says which.
    Household h = got<Household>(*db, f.household.id);
    CHECK(h.annualIncomeFen == 0);
    CHECK(h.priorityGroups.empty());
    CHECK(h.notes == "旧备注");
    HouseholdMember m = got<HouseholdMember>(*db, f.father.id);
    CHECK(m.annualIncomeFen == 0);
    CHECK(m.health.empty());
    CHECK(m.occupation == "务农");
    Contract c = got<Contract>(*db, f.contract.id);
    CHECK(c.settlementAccount.empty());
    CHECK(c.contractNumber == "HT-2025-0001");
    HardshipAssessment sub = got<HardshipAssessment>(*db, f.submitted.id);
    CHECK(sub.answersJson.empty());
    CHECK(sub.score == 0);
    CHECK(sub.priorityGroups.empty());
    CHECK(sub.level == HardshipLevel::Special); // the outcome is not a detail
    CHECK(sub.status == AssessmentStatus::Submitted);
    HomeVisit v = got<HomeVisit>(*db, f.visit.id);
    CHECK(v.perCapitaIncomeFen == 0);
    CHECK(v.observations.empty());
    CHECK(v.answersJson.empty());
    CHECK(v.visitDate == "2025-07-01");

    // A draft the volunteer is filling in with the family stays readable.
    HardshipAssessment draft = got<HardshipAssessment>(*db, f.draft.id);
    CHECK(draft.answersJson == f.draft.answersJson);
    CHECK(draft.priorityGroups == std::vector<std::string>{"dibao"});

    for (auto [type, field] : {std::pair{RecordType::Household, "annual_income_fen"},
                               {RecordType::Household, "priority_groups"},
                               {RecordType::HouseholdMember, "annual_income_fen"},
                               {RecordType::HouseholdMember, "health"},
                               {RecordType::Contract, "settlement_account"},
                               {RecordType::HardshipAssessment, "answers_json"},
                               {RecordType::HomeVisit, "per_capita_income_fen"}})
        CHECK_MESSAGE(db->withholds(type, field), field);
    CHECK_FALSE(db->withholds(RecordType::Student, "id_number"));
    CHECK_FALSE(db->withholds(RecordType::Household, "notes"));

    // Lists, scans and ID lookups withhold the same fields.
    auto members = db->list<HouseholdMember>("household_id", f.household.id);
    REQUIRE(members.ok());
    REQUIRE(members->size() == 1);
    CHECK(members->front().annualIncomeFen == 0);
    int households = 0;
    REQUIRE(db->forEach<Household>([&](const Household& x) {
                  ++households;
                  CHECK(x.annualIncomeFen == 0);
                  return true;
              })
                .ok());
    CHECK(households == 1);
    auto byId = db->coBorrowersByIdNumber("34052419800101001X");
    REQUIRE(byId.ok());
    CHECK(byId->size() == 1);
    auto found = db->search("龚");
    REQUIRE(found.ok());
    CHECK(found->size() == 1);

    // The outbox shows that an income changed, never to what.
    db->setAccess(Access::System);
    Household richer = h;
    richer.annualIncomeFen = 3'000'000;
    richer.priorityGroups = {"dibao"};
    REQUIRE(db->save(richer, kStaff).ok());
    db->setAccess(Access::Volunteer);
    auto pending = db->pendingChanges(1000);
    REQUIRE(pending.ok());
    bool sawIncome = false;
    for (const auto& ch : *pending)
        if (ch.field == "annual_income_fen" && ch.recordType == RecordType::Household) {
            sawIncome = true;
            CHECK(ch.valueJson == "null");
        }
    CHECK(sawIncome);
}

TEST_CASE("a volunteer saving a record never overwrites the values withheld from them") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    db->setAccess(Access::Volunteer);

    // Read (income shown as empty), change the notes, save: the income stays.
    Household h = got<Household>(*db, f.household.id);
    h.notes = "志愿者补充：家中有两名在读学生";
    REQUIRE(db->save(h, kVolunteer).ok());
    HouseholdMember m = got<HouseholdMember>(*db, f.father.id);
    m.occupation = "零工";
    REQUIRE(db->save(m, kVolunteer).ok());
    // The same through a batch (the home-visit screen saves household and members together).
    {
        auto batch = db->batch(kVolunteer);
        HomeVisit v = got<HomeVisit>(*db, f.visit.id);
        v.peoplePresent = "母亲";
        REQUIRE(batch.save(v).ok());
        REQUIRE(batch.commit().ok());
    }

    db->setAccess(Access::Staff);
    Household stored = got<Household>(*db, f.household.id);
    CHECK(stored.notes == "志愿者补充：家中有两名在读学生");
    CHECK(stored.annualIncomeFen == 2'400'000);
    CHECK(stored.priorityGroups == std::vector<std::string>{"dibao"});
    HouseholdMember father = got<HouseholdMember>(*db, f.father.id);
    CHECK(father.occupation == "零工");
    CHECK(father.annualIncomeFen == 1'800'000);
    CHECK(father.health == "慢性病");
    // (Contracts are not a volunteer's to write at all: see "a volunteer helps a family apply but may not check materials, sign or decide".)
    HomeVisit visit = got<HomeVisit>(*db, f.visit.id);
    CHECK(visit.peoplePresent == "母亲");
    CHECK(visit.observations == f.visit.observations);
    CHECK(visit.perCapitaIncomeFen == 600'000);
    CHECK(visit.answersJson == f.visit.answersJson);

    // The audit names only what the volunteer changed.
    auto trail = db->auditTrail(0, 1000);
    REQUIRE(trail.ok());
    bool sawNotes = false;
    for (const auto& e : *trail)
        if (e.user == kVolunteer.user && e.recordId == f.household.id) {
            sawNotes = true;
            CHECK(e.summary == "notes");
        }
    CHECK(sawNotes);
}

TEST_CASE("a volunteer may fill in an empty withheld field but not replace a stored one") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    // A member whose income nobody recorded yet.
    HouseholdMember mother;
    mother.id = newUuidV7();
    mother.county = "420527";
    mother.householdId = f.household.id;
    mother.name = "向氏";
    mother.relation = "母亲";
    REQUIRE(db->save(mother, kSeed).ok());

    db->setAccess(Access::Volunteer);
    HouseholdMember m = got<HouseholdMember>(*db, mother.id);
    m.annualIncomeFen = 500'000; // the family tells the volunteer
    REQUIRE(db->save(m, kVolunteer).ok());

    // Changing the father's income, which the volunteer never saw: refused, nothing written.
    HouseholdMember father = got<HouseholdMember>(*db, f.father.id);
    father.annualIncomeFen = 100'000;
    father.occupation = "外出务工";
    auto st = db->save(father, kVolunteer);
    REQUIRE_FALSE(st.ok());
    CHECK(denied(st.error()));
    const std::string msg = zh().format(st.error());
    CHECK(msg.find("志愿者") != std::string::npos);
    CHECK(msg.find("工作人员或管理员") != std::string::npos);

    // A new record takes what was entered (a grandmother the visit found living with them).
    HouseholdMember fresh;
    fresh.id = newUuidV7();
    fresh.county = "420527";
    fresh.householdId = f.household.id;
    fresh.name = "龚婆婆";
    fresh.relation = "祖母";
    fresh.annualIncomeFen = 90'000;
    REQUIRE(db->save(fresh, kVolunteer).ok());

    db->setAccess(Access::Staff);
    CHECK(got<HouseholdMember>(*db, fresh.id).annualIncomeFen == 90'000);
    CHECK(got<HouseholdMember>(*db, mother.id).annualIncomeFen == 500'000);
    HouseholdMember kept = got<HouseholdMember>(*db, f.father.id);
    CHECK(kept.annualIncomeFen == 1'800'000);
    CHECK(kept.occupation == "务农");
}

TEST_CASE("the kiosk and a signed-out client read and write nothing") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    for (Access a : {Access::Kiosk, Access::Locked}) {
        CAPTURE(toCode(a));
        db->setAccess(a);
        auto check = [](const Error& e) {
            CHECK_MESSAGE(denied(e), e.key);
        };
        check(db->get<Student>(f.student.id).error());
        check(db->get<Household>(f.household.id).error());
        check(db->list<HouseholdMember>("household_id", f.household.id).error());
        check(db->forEach<Student>([](const Student&) { return true; }).error());
        check(db->count(RecordType::Student).error());
        check(db->search("龚").error());
        check(db->search("11010519491231002X").error());
        check(db->studentsByIdNumber("11010519491231002X").error());
        check(db->coBorrowersByIdNumber("34052419800101001X").error());
        check(db->readAttachment(f.photo.sha256).error());
        check(db->auditTrail(0, 10).error());
        check(db->stats().error());
        check(db->openConflicts().error());
        check(db->pendingChanges(10).error());
        check(db->listQuarantine().error());
        Student s = f.student;
        s.name = "改名";
        check(db->save(s, kStaff).error());
        check(db->audit("export", RecordType::Student, Uuid{}, "420527", "x", kStaff).error());
        check(db->requireExport().error());
        std::vector<std::byte> bytes(8, std::byte{1});
        check(db->addAttachment(f.photo, bytes, kStaff).error());
    }
    // Signing in again (staff) opens it, and nothing was changed meanwhile.
    db->setAccess(Access::Staff);
    CHECK(got<Student>(*db, f.student.id).name == "龚𪚥");
}

TEST_CASE("a volunteer may not export: access.denied names the role needed") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    seed(*db);
    db->setAccess(Access::Volunteer);
    auto st = db->requireExport();
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "access.denied");
    const std::string zhMsg = zh().format(st.error());
    CHECK(zhMsg == "志愿者账号不能导出名单：需要工作人员或管理员账号。请工作人员或管理员登录后再操作。");
    const std::string enMsg = en().format(st.error());
    CHECK(enMsg.find("volunteer") != std::string::npos);
    CHECK(enMsg.find("staff or administrator") != std::string::npos);
    CHECK(enMsg.find('{') == std::string::npos);

    // The roster builder asks the store: no rows for a volunteer, all of them for staff.
    auto rows = reports::loadRosterRows(*db, zh());
    REQUIRE_FALSE(rows.ok());
    CHECK(rows.error().key == "access.denied");
    db->setAccess(Access::Staff);
    rows = reports::loadRosterRows(*db, zh());
    REQUIRE(rows.ok());
    CHECK_FALSE(rows->empty());
}

TEST_CASE("a volunteer may not resolve a conflict on a withheld field") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    RemoteApply r;
    r.change.changeId = newUuidV7();
    r.change.recordType = RecordType::Household;
    r.change.recordId = f.household.id;
    r.change.county = "420527";
    r.change.field = "annual_income_fen";
    r.change.valueJson = "2500000";
    r.change.hlc = Hlc{1};
    r.change.device = newDeviceId();
    r.mode = ApplyMode::ConflictOnly;
    REQUIRE(db->applyRemote(std::span<const RemoteApply>(&r, 1)).ok());

    db->setAccess(Access::Volunteer);
    auto open = db->openConflicts();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    CHECK(open->front().localValueJson == "null");
    CHECK(open->front().remoteValueJson == "null");
    auto st = db->resolveConflict(open->front().id, "0", kVolunteer);
    REQUIRE_FALSE(st.ok());
    CHECK(denied(st.error()));

    db->setAccess(Access::Staff);
    CHECK(got<Household>(*db, f.household.id).annualIncomeFen == 2'400'000);
    REQUIRE(db->openConflicts()->size() == 1);
    CHECK(db->openConflicts()->front().remoteValueJson == "2500000");
}

TEST_CASE("a volunteer helps a family apply but may not check materials, sign or decide") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Family f = seed(*db);
    db->setAccess(Access::Volunteer);

    // A new application, submitted with the family: the volunteer's to do.
    LoanApplication renewal = f.application;
    renewal.id = newUuidV7();
    renewal.kind = ApplicationKind::Renewal;
    renewal.status = LoanStatus::PreApplication;
    renewal.schoolYear = 2026;
    REQUIRE(db->save(renewal, kVolunteer).ok());
    REQUIRE(db->changeStatus(renewal.id, LoanStatus::Applied, "家长现场提交", kVolunteer).ok());

    // Checking the materials is staff's: refused with the role needed, the status unchanged.
    auto checked = db->changeStatus(renewal.id, LoanStatus::MaterialsChecked, "材料齐全", kVolunteer);
    REQUIRE_FALSE(checked.ok());
    CHECK(denied(checked.error()));
    CHECK(zh().format(checked.error()) ==
          "志愿者账号不能审核材料、评议或决定申请：需要工作人员或管理员账号。请工作人员或管理员登录后再操作。");
    CHECK(en().format(checked.error()).find("check materials") != std::string::npos);
    CHECK(got<LoanApplication>(*db, renewal.id).status == LoanStatus::Applied);
    // Nor by saving the record with another status.
    LoanApplication rejected = got<LoanApplication>(*db, renewal.id);
    rejected.status = LoanStatus::Rejected;
    CHECK(denied(db->save(rejected, kVolunteer).error()));

    // Contracts and three-party review entries are not a volunteer's to write.
    Contract k = f.contract;
    k.id = newUuidV7();
    k.applicationId = renewal.id;
    k.contractNumber = "HT-2026-0002";
    auto signedByVolunteer = db->save(k, kVolunteer);
    REQUIRE_FALSE(signedByVolunteer.ok());
    CHECK(zh().format(signedByVolunteer.error()).find("签订或修改借款合同") != std::string::npos);
    Contract changed = got<Contract>(*db, f.contract.id);
    changed.contractNumber = "HT-2025-9999";
    CHECK(denied(db->save(changed, kVolunteer).error()));
    DemocraticReview entry;
    entry.id = newUuidV7();
    entry.county = "420527";
    entry.assessmentId = f.submitted.id;
    entry.reviewer = "班主任";
    entry.recommendedLevel = HardshipLevel::Special;
    CHECK(denied(db->save(entry, kVolunteer).error()));

    // An assessment: the volunteer may submit their draft, not mark one reviewed.
    HardshipAssessment draft = got<HardshipAssessment>(*db, f.draft.id);
    draft.status = AssessmentStatus::Submitted;
    REQUIRE(db->save(draft, kVolunteer).ok());
    HardshipAssessment reviewed = got<HardshipAssessment>(*db, f.submitted.id);
    reviewed.status = AssessmentStatus::Reviewed;
    CHECK(denied(db->save(reviewed, kVolunteer).error()));

    // Nothing the volunteer was refused was written; staff may do all of it.
    db->setAccess(Access::Staff);
    CHECK(got<Contract>(*db, f.contract.id).contractNumber == "HT-2025-0001");
    CHECK_FALSE(db->get<Contract>(k.id)->has_value());
    CHECK_FALSE(db->get<DemocraticReview>(entry.id)->has_value());
    CHECK(got<HardshipAssessment>(*db, f.submitted.id).status == AssessmentStatus::Submitted);
    CHECK(got<HardshipAssessment>(*db, f.draft.id).status == AssessmentStatus::Submitted);
    REQUIRE(db->changeStatus(renewal.id, LoanStatus::MaterialsChecked, "材料齐全", kStaff).ok());
    REQUIRE(db->save(k, kStaff).ok());
    REQUIRE(db->save(entry, kStaff).ok());
    HardshipAssessment byStaff = got<HardshipAssessment>(*db, f.submitted.id);
    byStaff.status = AssessmentStatus::Reviewed;
    REQUIRE(db->save(byStaff, kStaff).ok());
}
