// Roles through the real staff client: the store follows who is signed in (locked before and after),
// a volunteer's family page says "仅工作人员可见" where incomes and bank accounts would be and the
// reminder export is disabled with the reason; staff see ID numbers and bank cards masked until they
// choose to see them in full, which is audited; an account disabled on the server is sent back to
// sign-in by the sync that learns it, with the reason.
#include "staff_fixture.hpp"
#include "tests/support/server_account.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
struct Seeded {
    Student student;
    Household household;
};

Seeded seed(StaffFixture& f) {
    store::Actor who{"import"};
    Seeded s;
    s.household.id = newUuidV7();
    s.household.county = "420527";
    s.household.township = "茅坪镇";
    s.household.annualIncomeFen = 2'345'600;
    s.household.priorityGroups = {"低保"};
    s.student.id = newUuidV7();
    s.student.county = "420527";
    s.student.name = "龚𪚥";
    s.student.idNumber = "11010519491231002X";
    s.student.householdId = s.household.id;
    s.student.township = "茅坪镇";
    s.student.village = "秭归村";
    s.student.highSchool = "秭归县第一中学";
    s.student.university = "三峡大学";
    s.student.enrollmentYear = 2021;
    s.student.programYears = 4;
    {
        // One batch, as the client saves a new family: the student's consent (checked at commit)
        // covers the household the student lives in.
        auto batch = f.store().batch(who);
        REQUIRE(batch.save(consentOf(ConsentParty::Student, "420527", s.student.id, s.student.id)).ok());
        REQUIRE(batch.save(s.household).ok());
        REQUIRE(batch.save(s.student).ok());
        REQUIRE(batch.commit().ok());
    }
    HouseholdMember m;
    m.id = newUuidV7();
    m.county = "420527";
    m.householdId = s.household.id;
    m.name = "龚䶮";
    m.relation = "父亲";
    m.occupation = "务农";
    m.annualIncomeFen = 1'234'500;
    m.health = "慢性病";
    REQUIRE(f.store().save(m, who).ok());
    LoanApplication a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.student.id;
    a.kind = ApplicationKind::FirstLoan;
    a.status = LoanStatus::Disbursed;
    a.schoolYear = 2021;
    a.amountFen = 1'200'000;
    REQUIRE(f.store().save(a, who).ok());
    Contract c;
    c.id = newUuidV7();
    c.county = "420527";
    c.applicationId = a.id;
    c.contractNumber = "HT-2021-0007";
    c.settlementAccount = "6222021234567890123";
    REQUIRE(f.store().save(c, who).ok());
    return s;
}

void openFamily(StaffFixture& f, const Uuid& id) {
    f.ctx().openFamily(id);
    f.d->frame(3);
    REQUIRE(f.ctx().screen == ui::ScreenId::Family);
}
} // namespace

TEST_CASE("roles: a volunteer sees 仅工作人员可见 instead of incomes and cannot export") {
    StaffFixture f;
    Seeded s = seed(f);
    // Before anyone signs in, the client's store refuses every read.
    CHECK(f.client->store()->access() == store::Access::Locked);
    CHECK(f.client->store()->get<Student>(s.student.id).error().key == "access.denied");

    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    CHECK(f.client->store()->access() == store::Access::Volunteer);
    openFamily(f, s.student.id);
    auto& d = *f.d;
    CHECK(d.sawText("龚𪚥"));
    CHECK(d.sawText("家庭年收入 仅工作人员可见 · 困难群体 仅工作人员可见"));
    CHECK(d.sawText("年收入 仅工作人员可见 · 健康状况：仅工作人员可见"));
    CHECK(d.sawText("结算账户 仅工作人员可见"));
    CHECK_FALSE(d.sawText("23,456"));
    CHECK_FALSE(d.sawText("12,345"));
    CHECK_FALSE(d.sawText("慢性病"));
    CHECK_FALSE(d.sawText("低保"));
    CHECK_FALSE(d.sawText("0123"));
    // The ID number is masked and a volunteer has no "show in full".
    CHECK(d.sawText("110105********002X"));
    CHECK_FALSE(d.sawText("11010519491231002X"));
    CHECK_FALSE(d.exists("##family.show_full"));

    // The March reminder export: the button is disabled, the reason is shown, clicking does nothing.
    REQUIRE(d.click("##family.back"));
    d.frame();
    REQUIRE(d.click("##home.post_loan"));
    REQUIRE(d.frameUntil([&] { return d.exists("##post.export"); }));
    d.frame(2);
    CHECK(d.sawText("志愿者账号不能导出名单：需要工作人员或管理员账号。请工作人员或管理员登录后再操作。"));
    REQUIRE(d.click("##post.export"));
    d.frame(5);
    CHECK_FALSE(std::filesystem::exists(f.dir.path() / "exports"));

    // The office's connection still reads the full value: nothing was withheld on disk.
    auto h = f.store().get<Household>(s.household.id);
    REQUIRE(h.ok());
    CHECK((*h)->annualIncomeFen == 2'345'600);

    // Signing out locks the store again.
    REQUIRE(d.click("##nav.sign_out"));
    d.frame(2);
    CHECK(f.client->store()->access() == store::Access::Locked);
    CHECK(f.client->store()->get<Household>(s.household.id).error().key == "access.denied");
}

