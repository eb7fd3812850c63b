// The loan calculator on its own: from the fees it advises an amount and the longest term, the
// schedule follows the policy in force (the same figures the loan calculator library gives), and
// an amount above the cap is refused with the reason instead of a schedule.
#include "client/app/policy_files.hpp"
#include "staff_fixture.hpp"

#include <ctime>

using namespace zhuxue;
using namespace zhuxue::test;

TEST_CASE("calculator: advice from fees, schedule and totals, cap refused") {
    StaffFixture f;
    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    auto& d = *f.d;
    REQUIRE(d.click("##home.calculator"));
    REQUIRE_MESSAGE(d.exists("##calc.amount"), d.describe());
    CHECK(d.sawText("2.80%"));

    REQUIRE(d.typeInto("##calc.years", "4"));
    REQUIRE(d.typeInto("##calc.tuition", "5000"));
    REQUIRE(d.typeInto("##calc.accommodation", "1200"));
    d.frame();
    REQUIRE(d.click("##calc.use_advice"));
    d.frame(2);

    // The same schedule, computed here from the library and the policy files.
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    core::Date now{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    auto policies = app::loadPolicies(assetsDir());
    REQUIRE(policies.ok());
    auto rules = policies->rulesFor(core::schoolYearOfSigning(now), now);
    REQUIRE(rules.ok());
    CHECK(d.sawText(core::ratePercentText(rules->rate.annualRateBp)));
    core::Date first = core::Date::fromDayNumber(now.dayNumber() + 30);
    auto terms = core::loanTermsFromPolicy(*rules->signingPolicy, rules->rate,
                                           core::yearlyDisbursements(first, std::vector<Fen>(4, 620'000)), now, 19,
                                           *core::Date::make(now.year + 4, 6, 30), rules->signingPolicy->graceYears);
    auto expected = core::computeSchedule(terms);
    REQUIRE(expected.ok());
    auto money = [](Fen v) { return core::formatMoney(v, {.currencySign = true}); };
    CHECK_MESSAGE(d.sawText(money(2'480'000)), f.shown()); // 4 x 6,200
    CHECK(d.sawText(money(expected->totalGovernmentInterest)));
    CHECK(d.sawText(money(expected->totalStudentPays)));
    CHECK(d.sawText(expected->termEnd.iso()));
    CHECK(expected->totalGovernmentInterest > 0);

    // Grace years are the borrower's choice (issue #20): two instead of the policy's five bring
    // the first principal year forward; more than the policy allows is refused.
    REQUIRE(d.typeInto("##calc.grace", "2"));
    d.frame(2);
    auto twoGrace = core::computeSchedule(core::loanTermsFromPolicy(
        *rules->signingPolicy, rules->rate, core::yearlyDisbursements(first, std::vector<Fen>(4, 620'000)), now, 19,
        *core::Date::make(now.year + 4, 6, 30), 2));
    REQUIRE(twoGrace.ok());
    CHECK(twoGrace->firstPrincipalYear == now.year + 4 + 2);
    CHECK_MESSAGE(d.sawText(money(twoGrace->totalStudentPays)), f.shown());
    REQUIRE(d.typeInto("##calc.grace", std::to_string(rules->signingPolicy->graceYears + 1)));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("可以选 0 到 " + std::to_string(rules->signingPolicy->graceYears) + " 年"), f.shown());
    CHECK_FALSE(d.sawText(money(twoGrace->totalStudentPays)));
    REQUIRE(d.typeInto("##calc.grace", std::to_string(rules->signingPolicy->graceYears)));
    d.frame(2);
    CHECK(d.sawText(money(expected->totalStudentPays)));

    // Above the undergraduate cap: the reason, no schedule.
    REQUIRE(d.typeInto("##calc.amount", "25000"));
    d.frame(2);
    CHECK_FALSE(d.sawText(expected->termEnd.iso()));
    CHECK(d.sawText("填写每年贷款金额后显示还款计划"));
    // A postgraduate may borrow it.
    REQUIRE(d.click("##calc.postgraduate"));
    d.frame(2);
    CHECK(d.sawText(money(10'000'000))); // 4 x 25,000

    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}
