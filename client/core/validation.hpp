#pragma once
// Checks on what families, volunteers and staff type, with messages they can act on. Each check
// returns Findings (client/core/findings.hpp): errors block, warnings are confirmed by a person.
// Message keys live in assets/i18n/<lang>/validation.json. Rules and their sources are in
// /work/shared/DOMAIN.md §2 and §6; numbers that change with policy (caps, minimum, multiple,
// term rule) come in as arguments, taken from client/core/policy.hpp.
// Resident ID numbers: client/core/resident_id.hpp. Money text: client/core/money.hpp.
#include "date.hpp"
#include "findings.hpp"
#include "money.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core {

// ---- Mobile numbers --------------------------------------------------------------------------
// DOMAIN §6: ^(?:(?:\+|00)86)?1[3-9]\d{9}$, loose on purpose because carrier prefixes change.
// Spaces and hyphens people type are ignored. Returns the 11 national digits when valid.
std::optional<std::string> normalizeMobile(std::string_view input);
Findings checkMobile(std::string_view input, const std::string& field = "mobile");

// ---- Bank cards ------------------------------------------------------------------------------
// 16-19 digits; a failed Luhn check is a warning (some domestic cards do not carry one).
bool luhnValid(std::string_view digits);
Findings checkBankCard(std::string_view input, const std::string& field = "bank_card");

// ---- Loan amount and term --------------------------------------------------------------------
struct LoanLimits {
    Fen cap = 0;      // annual cap for the student's level in the contract's policy year
    Fen minimum = 0;  // smallest amount a year
    Fen multiple = 1; // amounts are whole multiples of this (¥100)
};
Findings checkLoanAmount(Fen amount, const LoanLimits& limits, const std::string& field = "amount");

struct TermRule {
    int plusYears = 15; // term ≤ remaining study years + plusYears ...
    int maxYears = 22;  // ... and never more than maxYears
};
// The longest term allowed: 4-year freshman 19, 5-year medicine 20, 8-year programme 22 (2020+).
int maxLoanTermYears(int remainingStudyYears, const TermRule& rule);
// The term must cover the remaining study years, the grace years the borrower chose and at least
// one repayment year (term ≥ remaining + grace + 1: a freshman with 4 years left and 5 grace
// years needs 10), and stay within the rule. Below that the repayment plan has no year to
// repay principal in (loan_calculator.term_too_short).
Findings checkLoanTerm(int termYears, int remainingStudyYears, int graceYears, const TermRule& rule,
                       const std::string& field = "term_years");
// The shortest term checkLoanTerm accepts.
int minLoanTermYears(int remainingStudyYears, int graceYears);
// Grace years (宽限期) are the borrower's choice, from 0 up to the policy's maximum for the
// contract's signing date (5 for contracts from 2020, 3 for 2015-2019, 2 before).
Findings checkGraceYears(int graceYears, int maxGraceYears, const std::string& field = "grace_years");

// ---- Application types and materials ---------------------------------------------------------
enum class ApplicationType { PreApplication, FirstLoan, Renewal };
std::string_view applicationTypeId(ApplicationType type); // "pre_application", "first_loan", ...
std::optional<ApplicationType> applicationTypeFromId(std::string_view id);

enum class Material {
    ApplicationForm,    // 申请表, signed
    HardshipForm,       // 家庭经济困难学生认定表
    PriorityGroupProof, // 脱贫/低保/特困/孤儿... certificate replacing the 认定表
    AdmissionNotice,    // 录取通知书 (freshmen)
    StudentStatusProof, // 学生证 or 学籍在线验证报告 (current students)
    StudentIdCard,      // 学生身份证
    CoBorrowerIdCard,   // 共同借款人身份证
    HouseholdRegister,  // 户口簿
    CoBorrowerHouseholdRegister, // the co-borrower's 户口簿 when it is a different one
    RenewalStatement,            // 续贷声明 (remote renewal)
    FaceVerification,            // 人脸核验 (remote renewal)
};
std::string_view materialId(Material m); // stable id for storage: "application_form", ...
std::optional<Material> materialFromId(std::string_view id);
// i18n keys: "validation.material.<id>.name" (checklist label), ".missing" (message).
std::string materialNameKey(Material m);

struct MaterialFacts {
    ApplicationType type = ApplicationType::FirstLoan;
    bool freshman = true;                  // admission notice rather than student status proof
    bool hadPreApplication = false;        // the 认定表 was settled at pre-application
    bool priorityGroup = false;            // 脱贫/低保/特困... identified directly
    bool householdRegistersDiffer = false; // student and co-borrower on different 户口簿
    bool remoteRenewal = false;            // online renewal (electronic contracts, unchanged data)
};
// The checklist for one application, in the order staff check it (DOMAIN §2 First loan,
// Renewal, Pre-application).
std::vector<Material> requiredMaterials(const MaterialFacts& facts);
// One error per required material not in `provided`, on field "materials.<id>".
Findings checkMaterials(const MaterialFacts& facts, const std::set<Material>& provided);

// ---- Co-borrower (共同借款人) ----------------------------------------------------------------
// The co-borrower is a joint debtor (usually a parent): an adult at signing, not the student,
// not a student who borrows a student loan themselves; on a first loan nobody may sign for them.
struct CoBorrowerFacts {
    ApplicationType type = ApplicationType::FirstLoan;
    Date signingDate;
    std::optional<Date> coBorrowerBirthDate; // from the co-borrower's ID
    std::string coBorrowerIdNumber;
    std::string studentIdNumber;
    bool coBorrowerIsBorrowingStudent = false; // holds a student loan of their own
    bool representedByProxy = false;           // someone else signs for the co-borrower (代签)
};
Findings checkCoBorrower(const CoBorrowerFacts& facts);

// ---- Dates -----------------------------------------------------------------------------------
// "YYYY-MM-DD" → Date; error validation.date.invalid {value} when malformed or not a real day.
Result<Date> parseDateField(std::string_view text);

struct DatedField {
    std::string field;
    std::optional<Date> date; // absent dates are skipped
};
// Each present date must not be earlier than the present one before it (e.g. birth, enrolment,
// application, signing, graduation). Errors go on the later field.
Findings checkDatesInOrder(const std::vector<DatedField>& fields);

} // namespace zhuxue::core
