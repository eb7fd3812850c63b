#pragma once
// The staff client, headless, with the automation driver: real frames of the real screens over a
// real store in a temporary data directory.
#include "client/app/app.hpp"
#include "client/app/driver/driver.hpp"
#include "client/store/paths.hpp"
#include "client/ui/staff/staff_client.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <memory>

namespace zhuxue::test {

struct StaffFixture {
    TempDir dir;
    std::unique_ptr<app::App> app;
    std::unique_ptr<ui::StaffClient> client;
    std::unique_ptr<app::driver::Driver> d;
    // The office's own connection (Access::System, as an import or the sync worker): tests seed
    // and check records through it. The client's stores follow who is signed in (Locked before).
    std::unique_ptr<store::Store> office;

    // window: a real window (under Xvfb, for screenshots) instead of headless frames.
    // width, height: the window's size (1366x768: the field laptops' screens).
    explicit StaffFixture(std::string language = "zh-CN", bool window = false, int width = 1280,
                          int height = 800) {
        start(language, window, width, height);
    }
    ~StaffFixture() { stop(); }

    // The client closed and started again on the same data directory, as after a reboot:
    // nothing held in memory survives, only what is on disk.
    void restart(std::string language = "zh-CN") {
        stop();
        start(language, false, m_width, m_height);
    }

    void stop() {
        d.reset();
        office.reset();
        client.reset();
        app.reset();
    }

    void start(const std::string& language, bool window, int width, int height) {
        m_width = width;
        m_height = height;
        REQUIRE_MESSAGE(app::driver::itemHooksAvailable(),
                        "ImGui was built without item hooks (Debian's libimgui): run ./dev.sh build once");
        auto texts = app::Texts::load(assetsDir());
        REQUIRE(texts.ok());
        app::LaunchOptions opt;
        opt.dataDir = dir.path();
        opt.width = width;
        opt.height = height;
        app::Settings settings;
        settings.language = language;
        app = std::make_unique<app::App>(opt, settings, std::move(*texts));
        if (window)
            REQUIRE(app->open().ok());
        else
            REQUIRE(app->openHeadless(width, height).ok());
        client = std::make_unique<ui::StaffClient>(*app, dir.path());
        REQUIRE(client->store() != nullptr);
        REQUIRE(client->accounts() != nullptr);
        auto opened = store::Store::open(dir.path());
        REQUIRE(opened.ok());
        office = std::move(*opened);
        d = std::make_unique<app::driver::Driver>(*app, [this](app::App&) { client->draw(); });
        d->frame(2);
    }

    int m_width = 1280, m_height = 800;

    ui::Context& ctx() { return client->context(); }
    store::Store& store() { return *office; }

    void addAccount(const std::string& user, store::Role role, const std::string& password = "correct horse") {
        REQUIRE(client->accounts()->create(user, user + " 老师", role, password).ok());
    }

    // A student of 秭归县 (茅坪镇 秭归村) whose consent is recorded, saved by the office.
    Student seedStudent(const char* name) {
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = name;
        s.township = "茅坪镇";
        s.village = "秭归村";
        zhuxue::test::consentStudent(store(), s.county, s.id);
        REQUIRE(store().save(s, store::Actor{"seed"}).ok());
        return s;
    }

    // A household of 秭归县 and its student (ID number given or none), consent recorded, saved by
    // the office in the order the consent rule asks: household, then student.
    std::pair<Household, Student> seedFamily(const char* name, const char* idNumber = "") {
        store::Actor who{"seed"};
        Household h;
        h.id = newUuidV7();
        h.county = "420527";
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = name;
        s.idNumber = idNumber;
        s.householdId = h.id;
        zhuxue::test::consentStudent(store(), s.county, s.id);
        REQUIRE(store().save(h, who).ok());
        REQUIRE(store().save(s, who).ok());
        return {h, s};
    }

    // Signs in through the sign-in screen, as a person would.
    void signIn(const std::string& user, const std::string& password = "correct horse") {
        d->frame(); // the screen notices the accounts
        REQUIRE_MESSAGE(d->typeInto("##signin.user", user), d->why());
        REQUIRE_MESSAGE(d->typeInto("##signin.password", password), d->why());
        REQUIRE_MESSAGE(d->click("##signin"), d->why());
        REQUIRE_MESSAGE(d->frameUntil([&] { return ctx().account.has_value(); }),
                        "sign-in did not finish; text: ", shown());
        d->frame(2);
    }

    // Opens the hall queue panel on the home screen (signed in, device linked to a hall server).
    void openQueuePanel() {
        REQUIRE(d->frameUntil([&] { return d->exists("##queue"); }));
        REQUIRE(d->click("##queue"));
        REQUIRE_MESSAGE(d->frameUntil([&] { return d->exists("##queue.next"); }), shown());
    }

    // The window's pixels as build/test-artifacts/<name>.png (a window fixture only), for people
    // to look at; a blank frame compresses to a few KB, a screen of text to far more.
    void screenshot(const std::string& name) {
        d->frame(3); // characters new to the atlas are drawn from the next frame
        const std::filesystem::path file = artifactPath(name + ".png");
        std::filesystem::remove(file);
        REQUIRE(app->saveScreenshot(file));
        CHECK_MESSAGE(std::filesystem::file_size(file) > 20'000, file.string());
    }

    std::string shown() const {
        std::string all;
        for (auto& t : d->shownText())
            all += t + " | ";
        return all;
    }
};

} // namespace zhuxue::test
