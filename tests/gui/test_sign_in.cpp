// Sign-in with local accounts, driven through the real screens: first administrator on a fresh
// device, wrong passwords counted on disk until the account locks (also after a restart), idle
// lock, and the data key wiped from the running client by it.
#include "client/store/crypto/key_vault.hpp"
#include "staff_fixture.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

TEST_CASE("a fresh device asks for the first administrator, who can then sign in") {
    StaffFixture f;
    f.d->frame(2);
    CHECK(f.d->exists("##create_admin"));
    CHECK(f.d->typeInto("##signin.user", "wang"));
    CHECK(f.d->typeInto("##signin.display_name", "王𪚥"));
    CHECK(f.d->typeInto("##signin.password", "secret-pass"));
    CHECK(f.d->typeInto("##signin.password2", "secret-pass"));
    CHECK(f.d->click("##create_admin"));
    REQUIRE(f.d->frameUntil([&] { return !f.client->accounts()->empty().value(); }));
    auto list = f.client->accounts()->list();
    REQUIRE(list.ok());
    REQUIRE(list->size() == 1);
    CHECK(list->front().role == store::Role::Admin);
    CHECK(list->front().displayName == "王𪚥");
    REQUIRE(f.d->frameUntil([&] { return f.client->worker().busy() == 0 && f.d->exists("##signin"); }));
    f.signIn("wang", "secret-pass");
    CHECK(f.ctx().screen == ui::ScreenId::Home);
    CHECK(f.d->sawText("王𪚥"));                   // who is signed in, in the top bar
    CHECK(f.app->fonts().hasGlyph(0x2A6A5));       // and it is drawable
}

TEST_CASE("wrong passwords are refused and lock the account, also after a restart") {
    StaffFixture f;
    f.addAccount("li", store::Role::Staff);
    f.d->frame(2);
    for (int i = 0; i < 5; ++i) {
        CHECK(f.d->typeInto("##signin.user", "li"));
        CHECK(f.d->typeInto("##signin.password", "wrong password"));
        CHECK(f.d->click("##signin"));
        f.d->frameUntil([&] { return f.client->worker().busy() == 0; });
        f.d->frame(2);
        CHECK_FALSE(f.ctx().account.has_value());
    }
    CHECK(f.d->sawText("锁定"));
    // The lockout is on disk: after the client is closed and started again, the right password
    // is refused too, on the screen, until an administrator unlocks the account.
    f.restart();
    f.d->frame(2);
    REQUIRE_MESSAGE(f.d->exists("##signin"), f.d->describe());
    CHECK_FALSE(f.d->sawText("锁定")); // nothing on the new screen yet: what follows is the new answer
    CHECK(f.d->typeInto("##signin.user", "li"));
    CHECK(f.d->typeInto("##signin.password", "correct horse"));
    CHECK(f.d->click("##signin"));
    REQUIRE(f.d->frameUntil([&] { return f.client->worker().busy() == 0; }));
    f.d->frame(2);
    CHECK_FALSE(f.ctx().account.has_value());
    CHECK(f.ctx().screen == ui::ScreenId::SignIn);
    CHECK_MESSAGE(f.d->sawText("锁定"), f.shown());
    auto again = f.client->accounts()->signIn("li", "correct horse", 0x7fffffff);
    CHECK_FALSE(again.ok());
    CHECK(again.error().key == "accounts.locked");
}

TEST_CASE("the client locks after the idle time and the same user signs in again") {
    StaffFixture f;
    f.addAccount("zhao", store::Role::Volunteer);
    f.signIn("zhao");
    REQUIRE(f.ctx().screen == ui::ScreenId::Home);
    f.d->advance(f.app->settings().idleLockSeconds + 5.0);
    f.d->frame(2);
    CHECK_FALSE(f.ctx().account.has_value());
    CHECK(f.ctx().screen == ui::ScreenId::SignIn);
    CHECK(f.d->exists("##signin"));
    REQUIRE(f.d->typeInto("##signin.password", "correct horse"));
    REQUIRE(f.d->click("##signin"));
    REQUIRE(f.d->frameUntil([&] { return f.ctx().account.has_value(); }));
    CHECK(f.ctx().account->user == "zhao");
}

TEST_CASE("the idle lock wipes the data key from the running client, sign-in brings it back") {
    StaffFixture f;
    f.addAccount("zhao", store::Role::Staff);
    f.signIn("zhao");
    REQUIRE(f.ctx().screen == ui::ScreenId::Home);
    auto [household, student] = f.seedFamily("龚𪚥", "11010519491231002X");
    // The office's connection is not held back by who is signed in (Access::System): what it can
    // read depends on the key alone.
    auto read = [&] { return f.store().get<Student>(student.id); };
    REQUIRE(read().ok());
    CHECK((*read())->idNumber == "11010519491231002X");
    CHECK(store::crypto::KeyVault::unlocked(f.dir.path()));

    f.d->advance(f.app->settings().idleLockSeconds + 5.0);
    f.d->frame(2);
    REQUIRE(f.ctx().screen == ui::ScreenId::SignIn);
    // The key has left the process: no connection to this data directory can decrypt, not the
    // office's, not a new one, and nothing can be sealed either.
    CHECK_FALSE(store::crypto::KeyVault::unlocked(f.dir.path()));
    auto locked = read();
    REQUIRE_FALSE(locked.ok());
    CHECK(locked.error().key == "store.locked");
    {
        auto fresh = store::Store::open(f.dir.path());
        REQUIRE(fresh.ok());
        auto viaFresh = (*fresh)->get<Student>(student.id);
        REQUIRE_FALSE(viaFresh.ok());
        CHECK(viaFresh.error().key == "store.locked");
    }
    auto sealed = store::crypto::KeyVault::seal(f.dir.path(), "student.id_number", "x");
    REQUIRE_FALSE(sealed.ok());
    CHECK(sealed.error().key == "store.locked");

    REQUIRE(f.d->typeInto("##signin.password", "correct horse"));
    REQUIRE(f.d->click("##signin"));
    REQUIRE(f.d->frameUntil([&] { return f.ctx().account.has_value(); }));
    auto again = read();
    REQUIRE(again.ok());
    CHECK((*again)->idNumber == "11010519491231002X");
}
