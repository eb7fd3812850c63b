// Home through the real screen: "my work" counts what waits in the store (files awaiting review,
// home visits to make, reminders due) and leads to the screens that handle it; the dashboard is
// reachable from home; the idle lock returns to sign-in, keeps the open work, and the same person
// continues where they were; Esc goes back.
#include "staff_fixture.hpp"
#include "tests/support/process.hpp"

#include <ctime>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
int thisYear() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}
} // namespace

TEST_CASE("home: my work counts and the dashboard") {
    StaffFixture f;
    store::Actor who{"seed"};
    for (int i = 0; i < 3; ++i) {
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = i == 0 ? "龚𪚥" : i == 1 ? "刘䶮" : "向秭归";
        s.township = "茅坪镇";
        zhuxue::test::consentStudent(f.store(), s.county, s.id);
        REQUIRE(f.store().save(s, who).ok());
        LoanApplication a;
        a.id = newUuidV7();
        a.county = "420527";
        a.studentId = s.id;
        a.kind = ApplicationKind::FirstLoan;
        a.status = i == 2 ? LoanStatus::Repaying : LoanStatus::Applied;
        a.schoolYear = thisYear();
        a.amountFen = 1'000'000;
        REQUIRE(f.store().save(a, who).ok());
        if (i == 2) { // 向秭归 borrowed the year before too: still one person to remind
            a.id = newUuidV7();
            a.kind = ApplicationKind::Renewal;
            a.schoolYear -= 1;
            REQUIRE(f.store().save(a, who).ok());
        }
        if (i == 0) {
            HardshipAssessment h;
            h.id = newUuidV7();
            h.county = "420527";
            h.studentId = s.id;
            h.schoolYear = thisYear();
            h.formId = "hardship.county_standard";
            h.answersJson = "{}";
            h.level = HardshipLevel::Fairly;
            h.status = AssessmentStatus::Submitted;
            REQUIRE(f.store().save(h, who).ok());
        }
    }
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("待评议的档案：3 份"); }), f.shown()); // 2 applications + 1 assessment
    CHECK(d.sawText("待家访核实：1 户"));
    CHECK(d.sawText("到期提醒（毕业确认、还款）：1 人"));
    CHECK(d.exists("##home.conflicts"));

    // Sync pulls a colleague's new application: home counts again at once, not a minute later.
    sync::SyncStatusBoard board;
    f.ctx().board = &board;
    d.frame(2);
    LoanApplication pulled;
    pulled.id = newUuidV7();
    pulled.county = "420527";
    pulled.studentId = f.seedStudent("覃明").id;
    pulled.kind = ApplicationKind::FirstLoan;
    pulled.status = LoanStatus::Applied;
    pulled.schoolYear = thisYear();
    pulled.amountFen = 800'000;
    REQUIRE(f.store().save(pulled, who).ok());
    d.frame(10);
    CHECK(d.sawText("待评议的档案：3 份")); // nothing said it changed
    board.update([](sync::SyncStatus& s) { s.pulledTotal += 2; });
    // One frame sees the pulled count and hands the count to the worker; the test then waits for
    // the worker without drawing, so the client's clock stands still (its own recount comes a
    // minute later), and two frames take the result in and show it. The wait is a hang guard.
    d.frame();
    REQUIRE(f.ctx().worker != nullptr);
    REQUIRE(waitUntil([&] { return f.ctx().worker->busy() == 0; }, std::chrono::seconds(60)));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("待评议的档案：4 份"), f.shown());
    f.ctx().board = nullptr;

    REQUIRE_MESSAGE(d.click("##home.work.review"), d.why(), d.describe());
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Review);
    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);

    REQUIRE(d.click("##home.dashboard"));
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Dashboard);
    REQUIRE(d.frameUntil([&] { return f.client->dashboard().figures().has_value(); })); // figures arrived
    d.frame(2);
    // People, not applications (issue #21 point 12): 向秭归 borrowed two years, one person; every
    // school year by name, not a 0 in a number box; one year chosen from the list.
    CHECK_MESSAGE(d.sawText("4 人（5 份申请）"), f.shown());
    REQUIRE_MESSAGE(d.click("##dashboard.year"), d.why());
    REQUIRE_MESSAGE(d.click("##dashboard.year." + std::to_string(thisYear())), d.why());
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("4 人（4 份申请）"); }), f.shown());
    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}

TEST_CASE("idle lock: back to sign-in, the work is kept, the same person continues") {
    StaffFixture f;
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "覃明";
    zhuxue::test::consentStudent(f.store(), s.county, s.id);
    REQUIRE(f.store().save(s, store::Actor{"seed"}).ok());
    f.addAccount("li", store::Role::Staff);
    f.app->settings().idleLockSeconds = 120;
    f.signIn("li");
    auto& d = *f.d;
    f.ctx().openFamily(s.id);
    d.frame(2);
    REQUIRE(d.click("##family.visit"));
    REQUIRE(d.typeInto("##visit.observations", "土坯房两间"));
    d.advance(60);
    d.frame();
    CHECK(f.ctx().account.has_value()); // not yet
    d.advance(90);
    d.frame(2);
    CHECK_FALSE(f.ctx().account.has_value());
    CHECK(f.ctx().screen == ui::ScreenId::SignIn);
    REQUIRE(d.exists("##signin.password"));
    // Signing in again continues the visit with what was typed.
    REQUIRE(d.typeInto("##signin.password", "correct horse"));
    d.press(ImGuiKey_Enter); // Enter continues
    REQUIRE(d.frameUntil([&] { return f.ctx().account.has_value(); }));
    d.frame(2);
    CHECK(f.ctx().screen == ui::ScreenId::HomeVisit);
    CHECK(d.sawText("土坯房两间"));
}

TEST_CASE("settings: idle minutes and large text, kept in settings.json") {
    StaffFixture f;
    f.addAccount("admin", store::Role::Admin);
    f.signIn("admin");
    auto& d = *f.d;
    REQUIRE(d.click("##home.settings"));
    d.frame();
    REQUIRE(d.typeInto("##settings.idle", "2"));
    d.press(ImGuiKey_Enter); // Enter saves
    d.frame();
    CHECK_MESSAGE(f.app->settings().idleLockSeconds == 120, f.shown());
    float before = ImGui::GetFontSize();
    REQUIRE(d.click("大字模式"));
    d.frame(3);
    CHECK(f.app->settings().largeText);
    CHECK(ImGui::GetFontSize() > before * 1.3f); // the text really is larger
    auto saved = app::Settings::load(f.dir / "settings.json");
    REQUIRE(saved.ok());
    CHECK(saved->idleLockSeconds == 120);
    CHECK(saved->largeText);
    // Two minutes without input lock the client.
    d.advance(130);
    d.frame(2);
    CHECK(f.ctx().screen == ui::ScreenId::SignIn);
}
