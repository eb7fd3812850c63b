// The repayment schedule: state-paid interest while studying, interest-only grace years, equal
// principal repayments each 20 Dec; totals checked by hand (arithmetic in the comments).
#include "client/core/loan_calculator.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "tests/support/shipped_policies.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace zhuxue::core;

namespace {
const PolicySet& shipped() { return zhuxue::test::shippedPolicySet(); }

// The rules of a loan for `schoolYear` signed on `signing` (caps by the year, rate by the day).
LoanRules rules(int schoolYear, Date signing) {
    auto r = shipped().rulesFor(schoolYear, signing);
    REQUIRE(r.ok());
    return *r;
}
} // namespace

TEST_CASE("a small loan checked by hand: 1 bp a day makes the arithmetic visible") {
    // ¥10,000 lent 2024-12-20 at 3.60% on a 360-day basis: interest = balance × days / 10,000.
    LoanTerms t;
    t.disbursements = {{{2024, 12, 20}, yuan(10000)}};
    t.signingDate = {2024, 12, 20};
    t.termYears = 4; // term ends 2028-12-20, itself a due date
    t.graduationDate = {2025, 6, 30};
    t.annualRateBp = 360;
    t.graceYears = 1; // principal from 2026
    auto s = computeSchedule(t);
    REQUIRE(s.ok());
    REQUIRE(s->years.size() == 4);
    const auto& y = s->years;

    // 2025: 2024-12-20 → 2025-09-01 is 255 days paid by the state: 1,000,000 × 255 / 10,000.
    //       2025-09-01 → 2025-12-20 is 110 days paid by the student.
    CHECK(y[0].year == 2025);
    CHECK(y[0].phase == SchedulePhase::Graduation);
    CHECK(y[0].days == 365);
    CHECK(y[0].governmentInterest == 25500);
    CHECK(y[0].studentInterest == 11000);
    CHECK(y[0].principal == 0);
    // 2026: 365 days on ¥10,000 = 36,500 fen; a third of the principal (333,333 fen).
    CHECK(y[1].phase == SchedulePhase::Repayment);
    CHECK(y[1].studentInterest == 36500);
    CHECK(y[1].principal == 333333);
    // 2027: 666,667 × 365 / 10,000 = 24,333.35 → 24,333.
    CHECK(y[2].studentInterest == 24333);
    CHECK(y[2].principal == 333333);
    // 2028: leap year, 366 days: 333,334 × 366 / 10,000 = 12,200.02 → 12,200; last instalment
    // takes the remainder fen.
    CHECK(y[3].days == 366);
    CHECK(y[3].studentInterest == 12200);
    CHECK(y[3].principal == 333334);
    CHECK(y[3].balanceEnd == 0);

    CHECK(s->totalPrincipal == yuan(10000));
    CHECK(s->totalGovernmentInterest == 25500);
    CHECK(s->totalStudentInterest == 11000 + 36500 + 24333 + 12200);
    CHECK(s->totalStudentPays == 1000000 + 84033);
    CHECK(s->method == RepaymentMethod::EqualPrincipal);
}