TEST_CASE("roles: staff see numbers masked until they choose to see them in full (audited)") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    CHECK(f.client->store()->access() == store::Access::Staff);
    openFamily(f, s.student.id);
    auto& d = *f.d;
    CHECK(d.sawText("23,456"));   // household income
    CHECK(d.sawText("12,345"));   // the father's
    CHECK(d.sawText("慢性病"));
    CHECK(d.sawText("110105********002X"));
    CHECK_FALSE(d.sawText("11010519491231002X"));
    CHECK(d.sawText("结算账户 **** 0123"));
    CHECK_FALSE(d.sawText("6222021234567890123"));

    REQUIRE(d.click("##family.show_full"));
    d.frame(2);
    CHECK(d.sawText("11010519491231002X"));
    CHECK(d.sawText("6222021234567890123"));
    auto trail = f.store().auditTrail(0, 10000);
    REQUIRE(trail.ok());
    bool audited = false;
    for (const auto& e : *trail)
        if (e.action == "show_full" && e.recordId == s.student.id && e.user == "li")
            audited = true;
    CHECK(audited);

    REQUIRE(d.click("##family.hide_full"));
    d.frame(2);
    CHECK_FALSE(d.sawText("11010519491231002X"));

    // The idle lock drops the stores to Locked with the account.
    d.advance(f.app->settings().idleLockSeconds + 5.0);
    d.frame(2);
    CHECK_FALSE(f.ctx().account.has_value());
    CHECK(f.client->store()->access() == store::Access::Locked);
    CHECK(f.client->store()->get<Student>(s.student.id).error().key == "access.denied");
}

TEST_CASE("roles: a volunteer's home visit keeps the incomes staff recorded") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    openFamily(f, s.student.id);
    auto& d = *f.d;
    REQUIRE(d.click("##family.visit"));
    d.frame(2);
    REQUIRE_MESSAGE(d.exists("##visit.date"), d.describe());
    // The stored member's income and health are not offered for editing.
    CHECK(d.exists("##visit.member0.name"));
    CHECK_FALSE(d.exists("##visit.member0.income"));
    CHECK_FALSE(d.exists("##visit.member0.health"));
    CHECK(d.sawText("仅工作人员可见"));
    CHECK_FALSE(d.sawText("12345"));

    REQUIRE(d.typeInto("##visit.member0.birth_year", "1975"));
    REQUIRE(d.typeInto("##visit.visitors", "王同学（志愿者）"));
    REQUIRE(d.drag("##visit.sign_guardian", {{0.1f, 0.5f}, {0.3f, 0.2f}, {0.5f, 0.8f}, {0.8f, 0.3f}}));
    REQUIRE(d.click("##visit.save"));
    CHECK_MESSAGE(d.frameUntil([&] { return d.sawText("家访记录已保存"); }), f.shown());

    // What the volunteer changed is saved; the incomes and health staff recorded are not lost.
    auto h = f.store().get<Household>(s.household.id);
    REQUIRE(h.ok());
    CHECK((*h)->annualIncomeFen == 2'345'600);
    CHECK((*h)->priorityGroups == std::vector<std::string>{"低保"});
    auto members = f.store().list<HouseholdMember>("household_id", s.household.id);
    REQUIRE(members.ok());
    REQUIRE(members->size() == 1);
    CHECK(members->front().birthYear == 1975);
    CHECK(members->front().annualIncomeFen == 1'234'500);
    CHECK(members->front().health == "慢性病");
}

TEST_CASE("roles: a session of an account disabled on the server goes back to sign-in with the reason") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("admin", store::Role::Admin);
    f.signIn("admin");
    // The sync worker hands the server's list to accounts.db (as syncOnce does): wang arrives and
    // gets this device's data key while the administrator is signed in.
    store::ServerAccount wang = makeServerAccount("wang", "wang password 1");
    REQUIRE(f.client->accounts()->applyServerAccounts({wang}).ok());
    auto& d = *f.d;
    REQUIRE(d.click("##nav.sign_out"));
    d.frame(2);
    f.signIn("wang", "wang password 1");
    CHECK(f.client->store()->access() == store::Access::Staff);
    openFamily(f, s.student.id);
    CHECK(d.sawText("龚𪚥"));

    // The next list no longer has wang enabled: the session ends at the next frame.
    wang.disabled = true;
    auto applied = f.client->accounts()->applyServerAccounts({wang});
    REQUIRE(applied.ok());
    CHECK(applied->sessionLocked);
    d.frame(3);
    CHECK_FALSE(f.ctx().account.has_value());
    CHECK(f.ctx().screen == ui::ScreenId::SignIn);
    CHECK(f.client->store()->access() == store::Access::Locked);
    CHECK_MESSAGE(d.sawText("此账号已在服务器上被停用，本次登录已锁定。请换一个账号登录"), f.shown());
    CHECK_FALSE(d.sawText("龚𪚥"));

    // Signing in again as wang is refused with the reason, in Chinese.
    REQUIRE(d.typeInto("##signin.password", "wang password 1"));
    REQUIRE(d.click("##signin"));
    REQUIRE(d.frameUntil([&] { return d.sawText("账号 wang 已被管理员在服务器上停用，不能登录"); }));
    CHECK_FALSE(f.ctx().account.has_value());
}
