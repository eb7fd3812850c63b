// An administrator manages who may sign in on the device through the real screen: makes a
// volunteer account that then signs in, is told when the two passwords differ, lifts a lockout
// after five wrong passwords and sets a new password; staff and volunteers cannot get there.
#include "staff_fixture.hpp"

#include <algorithm>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
void openAccounts(StaffFixture& f) {
    REQUIRE_MESSAGE(f.d->click("##home.settings"), f.d->why());
    REQUIRE_MESSAGE(f.d->click("##settings.accounts"), f.d->why());
    REQUIRE(f.ctx().screen == ui::ScreenId::Accounts);
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##accounts.li.reset"); })); // the list has arrived
}

std::optional<store::Account> account(StaffFixture& f, const std::string& user) {
    auto list = f.ctx().accounts->list();
    REQUIRE(list.ok());
    auto it = std::find_if(list->begin(), list->end(), [&](const store::Account& a) { return a.user == user; });
    return it == list->end() ? std::nullopt : std::optional<store::Account>(*it);
}
} // namespace

TEST_CASE("accounts: an administrator makes a volunteer account, which then signs in") {
    StaffFixture f;
    f.addAccount("li", store::Role::Admin);
    f.signIn("li");
    openAccounts(f);
    auto& d = *f.d;

    REQUIRE(d.typeInto("##accounts.user", "xiaoli"));
    REQUIRE(d.typeInto("##accounts.name", "李小丽"));
    REQUIRE(d.click("##accounts.role.volunteer"));
    REQUIRE(d.typeInto("##accounts.password", "village2026"));
    REQUIRE(d.typeInto("##accounts.password2", "village2027"));
    REQUIRE(d.click("##accounts.create"));
    d.frame(2);
    CHECK(d.sawText("两次输入的密码不一样"));
    CHECK_FALSE(account(f, "xiaoli"));

    REQUIRE(d.typeInto("##accounts.password2", "village2026"));
    REQUIRE(d.click("##accounts.create"));
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("已创建账户 xiaoli"); }), f.shown());
    REQUIRE(d.frameUntil([&] { return d.sawText("李小丽"); }));
    auto made = account(f, "xiaoli");
    REQUIRE(made);
    CHECK(made->role == store::Role::Volunteer);
    CHECK(made->displayName == "李小丽");

    // The new account signs in (a volunteer: settings say admins only, no accounts button).
    REQUIRE(d.click("##nav.sign_out"));
    d.frame(2);
    f.signIn("xiaoli", "village2026");
    CHECK(f.ctx().account->role == store::Role::Volunteer);
    REQUIRE(d.click("##home.settings"));
    d.frame(2);
    CHECK_FALSE(d.exists("##settings.accounts"));
}

TEST_CASE("accounts: a lockout is lifted and a new password set by the administrator") {
    StaffFixture f;
    f.addAccount("li", store::Role::Admin);
    f.addAccount("wang", store::Role::Staff);
    for (int i = 0; i < 5; ++i)
        (void)f.ctx().accounts->signIn("wang", "wrong password", systemNowMs());
    REQUIRE(account(f, "wang")->lockedUntilMs > systemNowMs());
    f.signIn("li");
    openAccounts(f);
    auto& d = *f.d;
    CHECK(d.sawText("已锁定（密码连续输错）"));

    REQUIRE_MESSAGE(d.click("##accounts.wang.unlock"), d.why());
    REQUIRE(d.frameUntil([&] { return d.sawText("已解锁 wang"); }));
    CHECK(account(f, "wang")->lockedUntilMs == 0);
    REQUIRE(d.frameUntil([&] { return !d.exists("##accounts.wang.unlock"); }));

    REQUIRE(d.click("##accounts.wang.reset"));
    REQUIRE(d.typeInto("##accounts.reset_password", "new password 1"));
    REQUIRE(d.typeInto("##accounts.reset_password2", "new password 1"));
    REQUIRE(d.click("##accounts.reset_save"));
    REQUIRE(d.frameUntil([&] { return d.sawText("已为 wang 设置新密码"); }));
    CHECK(f.ctx().accounts->signIn("wang", "new password 1", systemNowMs()).ok());
    CHECK_FALSE(f.ctx().accounts->signIn("wang", "correct horse", systemNowMs()).ok());
}