TEST_CASE("a 4-year freshman signed 2025-08-20: 19-year term, 5 grace years, 2.80%") {
    // 2024 rules (LPR − 70 bp); the 5-year LPR on 2025-08-20 is 3.50% (since 2025-05-20).
    const LoanRules r = rules(2025, {2025, 8, 20});
    // ¥10,000 each 20 Oct 2025-2028, graduation 30 June 2029, signed 20 Aug 2025.
    auto terms = loanTermsFromPolicy(
        *r.signingPolicy, r.rate, yearlyDisbursements({2025, 10, 20}, std::vector<Fen>(4, yuan(10000))),
        {2025, 8, 20}, 19, {2029, 6, 30}, r.signingPolicy->graceYears);
    CHECK(terms.annualRateBp == 280);
    CHECK(terms.graceYears == 5);
    auto s = computeSchedule(terms);
    REQUIRE(s.ok());
    // Term ends 2044-08-20; the last 20 Dec within it is 2043. Principal from 2029 + 5 = 2034.
    CHECK(s->termEnd == Date{2044, 8, 20});
    CHECK(s->firstPrincipalYear == 2034);
    REQUIRE(s->years.size() == 19); // 2025 … 2043
    CHECK(s->years.front().dueDate == Date{2025, 12, 20});
    CHECK(s->years.back().dueDate == Date{2043, 12, 20});

    // State interest, balance × days × 280 / 3,600,000, rounded half-up per year:
    //   2025: 1,000,000 × 61                          → 4,744.44  → 4,744
    //   2026: 1,000,000 × 304 + 2,000,000 × 61        → 33,133.33 → 33,133
    //   2027: 2,000,000 × 304 + 3,000,000 × 61        → 61,522.22 → 61,522
    //   2028: 3,000,000 × 305 + 4,000,000 × 61 (leap) → 90,144.44 → 90,144
    //   2029: 4,000,000 × 255 (to 1 Sept)             → 79,333.33 → 79,333
    const Fen state[] = {4744, 33133, 61522, 90144, 79333};
    for (int i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(s->years[i].governmentInterest == state[i]);
    }
    CHECK(s->totalGovernmentInterest == 268876);
    CHECK(s->years[4].phase == SchedulePhase::Graduation);
    // 2029 from 1 Sept: 4,000,000 × 110 × 280 / 3,600,000 = 34,222.22 → 34,222 by the student.
    CHECK(s->years[4].studentInterest == 34222);
    // Grace years 2030-2033: interest only, 4,000,000 × 365 → 113,555.56 → 113,556 (2032: 366
    // days → 113,866.67 → 113,867).
    for (int i = 5; i < 9; ++i) {
        CHECK(s->years[i].phase == SchedulePhase::Grace);
        CHECK(s->years[i].principal == 0);
        CHECK(s->years[i].governmentInterest == 0);
    }
    CHECK(s->years[5].studentInterest == 113556);
    CHECK(s->years[7].studentInterest == 113867);
    // Ten equal instalments of ¥4,000; the last year's interest is 400,000 × 365 → 11,355.56.
    for (int i = 9; i < 19; ++i) {
        CHECK(s->years[i].phase == SchedulePhase::Repayment);
        CHECK(s->years[i].principal == yuan(4000));
    }
    CHECK(s->years.back().studentInterest == 11356);
    CHECK(s->years.back().balanceEnd == 0);
    // Total student interest, summing the 15 student rows (each rounded as above).
    CHECK(s->totalStudentInterest == 1113687);
    CHECK(s->totalStudentPays == yuan(40000) + 1113687);
}

TEST_CASE("issue #20's worked examples: a plan signed 2019-08-20 at 4.90%, one signed 2024-11-05 at 2.90%") {
    // Signed 2019-08-20 for autumn 2019: 2015 rules (grace 3, term + 13 up to 20), PBoC
    // benchmark 4.90% (since 2015-10-24), no spread. ¥8,000 (the 2014 cap) lent 2019-10-20.
    const LoanRules r2019 = rules(2019, {2019, 8, 20});
    auto t2019 = loanTermsFromPolicy(*r2019.signingPolicy, r2019.rate,
                                     yearlyDisbursements({2019, 10, 20}, std::vector<Fen>(4, yuan(8000))),
                                     {2019, 8, 20}, 17, {2023, 6, 30}, r2019.signingPolicy->graceYears);
    CHECK(t2019.annualRateBp == 490);
    CHECK(t2019.graceYears == 3);
    auto s2019 = computeSchedule(t2019);
    REQUIRE(s2019.ok());
    // 2019: 800,000 × 61 days (20 Oct → 20 Dec) × 490 / 3,600,000 = 6,642.22 → 6,642, by the state.
    CHECK(s2019->years[0].governmentInterest == 6642);
    CHECK(s2019->firstPrincipalYear == 2026); // graduation 2023 + 3 grace years
    // Signed 2024-11-05 for autumn 2024: 2024 rules, LPR 3.60% (2024-10-21) − 70 bp = 2.90%.
    // ¥20,000 lent 2024-12-05.
    const LoanRules r2024 = rules(2024, {2024, 11, 5});
    auto t2024 = loanTermsFromPolicy(*r2024.signingPolicy, r2024.rate,
                                     yearlyDisbursements({2024, 12, 5}, std::vector<Fen>(4, yuan(20000))),
                                     {2024, 11, 5}, 19, {2028, 6, 30}, r2024.signingPolicy->graceYears);
    CHECK(t2024.annualRateBp == 290);
    CHECK(t2024.graceYears == 5);
    auto s2024 = computeSchedule(t2024);
    REQUIRE(s2024.ok());
    // 2024: 2,000,000 × 15 days (5 Dec → 20 Dec) × 290 / 3,600,000 = 2,416.67 → 2,417.
    CHECK(s2024->years[0].governmentInterest == 2417);
}

