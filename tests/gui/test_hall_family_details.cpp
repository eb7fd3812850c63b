// A family enters their details at the kiosk and takes a number; at the window, staff call the
// number and see who it is (ID numbers masked), then start the first loan with the details
// filled in and confirm each step, consent first. Real kiosk and staff screens, one real server.
#include "kiosk_fixture.hpp"
#include "staff_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/xvfb.hpp"

#include <cstdlib>

using namespace zhuxue;
using namespace zhuxue::test;
using ui::kiosk::Step;

namespace {
const std::string kStudentId = validId("42052720060101001");
const std::string kCoId = validId("42052719750305002");
} // namespace

TEST_CASE("staff call the kiosk's number, see the family and start the first loan pre-filled") {
    // The staff client on a real window, for a screenshot of the panel as staff see it.
    Xvfb x(1280, 800);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    KioskFixture k;
    k.click("##kiosk.choose.first_loan");
    k.click("##kiosk.next");
    k.click("##kiosk.answer.yes");
    k.click("##kiosk.answer.yes");
    k.click("##kiosk.answer.no");
    REQUIRE(k.kiosk->step() == Step::Consent);
    k.click("##kiosk.consent.student");
    k.click("##kiosk.consent.co");
    k.click("##kiosk.next");
    k.typeName("向秭归");
    k.keypadType(kStudentId);
    k.click("##kiosk.next");
    k.keypadType("13800138000");
    k.click("##kiosk.next");
    k.typeName("向大山");
    k.keypadType(kCoId);
    k.click("##kiosk.next");
    k.keypadType("13912345678");
    k.click("##kiosk.next");
    CHECK(k.takeNumber() == "A001");
    REQUIRE(k.kiosk->detailsSealed());
    // The family walks away; the kiosk's window closes (the server keeps running).
    k.d.reset();
    k.kiosk.reset();
    k.app.reset();

    StaffFixture f("zh-CN", true);
    linkDevice(*k.server, f.dir.path(), 30);
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    f.openQueuePanel();
    auto& d = *f.d;
    REQUIRE(d.click("##queue.next"));
    REQUIRE(d.frameUntil([&] { return d.sawText("当前：A001（首次贷款）"); }));
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("向秭归"); }), f.shown());
    CHECK(d.sawText("向大山"));
    CHECK(d.sawText("420527********" + kStudentId.substr(14)));
    CHECK(d.sawText("420527********" + kCoId.substr(14)));
    CHECK(d.sawText("13800138000")); // staff see phone numbers
    CHECK_MESSAGE(f.shown().find(kStudentId) == std::string::npos, f.shown());
    CHECK(f.shown().find(kCoId) == std::string::npos);
    d.frame(3);
    const std::filesystem::path shot = artifactPath("hall_staff_family.png");
    std::filesystem::remove(shot);
    REQUIRE(f.app->saveScreenshot(shot));
    auto [rc, colours] = runShell("identify -format '%k' '" + shot.string() + "'");
    CHECK(rc == 0);
    CHECK(std::atoi(colours.c_str()) > 8);

    // Start the first loan with them: consent is still confirmed by each person at the window.
    REQUIRE(d.click("##queue.start_loan"));
    d.frame(2);
    REQUIRE(f.ctx().screen == ui::ScreenId::FirstLoan);
    CHECK(d.sawText("敏感个人信息"));
    CHECK_FALSE(d.exists("##loan.student_name"));
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.student_name"), d.describe());
    CHECK(d.sawText("向秭归"));
    CHECK(d.sawText("13800138000"));
    // The details pass the same checks as typed ones: the next step opens, filled in too.
    REQUIRE(d.typeInto("##loan.township", "茅坪镇"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), d.describe(), f.shown());
    CHECK(d.sawText("向大山"));
    CHECK(d.sawText("13912345678"));
    REQUIRE(d.typeInto("##loan.co_relation", "父亲"));
    REQUIRE(d.click("##loan.next"));
    CHECK_MESSAGE(d.exists("##loan.university"), d.describe(), f.shown());
}
