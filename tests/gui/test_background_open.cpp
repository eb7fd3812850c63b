// The desktop client shows its sign-in screen before the device's store is open (the store opens
// on the worker: with a county on the device that takes a while). Whoever signs in at once still
// arrives at a working client: the sign-in waits behind the open, never the frame.
#include "client/app/app.hpp"
#include "client/app/driver/driver.hpp"
#include "client/store/paths.hpp"
#include "client/ui/staff/staff_client.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
struct BackgroundClient {
    TempDir dir{"zhuxue-gui-background-open"};
    std::unique_ptr<app::App> app;
    std::unique_ptr<ui::StaffClient> client;
    std::unique_ptr<app::driver::Driver> d;

    BackgroundClient() {
        REQUIRE(app::driver::itemHooksAvailable());
        auto texts = app::Texts::load(assetsDir());
        REQUIRE(texts.ok());
        app::LaunchOptions opt;
        opt.dataDir = dir.path();
        app = std::make_unique<app::App>(opt, app::Settings{}, std::move(*texts));
        REQUIRE(app->openHeadless(1280, 800).ok());
    }
    void start() {
        client = std::make_unique<ui::StaffClient>(*app, dir.path(), nullptr,
                                                   ui::StaffClient::OpenStores::InBackground);
        d = std::make_unique<app::driver::Driver>(*app, [this](app::App&) { client->draw(); });
    }
    ~BackgroundClient() {
        d.reset();
        client.reset();
        app.reset();
    }
};

Student seedStudent(const std::filesystem::path& dataDir) {
    auto db = store::Store::open(dataDir);
    REQUIRE(db.ok());
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "向𪚥";
    s.township = "茅坪镇";
    REQUIRE((*db)->save(s, {"seed"}).ok());
    auto accounts = store::Accounts::open(dataDir);
    REQUIRE(accounts.ok());
    REQUIRE((*accounts)->create("li", "李老师", store::Role::Staff, "correct horse").ok());
    return s;
}
} // namespace

TEST_CASE("signing in at once, while the store still opens, reaches a client that reads records") {
    BackgroundClient c;
    Student s = seedStudent(c.dir.path());
    c.start();
    // The first frame is the sign-in screen, whether or not the store is open yet.
    c.d->frame();
    CHECK(c.d->exists("##signin"));
    REQUIRE(c.d->typeInto("##signin.user", "li"));
    REQUIRE(c.d->typeInto("##signin.password", "correct horse"));
    REQUIRE(c.d->click("##signin"));
    REQUIRE(c.d->frameUntil([&] { return c.client->context().account.has_value(); }));
    // The open ran first: by the time anyone is signed in, the store is there, at their access.
    REQUIRE(c.client->storesReady());
    REQUIRE(c.client->store() != nullptr);
    CHECK(c.client->context().store == c.client->store());
    CHECK(c.client->store()->access() == store::accessFor(store::Role::Staff));
    CHECK(c.client->context().screen == ui::ScreenId::Home);

    // And the records are there: search finds the seeded student.
    REQUIRE(c.d->click("##home.search"));
    REQUIRE(c.d->click("##search.query"));
    c.d->type("𪚥");
    REQUIRE(c.d->frameUntil([&] { return !c.client->search().searching() && c.d->exists("向𪚥"); }));
    REQUIRE(c.client->search().results().size() == 1);
    CHECK(c.client->search().results().front().studentId == s.id);
}

TEST_CASE("a store opened in the background is locked until someone signs in") {
    BackgroundClient c;
    seedStudent(c.dir.path());
    c.start();
    REQUIRE(c.d->frameUntil([&] { return c.client->storesReady(); }));
    REQUIRE(c.client->store() != nullptr);
    CHECK(c.client->store()->access() == store::Access::Locked);
    auto read = c.client->store()->get<Student>(newUuidV7());
    REQUIRE_FALSE(read.ok()); // refused, not "not found"
    CHECK(read.error().key == "access.denied");
    CHECK(c.d->exists("##signin"));
}