TEST_CASE("grace years are the borrower's choice; the term check and the plan agree") {
    // 2024 rules (grace up to 5), signed 2025-08-20, 4 study years left, graduation 2029-06-30.
    const LoanRules r = rules(2025, {2025, 8, 20});
    auto plan = [&](int term, int grace) {
        return computeSchedule(loanTermsFromPolicy(
            *r.signingPolicy, r.rate, yearlyDisbursements({2025, 10, 20}, std::vector<Fen>(4, yuan(10000))),
            {2025, 8, 20}, term, {2029, 6, 30}, grace));
    };
    // Full grace: principal from 2029 + 5 = 2034; two grace years: from 2031.
    CHECK(plan(19, 5)->firstPrincipalYear == 2034);
    auto two = plan(19, 2);
    REQUIRE(two.ok());
    CHECK(two->firstPrincipalYear == 2031);
    int graceRows = 0;
    for (const auto& y : two->years)
        graceRows += y.phase == SchedulePhase::Grace;
    CHECK(graceRows == 1); // 2030; 2029 is the graduation year
    CHECK(plan(19, 0)->firstPrincipalYear == 2029);
    // The shortest term the check accepts (4 + 5 + 1 = 10) is the shortest the plan can repay
    // in; one year less has no repayment year left.
    CHECK(checkLoanTerm(10, 4, 5, r.signingPolicy->term).empty());
    CHECK(plan(10, 5).ok());
    CHECK(checkLoanTerm(9, 4, 5, r.signingPolicy->term).has("validation.loan.term_too_short"));
    CHECK(plan(9, 5).error().key == "loan_calculator.term_too_short");
    CHECK(checkLoanTerm(7, 4, 2, r.signingPolicy->term).empty());
    CHECK(plan(7, 2).ok());
    CHECK(plan(6, 2).error().key == "loan_calculator.term_too_short");
}

TEST_CASE("the schedule refuses what cannot be a loan") {
    LoanTerms t;
    t.signingDate = {2024, 8, 1};
    t.termYears = 19;
    t.graduationDate = {2028, 6, 30};
    t.annualRateBp = 280;
    t.graceYears = 5;
    CHECK(computeSchedule(t).error().key == "loan_calculator.no_disbursement");
    t.disbursements = {{{2024, 10, 1}, 0}};
    CHECK(computeSchedule(t).error().key == "loan_calculator.bad_amount");
    t.disbursements = {{{2028, 10, 1}, yuan(1000)}};
    CHECK(computeSchedule(t).error().key == "loan_calculator.order");
    t.disbursements = {{{2025, 10, 1}, yuan(1000)}, {{2024, 10, 1}, yuan(1000)}};
    CHECK(computeSchedule(t).error().key == "loan_calculator.order");
    t.disbursements = {{{2024, 10, 1}, yuan(1000)}};
    t.termYears = 8; // ends 2032-08-01, before the first principal due date (2033)
    CHECK(computeSchedule(t).error().key == "loan_calculator.term_too_short");
    t.termYears = 19;
    t.annualRateBp = 0;
    CHECK(computeSchedule(t).error().key == "loan_calculator.bad_terms");
}

TEST_CASE("graduation-year principal when there is no grace period") {
    LoanTerms t;
    t.disbursements = {{{2024, 12, 20}, yuan(3000)}};
    t.signingDate = {2024, 12, 20};
    t.termYears = 3;
    t.graduationDate = {2025, 6, 30};
    t.annualRateBp = 360;
    t.graceYears = 0;
    auto s = computeSchedule(t);
    REQUIRE(s.ok());
    REQUIRE(s->years.size() == 3); // 2025, 2026, 2027
    CHECK(s->years[0].phase == SchedulePhase::Repayment);
    CHECK(s->years[0].principal == yuan(1000));
    CHECK(s->totalPrincipal == yuan(3000));
    Fen repaid = 0;
    for (auto& y : s->years)
        repaid += y.principal;
    CHECK(repaid == yuan(3000));
}

