#pragma once
// The kiosk with the automation driver, linked to a real zhuxue-server on loopback: real frames
// of the real screens, a real queue behind them.
#include "client/app/app.hpp"
#include "client/app/driver/driver.hpp"
#include "client/core/resident_id.hpp"
#include "client/store/paths.hpp"
#include "client/ui/hall/queue_client.hpp"
#include "client/ui/kiosk/kiosk_client.hpp"
#include "sync/engine/sync_client.hpp"
#include "tests/support/role_enroll.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <memory>

namespace zhuxue::test {

inline std::string validId(const std::string& first17) {
    return first17 + core::residentIdCheckChar(first17);
}

// A device token for the hall, written where the client reads it: a staff device's, or, given
// the server's data directory, a kiosk's or display's (codes made for that role).
inline ui::hall::HallLink linkDevice(ServerProcess& server, const std::filesystem::path& dataDir, int n,
                                     sync::DeviceRole role = sync::DeviceRole::Staff,
                                     const std::filesystem::path& serverDir = {}) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190cccc-0000-4000-8000-%012d", n);
    sync::SyncClient c(server.url());
    REQUIRE((role == sync::DeviceRole::Staff || !serverDir.empty()));
    auto code = role == sync::DeviceRole::Staff
                    ? server.enrollCode("420527")
                    : roleEnrollCode(serverDir, "", "420527", std::string(sync::roleName(role))).code;
    auto r = c.enroll(code, dev, "大厅测试设备", role);
    REQUIRE(r.ok());
    ui::hall::HallLink link{server.url(), dev, r->token};
    std::filesystem::create_directories(dataDir);
    REQUIRE(ui::hall::writeHallLink(dataDir, link).ok());
    return link;
}

struct KioskFixture {
    TempDir dir;
    std::unique_ptr<ServerProcess> server;
    ui::hall::HallLink link;
    std::unique_ptr<app::App> app;
    std::unique_ptr<ui::kiosk::KioskClient> kiosk;
    std::unique_ptr<app::driver::Driver> d;

    // withServer=false: the kiosk's link points at a port nobody listens on (server down).
    explicit KioskFixture(bool withServer = true, const std::string& kioskJson = R"({"prefix": "K1", "idle_seconds": 60, "warn_seconds": 20})",
                          bool window = false) {
        REQUIRE(app::driver::itemHooksAvailable());
        if (withServer) {
            server = std::make_unique<ServerProcess>(dir / "server");
            link = linkDevice(*server, dir / "kiosk", 1, sync::DeviceRole::Kiosk, dir / "server");
        } else {
            std::filesystem::create_directories(dir / "kiosk");
            link = {"http://127.0.0.1:" + std::to_string(freeLoopbackPort()), "dev", "token"};
            REQUIRE(ui::hall::writeHallLink(dir / "kiosk", link).ok());
        }
        std::ofstream(dir / "kiosk" / "kiosk.json") << kioskJson;
        auto texts = app::Texts::load(assetsDir());
        REQUIRE(texts.ok());
        app::LaunchOptions opt;
        opt.dataDir = dir / "kiosk";
        opt.kiosk = true;
        app::Settings settings;
        settings.kiosk = true;
        settings.kioskPin = "2468";
        app = std::make_unique<app::App>(opt, settings, std::move(*texts));
        if (window)
            REQUIRE(app->open().ok());
        else
            REQUIRE(app->openHeadless(1280, 800).ok());
        kiosk = std::make_unique<ui::kiosk::KioskClient>(*app, dir / "kiosk");
        d = std::make_unique<app::driver::Driver>(*app, [this](app::App&) { kiosk->draw(); });
        d->frame(3);
        // The policy, hall and consent files load on the kiosk's worker after the first frame.
        REQUIRE(d->frameUntil([&] { return kiosk->ready(); }));
    }
    ~KioskFixture() {
        d.reset();
        kiosk.reset();
        app.reset();
    }

    void click(const std::string& label) {
        REQUIRE_MESSAGE(d->click(label), d->why(), "\n", d->describe());
        d->frame(2);
    }
    void keypadType(const std::string& digits) {
        for (char c : digits)
            click(std::string("##kp") + c);
    }
    void typeName(const std::string& name) {
        REQUIRE_MESSAGE(d->typeInto("##kiosk.name", name), d->why());
        d->frame();
        click("##kiosk.next");
    }
    // A renewal: the student consents and types name, ID and phone; stops at the materials step.
    void renewalWithDetails(const std::string& name, const std::string& idNumber, const std::string& phone) {
        click("##kiosk.choose.renewal");
        click("##kiosk.next");
        while (kiosk->step() != ui::kiosk::Step::Consent && kiosk->step() != ui::kiosk::Step::StudentName)
            click("##kiosk.answer.yes");
        if (kiosk->step() == ui::kiosk::Step::Consent) {
            click("##kiosk.consent.student");
            click("##kiosk.next");
        }
        REQUIRE(kiosk->step() == ui::kiosk::Step::StudentName);
        typeName(name);
        keypadType(idNumber);
        click("##kiosk.next");
        keypadType(phone);
        click("##kiosk.next");
        REQUIRE(kiosk->step() == ui::kiosk::Step::Materials);
    }
    // From the materials step: "take a number now"; returns the ticket's code.
    std::string takeNumber() {
        REQUIRE(kiosk->step() == ui::kiosk::Step::Materials);
        click("##kiosk.next");
        click("##kiosk.take.now");
        REQUIRE(d->frameUntil([&] { return kiosk->step() == ui::kiosk::Step::Ticket; }));
        REQUIRE(kiosk->ticket().has_value());
        return kiosk->ticket()->code;
    }
    std::string shown() const {
        std::string all;
        for (const auto& t : d->shownText())
            all += t + " | ";
        return all;
    }
    bool showsAnywhere(const std::string& needle) const { return shown().find(needle) != std::string::npos; }
    // Fails the test when the frame's items or text hold `secret`.
    void expectHidden(const std::string& secret) {
        CHECK_MESSAGE(!showsAnywhere(secret), "shown: ", shown());
        for (const auto& item : d->items())
            CHECK_MESSAGE(item.label.find(secret) == std::string::npos, item.label);
    }
};

} // namespace zhuxue::test
