// The sync engine on the real device store (client/store::Store through DeviceSyncStore) against
// a real zhuxue-server: what one device saves arrives in another device's records; concurrent
// edits of one field become store conflicts on both devices and resolve everywhere; a refused
// change lands in the store's quarantine with the server's reason; a pulled page and its cursor
// commit together.
#include "client/store/record_schema.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/role_enroll.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

const store::Actor kStaff{"staff"};

SyncReport syncNow(DeviceSyncStore& d) {
    auto cred = d.credentials();
    REQUIRE(cred.ok());
    SyncClient client(cred->url, cred->token);
    auto r = syncOnce(d, client, SyncOptions{});
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    return *r;
}

Student makeStudent(const std::string& name, const std::string& county = "420527") {
    Student s;
    s.id = newUuidV7();
    s.county = county;
    s.name = name;
    s.idNumber = "11010519491231002X";
    s.phone = "13812345678";
    s.township = "茅坪镇";
    return s;
}

std::string name(DeviceSyncStore& d, const Uuid& id) {
    auto s = d.store().get<Student>(id);
    REQUIRE(s.ok());
    REQUIRE(s->has_value());
    return (*s)->name;
}

// A and B both edit the name of `s` (which both hold) without seeing each other, then sync
// A, B, A: both end with the conflict.
void editNamesConcurrently(DeviceSyncStore& a, DeviceSyncStore& b, Student& s,
                           const std::string& onA, const std::string& onB) {
    s.name = onA;
    REQUIRE(test::saveConsented(a.store(), s, kStaff).ok());
    Student sb = **b.store().get<Student>(s.id);
    sb.name = onB;
    REQUIRE(test::saveConsented(b.store(), sb, kStaff).ok());
    syncNow(a);
    syncNow(b);
    syncNow(a);
}

} // namespace

TEST_CASE("two device stores and a server converge, conflicts are kept and resolved") {
    TempDir tmp("zhuxue-sync-device");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    auto ca = a->credentials();
    REQUIRE(ca.ok());
    CHECK(ca->counties == std::vector<std::string>{"420527"});
    CHECK(ca->device == a->store().deviceId().str());

    Student s = makeStudent("王𬌗");
    REQUIRE(test::saveConsented(a->store(), s, kStaff).ok());
    auto ra = syncNow(*a);
    CHECK(ra.pushed > 0);
    CHECK(a->counts()->pending == 0);
    syncNow(*b);
    CHECK(name(*b, s.id) == "王𬌗");
    auto got = b->store().get<Student>(s.id);
    CHECK((*got)->idNumber == "11010519491231002X");
    CHECK((*got)->phone == "13812345678");
    // B's own search index knows the pulled student.
    auto hits = b->store().search("王𬌗");
    REQUIRE(hits.ok());
    CHECK(hits->size() == 1);

    // Both edit the name without seeing each other.
    editNamesConcurrently(*a, *b, s, "王小明", "王晓明");
    CHECK(name(*a, s.id) == name(*b, s.id));
    CHECK(a->counts()->conflicts == 1);
    CHECK(b->counts()->conflicts == 1);
    auto conflicts = b->store().openConflicts();
    REQUIRE(conflicts.ok());
    REQUIRE(conflicts->size() == 1);
    const auto& c = conflicts->front();
    std::set<std::string> both{c.localValueJson, c.remoteValueJson};
    CHECK(both == std::set<std::string>{"\"王小明\"", "\"王晓明\""});

    // A person on B picks one value; A adopts it and its conflict closes too.
    REQUIRE(b->store().resolveConflict(c.id, "\"王晓明\"", kStaff).ok());
    syncNow(*b);
    syncNow(*a);
    CHECK(name(*a, s.id) == "王晓明");
    CHECK(name(*b, s.id) == "王晓明");
    CHECK(a->counts()->conflicts == 0);
    CHECK(b->counts()->conflicts == 0);
    CHECK(a->counts()->pending == 0);
    CHECK(b->counts()->pending == 0);

    // A later edit on A after the resolution is an ordinary edit everywhere.
    s = **a->store().get<Student>(s.id);
    s.notes = "已家访";
    REQUIRE(test::saveConsented(a->store(), s, kStaff).ok());
    syncNow(*a);
    syncNow(*b);
    CHECK((*b->store().get<Student>(s.id))->notes == "已家访");
    CHECK(b->counts()->conflicts == 0);

    // The field states of both replicas are identical.
    auto fa = a->fieldStates(), fb = b->fieldStates();
    REQUIRE(fa.ok());
    REQUIRE(fb.ok());
    CHECK(*fa == *fb);
}

