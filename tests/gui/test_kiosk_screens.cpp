// The kiosk on a real window under Xvfb, walked through a journey: one screenshot per step in
// build/test-artifacts/kiosk_*.png for people to look at (large readable Chinese, no '?'), each
// checked to hold drawn text and the characters it shows to be in the font atlas.
#include "kiosk_fixture.hpp"

#include "tests/support/process.hpp"
#include "tests/support/xvfb.hpp"

#include <cstdlib>

using namespace zhuxue;
using namespace zhuxue::test;
using ui::kiosk::Step;
namespace fs = std::filesystem;

namespace {
// Every character the kiosk showed can be drawn (no '?' boxes).
void forEachCodepointCheck(KioskFixture& f, const std::string& text) {
    app::forEachCodepoint(text, [&](uint32_t cp) {
        CHECK_MESSAGE(!f.app->fonts().isMissing(cp), "no glyph for U+", std::hex, cp, " in ", text);
    });
}

int colourCount(const fs::path& png) {
    auto [rc, out] = runShell("identify -format '%k' '" + png.string() + "'");
    return rc == 0 ? std::atoi(out.c_str()) : -1;
}

// Of the ink (dark text pixels) in a region of a screenshot, the share that is only half dark.
// Text from glyphs baked at its size has edges about a pixel wide; a glyph baked small and
// scaled up four times has soft edges several pixels wide, so most of its ink is half dark.
double softInkShare(const fs::path& png, const std::string& region) {
    auto lighterThan = [&](int percent) {
        auto [rc, out] = runShell("convert '" + png.string() + "' -crop " + region +
                                  " +repage -colorspace Gray -threshold " + std::to_string(percent) +
                                  "% -format '%[fx:mean]' info:");
        return rc == 0 ? std::atof(out.c_str()) : -1.0;
    };
    double light = lighterThan(80), notDark = lighterThan(20);
    double ink = 1 - light;
    return ink > 0.01 && light >= 0 ? (notDark - light) / ink : 1.0;
}
} // namespace

TEST_CASE("screenshots of every kiosk step on a real window") {
    Xvfb x(1280, 800);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    KioskFixture f(true, R"({"idle_seconds": 60, "warn_seconds": 20})", true);
    auto shot = [&](const char* name) {
        f.d->frame(3);
        for (const auto& t : f.d->shownText())
            forEachCodepointCheck(f, t);
        fs::path file = artifactPath(std::string("kiosk_") + name + ".png");
        fs::remove(file);
        REQUIRE(f.app->saveScreenshot(file));
        CHECK_MESSAGE(colourCount(file) > 16, file.string());
    };
    shot("1_choose");
    f.click("##kiosk.choose.first_loan");
    shot("2_policy_card");
    f.click("##kiosk.next");
    shot("3_eligibility");
    f.click("##kiosk.answer.yes");
    f.click("##kiosk.answer.yes");
    f.click("##kiosk.answer.no");
    shot("4_consent");
    f.click("##kiosk.consent.student");
    f.click("##kiosk.consent.co");
    f.click("##kiosk.next");
    REQUIRE(f.d->typeInto("##kiosk.name", "向秭归"));
    shot("4_student_name");
    f.click("##kiosk.next");
    f.keypadType(validId("42052720060101001"));
    shot("5_student_id");
    f.click("##kiosk.next");
    f.keypadType("13800138000");
    f.click("##kiosk.next");
    f.typeName("向大山");
    f.keypadType("4205271975030500");
    f.click("##kiosk.next");
    shot("6_co_id_error");
    f.click("##kp.clear");
    f.keypadType(validId("42052719750305002"));
    f.click("##kiosk.next");
    f.keypadType("13912345678");
    f.click("##kiosk.next");
    shot("7_materials");
    f.click("##kiosk.next");
    shot("8_take");
    f.click("##kiosk.take.book");
    shot("9_township");
    f.click("##kiosk.township.420527200");
    REQUIRE(f.d->frameUntil([&] { return !f.kiosk->busy() && f.d->exists("##kiosk.time.10:00"); }));
    shot("10_slots");
    f.click("##kiosk.back");
    f.click("##kiosk.back");
    f.click("##kiosk.take.now");
    REQUIRE(f.d->frameUntil([&] { return f.kiosk->step() == Step::Ticket; }));
    shot("11_ticket");
    // The number is the one thing a family must read from afar: sharp, not a blurred scale-up.
    // The region holds only the centred number (the other lines start at the left edge).
    double soft = softInkShare(artifactPath("kiosk_11_ticket.png"), "480x200+400+160");
    MESSAGE("ticket number: share of half-dark ink " << soft);
    CHECK(soft < 0.35);
    f.kiosk->pretendIdle(45);
    f.d->frame();
    shot("12_idle_countdown");
    f.click("##kiosk.idle.continue");
    f.click("##kiosk.staff");
    shot("13_staff_pin");
}
