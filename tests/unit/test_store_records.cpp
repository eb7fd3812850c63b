// Record writes: typed tables, field-level outbox entries, field versions, audit, status life
// cycle, names outside the BMP, exact ID lookup, attachments.
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kStaff{"李老师"};

std::unique_ptr<Store> openStore(const std::filesystem::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

Student makeStudent(std::string name) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = std::move(name);
    s.idNumber = "11010519491231002x";
    s.gender = Gender::Female;
    s.phone = "13812345678";
    s.township = "茅坪镇";
    s.village = "月亮包村";
    s.highSchool = "秭归县第一中学";
    s.studyLevel = StudyLevel::Undergraduate;
    s.programYears = 4;
    return s;
}
} // namespace

TEST_CASE("a saved student reads back field for field, rare characters included") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    for (std::string name : {"王𬌗", "𠀀𪚥", "张三", "阿卜杜拉·艾买提"}) {
        Student s = makeStudent(name);
        s.notes = "备注 " + name + " \xf0\x9f\x98\x80";
        REQUIRE(test::saveConsented(*store, s, kStaff).ok());
        auto back = store->get<Student>(s.id);
        REQUIRE(back.ok());
        REQUIRE(back->has_value());
        const Student& b = **back;
        CHECK(b.name == name);
        CHECK(b.notes == s.notes);
        CHECK(b.idNumber == s.idNumber);
        CHECK(b.gender == Gender::Female);
        CHECK(b.phone == s.phone);
        CHECK(b.studyLevel == StudyLevel::Undergraduate);
        CHECK(b.programYears == 4);
        CHECK(b.householdId.isNil());
    }
    auto missing = store->get<Student>(newUuidV7());
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());
}

TEST_CASE("every save logs changed fields to the outbox with HLC, device and base") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = makeStudent("王𬌗");
    // The student's consent first (its own changes and audit entry 1), already pushed.
    test::consentStudent(*store, s.county, s.id);
    std::vector<Uuid> consentChanges;
    auto consentPending = store->pendingChanges(1000);
    REQUIRE(consentPending.ok());
    for (auto& c : *consentPending)
        consentChanges.push_back(c.changeId);
    REQUIRE(store->markAcknowledged(consentChanges).ok());
    REQUIRE(store->save(s, kStaff).ok());
    auto pending = store->pendingChanges(1000);
    REQUIRE(pending.ok());
    // Only non-default fields are logged on create; county always.
    std::set<std::string> fields;
    for (auto& c : *pending) {
        fields.insert(c.field);
        CHECK(c.recordId == s.id);
        CHECK(c.recordType == RecordType::Student);
        CHECK(c.county == "420527");
        CHECK(c.device == store->deviceId());
        CHECK(c.changeId.version() == 7);
        CHECK_FALSE(c.base.has_value());
    }
    CHECK(fields == std::set<std::string>{"county", "name", "id_number", "gender", "phone",
                                          "township", "village", "high_school", "study_level",
                                          "program_years"});
    auto nameChange =
        std::find_if(pending->begin(), pending->end(), [](auto& c) { return c.field == "name"; });
    CHECK(nameChange->valueJson == nlohmann::json("王𬌗").dump());
    Hlc first = nameChange->hlc;

    // Unchanged save: nothing new.
    REQUIRE(store->save(s, kStaff).ok());
    CHECK(*store->pendingCount() == static_cast<std::int64_t>(pending->size()));

    // One field changed: one entry whose base is the previous stamp.
    s.phone = "13900001111";
    REQUIRE(store->save(s, kStaff).ok());
    auto after = store->pendingChanges(1000);
    REQUIRE(after->size() == pending->size() + 1);
    const OutboxChange& last = after->back();
    CHECK(last.field == "phone");
    CHECK(last.valueJson == "\"13900001111\"");
    REQUIRE(last.base.has_value());
    CHECK(*last.base == first);
    CHECK(last.hlc > first);
    auto v = store->fieldVersion(s.id, "phone");
    REQUIRE(v.ok());
    REQUIRE(v->has_value());
    CHECK((*v)->hlc == last.hlc);
    CHECK((*v)->changeId == last.changeId);
    CHECK((*v)->device == store->deviceId());

    // Acknowledged changes leave the outbox; a repeated acknowledgement is harmless.
    std::vector<Uuid> ids;
    for (auto& c : *after)
        ids.push_back(c.changeId);
    REQUIRE(store->markAcknowledged(ids).ok());
    REQUIRE(store->markAcknowledged(ids).ok());
    CHECK(*store->pendingCount() == 0);

    auto audit = store->auditTrail(1, 100);
    REQUIRE(audit.ok());
    REQUIRE(audit->size() == 2);
    CHECK((*audit)[0].action == "create");
    CHECK((*audit)[0].user == "李老师");
    CHECK((*audit)[1].action == "update");
    CHECK((*audit)[1].summary == "phone"); // field names only, never the number itself
    CHECK((*audit)[1].deviceId == store->deviceId());
}

