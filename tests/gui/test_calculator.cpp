// The loan calculator on its own: from the fees it advises an amount and the longest term, the
// schedule follows the policy in force on the signing date, and an amount above the cap is
// refused with the reason instead of a schedule. The expected plan is worked out by hand below
// for a fixed signing date, not by the calculator library the screen uses.
#include "staff_fixture.hpp"
#include "tests/support/xvfb.hpp"

#include <cstdlib>
#include <ctime>

using namespace zhuxue;
using namespace zhuxue::test;

// The plan for an undergraduate with 4 years left, tuition ¥5,000 + accommodation ¥1,200 a year,
// signing on 2025-08-20 (policy "2025": 5-year LPR 3.50% − 70 bp = 2.80%, basis 360 days, state
// pays the interest until 1 Sept of the graduation year, 5 grace years, term 4 + 15 = 19 years,
// due date 20 Dec). Interest of a period = Σ balance × days × 2.80% / 360, rounded to the fen.
//   advice: 5,000 + 1,200 = ¥6,200 a year (a multiple of ¥100), 19 years; 4 × 6,200 = ¥24,800
//   payments 2025-09-19 (signing + 30 days), 2026-09-19, 2027-09-19, 2028-09-19;
//   graduation 2029-06-30 (4 years on, 30 June), subsidy ends 2029-09-01, term ends 2044-08-20,
//   principal from 2029 + 5 = 2034 to the last due date in the term, 2043: 10 × ¥2,480.
//   state:  2025: 6,200 × 92 d                      → ¥44.36
//           2026: 6,200 × 273 d + 12,400 × 92 d     → ¥220.38
//           2027: 12,400 × 273 d + 18,600 × 92 d    → ¥396.39
//           2028: 18,600 × 274 d + 24,800 × 92 d    → ¥573.84   (29 Feb 2028)
//           2029: 24,800 × 255 d (to 1 Sept)        → ¥491.87
//           total ¥1,726.84
//   student: 2029: 24,800 × 110 d → ¥212.18; 2030, 2031, 2033: 24,800 × 365 d → ¥704.04 each;
//           2032: 24,800 × 366 d → ¥705.97; then on the balance before each repayment:
//           2034 24,800 × 365 → 704.04, 2035 22,320 × 365 → 633.64, 2036 19,840 × 366 → 564.78,
//           2037 17,360 × 365 → 492.83, 2038 14,880 × 365 → 422.43, 2039 12,400 × 365 → 352.02,
//           2040 9,920 × 366 → 282.39, 2041 7,440 × 365 → 211.21, 2042 4,960 × 365 → 140.81,
//           2043 2,480 × 365 → 70.40; total interest ¥6,904.82, the student pays ¥31,704.82.
TEST_CASE("calculator: advice from fees, schedule and totals, cap refused") {
    StaffFixture f;
    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    auto& d = *f.d;
    REQUIRE(d.click("##home.calculator"));
    REQUIRE_MESSAGE(d.exists("##calc.amount"), d.describe());

    REQUIRE(d.typeInto("##calc.signing", "2025-08-20"));
    REQUIRE(d.typeInto("##calc.years", "4"));
    REQUIRE(d.typeInto("##calc.tuition", "5000"));
    REQUIRE(d.typeInto("##calc.accommodation", "1200"));
    d.frame();
    CHECK(d.sawText("2.80%"));
    REQUIRE(d.click("##calc.use_advice"));
    d.frame(2);

    CHECK_MESSAGE(d.sawText("¥24,800.00"), f.shown()); // principal, 4 × 6,200
    CHECK(d.sawText("¥1,726.84"));                     // the state's interest
    CHECK(d.sawText("¥6,904.82"));                     // the student's interest
    CHECK(d.sawText("¥31,704.82"));                    // what the student pays in all
    CHECK(d.sawText("2044-08-20"));                    // the contract ends
    CHECK(d.sawText("2029-09-01"));                    // the state pays until
    for (const char* row : {"¥44.36", "¥220.38", "¥396.39", "¥573.84", "¥491.87", "¥212.18", "¥705.97",
                            "¥633.64", "¥564.78", "¥70.40", "¥2,480.00"})
        CHECK_MESSAGE(d.sawText(row), row);

    // Grace years are the borrower's choice (issue #20): two instead of the policy's five bring
    // the first principal year forward (2031 instead of 2034), so the ten equal ¥2,480 years and
    // the totals above are gone; more than the policy allows is refused; five gives them back.
    REQUIRE(d.typeInto("##calc.grace", "2"));
    d.frame(2);
    CHECK_FALSE(d.sawText("¥31,704.82"));
    CHECK_FALSE(d.sawText("¥2,480.00"));
    CHECK_MESSAGE(d.sawText("2044-08-20"), f.shown()); // the term is the same 19 years
    REQUIRE(d.typeInto("##calc.grace", "6"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("可以选 0 到 5 年"), f.shown());
    REQUIRE(d.typeInto("##calc.grace", "5"));
    d.frame(2);
    CHECK(d.sawText("¥31,704.82"));

    // Above the undergraduate cap: the reason, no schedule.
    REQUIRE(d.typeInto("##calc.amount", "25000"));
    d.frame(2);
    CHECK_FALSE(d.sawText("2044-08-20"));
    CHECK(d.sawText("填写每年贷款金额后显示还款计划"));
    // A postgraduate may borrow it.
    REQUIRE(d.click("##calc.postgraduate"));
    d.frame(2);
    CHECK(d.sawText("¥100,000.00")); // 4 x 25,000
    // 高职（专科）, offered as on the loan form (issue #21 point 12), has the undergraduate cap.
    REQUIRE(d.click("##calc.vocational"));
    d.frame(2);
    CHECK_FALSE(d.sawText("¥100,000.00"));
    CHECK(d.sawText("填写每年贷款金额后显示还款计划"));
    REQUIRE(d.click("##calc.postgraduate"));
    d.frame(2);
    CHECK(d.sawText("¥100,000.00"));

    // A date that is not one is named, and no plan is shown.
    REQUIRE(d.typeInto("##calc.signing", "2025-02-30"));
    d.frame(2);
    CHECK_FALSE(d.sawText("¥100,000.00"));
    CHECK_MESSAGE(d.sawText("“2025-02-30”不是有效日期"), f.shown());

    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}

// A contract signed in 2023 follows the LPR each 1 January (issue #20 point 7). Worked by hand:
// signed 2023-08-20 under the 2023 rules, LPR 4.20% − 60 bp = 3.60%; 1 year left, graduation
// 2024-06-30; ¥10,000 lent 2023-09-19 (signing + 30 days); no grace; term 4 years (ends
// 2027-08-20, last due date 2026-12-20), so principal 2024-2026 in thirds. Rates on 1 January:
// 2024 LPR 4.20% → 3.60%; 2025 LPR 3.60% (2024-10-21) → 3.00%; 2026 LPR 3.50% (2025-05-20) →
// 2.90%. Interest = balance × Σ(days × rate) / 360, in fen, rounded once per year and payer:
//   2023 state:   1,000,000 × 92 d × 3.60%                          → ¥92.00
//   2024 state:   1,000,000 × 256 d × 3.60% → ¥256.00; student 110 d → ¥110.00
//   2025 student: 666,667 × (12 d × 3.60% + 353 d × 3.00%)          → ¥204.11 (¥243.33 unrepriced)
//   2026 student: 333,334 × (12 d × 3.00% + 353 d × 2.90%)          → ¥98.12  (¥121.67 unrepriced)
//   student interest ¥412.23, the student pays ¥10,412.23; the state ¥348.00.
namespace {
// The plan worked by hand above, typed into the calculator from the home screen.
void fillRepricedPlan(app::driver::Driver& d) {
    REQUIRE(d.click("##home.calculator"));
    REQUIRE(d.typeInto("##calc.signing", "2023-08-20"));
    REQUIRE(d.typeInto("##calc.years", "1"));
    REQUIRE(d.typeInto("##calc.amount", "10000"));
    REQUIRE(d.typeInto("##calc.grace", "0"));
    REQUIRE(d.typeInto("##calc.term", "4"));
    d.frame(2);
}
} // namespace

TEST_CASE("calculator: a 2023 contract repriced each 1 January by the LPR") {
    StaffFixture f;
    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    auto& d = *f.d;
    fillRepricedPlan(d);
    CHECK_MESSAGE(d.sawText("¥412.23"), f.shown());
    CHECK(d.sawText("¥10,412.23"));
    CHECK(d.sawText("¥348.00"));
    for (const char* row : {"¥92.00", "¥256.00", "¥110.00", "¥204.11", "¥98.12", "¥3,333.34", "3.60%", "3.00%", "2.90%"})
        CHECK_MESSAGE(d.sawText(row), row);
    CHECK_FALSE(d.sawText("¥243.33"));
    CHECK(d.sawText("利率每年 1 月 1 日重新确定：当天的LPR减 0.6 个百分点。"));
    CHECK_FALSE(d.sawText("约 2.90%")); // every year of this plan has a known base

    // Signed today, the years from next 1 January are estimates at today's base, and say so
    // (today's base is the newest row of base_rates.json: LPR 3.50% since 2025-05-20).
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char today[16];
    std::strftime(today, sizeof today, "%Y-%m-%d", &local);
    REQUIRE(d.typeInto("##calc.signing", today));
    REQUIRE(d.typeInto("##calc.years", "4"));
    REQUIRE(d.typeInto("##calc.term", "19"));
    REQUIRE(d.typeInto("##calc.grace", "5"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("约 2.80%"), f.shown());
    CHECK(d.sawText("标“约”的利率按现在的LPR 3.50% 估算"));
}

TEST_CASE("calculator: the repriced plan on a 1366x768 screen, in Chinese, large text and English") {
    Xvfb x(1366, 768);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    for (const char* lang : {"zh-CN", "en"}) {
        StaffFixture f(lang, true, 1366, 768);
        f.addAccount("wang", store::Role::Volunteer);
        f.signIn("wang");
        auto& d = *f.d;
        fillRepricedPlan(d);
        const bool en = std::string(lang) == "en";
        CHECK_MESSAGE(d.sawText(en ? "The rate is set again each 1 January: the LPR of that day minus 0.6 percentage points."
                                   : "利率每年 1 月 1 日重新确定：当天的LPR减 0.6 个百分点。"),
                      f.shown());
        CHECK(d.sawText("¥204.11"));
        f.screenshot(en ? "gui_calculator_repriced_en" : "gui_calculator_repriced");
        if (!en) {
            f.app->settings().largeText = true;
            f.app->applyTextSize();
            d.frame(3);
            CHECK(d.sawText("¥204.11"));
            f.screenshot("gui_calculator_repriced_large");
        }
    }
}
