// The "done when" end to end: a family walks up to the kiosk and takes a number, staff
// press "call next" at their window, and the hall display shows that number at that window; a
// time the family books at the kiosk for today is in staff's "today" list. Real kiosk, staff
// and hall display screens (headless frames, the driver clicking) on one real zhuxue-server.
#include "client/ui/hall/hall_display.hpp"
#include "kiosk_fixture.hpp"
#include "staff_fixture.hpp"
#include "tests/support/process.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace zhuxue;
using namespace zhuxue::test;
using ui::kiosk::Step;
namespace fs = std::filesystem;

namespace {

// The example hall with 水田坝乡 served every day, so a booking for today exists whatever the
// weekday the test runs on. Server, kiosk, staff and display all read it ($ZHUXUE_HALL_CONFIG).
struct EveryDayHall {
    TempDir dir;
    EveryDayHall() {
        std::ifstream in(assetsDir() / "hall" / "windows.json");
        auto cfg = nlohmann::json::parse(in);
        for (auto& t : cfg["townships"])
            if (t["code"] == "420527200")
                t["weekdays"] = {1, 2, 3, 4, 5, 6, 7};
        std::ofstream(dir / "windows.json") << cfg.dump();
        ::setenv("ZHUXUE_HALL_CONFIG", (dir / "windows.json").c_str(), 1);
    }
    ~EveryDayHall() { ::unsetenv("ZHUXUE_HALL_CONFIG"); }
};

const std::string kStudentId = validId("42052720070315001");

} // namespace

TEST_CASE("walk up: a kiosk number is called at a window and shown on the hall display") {
    EveryDayHall hall;
    KioskFixture k;

    // A family who only has a question takes a number.
    k.click("##kiosk.choose.enquiry");
    k.click("##kiosk.next");
    CHECK(k.takeNumber() == "D001");
    CHECK(k.showsAnywhere("D001"));
    k.click("##kiosk.ticket.done");
    REQUIRE(k.kiosk->step() == Step::Choose);

    // The next family books a renewal for today at 08:30 (their township's day).
    k.renewalWithDetails("谭雨欣", kStudentId, "13800138000");
    k.click("##kiosk.next");
    k.click("##kiosk.take.book");
    REQUIRE(k.kiosk->step() == Step::Township);
    k.click("##kiosk.township.420527200");
    REQUIRE(k.d->frameUntil([&] { return !k.kiosk->busy() && k.d->exists("##kiosk.time.08:30"); }));
    k.click("##kiosk.time.08:30");
    REQUIRE(k.d->frameUntil([&] { return k.kiosk->step() == Step::Ticket; }));
    REQUIRE(k.kiosk->appointment().has_value());
    const std::string bookedCode = k.kiosk->appointment()->code;
    const std::string bookedDay = k.kiosk->appointment()->day;
    // Today's list is for staff devices (the kiosk's token does not read it).
    auto today = ui::hall::QueueClient(linkDevice(*k.server, k.dir / "window-check", 42)).tickets();
    REQUIRE(today.ok());
    REQUIRE_FALSE(today->empty());
    CHECK(bookedDay == (*today)[0].day); // the first day offered is today
    k.click("##kiosk.ticket.done");
    k.d.reset();
    k.kiosk.reset();
    k.app.reset();

    // Window 4 (renewals and questions): staff choose their window and call the next number.
    {
        StaffFixture f;
        // Enrolled for sync as an office sets a staff laptop up (no hall_device.json): the
        // queue panel calls numbers through that enrollment.
        Process enroll({binPath("zhuxue-cli").string(), "--data-dir", f.dir.path().string(), "enroll",
                        k.server->url(), k.server->enrollCode("420527")},
                       {}, syncLogDir());
        REQUIRE_MESSAGE(enroll.wait(std::chrono::seconds(60)).value_or(-1) == 0, enroll.stderrText());
        REQUIRE_FALSE(fs::exists(f.dir / "hall_device.json"));
        f.addAccount("li", store::Role::Staff);
        f.signIn("li");
        f.openQueuePanel();
        auto& d = *f.d;
        // The booking is in today's list, with its time, service and township.
        REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("08:30  " + bookedCode + "  续贷  水田坝乡"); }), f.shown());
        REQUIRE_MESSAGE(d.click("##queue.window.4"), d.describe());
        d.frame(2);
        REQUIRE(d.click("##queue.next"));
        REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("当前：D001（咨询）"); }), f.shown());
    }

    // The hall display, started now, shows D001 at window 4.
    TempDir displayDir;
    linkDevice(*k.server, displayDir.path(), 41, sync::DeviceRole::Display, k.dir / "server");
    auto texts = app::Texts::load(assetsDir());
    REQUIRE(texts.ok());
    app::LaunchOptions opt;
    opt.dataDir = displayDir.path();
    opt.hallDisplay = true;
    app::App app(opt, app::Settings{}, std::move(*texts));
    REQUIRE(app.openHeadless(1280, 800).ok());
    ui::hall::HallDisplay display(app, displayDir.path());
    app::driver::Driver d(app, [&](app::App&) { display.draw(); });
    REQUIRE(d.frameUntil([&] {
        auto it = display.current().find(4);
        return it != display.current().end() && it->second.code == "D001";
    }));
    d.frame(2);
    CHECK(d.sawText("D001"));
    CHECK(d.sawText("4 号窗口"));
}
