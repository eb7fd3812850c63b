// The store's sync surface: applying remote changes (with and without conflicts), parents that
// arrive after their children, conflict resolution, quarantine.
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
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

RemoteChange remote(RecordType t, const Uuid& record, std::string field, std::string value, Hlc hlc,
                    const DeviceId& device) {
    return RemoteChange{newUuidV7(),      t,   record, "420527", std::move(field),
                        std::move(value), hlc, device};
}

Student student(std::string name, std::string phone = {}) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = std::move(name);
    s.phone = std::move(phone);
    return s;
}
} // namespace

TEST_CASE("remote changes are stored without new outbox entries and move the clock") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    DeviceId other = newDeviceId();
    Uuid sid = newUuidV7();
    Hlc future = Hlc::make(static_cast<std::uint64_t>(systemNowMs()) + 3'600'000, 5);
    std::vector<RemoteApply> batch{
        {remote(RecordType::Student, sid, "county", "\"420527\"", future, other)},
        {remote(RecordType::Student, sid, "name", "\"王𬌗\"", future, other)},
        {remote(RecordType::Student, sid, "id_number", "\"34052419800101001X\"", future, other)},
    };
    REQUIRE(store->applyRemote(batch).ok());
    CHECK(*store->pendingCount() == 0);
    auto s = store->get<Student>(sid);
    REQUIRE(s->has_value());
    CHECK((*s)->name == "王𬌗");
    auto v = store->fieldVersion(sid, "name");
    REQUIRE(v->has_value());
    CHECK((*v)->hlc == future);
    CHECK((*v)->device == other);
    CHECK((*v)->changeId == batch[1].change.changeId);
    CHECK(store->studentsByIdNumber("34052419800101001X")->size() == 1);
    CHECK(store->search("王𬌗")->size() == 1);

    // A local edit afterwards is stamped after the remote one even though the wall clock is
    // an hour behind, and names the remote stamp as its base.
    Student edit = **s;
    edit.name = "王𬌗𬌗";
    REQUIRE(store->save(edit, kStaff).ok());
    auto pending = store->pendingChanges(10);
    REQUIRE(pending->size() == 1);
    CHECK(pending->front().hlc > future);
    CHECK(pending->front().base == future);
}

TEST_CASE("children may arrive before their parents") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    DeviceId other = newDeviceId();
    Uuid app = newUuidV7(), student = newUuidV7();
    Hlc h = Hlc::make(1'700'000'000'000, 0);
    std::vector<RemoteApply> batch{
        {remote(RecordType::LoanApplication, app, "student_id", "\"" + student.str() + "\"", h,
                other)},
        {remote(RecordType::LoanApplication, app, "amount_fen", "2000000", h, other)},
    };
    REQUIRE(store->applyRemote(batch).ok());
    auto a = store->get<LoanApplication>(app);
    REQUIRE(a->has_value());
    CHECK((*a)->amountFen == 2'000'000);
    CHECK((*a)->studentId == student);
    CHECK(store->get<Student>(student)->has_value()); // an empty row until its fields arrive
    std::vector<RemoteApply> later{
        {remote(RecordType::Student, student, "name", "\"张三\"", h, other)}};
    REQUIRE(store->applyRemote(later).ok());
    CHECK((*store->get<Student>(student))->name == "张三");
    CHECK(store->check()->empty()); // foreign keys hold
}

TEST_CASE("bad remote changes are refused and nothing of the batch is applied") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    DeviceId other = newDeviceId();
    Uuid sid = newUuidV7();
    Hlc h = Hlc::make(1'700'000'000'000, 0);
    for (auto [field, value] :
         std::vector<std::pair<std::string, std::string>>{{"name", "42"},        // wrong JSON type
                                                          {"nope", "\"x\""},     // unknown field
                                                          {"name", "{not json"}, // malformed
                                                          {"household_id", "\"not-a-uuid\""}}) {
        std::vector<RemoteApply> batch{
            {remote(RecordType::Student, sid, "township", "\"茅坪镇\"", h, other)},
            {remote(RecordType::Student, sid, field, value, h, other)}};
        auto st = store->applyRemote(batch);
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().key == "store.bad_change");
        CHECK_FALSE(store->get<Student>(sid)->has_value());
    }
    std::vector<RemoteApply> audit{
        {remote(RecordType::AuditEntry, sid, "county", "\"420527\"", h, other)}};
    CHECK(store->applyRemote(audit).error().key == "store.bad_change");
}