TEST_CASE("advice of amount and term from tuition and accommodation") {
    const LoanRules p2024 = rules(2024, {2024, 8, 20});
    // ¥5,800 tuition + ¥1,250 accommodation = ¥7,050 → rounded up to ¥7,100.
    auto a = adviseLoan(yuan(5800), yuan(1250), 4, StudentLevel::Undergraduate, p2024);
    CHECK(a.need == yuan(7050));
    CHECK(a.amount == yuan(7100));
    CHECK(a.termYears == 19);
    CHECK_FALSE(a.capped);
    // Medicine, expensive: capped at ¥20,000, the rest uncovered.
    auto m = adviseLoan(yuan(19000), yuan(1500), 5, StudentLevel::Undergraduate, p2024);
    CHECK(m.amount == yuan(20000));
    CHECK(m.capped);
    CHECK(m.uncovered == yuan(500));
    CHECK(m.termYears == 20);
    // The same fees under the 2023 policy meet the lower cap.
    CHECK(adviseLoan(yuan(19000), yuan(1500), 5, StudentLevel::Undergraduate, rules(2023, {2023, 8, 20}))
              .amount == yuan(16000));
    // A postgraduate in an 8-year programme: the 22-year cap.
    auto pg = adviseLoan(yuan(24000), yuan(1200), 8, StudentLevel::Postgraduate, p2024);
    CHECK(pg.amount == yuan(25000));
    CHECK(pg.termYears == 22);
    // Small fees are raised to the minimum; none means no loan.
    auto small = adviseLoan(yuan(600), 0, 3, StudentLevel::Undergraduate, p2024);
    CHECK(small.amount == yuan(1000));
    CHECK(small.raisedToMinimum);
    CHECK(adviseLoan(0, 0, 4, StudentLevel::Undergraduate, p2024).amount == 0);
    // The advice in words, in both languages, with every placeholder filled.
    static const zhuxue::Catalog zh = *zhuxue::loadCatalog(zhuxue::assetsDir(), "zh-CN");
    static const zhuxue::Catalog en = *zhuxue::loadCatalog(zhuxue::assetsDir(), "en");
    auto notes = adviceNotes(m, StudentLevel::Undergraduate, p2024);
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].key == "loan_calculator.advice.capped");
    CHECK(zh.format(notes[0]).find("20,500") != std::string::npos);
    CHECK(zh.format(notes[1]).find("20 年") != std::string::npos);
    for (const auto& n : notes) {
        CHECK(zh.format(n).find('{') == std::string::npos);
        CHECK(en.format(n).find('{') == std::string::npos);
    }
    CHECK(adviceNotes(small, StudentLevel::Undergraduate, p2024)[0].key ==
          "loan_calculator.advice.raised_to_minimum");
    for (auto phase : {SchedulePhase::Study, SchedulePhase::Graduation, SchedulePhase::Grace,
                       SchedulePhase::Repayment})
        CHECK(zh.has(schedulePhaseKey(phase)));
    CHECK(en.has(repaymentMethodKey(RepaymentMethod::EqualPrincipal)));
    // The advised amount always passes the amount check.
    CHECK(checkLoanAmount(a.amount, p2024.limits(StudentLevel::Undergraduate)).empty());
}

