#pragma once
// The repayment schedule of a student-origin loan, year by year, in fen (DOMAIN §2):
//   - while studying the state pays all interest (财政贴息) until the subsidy end day
//     (1 Sept of the graduation year);
//   - then grace years (宽限期) with interest only, paid by the student;
//   - then principal repayments each due date (20 Dec) until the last due date within the term.
// Method: equal principal (等额本金): the principal is split evenly over the repayment years (the
// last instalment takes the remainder fen), interest is charged on the falling balance.
// Interest accrues per day at annual rate / day-count basis (360, the PBOC convention) on the
// balance of each day, summed over each period (previous due date or disbursement → due date)
// and rounded half-up to the fen once per period and payer. A contract repriced each 1 January
// (Repricing::January1) accrues each day at the rate in force that day.
#include "date.hpp"
#include "json_fields.hpp"
#include "money.hpp"
#include "policy.hpp"
#include "result.hpp"

#include <vector>

namespace zhuxue::core {

struct Disbursement {
    Date date; // money reaches the school (usually Oct-Dec each study year)
    Fen amount = 0;
};

struct LoanTerms {
    std::vector<Disbursement> disbursements; // ascending by date, one per study year usually
    Date signingDate;                        // first contract: the term counts from here
    int termYears = 0;                       // 贷款期限
    Date graduationDate;                     // e.g. 2029-06-30
    int annualRateBp = 0;                    // contract rate as signed, 2.80% = 280
    std::vector<RateStep> repricings;        // later rates, ascending `from` (withRepricings)
    int graceYears = 0;
    int dayCountBasis = 360;
    int governmentInterestPercent = 100;
    MonthDay subsidyEnds{9, 1};
    MonthDay dueDate{12, 20};
};

// Terms filled from the policy in force on the signing date (basis, subsidy, due date), the
// contract's rate as signed (PolicySet::rateOn, or the one stored on the Contract) and the grace
// years the borrower chose (0 up to policy.graceYears: checkGraceYears).
LoanTerms loanTermsFromPolicy(const Policy& policy, const ContractRate& rate,
                              std::vector<Disbursement> disbursements, const Date& signingDate,
                              int termYears, const Date& graduationDate, int graceYears);
// The terms with the contract's repricing days through the end of its term (PolicySet::
// repricings): bases after `knownOn` (the day the plan is made or printed) are projected.
Result<LoanTerms> withRepricings(LoanTerms terms, const PolicySet& policies, const ContractRate& rate,
                                 const Date& knownOn);
// One disbursement a year on the same month and day, starting at `first`.
std::vector<Disbursement> yearlyDisbursements(const Date& first, const std::vector<Fen>& amounts);

enum class RepaymentMethod { EqualPrincipal };

enum class SchedulePhase {
    Study,      // interest paid by the state
    Graduation, // the year the subsidy ends: state pays until it, the student after
    Grace,      // interest only, paid by the student
    Repayment,  // principal and interest paid by the student
};

struct ScheduleYear {
    int year = 0;
    Date dueDate;
    SchedulePhase phase = SchedulePhase::Study;
    long long days = 0;   // days of interest in this period
    Fen balanceStart = 0; // outstanding at the start of the period
    Fen disbursed = 0;    // lent during the period
    Fen governmentInterest = 0;
    Fen studentInterest = 0;
    Fen principal = 0;  // repaid on the due date
    Fen balanceEnd = 0; // outstanding after the due date
    int rateBp = 0;     // the annual rate in force on the due date
    bool rateProjected = false; // that rate is an estimate: the base of its 1 January is not known yet
    Fen studentPays() const { return studentInterest + principal; }
};

struct Schedule {
    RepaymentMethod method = RepaymentMethod::EqualPrincipal;
    std::vector<ScheduleYear> years;
    Date subsidyEnd;            // first day the student pays interest
    Date termEnd;               // signing date + term
    int firstPrincipalYear = 0; // graduation year + grace years
    bool repriced = false;      // the rate is set again each 1 January (a line on the plan says so)
    Fen totalPrincipal = 0;
    Fen totalGovernmentInterest = 0;
    Fen totalStudentInterest = 0;
    Fen totalStudentPays = 0; // principal + the student's interest
};

// Errors (keys loan_calculator.* in policy.json): no_disbursement, bad_amount, order (dates not
// ascending or after graduation), bad_rate, term_too_short (no repayment year left in the term).
Result<Schedule> computeSchedule(const LoanTerms& terms);

// Advice for a family at the desk: borrow what tuition and accommodation need, rounded up to the
// policy's multiple, within the cap and minimum; the longest term the rule allows (lowest yearly
// repayment; repaying early stays possible).
struct LoanAdvice {
    Fen need = 0;   // tuition + accommodation for one year
    Fen amount = 0; // advised yearly amount (0: no loan needed)
    int termYears = 0;
    bool capped = false; // need above the cap: amount is the cap
    bool raisedToMinimum = false;
    Fen uncovered = 0; // need the loan cannot cover (when capped)
};
// Caps and minimum from the school year's policy, the term rule from the signing date's.
LoanAdvice adviseLoan(Fen tuition, Fen accommodation, int remainingStudyYears, StudentLevel level,
                      const LoanRules& rules);
// The advice in words, one message per point (keys loan_calculator.advice.*): the term, and
// whether the amount was capped or raised to the minimum. Amounts are yuan text ("20,000").
std::vector<Error> adviceNotes(const LoanAdvice& advice, StudentLevel level, const LoanRules& rules);
// i18n keys for the method and for a phase, e.g. "loan_calculator.phase.grace".
std::string_view repaymentMethodKey(RepaymentMethod method);
std::string_view schedulePhaseKey(SchedulePhase phase);

} // namespace zhuxue::core
