// A shared machine: the idle countdown and wipe (nothing of the family left in the UI state,
// ImGui's edit buffer included), leaving kiosk mode only with the staff PIN, and the paper ticket.
#include "kiosk_fixture.hpp"

#include "client/ui/kiosk/ticket_pdf.hpp"
#include "tests/support/process.hpp"

#include <imgui.h>
#include <imgui_internal.h>

using namespace zhuxue;
using namespace zhuxue::test;
using ui::kiosk::Step;

namespace {

bool imguiHolds(const std::string& text) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    std::string a(g.InputTextState.TextA.Data, static_cast<std::size_t>(g.InputTextState.TextA.Size));
    std::string init(g.InputTextState.InitialTextA.Data, static_cast<std::size_t>(g.InputTextState.InitialTextA.Size));
    return a.find(text) != std::string::npos || init.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("idle: a visible countdown, then the screen and every draft are wiped") {
    KioskFixture f(true, R"({"idle_seconds": 40, "warn_seconds": 15})");
    const std::string id = validId("42052720060101001");
    f.click("##kiosk.choose.first_loan");
    f.click("##kiosk.next");
    f.click("##kiosk.answer.yes");
    f.click("##kiosk.answer.yes");
    f.click("##kiosk.answer.no");
    f.click("##kiosk.consent.student");
    f.click("##kiosk.consent.co");
    f.click("##kiosk.next");
    REQUIRE(f.d->typeInto("##kiosk.name", "龚𪚥"));
    f.d->frame();
    f.click("##kiosk.next");
    f.keypadType(id);
    f.click("##kiosk.next");
    f.keypadType("1380013");
    CHECK(f.kiosk->draft().studentName == "龚𪚥");

    // Quiet for a while: no countdown yet.
    f.d->advance(20);
    f.d->frame();
    CHECK_FALSE(f.showsAnywhere("秒后将清空本页"));
    // In the warning window: the countdown shows, and "I am still here" keeps everything.
    f.d->advance(8);
    f.d->frame();
    CHECK(f.showsAnywhere("秒后将清空本页"));
    f.click("##kiosk.idle.continue");
    CHECK(f.kiosk->draft().studentName == "龚𪚥");
    f.d->frame(2);
    CHECK_FALSE(f.showsAnywhere("秒后将清空本页"));

    // Go back to the name so ImGui's own edit buffer holds it, then walk away.
    f.click("##kiosk.back");
    f.click("##kiosk.back");
    CHECK(f.kiosk->step() == Step::StudentName);
    REQUIRE(f.d->click("##kiosk.name"));
    f.d->frame(2);
    CHECK(imguiHolds("龚𪚥"));
    f.d->advance(30);
    f.d->frame();
    CHECK(f.showsAnywhere("秒后将清空本页"));
    f.d->advance(12);
    f.d->frame(3);
    CHECK(f.kiosk->step() == Step::Choose);
    CHECK(f.kiosk->holdsNothing());
    CHECK(f.kiosk->draft().empty());
    CHECK(f.kiosk->wipes() >= 1);
    CHECK_FALSE(imguiHolds("龚𪚥"));
    f.expectHidden("龚𪚥");
    f.expectHidden(id);
    f.expectHidden("1380013");
    CHECK_FALSE(f.showsAnywhere("秒后将清空本页"));
    // An empty start screen is never "wiped" again and again.
    int wipes = f.kiosk->wipes();
    f.d->advance(100);
    f.d->frame(2);
    CHECK(f.kiosk->wipes() == wipes);
}

TEST_CASE("leaving kiosk mode needs the staff PIN; wrong PINs lock for a minute") {
    KioskFixture f;
    f.click("##kiosk.staff");
    f.keypadType("1111");
    f.click("##kiosk.pin.exit");
    CHECK_FALSE(f.kiosk->exitRequested());
    CHECK(f.showsAnywhere("密码不对"));
    f.click("##kiosk.pin.cancel");
    CHECK_FALSE(f.d->exists("##kiosk.pin.exit"));

    // Five wrong tries in all (one above) lock the PIN pad.
    f.click("##kiosk.staff");
    for (int i = 0; i < 4; ++i) {
        f.keypadType("0000");
        f.click("##kiosk.pin.exit");
    }
    CHECK_FALSE(f.d->exists("##kiosk.pin.exit"));
    CHECK(f.showsAnywhere("秒后再试"));
    // A minute later the idle wipe has closed the PIN pad too; the lock is over.
    f.d->advance(61);
    f.d->frame(2);
    CHECK_FALSE(f.d->exists("##kiosk.pin.cancel"));
    f.click("##kiosk.staff");
    REQUIRE(f.d->exists("##kiosk.pin.exit"));
    f.keypadType("2468");
    f.click("##kiosk.pin.exit");
    CHECK(f.kiosk->exitRequested());
}

TEST_CASE("the paper ticket: a PDF with the number and window, nothing personal") {
    TempDir dir;
    auto pdf = dir / "A023.pdf";
    REQUIRE(ui::kiosk::writeTicketPdf(pdf, {"助学贷款 排队小票", "A023", {"首次贷款", "请留意叫号，到 1、2、3 号窗口办理"}}).ok());
    auto [rc, text] = runShell("pdftotext '" + pdf.string() + "' -");
    REQUIRE(rc == 0);
    CHECK(text.find("A023") != std::string::npos);
    CHECK(text.find("排队小票") != std::string::npos);
    CHECK_MESSAGE(text.find("1、2、3 号窗") != std::string::npos, text); // wrapped on the narrow slip
}