TEST_CASE("children need their parent; bad county and nil ids are refused") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    LoanApplication app;
    app.id = newUuidV7();
    app.county = "420527";
    app.studentId = newUuidV7(); // not saved
    auto st = store->save(app, kStaff);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "store.missing_parent");
    CHECK(*store->pendingCount() == 0); // nothing half-written
    CHECK(*store->count(RecordType::LoanApplication) == 0);

    Student s = makeStudent("张三");
    s.county = "42052";
    CHECK(store->save(s, kStaff).error().key == "store.bad_county");
    s.county = "420527";
    s.id = Uuid{};
    CHECK(store->save(s, kStaff).error().key == "store.bad_record");
}

TEST_CASE("a batch saves a family and an application atomically") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Household h{newUuidV7(),   "420527",  "茅坪镇",     "月亮包村",
                "月亮包村3组", 1'200'000, {"城乡低保"}, ""};
    HouseholdMember m;
    m.id = newUuidV7();
    m.county = "420527";
    m.householdId = h.id;
    m.name = "王大山";
    m.relation = "父亲";
    m.annualIncomeFen = 1'000'000;
    m.health = "慢性病";
    Student s = makeStudent("王𬌗");
    s.householdId = h.id;
    CoBorrower c{newUuidV7(),  "420527", s.id,          "王大山",     "34052419800101001X",
                 "1980-01-01", "父亲",   "13700001111", "月亮包村3组"};
    LoanApplication a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.id;
    a.coBorrowerId = c.id;
    a.kind = ApplicationKind::FirstLoan;
    a.status = LoanStatus::Applied;
    a.schoolYear = 2024;
    a.amountFen = 2'000'000;
    {
        auto b = store->batch(kStaff);
        REQUIRE(b.save(h).ok());
        REQUIRE(b.save(m).ok());
        REQUIRE(b.save(s).ok());
        REQUIRE(b.save(c).ok());
        REQUIRE(b.save(a).ok());
        REQUIRE(b.save(test::consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
        REQUIRE(b.save(test::consentOf(ConsentParty::CoBorrower, s.county, s.id, c.id)).ok());
        REQUIRE(b.commit().ok());
    }
    auto members = store->list<HouseholdMember>("household_id", h.id);
    REQUIRE(members->size() == 1);
    CHECK((*members)[0].health == "慢性病");
    CHECK((*members)[0].annualIncomeFen == 1'000'000);
    auto hh = store->get<Household>(h.id);
    CHECK((*hh)->priorityGroups == std::vector<std::string>{"城乡低保"});
    auto apps = store->list<LoanApplication>("student_id", s.id);
    REQUIRE(apps->size() == 1);
    CHECK((*apps)[0].amountFen == 2'000'000);
    CHECK((*apps)[0].kind == ApplicationKind::FirstLoan);
    CHECK(store->list<LoanApplication>("bogus", s.id).error().key == "store.bad_query");

    // A batch with a failing write commits nothing.
    Student other = makeStudent("李四");
    LoanApplication orphan = a;
    orphan.id = newUuidV7();
    orphan.studentId = newUuidV7();
    {
        auto b = store->batch(kStaff);
        REQUIRE(b.save(other).ok());
        CHECK_FALSE(b.save(orphan).ok());
        CHECK_FALSE(b.commit().ok());
    }
    CHECK_FALSE(store->get<Student>(other.id)->has_value());

    // Exact lookup by ID number, normalised.
    auto found = store->coBorrowersByIdNumber("340524 19800101 001x");
    REQUIRE(found->size() == 1);
    CHECK((*found)[0].id == c.id);
    auto students = store->studentsByIdNumber("11010519491231002X");
    REQUIRE(students->size() == 1);
    CHECK(students->front().name == "王𬌗");

    // The contract keeps the rate it was signed at (issue #20): 2024 rules, LPR 3.60% − 70 bp.
    Contract k;
    k.id = newUuidV7();
    k.county = "420527";
    k.applicationId = a.id;
    k.contractNumber = "4205272024000001";
    k.signingDate = "2024-11-05";
    k.amountFen = 2'000'000;
    k.termYears = 19;
    k.annualRateBp = 290;
    k.spreadBp = -70;
    k.policyId = "2024";
    REQUIRE(store->save(k, kStaff).ok());
    auto back = store->get<Contract>(k.id);
    REQUIRE(back.ok());
    REQUIRE(back->has_value());
    CHECK((*back)->annualRateBp == 290);
    CHECK((*back)->spreadBp == -70);
    CHECK((*back)->policyId == "2024");

    // Contract numbers are unique per county and signing year (issue #20.17): the same number
    // typed again, in full width or with spaces around it, is taken in 420527 for 2024 only.
    CHECK(*store->contractNumberTaken("420527", 2024, "4205272024000001"));
    CHECK(*store->contractNumberTaken("420527", 2024, " ４２０５２７２０２４０００００１ "));
    CHECK_FALSE(*store->contractNumberTaken("420527", 2025, "4205272024000001"));
    CHECK_FALSE(*store->contractNumberTaken("420528", 2024, "4205272024000001"));
    CHECK_FALSE(*store->contractNumberTaken("420527", 2024, "4205272024000002"));
    // Re-saving the same contract does not collide with itself.
    CHECK_FALSE(*store->contractNumberTaken("420527", 2024, "4205272024000001", k.id));
    Contract second = k;
    second.id = newUuidV7();
    second.contractNumber = "ht-2024-0001";
    REQUIRE(store->save(second, kStaff).ok());
    CHECK(*store->contractNumberTaken("420527", 2024, "HT-2024-0001"));
}

TEST_CASE("status changes follow the life cycle and record who, when and why") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = makeStudent("张三");
    REQUIRE(test::saveConsented(*store, s, kStaff).ok());
    LoanApplication a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.id;
    REQUIRE(store->save(a, kStaff).ok());
    REQUIRE(store->changeStatus(a.id, LoanStatus::Applied, "网上申请已提交", kStaff).ok());
    auto bad = store->changeStatus(a.id, LoanStatus::Disbursed, "", kStaff);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().key == "store.bad_transition");
    CHECK(bad.error().args.at("from") == "applied");
    REQUIRE(store->changeStatus(a.id, LoanStatus::MaterialsChecked, "材料齐全", kStaff).ok());
    CHECK((*store->get<LoanApplication>(a.id))->status == LoanStatus::MaterialsChecked);
    auto changes = store->list<StatusChange>("application_id", a.id);
    REQUIRE(changes->size() == 2);
    CHECK((*changes)[0].from == LoanStatus::PreApplication);
    CHECK((*changes)[0].to == LoanStatus::Applied);
    CHECK((*changes)[1].reason == "材料齐全");
    CHECK((*changes)[1].byUser == "李老师");
    CHECK((*changes)[1].atMs > 0);
    CHECK(store->changeStatus(newUuidV7(), LoanStatus::Applied, "", kStaff).error().key ==
          "store.not_found");
}

