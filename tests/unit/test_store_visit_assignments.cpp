// Home-visit assignments (家访任务) in the device store: staff give a family's visit to an account
// with a due date; that person's open assignments come overdue first; the visit saved for the
// family completes them in its own transaction; volunteers may complete but not give or change
// one; each assignment travels as ordinary changes of the record type "visit_assignment".
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/schema.hpp"
#include "client/store/visit_assignments.hpp"
#include "sync/protocol/change.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kStaff{"li"};
const std::string kCounty = "420527";

std::unique_ptr<Store> openStore(const std::filesystem::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

Student student(Store& db, const std::string& name) {
    Student s;
    s.id = newUuidV7();
    s.county = kCounty;
    s.name = name;
    s.township = "茅坪镇";
    REQUIRE(db.save(s, kStaff).ok());
    return s;
}

VisitAssignment assignment(const Student& s, const std::string& to, const std::string& due) {
    VisitAssignment a;
    a.id = newUuidV7();
    a.county = kCounty;
    a.studentId = s.id;
    a.assignee = to;
    a.assigneeName = to + " 老师";
    a.dueDate = due;
    a.assignedBy = kStaff.user;
    a.assignedMs = systemNowMs();
    return a;
}

HomeVisit visitOf(const Student& s) {
    HomeVisit v;
    v.id = newUuidV7();
    v.county = kCounty;
    v.studentId = s.id;
    v.visitDate = "2026-12-01";
    v.visitors = {"王老师"};
    return v;
}
} // namespace

TEST_CASE("a person's open home-visit assignments, overdue first; the visit completes them") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Student a = student(*db, "向秭归"), b = student(*db, "覃䶮"), c = student(*db, "屈亮");
    REQUIRE(db->save(assignment(a, "wang", "2026-12-20"), kStaff).ok());
    REQUIRE(db->save(assignment(b, "wang", "2026-11-30"), kStaff).ok()); // overdue by now
    REQUIRE(db->save(assignment(c, "zhou", "2026-12-01"), kStaff).ok()); // someone else's

    auto mine = openVisitAssignments(*db, "wang");
    REQUIRE(mine.ok());
    REQUIRE(mine->size() == 2);
    CHECK((*mine)[0].studentId == b.id);
    CHECK((*mine)[0].dueDate == "2026-11-30");
    CHECK((*mine)[1].studentId == a.id);
    CHECK((*mine)[1].assigneeName == "wang 老师");

    // The visit of b is saved with its completion in one batch.
    HomeVisit v = visitOf(b);
    Batch batch = db->batch({"wang"});
    REQUIRE(batch.save(v).ok());
    REQUIRE(completeVisitAssignments(*db, batch, b.id, v.id, {"wang"}, 1'800'000'000'000).ok());
    REQUIRE(batch.commit().ok());
    mine = openVisitAssignments(*db, "wang");
    REQUIRE(mine->size() == 1);
    CHECK(mine->front().studentId == a.id);
    auto done = db->list<VisitAssignment>("student_id", b.id);
    REQUIRE(done.ok());
    REQUIRE(done->size() == 1);
    CHECK(done->front().visitId == v.id);
    CHECK(done->front().completedBy == "wang");
    CHECK(done->front().completedMs == 1'800'000'000'000);
    CHECK(openVisitAssignmentsOf(*db, b.id)->empty());
    CHECK(openVisitAssignmentsOf(*db, c.id)->size() == 1);

    // A batch that fails writes neither the visit nor the completion.
    HomeVisit bad = visitOf(a);
    bad.county = "42";
    {
        Batch failing = db->batch({"wang"});
        REQUIRE(completeVisitAssignments(*db, failing, a.id, bad.id, {"wang"}, 1).ok());
        CHECK_FALSE(failing.save(bad).ok());
        CHECK_FALSE(failing.commit().ok());
    }
    CHECK(openVisitAssignments(*db, "wang")->size() == 1);
    CHECK_FALSE(db->get<HomeVisit>(bad.id)->has_value());
}

TEST_CASE("volunteers complete the visits given to them but neither give nor change assignments") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    Student s = student(*db, "谭雨欣");
    db->setAccess(Access::Volunteer);
    VisitAssignment own = assignment(s, "xiao", "2026-12-24");
    Status st = db->save(own, {"xiao"});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "access.denied");
    auto cat = loadCatalog(assetsDir(), "zh-CN");
    REQUIRE(cat.ok());
    CHECK(cat->format(st.error()).find("分派家访任务") != std::string::npos);
    CHECK(openVisitAssignmentsOf(*db, s.id)->empty());

    db->setAccess(Access::Staff);
    REQUIRE(db->save(own, kStaff).ok());
    db->setAccess(Access::Volunteer);
    VisitAssignment later = own;
    later.dueDate = "2027-01-31";
    st = db->save(later, {"xiao"});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "access.denied");
    VisitAssignment other = own;
    other.assignee = "zhou";
    CHECK_FALSE(db->save(other, {"xiao"}).ok());
    CHECK((*db->get<VisitAssignment>(own.id))->dueDate == "2026-12-24");

    HomeVisit v = visitOf(s);
    Batch batch = db->batch({"xiao"});
    REQUIRE(batch.save(v).ok());
    REQUIRE(completeVisitAssignments(*db, batch, s.id, v.id, {"xiao"}, 5).ok());
    REQUIRE(batch.commit().ok());
    CHECK(openVisitAssignments(*db, "xiao")->empty());
}

TEST_CASE("an assignment is a synced record: its own table (migration 8) and changes named visit_assignment") {
    test::TempDir dir;
    auto db = openStore(dir.path());
    CHECK(latestSchemaVersion() >= 8);
    CHECK(*db->db().queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'visit_assignment'") == 1);
    CHECK(sync::isRecordType("visit_assignment"));
    Student s = student(*db, "周娜");
    VisitAssignment a = assignment(s, "wang", "2026-12-31");
    REQUIRE(db->save(a, kStaff).ok());
    auto out = db->pendingChanges(100);
    REQUIRE(out.ok());
    std::set<std::string> fields;
    for (const auto& ch : *out)
        if (ch.recordType == RecordType::VisitAssignment && ch.recordId == a.id)
            fields.insert(ch.field);
    CHECK(fields.count("assignee"));
    CHECK(fields.count("due_date"));
    CHECK(fields.count("student_id"));
}
