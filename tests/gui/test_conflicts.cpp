// Conflicts and quarantine through the real screen: both values of a field changed on two devices
// side by side, one kept or a merged value typed; a change the server refused shown with the
// server's reason, sent again or given up. Home shows the counts and leads here.
#include "staff_fixture.hpp"

#include "tests/support/xvfb.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
Student addStudent(StaffFixture& f, const char* name) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = name;
    s.address = "茅坪镇秭归村三组";
    zhuxue::test::consentStudent(f.store(), s.county, s.id);
    REQUIRE(f.store().save(s, store::Actor{"seed"}).ok());
    return s;
}

// The other device's value of a field, kept as a conflict (the local value stays).
void remoteConflict(StaffFixture& f, const Student& s, const char* field, const std::string& valueJson) {
    store::RemoteApply r;
    r.change.changeId = newUuidV7();
    r.change.recordType = RecordType::Student;
    r.change.recordId = s.id;
    r.change.county = s.county;
    r.change.field = field;
    r.change.valueJson = valueJson;
    r.change.hlc = Hlc::make(1'795'000'000'000ULL, 0);
    r.change.device = newDeviceId();
    r.mode = store::ApplyMode::ConflictOnly;
    std::vector<store::RemoteApply> batch{r};
    REQUIRE(f.store().applyRemote(batch).ok());
}
} // namespace

TEST_CASE("conflicts: keep the other value, or a merged one") {
    StaffFixture f;
    Student a = addStudent(f, "向秭归");
    remoteConflict(f, a, "name", "\"向子归\"");
    remoteConflict(f, a, "address", "\"茅坪镇秭归村四组\"");
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE(d.frameUntil([&] { return d.sawText("待评议的档案：0 份"); }));
    REQUIRE(d.click("##home.conflicts"));
    d.frame(2);
    CHECK(d.sawText("两台设备改了同一项（2）"));
    CHECK(d.sawText("向子归"));
    CHECK(d.sawText("茅坪镇秭归村四组"));
    CHECK(d.sawText("本机 · "));        // who and when, each side
    CHECK(d.sawText("设备 "));

    REQUIRE(d.click("##conflict.0.remote")); // the other device had the name right
    d.frame(2);
    CHECK((*f.store().get<Student>(a.id))->name == "向子归");
    CHECK(d.sawText("两台设备改了同一项（1）"));

    REQUIRE(d.typeInto("##conflict.0.merged", "茅坪镇秭归村四组12号"));
    REQUIRE(d.click("##conflict.0.merge"));
    d.frame(2);
    CHECK((*f.store().get<Student>(a.id))->address == "茅坪镇秭归村四组12号");
    CHECK(f.store().openConflicts()->empty());
    // The chosen values go out with the next sync.
    auto pending = f.store().pendingChanges(1000);
    REQUIRE(pending.ok());
    int fields = 0;
    for (const auto& c : *pending)
        fields += c.recordId == a.id && (c.field == "name" || c.field == "address") &&
                  (c.valueJson == "\"向子归\"" || c.valueJson == "\"茅坪镇秭归村四组12号\"");
    CHECK(fields == 2);
}

TEST_CASE("quarantine: the server's reason, send again or give up") {
    StaffFixture f;
    Student a = addStudent(f, "龚𪚥");
    auto pending = f.store().pendingChanges(1000);
    REQUIRE(pending.ok());
    std::vector<Uuid> refused; // the first two changes of the student (its consent came first)
    for (const auto& c : *pending)
        if (c.recordId == a.id && refused.size() < 2)
            refused.push_back(c.changeId);
    REQUIRE(refused.size() == 2);
    REQUIRE(f.store().quarantine(refused, Error("sync.error.out_of_scope")).ok());
    f.addAccount("li", store::Role::Admin);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE(d.click("##home.conflicts"));
    d.frame(2);
    CHECK(d.sawText("服务器拒收的修改（2）"));
    CHECK(d.sawText("龚𪚥"));
    CHECK(d.sawText("服务器："));

    auto before = *f.store().pendingCount();
    REQUIRE(d.click("##quarantine.0.resend"));
    d.frame(2);
    CHECK(*f.store().pendingCount() == before + 1);
    CHECK(f.store().listQuarantine()->size() == 1);
    REQUIRE(d.click("##quarantine.0.dismiss"));
    d.frame(2);
    CHECK(f.store().listQuarantine()->empty());
    CHECK(*f.store().pendingCount() == before + 1);
    CHECK(d.sawText("服务器拒收的修改（0）"));
    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}