TEST_CASE("an overdue loan returns to the status it fell overdue from (issue #20.16)") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = makeStudent("张三");
    REQUIRE(test::saveConsented(*store, s, kStaff).ok());
    LoanApplication a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.id;
    a.status = LoanStatus::Grace;
    REQUIRE(store->save(a, kStaff).ok());
    // Interest unpaid in grace: overdue; it may not jump to repaying when paid.
    REQUIRE(store->changeStatus(a.id, LoanStatus::Overdue, "宽限期利息逾期", kStaff).ok());
    auto bad = store->changeStatus(a.id, LoanStatus::Repaying, "", kStaff);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().key == "store.bad_transition");
    REQUIRE(store->changeStatus(a.id, LoanStatus::Grace, "利息已还清", kStaff).ok());
    // Later, repaying, overdue again: this time it returns to repaying, not grace.
    REQUIRE(store->changeStatus(a.id, LoanStatus::Repaying, "宽限期结束", kStaff).ok());
    REQUIRE(store->changeStatus(a.id, LoanStatus::Overdue, "本金逾期", kStaff).ok());
    CHECK_FALSE(store->changeStatus(a.id, LoanStatus::Grace, "", kStaff).ok());
    REQUIRE(store->changeStatus(a.id, LoanStatus::Repaying, "逾期已还清", kStaff).ok());
    // A principal deferral (本金延期) takes it back to interest only.
    REQUIRE(store->changeStatus(a.id, LoanStatus::Grace, "本金延期", kStaff).ok());
    CHECK((*store->get<LoanApplication>(a.id))->status == LoanStatus::Grace);
}