TEST_CASE("records created in one batch push field by field and merge like any other") {
    TempDir tmp("zhuxue-sync-batch");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    Student s = makeStudent("张三"), t = makeStudent("李四");
    {
        auto batch = a->store().batch(kStaff);
        for (const Student* x : {&s, &t}) {
            REQUIRE(
                batch.save(test::consentOf(ConsentParty::Student, x->county, x->id, x->id)).ok());
            REQUIRE(batch.save(*x).ok());
        }
        REQUIRE(batch.commit().ok());
    }
    CHECK(syncNow(*a).pushed > 0);
    CHECK(a->counts()->pending == 0); // the server acknowledged every field's change
    syncNow(*b);
    CHECK(name(*b, t.id) == "李四");
    Student tb = **b->store().get<Student>(t.id);
    CHECK(tb.phone == "13812345678");
    // B holds each field with the version A's creation gave it.
    for (const char* f : {"name", "phone", "township"})
        CHECK((*b->store().fieldVersion(s.id, f))->changeId ==
              (*a->store().fieldVersion(s.id, f))->changeId);

    // B edits one field of t: no conflict, A takes it. Both edit s's name: a conflict on both.
    tb.township = "归州镇";
    REQUIRE(test::saveConsented(b->store(), tb, kStaff).ok());
    editNamesConcurrently(*a, *b, s, "张叁", "张三丰");
    CHECK((*a->store().get<Student>(t.id))->township == "归州镇");
    CHECK(name(*a, s.id) == name(*b, s.id));
    CHECK(a->counts()->conflicts == 1);
    CHECK(b->counts()->conflicts == 1);
    auto conflicts = a->store().openConflicts();
    REQUIRE(conflicts->size() == 1);
    CHECK(conflicts->front().field == "name");
    CHECK(a->counts()->pending == 0);
    CHECK(b->counts()->pending == 0);
}

TEST_CASE("a change outside the device's counties goes to the store's quarantine with the reason") {
    TempDir tmp("zhuxue-sync-device-scope");
    ServerProcess server(tmp / "server");
    auto a = openDevice(tmp / "a");
    REQUIRE(enrollDevice(*a, server.url(), server.enrollCode("420527"), "A").ok());
    REQUIRE(test::saveConsented(a->store(), makeStudent("越界", "420528"), kStaff).ok());
    REQUIRE(test::saveConsented(a->store(), makeStudent("本县"), kStaff).ok());
    auto r = syncNow(*a);
    CHECK(r.quarantined > 0);
    CHECK(a->counts()->pending == 0);
    auto q = a->store().listQuarantine();
    REQUIRE(q.ok());
    REQUIRE(!q->empty());
    for (const auto& x : *q) {
        CHECK(x.reasonKey == "sync.error.out_of_scope");
        CHECK(x.change.county == "420528");
    }
    // A second round does not push them again.
    auto again = syncNow(*a);
    CHECK(again.pushed == 0);
    CHECK(again.quarantined == 0);
}

TEST_CASE("re-enrolling keeps unsynced changes; the pull cursor lives in the store") {
    TempDir tmp("zhuxue-sync-device-reenroll");
    ServerProcess server(tmp / "server");
    {
        auto a = openDevice(tmp / "a");
        REQUIRE(enrollDevice(*a, server.url(), server.enrollCode("420527"), "A").ok());
        REQUIRE(test::saveConsented(a->store(), makeStudent("甲"), kStaff).ok());
        syncNow(*a);
        CHECK(!a->cursor()->empty());
        REQUIRE(test::saveConsented(a->store(), makeStudent("乙"), kStaff).ok());
        // Re-enrolling needs a code made for this device (a plain code is refused: no takeover).
        CHECK(enrollDevice(*a, server.url(), server.enrollCode("420527"), "A").error().key ==
              "sync.error.device_exists");
        REQUIRE(enrollDevice(*a, server.url(),
                             roleEnrollCode(tmp / "server", "", "420527", "staff", *a->deviceId()).code, "A")
                    .ok());
        CHECK(a->counts()->pending > 0);
    }
    auto a = openDevice(tmp / "a"); // reopened: credentials and cursor came back from the file
    CHECK(a->credentials()->enrolled());
    syncNow(*a);
    CHECK(a->counts()->pending == 0);
    auto b = openDevice(tmp / "b");
    REQUIRE(enrollDevice(*b, server.url(), server.enrollCode("420527"), "B").ok());
    syncNow(*b);
    CHECK(*b->store().count(RecordType::Student) == 2);
}

