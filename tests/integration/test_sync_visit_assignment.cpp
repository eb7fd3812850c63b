// A home-visit assignment made on one device reaches the assignee's device through a real
// zhuxue-server, shows there as that person's open work, and the visit saved there completes it
// on the assigning device too.
#include "client/store/visit_assignments.hpp"
#include "tests/support/device_fixture.hpp"

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;

namespace {
void syncNow(DeviceSyncStore& d) {
    auto cred = d.credentials();
    REQUIRE(cred.ok());
    SyncClient client(cred->url, cred->token);
    auto r = syncOnce(d, client, SyncOptions{});
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
}
} // namespace

TEST_CASE("an assignment made on the office's device reaches the assignee's laptop and comes back done") {
    TempDir tmp("zhuxue-sync-assignment");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, office, laptop] = env;

    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "向秭归";
    s.township = "茅坪镇";
    REQUIRE(office->store().save(s, {"li"}).ok());
    VisitAssignment a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.id;
    a.assignee = "wang";
    a.assigneeName = "王老师";
    a.dueDate = "2026-12-18";
    a.assignedBy = "li";
    a.assignedMs = systemNowMs();
    REQUIRE(office->store().save(a, {"li"}).ok());
    syncNow(*office);
    syncNow(*laptop);

    auto mine = store::openVisitAssignments(laptop->store(), "wang");
    REQUIRE(mine.ok());
    REQUIRE(mine->size() == 1);
    CHECK(mine->front().id == a.id);
    CHECK(mine->front().studentId == s.id);
    CHECK(mine->front().dueDate == "2026-12-18");
    CHECK(mine->front().assigneeName == "王老师");
    CHECK(mine->front().assignedBy == "li");
    CHECK(store::openVisitAssignments(laptop->store(), "li")->empty());

    // On the laptop, the visit is saved with the completion; the office sees it done.
    HomeVisit v;
    v.id = newUuidV7();
    v.county = "420527";
    v.studentId = s.id;
    v.visitDate = "2026-12-10";
    v.visitors = {"王老师"};
    store::Batch batch = laptop->store().batch({"wang"});
    REQUIRE(batch.save(v).ok());
    REQUIRE(store::completeVisitAssignments(laptop->store(), batch, s.id, v.id, {"wang"}, systemNowMs()).ok());
    REQUIRE(batch.commit().ok());
    syncNow(*laptop);
    syncNow(*office);
    auto back = office->store().get<VisitAssignment>(a.id);
    REQUIRE(back.ok());
    REQUIRE(back->has_value());
    CHECK((*back)->visitId == v.id);
    CHECK((*back)->completedBy == "wang");
    CHECK(store::openVisitAssignmentsOf(office->store(), s.id)->empty());
    CHECK(office->store().get<HomeVisit>(v.id)->has_value());
    CHECK(office->counts()->pending == 0);
    CHECK(office->counts()->conflicts == 0);
}
