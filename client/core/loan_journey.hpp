#pragma once
// The first loan (首贷) and renewal (续贷) journey's people: the student and the co-borrower as
// the form shows them, and what saving the form makes of the records it read. As for the home
// visit (home_visit.hpp), a record the journey read is never rebuilt from the form: the loaded
// record is copied and only the fields whose text the person changed (or the kiosk filled in)
// are put into it; the store writes the difference (store::Store::update).
#include "date.hpp"
#include "loan_calculator.hpp"
#include "policy.hpp"
#include "records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zhuxue::core {

// What the journey read: the student when it started from a family page, and the co-borrower of
// the student's latest application (prefilled for a renewal), and every co-borrower on file for
// the student (a person typed again is the record on file, not a second one).
struct LoanPeopleLoaded {
    std::optional<Student> student;
    std::optional<CoBorrower> coBorrower;
    std::vector<CoBorrower> coBorrowersOnFile;
};

// The form's fields about the people, as text typed.
struct LoanPeopleForm {
    std::string name, idNumber, phone, township, village, highSchool, address;
    std::string university, major, programYears = "4";
    int level = 0; // 0 undergraduate, 1 vocational, 2 postgraduate
    std::string coName, coRelation, coIdNumber, coPhone;
};

struct LoanPeople {
    Student student;       // the loaded student with the changes, or a new one
    CoBorrower coBorrower; // the co-borrower on file whose ID number was typed, with the changes; else new
    std::optional<CoBorrower> coBorrowerRead; // that record as read (nullopt: new), for Store::update
    bool newStudent = false, newCoBorrower = false;
};

StudyLevel studyLevelOf(int level);
// The form as the records fill it in (a student without a programme length shows 4 years).
LoanPeopleForm loanFormFor(const LoanPeopleLoaded& loaded);
// The records the form makes. The fields must have passed the journey's checks (ID numbers and
// mobiles valid, programme years a number). A changed ID number also sets the birth date and
// gender it encodes; a new student (or a first loan of one without an enrolment year) starts
// this year.
LoanPeople applyLoanForm(const LoanPeopleLoaded& loaded, const LoanPeopleForm& form, const std::string& county,
                         const Date& today, bool firstLoan);

// ---- The family's history (issue 21) ------------------------------------------------------
// A loan on file: a contract and the application it was signed for.
struct LoanOnFile {
    LoanApplication application;
    Contract contract;
    Date signingDate;
    Date end() const { return signingDate.plusYears(contract.termYears); } // 贷款期限 runs out
};

// Which journey the family's history calls for: 续贷 once a contract is on file for an application
// that was not rejected or withdrawn; otherwise 首贷 (a pre-application, or an application that
// never reached a contract, is no loan yet).
ApplicationKind journeyFor(const std::vector<LoanApplication>& applications, const std::vector<Contract>& contracts);
// The pre-application the application of this journey comes from (it becomes that application,
// it is not left beside a new one): the family's open one (kind and status 预申请), the latest
// school year's; nullopt when none.
std::optional<LoanApplication> openPreApplication(const std::vector<LoanApplication>& applications);
// The pre-application turned into the application confirmed: `confirmed` with the pre-application's
// id, county and creation time, still in status 预申请 (the store moves it on with a status change,
// so the history keeps the step).
LoanApplication fromPreApplication(const LoanApplication& pre, LoanApplication confirmed);

// 剩余学制 for the loan of a school year (autumn year): the programme's years left from that
// autumn, enrolled in 2023 on 4 years → 2026: 1 year (the school year 2026-27). Between 1 and the
// programme length; the whole programme when the enrolment year is not known (0) or later.
int remainingStudyYears(const Student& student, int schoolYear);
// 1 September of the graduation year is when the state stops paying interest; the plans count
// graduation as 30 June of the year the remaining years end: school year 2026 + 1 → 2027-06-30.
Date graduationDate(int schoolYear, int remainingYears);
// Money reaches the school about a month after signing (the plans' assumption; the bank's
// disbursement records are not on the device).
Date expectedDisbursement(const Date& signingDate);

// The loan so far: the contracts on file (applications not rejected or withdrawn), ascending by
// signing date; the running one is the latest.
struct LoanSoFar {
    std::vector<LoanOnFile> loans;
    Fen borrowedFen = 0; // the contracts' amounts: the balance before this year's (nothing repaid in study)
    const LoanOnFile* running() const { return loans.empty() ? nullptr : &loans.back(); }
};
LoanSoFar loanSoFar(const std::vector<LoanApplication>& applications, const std::vector<Contract>& contracts);
// The term offered for this year's contract: the rule's longest (remaining + plus, at most max),
// and for a renewal no later than the running contract runs: the loan ends once, on one plan.
// 2026-08-20, 1 year left, running contract signed 2025-08-20 for 17 years (to 2042-08-20) → 16.
int offeredTermYears(const LoanSoFar& soFar, const Date& signingDate, int remainingYears, const TermRule& rule);

// One earlier contract as the calculator's terms: its own rate (as stored, or the data for its
// signing date when recorded before rates were), its policy's day count, subsidy and due date,
// its grace years (the application's choice, the policy's when not chosen), disbursed a month
// after signing, graduation as the student's; repriced each 1 January after signing from its base
// and its own spread (withRepricings), bases after `knownOn` (the plan's day) projected.
Result<LoanTerms> termsOfLoan(const PolicySet& policies, const LoanOnFile& loan, const Date& graduation,
                              const Date& knownOn);
// The whole loan on one plan: each part's schedule (one per contract, each at its rate) summed by
// due date: disbursed, interest, principal and balances add up, the phase is the latest reached;
// a year whose parts run at different rates has rateBp 0 (each contract at its own).
// Errors as computeSchedule's.
Result<Schedule> wholeLoanSchedule(const std::vector<LoanTerms>& parts);

} // namespace zhuxue::core