TEST_CASE("merge states written by an earlier version (JSON) are still read and keep a conflict") {
    TempDir tmp("zhuxue-sync-device");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    Student s = makeStudent("李明");
    REQUIRE(test::saveConsented(a->store(), s, kStaff).ok());
    syncNow(*a);
    syncNow(*b);
    editNamesConcurrently(*a, *b, s, "李小明", "李晓明");
    REQUIRE(a->counts()->conflicts == 1);
    auto before = a->fieldStates();
    REQUIRE(before.ok());

    // Rewrite A's merge states in the JSON form versions before this one stored.
    REQUIRE(before->size() > 2);
    for (const auto& [key, st] : *before) {
        auto recordId = Uuid::parse(key.recordId);
        REQUIRE(recordId);
        const std::string& field = key.field;
        auto heads = nlohmann::json::array();
        for (const auto& h : st.heads)
            heads.push_back({h.id, h.recordType, h.recordId, h.county, h.hlc, h.device,
                             joinBase(h.base)});
        auto up = a->store().db().prepare(
            "UPDATE sync_field SET state = ? WHERE record_id = ? AND field = ?");
        REQUIRE(up.ok());
        up->bind(1, nlohmann::json{{"h", heads}, {"r", st.replaced}}.dump())
            .bind(2, *recordId)
            .bind(3, field);
        REQUIRE(up->run().ok());
    }
    auto json = a->store().db().queryInt("SELECT count(*) FROM sync_field WHERE state LIKE '{%'");
    REQUIRE(json.ok());
    CHECK(json->value_or(0) == static_cast<int64_t>(before->size()));
    auto read = a->fieldStates();
    REQUIRE(read.ok());
    CHECK(*read == *before);

    // B resolves the conflict; A, reading the old form, adopts it and closes its conflict.
    auto conflicts = b->store().openConflicts();
    REQUIRE(conflicts.ok());
    REQUIRE(conflicts->size() == 1);
    REQUIRE(b->store().resolveConflict(conflicts->front().id, "\"李晓明\"", kStaff).ok());
    syncNow(*b);
    syncNow(*a);
    CHECK(name(*a, s.id) == "李晓明");
    CHECK(a->counts()->conflicts == 0);
    auto fa = a->fieldStates(), fb = b->fieldStates();
    REQUIRE(fa.ok());
    REQUIRE(fb.ok());
    CHECK(*fa == *fb);
}

TEST_CASE("a three-way conflict is one decision: resolved on one device, closed on all three") {
    TempDir tmp("zhuxue-sync-three");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    auto c = openDevice(tmp.path() / "c");
    REQUIRE(enrollDevice(*c, server.url(), server.enrollCode("420527"), "C").ok());

    Student s = makeStudent("向秭归");
    REQUIRE(test::saveConsented(a->store(), s, kStaff).ok());
    syncNow(*a);
    syncNow(*b);
    syncNow(*c);
    // The office and two laptops each spell the address differently, offline.
    int n = 0;
    for (DeviceSyncStore* d : {a.get(), b.get(), c.get()}) {
        Student mine = **d->store().get<Student>(s.id);
        mine.township = "茅坪镇" + std::to_string(++n) + "组";
        REQUIRE(test::saveConsented(d->store(), mine, kStaff).ok());
    }
    for (int round = 0; round < 2; ++round)
        for (DeviceSyncStore* d : {a.get(), b.get(), c.get()})
            syncNow(*d);
    for (DeviceSyncStore* d : {a.get(), b.get(), c.get()})
        CHECK(d->counts()->conflicts >= 1);
    auto open = a->store().openConflicts();
    REQUIRE(open.ok());
    REQUIRE_FALSE(open->empty());

    // One decision on the office closes every value of the field there ...
    REQUIRE(a->store().resolveConflict(open->front().id, "\"茅坪镇秭归村\"", kStaff).ok());
    CHECK(a->counts()->conflicts == 0);
    // ... and, once synced, on both laptops: its base names every value it decided between.
    for (DeviceSyncStore* d : {a.get(), b.get(), c.get()})
        syncNow(*d);
    for (DeviceSyncStore* d : {a.get(), b.get(), c.get()}) {
        CHECK(d->counts()->conflicts == 0);
        CHECK((*d->store().get<Student>(s.id))->township == "茅坪镇秭归村");
    }
    auto fa = a->fieldStates(), fb = b->fieldStates(), fc = c->fieldStates();
    REQUIRE(fa.ok());
    REQUIRE(fb.ok());
    REQUIRE(fc.ok());
    CHECK(*fa == *fb);
    CHECK(*fb == *fc);
}

TEST_CASE("the last successful sync is kept on disk: a device opened again still knows it") {
    TempDir tmp("zhuxue-sync-last");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    CHECK(a->counts()->lastSuccess == 0); // never
    const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    syncNow(*a);
    const auto after = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    a.reset(); // the client closes
    auto again = openDevice(tmp.path() / "a");
    const int64_t last = again->counts()->lastSuccess;
    CHECK(last >= before);
    CHECK(last <= after);
    CHECK(b->counts()->lastSuccess == 0); // per device
}