TEST_CASE("repricing each 1 January: a 2023 contract follows the LPR, later years at the known base") {
    // Signed 2023-08-20 under the 2023 rules: LPR 4.20% (since 2023-06-20) − 60 bp = 3.60%.
    // ¥10,000 lent 2023-10-20, graduation 2024-06-30, no grace chosen, term 4 years (ends
    // 2027-08-20, last due date 2026-12-20): principal 2024, 2025, 2026 in thirds.
    // The plan is made on 2025-06-01, when the 5-year LPR is 3.50% (since 2025-05-20).
    const LoanRules r = rules(2023, {2023, 8, 20});
    REQUIRE(r.rate.annualRateBp == 360);
    auto plain = loanTermsFromPolicy(*r.signingPolicy, r.rate, {{{2023, 10, 20}, yuan(10000)}}, {2023, 8, 20}, 4,
                                     {2024, 6, 30}, 0);
    auto terms = withRepricings(plain, shipped(), r.rate, {2025, 6, 1});
    REQUIRE(terms.ok());
    // The rate on each 1 January is the LPR in force that day − 60 bp:
    //   2024-01-01: LPR 4.20% → 3.60%, unchanged, no step;
    //   2025-01-01: LPR 3.60% (since 2024-10-21) → 3.00%;
    //   2026-01-01: after 2025-06-01, so the LPR known then, 3.50% → 2.90%, projected.
    REQUIRE(terms->repricings.size() == 2);
    CHECK(terms->repricings[0].from == Date{2025, 1, 1});
    CHECK(terms->repricings[0].annualRateBp == 300);
    CHECK_FALSE(terms->repricings[0].projected);
    CHECK(terms->repricings[1].from == Date{2026, 1, 1});
    CHECK(terms->repricings[1].annualRateBp == 290);
    CHECK(terms->repricings[1].projected);

    auto s = computeSchedule(*terms);
    REQUIRE(s.ok());
    CHECK(s->repriced);
    REQUIRE(s->years.size() == 4);
    const auto& y = s->years;
    // Interest = balance × Σ(days × rate bp) / (10,000 × 360).
    // 2023: 20 Oct → 20 Dec, 61 days at 360, paid by the state: 1,000,000 × 61 × 360 / 3,600,000.
    CHECK(y[0].governmentInterest == 6100);
    CHECK(y[0].rateBp == 360);
    // 2024: 20 Dec 2023 → 1 Sept 2024 is 256 days (state), 1 Sept → 20 Dec is 110 (student), all
    // at 3.60%: 25,600 and 11,000; a third of the principal.
    CHECK(y[1].governmentInterest == 25600);
    CHECK(y[1].studentInterest == 11000);
    CHECK(y[1].principal == 333333);
    CHECK(y[1].rateBp == 360);
    // 2025: 666,667 × (12 days × 360 + 353 days × 300) / 3,600,000
    //     = 666,667 × 110,220 / 3,600,000 = 20,411.12 → 20,411 (24,333 at a fixed 3.60%).
    CHECK(y[2].studentInterest == 20411);
    CHECK(y[2].rateBp == 300);
    CHECK_FALSE(y[2].rateProjected);
    // 2026: 333,334 × (12 × 300 + 353 × 290) / 3,600,000 = 333,334 × 105,970 / 3,600,000
    //     = 9,812.06 → 9,812, at the projected 2.90%; the last instalment takes the remainder.
    CHECK(y[3].studentInterest == 9812);
    CHECK(y[3].rateBp == 290);
    CHECK(y[3].rateProjected);
    CHECK(y[3].principal == 333334);
    CHECK(y[3].balanceEnd == 0);
    CHECK(s->totalStudentInterest == 11000 + 20411 + 9812);

    // The same plan made on 2026-12-07 knows the 2026 base: 2026-01-01 is no longer projected;
    // 2027-01-01 (the term ends 2027-08-20) is, at the same 2.90%, so the plan can say from when
    // its figures are estimates.
    auto later = withRepricings(plain, shipped(), r.rate, {2026, 12, 7});
    REQUIRE(later.ok());
    REQUIRE(later->repricings.size() == 3);
    CHECK_FALSE(later->repricings[1].projected);
    CHECK(later->repricings[2].from == Date{2027, 1, 1});
    CHECK(later->repricings[2].annualRateBp == 290);
    CHECK(later->repricings[2].projected);
}

TEST_CASE("a policy whose contracts keep their rate: no repricing days, the signing rate throughout") {
    auto files = zhuxue::test::shippedPolicyFiles();
    for (auto& f : files)
        if (f.name == "2023.json") {
            auto at = f.content.find("\"january_1\"");
            REQUIRE(at != std::string::npos);
            f.content.replace(at, 11, "\"fixed\"");
        }
    auto set = PolicySet::parse(files);
    REQUIRE(set.ok());
    auto rate = set->rateOn({2023, 8, 20});
    REQUIRE(rate.ok());
    auto steps = set->repricings(*rate, {2023, 8, 20}, 2027, {2025, 6, 1});
    REQUIRE(steps.ok());
    CHECK(steps->empty());

    // A repricing rule the parser does not know is refused with the field named.
    for (auto& f : files)
        if (f.name == "2023.json")
            f.content.replace(f.content.find("\"fixed\""), 7, "\"monthly\"");
    auto bad = PolicySet::parse(files);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().key == "policy.bad_value");
    CHECK(bad.error().args.at("field") == "rate.repricing");
}