TEST_CASE("concurrent edits are kept as conflicts and resolved as a new change") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("张三", "13800000000");
    REQUIRE(test::saveConsented(*store, s, kStaff).ok());
    auto local = *store->fieldVersion(s.id, "phone");
    DeviceId other = newDeviceId();

    // The merge (sync/protocol) decided the remote value loses but must be kept.
    auto lose = remote(RecordType::Student, s.id, "phone", "\"13911112222\"",
                       Hlc::make(local->hlc.millis() - 1, 0), other);
    // And for the name: the remote value wins, the local one is kept.
    auto win = remote(RecordType::Student, s.id, "name", "\"张叁\"",
                      Hlc::make(local->hlc.millis() + 1, 0), other);
    std::vector<RemoteApply> batch{{lose, ApplyMode::ConflictOnly},
                                   {win, ApplyMode::WriteAndConflict}};
    REQUIRE(store->applyRemote(batch).ok());
    auto now = *store->get<Student>(s.id);
    CHECK(now->phone == "13800000000");
    CHECK(now->name == "张叁");
    auto conflicts = store->openConflicts();
    REQUIRE(conflicts->size() == 2);
    const Conflict& phone = (*conflicts)[0];
    CHECK(phone.field == "phone");
    CHECK(phone.localValueJson == "\"13800000000\"");
    CHECK(phone.remoteValueJson == "\"13911112222\"");
    CHECK(phone.localHlc == local->hlc);
    CHECK(phone.remoteDevice == other);
    CHECK(phone.remoteChangeId == lose.changeId);
    const Conflict& name = (*conflicts)[1];
    CHECK(name.localValueJson == "\"张三\"");
    CHECK(name.remoteValueJson == "\"张叁\"");

    // Keeping the value this device already holds still produces a change for the others.
    auto before = *store->pendingCount();
    REQUIRE(store->resolveConflict(phone.id, phone.localValueJson, kStaff).ok());
    CHECK(*store->pendingCount() == before + 1);
    auto last = store->pendingChanges(1000)->back();
    CHECK(last.field == "phone");
    CHECK(last.valueJson == "\"13800000000\"");
    REQUIRE(store->resolveConflict(name.id, "\"张三\"", kStaff).ok());
    CHECK((*store->get<Student>(s.id))->name == "张三");
    CHECK(store->openConflicts()->empty());
    CHECK(store->resolveConflict(name.id, "\"张三\"", kStaff).error().key == "store.not_found");
    CHECK(store->auditTrail(0, 100)->back().action == "resolve_conflict");
}

TEST_CASE("refused changes go to quarantine with the reason and can be requeued or dismissed") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "张三";
    REQUIRE(store->save(s, kStaff).ok());
    auto pending = *store->pendingChanges(10);
    REQUIRE(pending.size() == 2);
    std::vector<Uuid> ids{pending[0].changeId, pending[1].changeId};
    REQUIRE(store->quarantine(ids, Error("sync.out_of_scope", {}, "403 county 420527")).ok());
    CHECK(*store->pendingCount() == 0);
    auto q = *store->listQuarantine();
    REQUIRE(q.size() == 2);
    CHECK(q[0].reasonKey == "sync.out_of_scope");
    CHECK(q[0].reasonDetail == "403 county 420527");
    CHECK(q[0].change.changeId == pending[0].changeId);
    CHECK(q[1].change.valueJson == "\"张三\"");

    REQUIRE(store->requeueQuarantined(pending[1].changeId, kStaff).ok());
    auto back = *store->pendingChanges(10);
    REQUIRE(back.size() == 1);
    CHECK(back[0].changeId == pending[1].changeId); // same id: the server sees one change
    CHECK(back[0].hlc == pending[1].hlc);
    REQUIRE(store->dismissQuarantined(pending[0].changeId, kStaff).ok());
    CHECK(store->listQuarantine()->empty());
    CHECK(store->dismissQuarantined(pending[0].changeId, kStaff).error().key == "store.not_found");
    // Refused again later: back in quarantine.
    REQUIRE(store->quarantine(std::vector<Uuid>{back[0].changeId}, Error("sync.invalid")).ok());
    CHECK(store->listQuarantine()->size() == 1);
    auto stats = *store->stats();
    CHECK(stats.quarantined == 1);
    CHECK(stats.pendingChanges == 0);
}