TEST_CASE("conflicts: money reads as yuan, a merged amount is typed in yuan, and the family is named") {
    StaffFixture f;
    store::Actor who{"seed"};
    auto [h, s] = f.seedFamily("谭艳馨");
    h.annualIncomeFen = 4'200'000; // sensitive: once the student's consent covers the household
    REQUIRE(f.store().save(h, who).ok());
    store::RemoteApply r;
    r.change.changeId = newUuidV7();
    r.change.recordType = RecordType::Household;
    r.change.recordId = h.id;
    r.change.county = h.county;
    r.change.field = "annual_income_fen";
    r.change.valueJson = "3800000";
    r.change.hlc = Hlc::make(1'795'000'000'000ULL, 0);
    r.change.device = newDeviceId();
    r.mode = store::ApplyMode::ConflictOnly;
    std::vector<store::RemoteApply> batch{r};
    REQUIRE(f.store().applyRemote(batch).ok());

    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE(d.click("##home.conflicts"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("谭艳馨家 · 家庭"), f.shown()); // whose household
    CHECK(d.sawText("¥42,000.00"));
    CHECK(d.sawText("¥38,000.00"));
    CHECK_FALSE(d.sawText("4200000"));

    REQUIRE(d.typeInto("##conflict.0.merged", "四万"));
    REQUIRE(d.click("##conflict.0.merge"));
    d.frame(2);
    CHECK(d.sawText("金额 四万 读不出来"));
    CHECK(f.store().openConflicts()->size() == 1);
    REQUIRE(d.typeInto("##conflict.0.merged", "40000"));
    REQUIRE(d.click("##conflict.0.merge"));
    d.frame(2);
    CHECK((*f.store().get<Household>(h.id))->annualIncomeFen == 4'000'000);
    CHECK(f.store().openConflicts()->empty());
}

TEST_CASE("conflicts: the list follows sync; a three-way conflict is one decision; resolved elsewhere says so") {
    Xvfb x(1366, 768);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    StaffFixture f("zh-CN", true, 1366, 768);
    sync::SyncStatusBoard board;
    f.ctx().board = &board;
    Student a = addStudent(f, "向秭归"), b = addStudent(f, "覃明");
    // Two laptops each spelt 向秭归's address their way: two other values of one field.
    remoteConflict(f, a, "address", "\"茅坪镇秭归村四组\"");
    remoteConflict(f, a, "address", "\"茅坪镇秭归村4组12号\"");
    remoteConflict(f, b, "name", "\"覃明明\"");
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE(d.click("##home.conflicts"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("两台设备改了同一项（3）"), f.shown());
    CHECK(d.sawText("本机 · ")); // this device wrote the address it holds (headed 本机的值)
    f.screenshot("gui_conflicts_three_way");

    // One merged address decides both other values of the field.
    REQUIRE(d.typeInto("##conflict.0.merged", "茅坪镇秭归村四组12号"));
    REQUIRE(d.click("##conflict.0.merge"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("两台设备改了同一项（1）"), f.shown());
    CHECK((*f.store().get<Student>(a.id))->address == "茅坪镇秭归村四组12号");

    // Meanwhile the office decided 覃明's name and sync brought that here: the list reads again
    // at once (nobody saved anything on this screen) and says where the conflict went.
    auto open = f.store().openConflicts();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    REQUIRE(f.store().resolveConflict(open->front().id, "\"覃明\"", store::Actor{"sync"}).ok());
    board.update([](sync::SyncStatus& s) { s.pulledTotal += 1; });
    d.frame(2);
    CHECK_MESSAGE(d.sawText("两台设备改了同一项（0）"), f.shown());
    CHECK(d.sawText("1 处冲突已在其他设备上解决，已从列表中移除。"));
    f.screenshot("gui_conflicts_resolved_elsewhere");
}
