// After the loan, through the real screen: graduation confirmations due, repayments due this year,
// deferral and relief requests listed from the store; the March reminder list exported on the
// worker to a CSV that holds exactly the borrowers to remind (rare characters intact); volunteers
// see no phone numbers and cannot export.
#include "staff_fixture.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
int thisYear() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

Uuid addBorrower(StaffFixture& f, const char* name, const char* phone, int enrolled, LoanStatus status) {
    store::Actor who{"seed"};
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = name;
    s.phone = phone;
    s.township = "茅坪镇";
    s.village = "秭归村";
    s.university = "三峡大学";
    s.enrollmentYear = enrolled;
    s.programYears = 4;
    zhuxue::test::consentStudent(f.store(), s.county, s.id);
    REQUIRE(f.store().save(s, who).ok());
    LoanApplication a;
    a.id = newUuidV7();
    a.county = "420527";
    a.studentId = s.id;
    a.kind = ApplicationKind::FirstLoan;
    a.status = status;
    a.schoolYear = enrolled;
    a.amountFen = 800'000;
    REQUIRE(f.store().save(a, who).ok());
    return a.id;
}

void seed(StaffFixture& f) {
    int y = thisYear();
    addBorrower(f, "龚𪚥", "13800138001", y - 4, LoanStatus::InStudy);   // graduates this year
    addBorrower(f, "刘䶮", "13800138002", y - 1, LoanStatus::InStudy);   // still studying: not due
    addBorrower(f, "向秭归", "13800138003", y - 7, LoanStatus::Repaying); // repays this year
    Uuid app = addBorrower(f, "覃明", "13800138004", y - 6, LoanStatus::Grace);
    PostLoanEvent e;
    e.id = newUuidV7();
    e.county = "420527";
    e.applicationId = app;
    e.studentId = (*f.store().get<LoanApplication>(app))->studentId;
    e.kind = PostLoanKind::PrincipalDeferral;
    e.eventDate = "2026-03-02";
    e.note = "继续攻读硕士";
    REQUIRE(f.store().save(e, store::Actor{"seed"}).ok());
}

// A county with the four borrowers, someone signed in, the post-loan lists loaded.
void openLists(StaffFixture& f, const char* user, store::Role role) {
    seed(f);
    f.addAccount(user, role);
    f.signIn(user);
    REQUIRE(f.d->click("##home.post_loan"));
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##post.graduation.0"); }));
}
} // namespace

TEST_CASE("post-loan: lists and the reminder export") {
    StaffFixture f;
    openLists(f, "li", store::Role::Staff);
    auto& d = *f.d;
    CHECK(d.exists("龚𪚥"));
    CHECK_FALSE(d.exists("刘䶮"));
    CHECK(d.sawText("13800138001"));
    CHECK(d.exists("##post.repayment.1")); // 向秭归 and 覃明
    CHECK(d.exists("##post.deferral.0"));
    CHECK(d.sawText("2026-03-02 继续攻读硕士"));

    std::filesystem::path out = f.dir / "提示名单";
    REQUIRE(d.click("##post.csv"));
    REQUIRE(d.typeInto("##post.path", out.string()));
    REQUIRE(d.click("##post.export"));
    REQUIRE(d.frameUntil([&] { return d.sawText("已导出 3 人"); }));
    std::ifstream in(out.string() + ".csv", std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string csv = ss.str();
    CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0); // Excel/WPS read the BOM as UTF-8
    CHECK(csv.find("龚𪚥") != std::string::npos);
    CHECK(csv.find("13800138001") != std::string::npos);
    CHECK(csv.find("向秭归") != std::string::npos);
    CHECK(csv.find("覃明") != std::string::npos);
    CHECK(csv.find("刘䶮") == std::string::npos);
    CHECK(csv.find("毕业确认") != std::string::npos);
    // The export is in the audit trail with who took it.
    auto trail = f.store().auditTrail(0, 1000);
    REQUIRE(trail.ok());
    bool audited = false;
    for (const auto& e : *trail)
        audited |= e.action == "export" && e.user == "li";
    CHECK(audited);

    // Clicking a name opens the family page.
    REQUIRE(d.click("龚𪚥"));
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Family);
    // The family page says what is due: her graduation confirmation this year.
    d.frame(2);
    CHECK_MESSAGE(d.sawText(std::to_string(thisYear()) + " 年毕业：请登录学生在线服务系统完成毕业确认"),
                  f.shown());
    CHECK_FALSE(d.sawText("今年应还款："));
}

TEST_CASE("post-loan: a family page shows the repayment due and the deferral asked for") {
    StaffFixture f;
    openLists(f, "li", store::Role::Staff);
    auto& d = *f.d;
    // 覃明 borrowed twice (each school year's loan is its own application).
    std::optional<LoanApplication> first;
    REQUIRE(f.store().forEach<LoanApplication>([&](const LoanApplication& a) {
        if (a.status == LoanStatus::Grace)
            first = a;
        return true;
    }).ok());
    REQUIRE(first);
    LoanApplication second = *first;
    second.id = newUuidV7();
    second.kind = ApplicationKind::Renewal;
    second.schoolYear += 1;
    REQUIRE(f.store().save(second, store::Actor{"seed"}).ok());
    ++f.ctx().dataVersion; // the lists read the store again
    REQUIRE(d.frameUntil([&] { return d.exists("##post.repayment.1"); }));
    d.frame(4);
    // One row per borrower (向秭归 and 覃明), not one per yearly loan.
    CHECK_FALSE(d.exists("##post.repayment.2"));
    REQUIRE(d.click("覃明"));
    d.frame(2);
    REQUIRE(f.ctx().screen == ui::ScreenId::Family);
    CHECK_MESSAGE(d.sawText("今年应还款：请在 12 月 20 日前存足今年应还本息"), f.shown());
    // A second loan of the same family does not say it twice.
    auto shown = d.shownText();
    CHECK(std::count_if(shown.begin(), shown.end(),
                        [](const std::string& t) { return t.find("今年应还款：") != std::string::npos; }) == 1);
    CHECK(d.sawText("2026-03-02 本金延期 继续攻读硕士"));
    CHECK_FALSE(d.sawText("年毕业："));
}

TEST_CASE("post-loan: volunteers see no phone numbers and cannot export") {
    StaffFixture f;
    openLists(f, "wang", store::Role::Volunteer);
    auto& d = *f.d;
    CHECK_FALSE(d.sawText("13800138001"));
    // The button is there but disabled, with the store's reason beside it; clicking does nothing.
    REQUIRE(d.exists("##post.export"));
    CHECK(d.sawText("志愿者账号不能导出名单：需要工作人员或管理员账号"));
    REQUIRE(d.click("##post.export"));
    d.frame(5);
    CHECK_FALSE(std::filesystem::exists(f.dir.path() / "exports"));
    auto trail = f.store().auditTrail(0, 10000);
    REQUIRE(trail.ok());
    for (const auto& e : *trail)
        CHECK(e.action != "export");
}