TEST_CASE("records created in a batch: every logged field has the version its change carries") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("张三", "13800000000");
    s.township = "茅坪镇";
    const Student other = student("李四");
    {
        Batch b = store->batch(kStaff);
        REQUIRE(b.save(test::consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
        REQUIRE(b.save(s).ok());
        REQUIRE(b.save(other).ok());
        REQUIRE(b.commit().ok());
    }
    auto pending = *store->pendingChanges(1000);
    std::vector<OutboxChange> ofS;
    std::set<Uuid> ids;
    for (const OutboxChange& c : pending) {
        ids.insert(c.changeId);
        if (c.recordId == s.id)
            ofS.push_back(c);
    }
    CHECK(ids.size() == pending.size()); // one id per field change, none shared
    std::vector<std::string> fields;
    for (const OutboxChange& c : ofS) {
        fields.push_back(c.field);
        CHECK_FALSE(c.base.has_value());
        auto v = *store->fieldVersion(s.id, c.field);
        REQUIRE(v.has_value());
        CHECK(v->changeId == c.changeId);
        CHECK(v->hlc == c.hlc);
        CHECK(v->device == store->deviceId());
    }
    std::sort(fields.begin(), fields.end());
    CHECK(fields == std::vector<std::string>{"county", "name", "phone", "township"});
    auto all = *store->fieldVersions(s.id);
    REQUIRE(all.size() == 4);
    CHECK(all[2].field == "phone");
    CHECK(all[2].changeId == ofS[2].changeId);
    // A field the creation did not log has no version: a remote value for it is no conflict.
    CHECK_FALSE(store->fieldVersion(s.id, "village")->has_value());
    CHECK_FALSE(store->fieldVersion(s.id, "nope")->has_value());

    // Read again for a second push: the same changes, byte for byte.
    auto again = *store->pendingChanges(1000);
    REQUIRE(again.size() == pending.size());
    for (std::size_t i = 0; i < again.size(); ++i) {
        CHECK(again[i].changeId == pending[i].changeId);
        CHECK(again[i].valueJson == pending[i].valueJson);
    }
    std::vector<Uuid> acked(ids.begin(), ids.end());
    REQUIRE(store->markAcknowledged(acked).ok());
    CHECK(*store->pendingCount() == 0);
    CHECK((*store->fieldVersion(s.id, "name"))->changeId == all[1].changeId);

    // An edit of one field: its change names the creation's stamp as base and gets its own
    // version; the other fields keep the creation's.
    const Hlc created = all[0].hlc;
    s.phone = "13900000000";
    REQUIRE(store->save(s, kStaff).ok());
    auto edit = *store->pendingChanges(10);
    REQUIRE(edit.size() == 1);
    CHECK(edit[0].field == "phone");
    CHECK(edit[0].base == created);
    CHECK((*store->fieldVersion(s.id, "phone"))->changeId == edit[0].changeId);
    CHECK((*store->fieldVersion(s.id, "name"))->changeId == all[1].changeId);
    CHECK(store->fieldVersions(s.id)->size() == 4);

    // Concurrent remote edits: the conflict keeps the creation's stamp and device as the local
    // side; a written remote value takes over that field's version only.
    DeviceId device = newDeviceId();
    auto lose = remote(RecordType::Student, s.id, "name", "\"张叁\"",
                       Hlc::make(created.millis() - 1, 0), device);
    auto win = remote(RecordType::Student, s.id, "township", "\"归州镇\"",
                      Hlc::make(created.millis() + 1, 0), device);
    std::vector<RemoteApply> page{{lose, ApplyMode::ConflictOnly},
                                  {win, ApplyMode::WriteAndConflict}};
    REQUIRE(store->applyRemote(page).ok());
    auto conflicts = *store->openConflicts();
    REQUIRE(conflicts.size() == 2);
    CHECK(conflicts[0].field == "name");
    CHECK(conflicts[0].localHlc == created);
    CHECK(conflicts[0].localDevice == store->deviceId());
    CHECK(conflicts[0].localValueJson == "\"张三\"");
    CHECK(conflicts[1].localValueJson == "\"茅坪镇\"");
    CHECK((*store->get<Student>(s.id))->township == "归州镇");
    CHECK((*store->fieldVersion(s.id, "township"))->changeId == win.changeId);
    CHECK((*store->fieldVersion(s.id, "name"))->changeId == all[1].changeId);
    CHECK(store->check()->empty());
}

TEST_CASE("a record created here is one outbox row, pushed as the same field changes") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("覃𪚥", "13812345678");
    s.idNumber = "42052720050101002X";
    s.township = "茅坪镇";
    test::consentStudent(*store, s.county, s.id);
    std::vector<Uuid> consentIds;
    const auto consentPending = *store->pendingChanges(1000);
    for (const OutboxChange& c : consentPending)
        consentIds.push_back(c.changeId);
    REQUIRE(store->markAcknowledged(consentIds).ok());
    REQUIRE(store->save(s, kStaff).ok());

    auto rows = [&] {
        auto st = store->db().prepare("SELECT count(*) FROM outbox");
        REQUIRE(st.ok());
        REQUIRE(*st->step());
        return st->i64(0);
    };
    CHECK(rows() == 1);
    // The values are sealed together: no ID number or phone in clear in the row.
    {
        auto st = store->db().prepare("SELECT field, value FROM outbox");
        REQUIRE(st.ok());
        REQUIRE(*st->step());
        CHECK(st->text(0) == "*county,name,id_number,phone,township");
        CHECK(st->text(1).find("13812345678") == std::string::npos);
        CHECK(st->text(1).find("42052720050101002X") == std::string::npos);
        CHECK(st->text(1).find("茅坪镇") == std::string::npos);
    }

    // Pushed as one change per field, each with the id its field version names.
    auto pending = *store->pendingChanges(1000);
    REQUIRE(pending.size() == 5);
    CHECK(*store->pendingCount() == 5);
    CHECK(store->stats()->pendingChanges == 5);
    std::vector<std::string> fields;
    for (const OutboxChange& c : pending) {
        fields.push_back(c.field);
        CHECK(c.recordId == s.id);
        CHECK(c.recordType == RecordType::Student);
        CHECK(c.county == "420527");
        CHECK(c.device == store->deviceId());
        CHECK_FALSE(c.base.has_value());
        CHECK(c.hlc == pending[0].hlc);
        auto v = *store->fieldVersion(s.id, c.field);
        REQUIRE(v.has_value());
        CHECK(v->changeId == c.changeId);
    }
    CHECK(fields == std::vector<std::string>{"county", "name", "id_number", "phone", "township"});
    CHECK(pending[1].valueJson == "\"覃𪚥\"");
    CHECK(pending[2].valueJson == "\"42052720050101002X\"");
    CHECK(pending[3].valueJson == "\"13812345678\"");
    // A push batch may end inside a record.
    auto three = *store->pendingChanges(3);
    REQUIRE(three.size() == 3);
    CHECK(three[2].changeId == pending[2].changeId);
    auto tails = *store->pendingCreationTails();
    REQUIRE(tails.size() == 1);
    CHECK(tails[0] == pending[4].changeId);

    // Acknowledged fields leave; the others are read again byte for byte.
    REQUIRE(store->markAcknowledged(std::vector<Uuid>{pending[0].changeId, pending[2].changeId})
                .ok());
    CHECK(*store->pendingCount() == 3);
    CHECK(rows() == 1);
    auto rest = *store->pendingChanges(1000);
    REQUIRE(rest.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const OutboxChange& want = pending[std::vector<std::size_t>{1, 3, 4}[i]];
        CHECK(rest[i].changeId == want.changeId);
        CHECK(rest[i].field == want.field);
        CHECK(rest[i].valueJson == want.valueJson);
        CHECK(rest[i].hlc == want.hlc);
    }
    // Acknowledged twice: harmless.
    REQUIRE(store->markAcknowledged(std::vector<Uuid>{pending[0].changeId}).ok());
    CHECK(*store->pendingCount() == 3);

    // One field refused for good: quarantined on its own with its value, and requeued as such.
    REQUIRE(store->quarantine(std::vector<Uuid>{pending[3].changeId}, Error("sync.invalid")).ok());
    CHECK(*store->pendingCount() == 2);
    auto q = *store->listQuarantine();
    REQUIRE(q.size() == 1);
    CHECK(q[0].change.changeId == pending[3].changeId);
    CHECK(q[0].change.field == "phone");
    CHECK(q[0].change.valueJson == "\"13812345678\"");
    CHECK(q[0].change.hlc == pending[3].hlc);
    REQUIRE(store->requeueQuarantined(pending[3].changeId, kStaff).ok());
    CHECK(*store->pendingCount() == 3);

    std::vector<Uuid> all;
    const auto left = *store->pendingChanges(1000);
    for (const OutboxChange& c : left)
        all.push_back(c.changeId);
    std::sort(all.begin(), all.end());
    std::vector<Uuid> want{pending[1].changeId, pending[3].changeId, pending[4].changeId};
    std::sort(want.begin(), want.end());
    CHECK(all == want);
    REQUIRE(store->markAcknowledged(all).ok());
    CHECK(*store->pendingCount() == 0);
    CHECK(rows() == 0);
    CHECK(store->pendingCreationTails()->empty());
    CHECK(store->check()->empty());
}
