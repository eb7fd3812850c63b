// The loan journey from the family's history (issue 21): 首贷 when no loan is on file, a
// pre-application becomes the application, a renewal starts from the loan so far (remaining years
// from the enrolment year, the running contract's end, the balance) and shows the whole loan on one
// plan. Figures worked by hand in the comments.
#include "client/core/loan_journey.hpp"
#include "tests/support/shipped_policies.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::core;

namespace {
const PolicySet& shipped() { return zhuxue::test::shippedPolicySet(); }

LoanApplication application(ApplicationKind kind, LoanStatus status, int schoolYear) {
    LoanApplication a;
    a.id = newUuidV7();
    a.kind = kind;
    a.status = status;
    a.schoolYear = schoolYear;
    return a;
}

Contract contract(const LoanApplication& a, const char* signing, Fen amount, int term, int rateBp) {
    Contract k;
    k.id = newUuidV7();
    k.applicationId = a.id;
    k.contractNumber = "42052720" + std::string(signing).substr(0, 4) + "0001";
    k.signingDate = signing;
    k.amountFen = amount;
    k.termYears = term;
    // As recorded when signed (recordContractRate): the rate, the policy's spread and its id.
    REQUIRE(recordContractRate(shipped(), k).ok());
    CHECK(k.annualRateBp == rateBp);
    return k;
}

// Enrolled in 2023 on a 4-year course; contracts of 2023, 2024 and 2025 (terms 19, 18, 17: all end
// 2042-08-20), ¥8,000 + ¥12,000 + ¥12,000 = ¥32,000, at the rates of their signing days:
// 2023-08-20 LPR 4.20% − 60 bp = 3.60%; 2024-08-20 LPR 3.85% − 70 bp = 3.15%; 2025-08-20 LPR 3.50%
// − 70 bp = 2.80%.
struct History {
    Student student;
    std::vector<LoanApplication> apps;
    std::vector<Contract> contracts;
};
History threeYears() {
    History h;
    h.student.id = newUuidV7();
    h.student.enrollmentYear = 2023;
    h.student.programYears = 4;
    h.apps = {application(ApplicationKind::FirstLoan, LoanStatus::InStudy, 2023),
              application(ApplicationKind::Renewal, LoanStatus::InStudy, 2024),
              application(ApplicationKind::Renewal, LoanStatus::InStudy, 2025)};
    // Stored out of order: the running contract is the latest signed, not the last listed.
    h.contracts = {contract(h.apps[2], "2025-08-20", 1'200'000, 17, 280),
                   contract(h.apps[0], "2023-08-20", 800'000, 19, 360),
                   contract(h.apps[1], "2024-08-20", 1'200'000, 18, 315)};
    return h;
}
} // namespace

TEST_CASE("journey: no loan on file is a first loan; a contract on file makes it a renewal") {
    CHECK(journeyFor({}, {}) == ApplicationKind::FirstLoan);
    // A pre-application is no loan: its family comes for a first loan.
    auto pre = application(ApplicationKind::PreApplication, LoanStatus::PreApplication, 2026);
    CHECK(journeyFor({pre}, {}) == ApplicationKind::FirstLoan);
    // An application that never reached a contract, or one rejected after it: no loan either.
    auto applied = application(ApplicationKind::FirstLoan, LoanStatus::Applied, 2025);
    auto rejected = application(ApplicationKind::FirstLoan, LoanStatus::Rejected, 2025);
    CHECK(journeyFor({applied}, {}) == ApplicationKind::FirstLoan);
    CHECK(journeyFor({rejected}, {contract(rejected, "2025-08-20", 800'000, 19, 280)}) == ApplicationKind::FirstLoan);
    History h = threeYears();
    CHECK(journeyFor(h.apps, h.contracts) == ApplicationKind::Renewal);
}

TEST_CASE("journey: the open pre-application is the one the application comes from") {
    auto old = application(ApplicationKind::PreApplication, LoanStatus::Withdrawn, 2025);
    auto open = application(ApplicationKind::PreApplication, LoanStatus::PreApplication, 2026);
    open.coBorrowerId = newUuidV7();
    open.notes = "高中预申请名单";
    auto first = application(ApplicationKind::FirstLoan, LoanStatus::Applied, 2026);
    CHECK_FALSE(openPreApplication({old, first}).has_value());
    auto found = openPreApplication({old, open, first});
    REQUIRE(found.has_value());
    CHECK(found->id == open.id);

    LoanApplication confirmed = application(ApplicationKind::FirstLoan, LoanStatus::Applied, 2026);
    confirmed.amountFen = 1'200'000;
    LoanApplication made = fromPreApplication(open, confirmed);
    CHECK(made.id == open.id); // the same record, not one beside it
    CHECK(made.kind == ApplicationKind::FirstLoan);
    CHECK(made.status == LoanStatus::PreApplication); // moved on by a status change in the store
    CHECK(made.amountFen == 1'200'000);
    CHECK(made.notes == "高中预申请名单");
}

TEST_CASE("renewal: remaining years from the enrolment year, the term to the running contract's end") {
    Student s;
    s.programYears = 4;
    s.enrollmentYear = 2023;
    CHECK(remainingStudyYears(s, 2023) == 4); // the first year: 2023-27
    CHECK(remainingStudyYears(s, 2024) == 3);
    CHECK(remainingStudyYears(s, 2026) == 1); // 2023 + 4 − 2026
    CHECK(remainingStudyYears(s, 2030) == 1); // past the course (repeating a year): at least one
    s.enrollmentYear = 0;
    CHECK(remainingStudyYears(s, 2026) == 4); // not known: the whole programme
    s.programYears = 0;
    CHECK(remainingStudyYears(s, 2026) == 4); // a student with no programme length shows 4 years
    CHECK(graduationDate(2026, 1) == Date{2027, 6, 30});

    History h = threeYears();
    LoanSoFar soFar = loanSoFar(h.apps, h.contracts);
    REQUIRE(soFar.loans.size() == 3);
    CHECK(soFar.borrowedFen == 3'200'000); // 8,000 + 12,000 + 12,000
    REQUIRE(soFar.running() != nullptr);
    CHECK(soFar.running()->contract.termYears == 17);
    CHECK(soFar.running()->end() == Date{2042, 8, 20}); // 2025-08-20 + 17 years
    const TermRule rule{15, 22};
    // 1 year left + 15 = 16, and 2026-08-20 + 16 = 2042-08-20, the running contract's end.
    CHECK(offeredTermYears(soFar, Date{2026, 8, 20}, 1, rule) == 16);
    // Signed later in the year, a 16-year term would run past 2042-08-20: 15.
    CHECK(offeredTermYears(soFar, Date{2026, 9, 1}, 1, rule) == 15);
    // A first loan: the rule's longest, 4 years + 15 = 19.
    CHECK(offeredTermYears(LoanSoFar{}, Date{2026, 8, 20}, 4, rule) == 19);
}

TEST_CASE("renewal: the whole loan on one plan, each contract at its own rate (figures by hand)") {
    History h = threeYears();
    LoanSoFar soFar = loanSoFar(h.apps, h.contracts);
    const Date graduation = graduationDate(2026, 1); // 2027-06-30
    std::vector<LoanTerms> parts;
    for (const LoanOnFile& loan : soFar.loans) {
        auto t = termsOfLoan(shipped(), loan, graduation, Date{2026, 8, 20}); // the plan made on signing day
        REQUIRE(t.ok());
        parts.push_back(*t);
    }
    CHECK(parts[0].annualRateBp == 360);
    // Repriced each 1 January from the LPR of that day and the contract's own spread (issue #20
    // point 7): the 2023 contract (−60 bp) 3.00% from 2025 (LPR 3.60%), 2.90% from 2026 (LPR
    // 3.50%), and 2.90% projected from 2027 (the LPR known on 2026-08-20); the 2024 contract
    // (−70 bp, 3.15%) 2.90% from 2025, 2.80% from 2026; the 2025 contract stays at 2.80%.
    REQUIRE(parts[0].repricings.size() == 3);
    CHECK(parts[0].repricings[0].from == Date{2025, 1, 1});
    CHECK(parts[0].repricings[0].annualRateBp == 300);
    CHECK(parts[0].repricings[1].annualRateBp == 290);
    CHECK(parts[0].repricings[2].from == Date{2027, 1, 1});
    CHECK(parts[0].repricings[2].projected);
    REQUIRE(parts[1].repricings.size() >= 2);
    CHECK(parts[1].repricings[0].annualRateBp == 290);
    CHECK(parts[1].repricings[1].annualRateBp == 280);
    CHECK(parts[0].graceYears == 5); // not chosen (-1): the 2023 policy's
    CHECK(parts[0].disbursements.front().date == Date{2023, 9, 19}); // a month after signing
    // This year's: ¥12,000 signed 2026-08-20 for 16 years at 2.80% (LPR 3.50% − 70 bp).
    auto rate = shipped().rateOn(Date{2026, 8, 20});
    REQUIRE(rate.ok());
    CHECK(rate->annualRateBp == 280);
    parts.push_back(loanTermsFromPolicy(*shipped().forDate(Date{2026, 8, 20}), *rate,
                                        {{expectedDisbursement(Date{2026, 8, 20}), 1'200'000}}, Date{2026, 8, 20}, 16,
                                        graduation, 5));
    auto whole = wholeLoanSchedule(parts);
    REQUIRE(whole.ok());
    const Schedule& s = *whole;
    CHECK(s.totalPrincipal == 4'400'000); // 32,000 + 12,000
    CHECK(s.firstPrincipalYear == 2032);  // graduation 2027 + 5 grace years
    CHECK(s.termEnd == Date{2042, 8, 20});
    CHECK(s.subsidyEnd == Date{2027, 9, 1});
    auto row = [&](int year) -> const ScheduleYear& {
        for (const auto& y : s.years)
            if (y.year == year)
                return y;
        FAIL("no row for " << year);
        return s.years.front();
    };
    // 2026: the balance before this year's money is the ¥32,000 borrowed; ¥12,000 more lent.
    CHECK(row(2026).balanceStart == 3'200'000);
    CHECK(row(2026).disbursed == 1'200'000);
    CHECK(row(2026).balanceEnd == 4'400'000);
    CHECK(row(2026).studentInterest == 0); // still studying: the state pays
    // 2027, the graduation year: the student pays from 1 Sept to 20 Dec, 110 days, the 2023
    // contract at 2.90%, the others at 2.80%: 8,000 × 2.90% × 110/360 = 70.888… → 70.89;
    // 12,000 × 2.80% × 110/360 = 102.666… → 102.67, three times: 70.89 + 308.01 = 378.90
    // (408.84 at the signing rates).
    CHECK(row(2027).phase == SchedulePhase::Graduation);
    CHECK(row(2027).studentInterest == 37'890);
    CHECK(row(2027).rateBp == 0); // the contracts run at different rates
    // 2029, a grace year of 365 days: 8,000 × 2.90% × 365/360 = 235.22; 12,000 × 2.80% ×
    // 365/360 = 340.666… → 340.67, three times: 235.22 + 1,022.01 = 1,257.23, no principal.
    CHECK(row(2029).phase == SchedulePhase::Grace);
    CHECK(row(2029).studentInterest == 125'723);
    CHECK(row(2029).principal == 0);
    CHECK(row(2029).rateProjected);
    // 2032, the first repayment year (366 days, a leap year): 8,000 × 2.90% × 366/360 =
    // 235.866… → 235.87; 12,000 × 2.80% × 366/360 = 341.60, three times: 235.87 + 1,024.80 =
    // 1,260.67; principal 44,000 / 10 years (2032-2041; 2042-12-20 is past the end) = 4,400.
    CHECK(row(2032).phase == SchedulePhase::Repayment);
    CHECK(row(2032).studentInterest == 126'067);
    CHECK(row(2032).principal == 440'000);
    CHECK(row(2032).balanceEnd == 3'960'000);
    CHECK(s.years.back().year == 2041);
    CHECK(s.years.back().balanceEnd == 0);
    Fen repaid = 0;
    for (const auto& y : s.years)
        repaid += y.principal;
    CHECK(repaid == 4'400'000);
}

TEST_CASE("a person is one person: a co-borrower on file typed again is that record") {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "向明";
    s.idNumber = "420527200603150012";
    s.programYears = 4;
    CoBorrower mother, father;
    mother.id = newUuidV7();
    mother.studentId = s.id;
    mother.name = "覃桂英";
    mother.relation = "母亲";
    mother.idNumber = "34052419800101001X";
    mother.phone = "13907170001";
    father = mother;
    father.id = newUuidV7();
    father.name = "向建国";
    father.relation = "父亲";
    father.idNumber = "11010519491231002X";
    LoanPeopleLoaded loaded;
    loaded.student = s;
    loaded.coBorrower = father;
    loaded.coBorrowersOnFile = {mother, father};
    LoanPeopleForm form = loanFormFor(loaded);
    // The mother signs this year: her number typed (lower-case x) is her record, phone changed.
    form.coName = "覃桂英";
    form.coRelation = "母亲";
    form.coIdNumber = "34052419800101001x";
    form.coPhone = "13907170009";
    LoanPeople p = applyLoanForm(loaded, form, "420527", Date{2026, 8, 20}, false);
    CHECK_FALSE(p.newCoBorrower);
    CHECK(p.coBorrower.id == mother.id);
    REQUIRE(p.coBorrowerRead.has_value());
    CHECK(p.coBorrowerRead->id == mother.id);
    CHECK(p.coBorrower.phone == "13907170009");
    CHECK(p.coBorrower.idNumber == mother.idNumber);
    // Someone not on file: a new record.
    form.coIdNumber = "420527197503150023";
    form.coName = "向奶奶";
    p = applyLoanForm(loaded, form, "420527", Date{2026, 8, 20}, false);
    CHECK(p.newCoBorrower);
    CHECK_FALSE(p.coBorrowerRead.has_value());
}
