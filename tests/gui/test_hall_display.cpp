// The hall display against a real zhuxue-server: the number called at each window appears in
// large text, each new call or recall is announced once ("请 A001 号到 3 号窗口"), and a
// screenshot on a real window under Xvfb goes to build/test-artifacts/hall_display.png.
#include "client/ui/hall/hall_display.hpp"
#include "kiosk_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/xvfb.hpp"

using namespace zhuxue;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

struct DisplayFixture {
    TempDir dir;
    ServerProcess server{dir / "server"};
    ui::hall::QueueClient staff{linkDevice(server, dir / "staff", 10)};
    std::unique_ptr<app::App> app;
    std::unique_ptr<ui::hall::HallDisplay> display;
    std::unique_ptr<app::driver::Driver> d;

    fs::path speech = dir / "speech";

    explicit DisplayFixture(bool window) {
        linkDevice(server, dir / "display", 11, sync::DeviceRole::Display, dir / "server");
        fs::create_directories(speech);
        ::setenv("ZHUXUE_HALL_SPEECH_DIR", speech.c_str(), 1);
        auto texts = app::Texts::load(assetsDir());
        REQUIRE(texts.ok());
        app::LaunchOptions opt;
        opt.dataDir = dir / "display";
        opt.hallDisplay = true;
        app = std::make_unique<app::App>(opt, app::Settings{}, std::move(*texts));
        if (window)
            REQUIRE(app->open().ok());
        else
            REQUIRE(app->openHeadless(1280, 800).ok());
        display = std::make_unique<ui::hall::HallDisplay>(*app, dir / "display");
        d = std::make_unique<app::driver::Driver>(*app, [this](app::App&) { display->draw(); });
        REQUIRE(d->frameUntil([&] { return display->connected(); }));
    }
    ~DisplayFixture() {
        d.reset();
        display.reset();
        app.reset();
    }
    std::string issue(const std::string& service) {
        auto t = staff.issue("", service, "");
        REQUIRE(t.ok());
        return t->code;
    }
    bool showing(int window, const std::string& code) {
        auto it = display->current().find(window);
        return it != display->current().end() && it->second.code == code;
    }
};

} // namespace

TEST_CASE("calls appear per window and are announced once each") {
    DisplayFixture f(false);
    CHECK(f.display->current().empty());
    CHECK(f.d->sawText("3 号窗口"));
    f.issue("first_loan");
    f.issue("first_loan");
    f.issue("renewal");
    // Who is next: the waiting tickets per service, under the windows, in the hall's order.
    auto waiting = [&](const std::string& service) {
        auto it = f.display->waiting().find(service);
        return it == f.display->waiting().end() ? -1 : it->second;
    };
    REQUIRE(f.d->frameUntil([&] { return waiting("first_loan") == 2 && waiting("renewal") == 1; }));
    f.d->frame(2);
    CHECK(f.d->sawText("生源地信用助学贷款 · 叫号"));
    CHECK(f.d->sawText("首次贷款 等候 2 人    续贷 等候 1 人    还款、延期 等候 0 人    咨询 等候 0 人"));
    REQUIRE(f.staff.act(3, "next").ok());
    REQUIRE(f.d->frameUntil([&] { return f.showing(3, "A001"); }));
    f.d->frame(2);
    CHECK(f.d->sawText("A001"));
    CHECK(waiting("first_loan") == 1);
    CHECK(f.d->sawText("首次贷款 等候 1 人    续贷 等候 1 人    还款、延期 等候 0 人    咨询 等候 0 人"));
    REQUIRE(f.display->announced().size() == 1);
    CHECK(f.display->announced()[0] == "请 A001 号到 3 号窗口");

    REQUIRE(f.staff.act(4, "next").ok());
    REQUIRE(f.staff.act(1, "next").ok());
    REQUIRE(f.d->frameUntil([&] { return f.showing(4, "B001") && f.showing(1, "A002"); }));
    CHECK(f.display->announced().size() == 3);
    // A recall is announced again; a second poll with no change announces nothing.
    REQUIRE(f.staff.act(3, "recall").ok());
    REQUIRE(f.d->frameUntil([&] { return f.display->announced().size() == 4; }));
    CHECK(f.display->announced()[3] == "请 A001 号到 3 号窗口");
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
    while (std::chrono::steady_clock::now() < until)
        f.d->frame();
    CHECK(f.display->announced().size() == 4);
    // Skipped: the window shows no number any more.
    REQUIRE(f.staff.act(3, "skip").ok());
    REQUIRE(f.d->frameUntil([&] { return !f.display->current().count(3); }));
    if (!ui::hall::findEspeak().empty()) {
        // espeak-ng spoke each announcement with the Mandarin voice (recorded to WAV here).
        REQUIRE(f.d->frameUntil([&] { return f.display->spoken() == 4 && fs::exists(f.speech / "announce-4.wav"); }));
        auto wait = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < wait && fs::file_size(f.speech / "announce-4.wav") < 1000)
            f.d->frame();
        for (int i = 1; i <= 4; ++i)
            CHECK(fs::file_size(f.speech / ("announce-" + std::to_string(i) + ".wav")) > 1000);
    } else
        MESSAGE("espeak-ng is not installed: announcements recorded, not spoken");
}

TEST_CASE("screenshot of the hall display on a real window") {
    Xvfb x(1280, 800);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    DisplayFixture f(true);
    for (int i = 0; i < 3; ++i)
        f.issue("first_loan");
    f.issue("renewal");
    f.issue("repayment");
    REQUIRE(f.staff.act(1, "next").ok());
    REQUIRE(f.staff.act(4, "next").ok());
    REQUIRE(f.staff.act(5, "next").ok());
    REQUIRE(f.staff.act(2, "next").ok());
    REQUIRE(f.d->frameUntil([&] { return f.showing(2, "A002"); }));
    f.d->frame(3);
    fs::path file = artifactPath("hall_display.png");
    fs::remove(file);
    REQUIRE(f.app->saveScreenshot(file));
    auto [rc, out] = runShell("identify -format '%k' '" + file.string() + "'");
    CHECK(rc == 0);
    CHECK(std::atoi(out.c_str()) > 8);
}