TEST_CASE("attachments are stored by SHA-256 and verified when read") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = makeStudent("张三");
    REQUIRE(test::saveConsented(*store, s, kStaff).ok());
    std::string text = "abc";
    std::vector<std::byte> bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    Attachment meta;
    meta.county = "420527";
    meta.ownerType = RecordType::Student;
    meta.ownerId = s.id;
    meta.kind = AttachmentKind::Scan;
    meta.mime = "image/png";
    auto a = store->addAttachment(meta, bytes, kStaff);
    REQUIRE(a.ok());
    CHECK(a->sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(a->sizeBytes == 3);
    CHECK(std::filesystem::exists(store->attachmentPath(a->sha256)));
    auto back = store->readAttachment(a->sha256);
    REQUIRE(back.ok());
    CHECK(*back == bytes);
    auto rec = store->get<Attachment>(a->id);
    CHECK((*rec)->ownerId == s.id);
    // A damaged file is noticed.
    {
        std::ofstream out(store->attachmentPath(a->sha256), std::ios::binary | std::ios::trunc);
        out << "abd";
    }
    CHECK(store->readAttachment(a->sha256).error().key == "store.attachment_damaged");
    CHECK(store->readAttachment("../../etc/passwd").error().key == "store.attachment_missing");
}

TEST_CASE("a batch creates records it made without reading them first, never over an existing one") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student kept = makeStudent("谭艳馨");
    kept.idNumber.clear();
    kept.phone.clear();
    REQUIRE(store->save(kept, kStaff).ok());
    const auto pendingBefore = *store->pendingCount();
    Student fresh = makeStudent("向子涵");
    fresh.idNumber.clear();
    fresh.phone.clear();
    {
        // The same id again: refused, and the batch with it; nothing of it is written.
        Batch b = store->batch(kStaff);
        REQUIRE(b.create(fresh).ok());
        Student clash = kept;
        clash.name = "覃改名";
        CHECK_FALSE(b.create(clash).ok());
        CHECK_FALSE(b.commit().ok());
    }
    CHECK((*store->get<Student>(kept.id))->name == "谭艳馨");
    CHECK_FALSE(store->get<Student>(fresh.id)->has_value());
    CHECK(*store->pendingCount() == pendingBefore);
    {
        Batch b = store->batch(kStaff);
        REQUIRE(b.create(fresh).ok());
        REQUIRE(b.commit().ok());
    }
    CHECK((*store->get<Student>(fresh.id))->name == "向子涵");
    // Logged and audited like a save.
    CHECK(*store->pendingCount() > pendingBefore);
    CHECK((*store->fieldVersion(fresh.id, "name")).has_value());
    auto trail = *store->auditTrail(0, 100);
    REQUIRE_FALSE(trail.empty());
    CHECK(trail.back().recordId == fresh.id);
    CHECK(trail.back().action == "create");
    CHECK(store->search("向子涵")->size() == 1);
    CHECK(store->check()->empty());
}
