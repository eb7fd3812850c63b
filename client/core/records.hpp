#pragma once
// The records a county aid office keeps (DOMAIN.md §2-§5). Plain structs, no behaviour beyond
// the loan status life cycle; validation lives in the core rules, storage in client/store.
//
// Conventions shared by every record:
//  - `id` is a client-made UUIDv7 (client/core/ids.hpp); `county` the 6-digit GB/T 2260 county
//    division code the record belongs to (sync scopes by it).
//  - Records are flat: children point to their parent by id (a household member names its
//    household), so sync can merge field by field and two devices can add members concurrently.
//  - Money is integer fen (Fen). Dates are ISO "YYYY-MM-DD" text (empty = unknown); instants are
//    Unix milliseconds.
//  - Enumerations have stable text codes (toCode/fromCode below) used in the database and on the
//    wire; never persist the numeric value.
//  - Fields marked "sensitive" are personal information under PIPL; the store reads and writes
//    them through its field codec (encryption at rest later).
#include "ids.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue {

using Fen = std::int64_t;    // money: 1 yuan = 100 fen
using IsoDate = std::string; // "YYYY-MM-DD"
using UnixMs = std::int64_t;

enum class RecordType {
    Student,
    Household,
    HouseholdMember,
    CoBorrower,
    LoanApplication,
    StatusChange,
    Contract,
    MaterialsChecklist,
    HardshipAssessment,
    DemocraticReview,
    HomeVisit,
    Attachment,
    PostLoanEvent,
    Consent,
    VisitAssignment,
    AuditEntry,
};

enum class Gender { Unknown, Male, Female };
// 学历层次: decides the annual cap (postgraduate differs).
enum class StudyLevel { Unknown, Undergraduate, Vocational, Postgraduate };
enum class ApplicationKind { PreApplication, FirstLoan, Renewal }; // 预申请 / 首贷 / 续贷
enum class RenewalMode { None, Online, OnSite };                   // 远程续贷 / 现场续贷

// The loan life cycle of DOMAIN.md §2, in order; Rejected and Withdrawn end an application early,
// Overdue is the side state of a repaying loan.
enum class LoanStatus {
    PreApplication,       // 预申请
    Applied,              // 已申请
    MaterialsChecked,     // 材料已审核
    ContractPreSigned,    // 合同已预签
    CertificateIssued,    // 受理证明已出具 (校验码)
    SchoolReceiptEntered, // 高校回执已录入
    BankApproved,         // 银行已审批
    Disbursed,            // 已放款
    InStudy,              // 在读贴息
    GraduationConfirmed,  // 毕业已确认
    Grace,                // 宽限期
    Repaying,             // 还款中
    Overdue,              // 逾期
    Closed,               // 已结清
    Rejected,             // 未通过
    Withdrawn,            // 已撤回
};

struct StatusChange;

// Whether an application may move from `from` to `to`: one step forward along the life cycle,
// PreApplication may skip straight to Applied only, any open state may end as Rejected or
// Withdrawn before disbursement. Corrections backwards are not transitions; they are new status
// changes recorded with a reason by staff with the right role. After graduation (issue #20.16):
//  - Overdue is reachable from GraduationConfirmed, Grace and Repaying (interest falls due in the
//    graduation year and in grace too) and returns to the status it came from, `overdueFrom` (the
//    `from` of the last change into Overdue); with overdueFrom unknown (nullopt) any of the three;
//    an overdue loan may also be settled (Closed);
//  - further study (继续攻读, DOMAIN §2 post-loan) returns GraduationConfirmed or Grace to InStudy;
//  - a principal deferral (本金延期偿还) returns Repaying to Grace, the interest-only status
//    (DOMAIN §2: "grace (interest only)").
bool canTransition(LoanStatus from, LoanStatus to,
                   std::optional<LoanStatus> overdueFrom = std::nullopt);
// The status an application was in when it last became Overdue, from its status history
// (latest by time); nullopt when the history has no change into Overdue.
std::optional<LoanStatus> statusBeforeOverdue(const std::vector<StatusChange>& history);

enum class SettlementAccountType { Unknown, BankCard, Alipay, Other }; // 结算账户类型
enum class HardshipLevel { None, General, Fairly, Special }; // 不困难/一般/比较/特别困难
enum class AssessmentStatus { Draft, Submitted, Reviewed, Publicized, Filed };
enum class VisitMethod { InPerson, Phone, Video };
enum class AttachmentKind { Photo, Scan, Signature, Document };
enum class ConsentParty { Student, CoBorrower }; // 学生本人(未满14周岁由监护人) / 共同借款人
// How the consent was given: ticked on screen with staff present, a signature on the pad (its
// attachment hash kept), a signed paper form scanned, accepted at the hall kiosk, or given online
// in the national student system before a pre-application list was imported.
enum class ConsentMethod { OnScreen, Signature, PaperScan, Kiosk, NationalSystem };
enum class PostLoanKind {
    GraduationConfirmation, // 毕业确认
    RepaymentReminder,      // 还款提醒
    PrincipalDeferral,      // 本金延期
    RepaymentRelief,        // 还款救助
    StateRepayment,         // 代偿
    StudyInfoChange,        // 继续攻读学位信息变更
    EarlyRepayment,         // 提前还款
};

struct Student {
    Uuid id;
    std::string county;
    std::string name;     // every Unicode character kept, including outside the BMP
    std::string idNumber; // sensitive: 18-digit resident ID (legacy 15-digit in old records)
    Gender gender = Gender::Unknown;
    IsoDate birthDate;
    std::string ethnicity;
    std::string phone; // sensitive
    Uuid householdId;  // nil when not yet linked
    std::string township;
    std::string village;
    std::string address;    // sensitive
    std::string highSchool; // where pre-application happens
    std::string university; // admitted or current
    std::string major;
    StudyLevel studyLevel = StudyLevel::Unknown;
    int enrollmentYear = 0;
    int programYears = 0; // 学制
    std::string notes;
};

struct Household {
    Uuid id;
    std::string county;
    std::string township;
    std::string village;
    std::string address;                     // sensitive
    Fen annualIncomeFen = 0;                 // sensitive
    std::vector<std::string> priorityGroups; // sensitive: 脱贫家庭, 城乡低保, ...
    std::string notes;
};

struct HouseholdMember {
    Uuid id;
    std::string county;
    Uuid householdId;
    std::string name;
    std::string relation; // to the student: 父亲, 母亲, 祖母, ...
    int birthYear = 0;
    std::string idNumber; // sensitive
    std::string occupation;
    Fen annualIncomeFen = 0; // sensitive
    std::string health;      // sensitive
    bool ableToWork = true;
    bool inSchool = false;
};

// 共同借款人: a joint debtor (usually a parent), not a guarantor.
struct CoBorrower {
    Uuid id;
    std::string county;
    Uuid studentId;
    std::string name;
    std::string idNumber; // sensitive
    IsoDate birthDate;
    std::string relation;
    std::string phone;   // sensitive
    std::string address; // sensitive
};

struct LoanApplication {
    Uuid id;
    std::string county;
    Uuid studentId;
    Uuid coBorrowerId; // nil for a pre-application without one yet
    ApplicationKind kind = ApplicationKind::PreApplication;
    LoanStatus status = LoanStatus::PreApplication;
    int schoolYear = 0;       // the autumn year the loan is for, e.g. 2024
    Fen amountFen = 0;        // requested for this year
    Fen tuitionFen = 0;       // 学费
    Fen accommodationFen = 0; // 住宿费
    int remainingStudyYears = 0;
    int termYears = 0;
    int graceYears = -1; // 宽限期 the borrower chose (0 to the policy's maximum); -1: not chosen
                         // (records from before the choice existed): the policy's maximum
    RenewalMode renewalMode = RenewalMode::None;
    bool proxySigned = false; // 代签 (on-site renewal only)
    UnixMs createdMs = 0;
    std::string notes;
};

// One step of an application's life cycle: who moved it, when and why. Append-only.
struct StatusChange {
    Uuid id;
    std::string county;
    Uuid applicationId;
    LoanStatus from = LoanStatus::PreApplication;
    LoanStatus to = LoanStatus::PreApplication;
    std::string byUser;
    UnixMs atMs = 0;
    std::string reason;
};

struct Contract {
    Uuid id;
    std::string county;
    Uuid applicationId;
    std::string contractNumber;
    IsoDate signingDate;         // its year selects the policy (rate spread, grace period)
    std::string certificateCode; // 受理证明 校验码
    SettlementAccountType settlementAccountType = SettlementAccountType::Unknown;
    std::string settlementAccount; // sensitive: card or account number
    Fen amountFen = 0;
    int termYears = 0;
    bool preSigned = true; // 预签合同 until the bank approves
    bool signedByProxy = false;
    // The rate as signed (issue #20): the policy in force on the signing date, its spread and
    // the annual rate (base on that date + spread), so later policy or base-rate data never
    // changes an old contract. 0 / empty on contracts recorded before these fields existed.
    int annualRateBp = 0; // 2.90% = 290
    int spreadBp = 0;     // LPR − 70 bp = -70
    std::string policyId; // e.g. "2024" (assets/policy/2024.json)
};

struct MaterialItem {
    std::string code; // e.g. "application_form", "admission_notice", "id_card_student"
    bool required = true;
    bool received = false;
    std::string note;
};

// 材料清单 of one application; the required items per application kind come from policy data.
struct MaterialsChecklist {
    Uuid id;
    std::string county;
    Uuid applicationId;
    std::vector<MaterialItem> items;
    std::string checkedBy;
    UnixMs checkedMs = 0;
};

// 家庭经济困难学生认定: answers to a versioned indicator form, its score and level.
struct HardshipAssessment {
    Uuid id;
    std::string county;
    Uuid studentId;
    int schoolYear = 0;
    std::string formId;
    int formVersion = 0;
    std::string answersJson; // sensitive: {"field": value, ...} as the form defines
    double score = 0;        // from the form's weights; not money
    HardshipLevel level = HardshipLevel::None;
    std::vector<std::string> priorityGroups; // sensitive
    bool commitmentSigned = false;           // 书面承诺
    AssessmentStatus status = AssessmentStatus::Draft;
};

// One entry of the democratic review (民主评议) of an assessment. Append-only.
struct DemocraticReview {
    Uuid id;
    std::string county;
    Uuid assessmentId;
    std::string reviewer; // person or group, e.g. "高三(2)班评议小组"
    std::string role;
    IsoDate date;
    HardshipLevel recommendedLevel = HardshipLevel::None;
    int votesFor = 0;
    int votesAgainst = 0;
    std::string opinion;
};

// 家访 record; the questionnaire answers follow a versioned form definition.
struct HomeVisit {
    Uuid id;
    std::string county;
    Uuid studentId;
    Uuid householdId;
    IsoDate visitDate;
    VisitMethod method = VisitMethod::InPerson;
    std::vector<std::string> visitors; // "name (role)"
    std::string peoplePresent;
    std::string address; // sensitive
    std::string formId;
    int formVersion = 0;
    std::string answersJson; // sensitive
    int householdSize = 0;
    Fen perCapitaIncomeFen = 0; // sensitive
    std::string observations;   // sensitive
    HardshipLevel recommendedLevel = HardshipLevel::None;
};

// A file (photo, scan, signature) stored by content; records point to it.
struct Attachment {
    Uuid id;
    std::string county;
    RecordType ownerType = RecordType::Student;
    Uuid ownerId;
    AttachmentKind kind = AttachmentKind::Photo;
    std::string sha256; // 64 lowercase hex digits
    std::string mime;
    std::int64_t sizeBytes = 0;
    std::string fileName;
    UnixMs createdMs = 0;
};

struct PostLoanEvent {
    Uuid id;
    std::string county;
    Uuid applicationId;
    Uuid studentId;
    PostLoanKind kind = PostLoanKind::GraduationConfirmation;
    IsoDate eventDate;
    Fen amountFen = 0;
    std::string detailsJson;
    std::string note;
};

// 敏感个人信息单独同意 (PIPL art. 29; for a child under 14 the guardian's, art. 31): one party's
// consent to the collection of its sensitive personal information for a student's aid file. The
// text shown is versioned data (assets/consent/<version>.json); `textSha256` is the SHA-256 of
// the exact text shown, in the language shown. The store refuses sensitive writes for a party
// without a valid (given, not withdrawn) consent (store.hpp). A withdrawal sets withdrawnMs; it
// is never deleted, and a new consent is a new record.
struct Consent {
    Uuid id;
    std::string county;
    Uuid studentId;     // whose aid file
    Uuid applicationId; // the application it was given for; nil when given before one exists
    ConsentParty party = ConsentParty::Student;
    Uuid personId;          // the student's id, or the co-borrower's id
    std::string signerName; // who gave it: the person, or the guardian of a child under 14
    std::string version;    // e.g. "2025-1"
    std::string language;   // "zh-CN" or "en": the text shown
    std::string textSha256; // 64 lowercase hex digits of the text shown
    UnixMs consentedMs = 0;
    std::string recordedBy; // staff user, "kiosk" or "import"
    ConsentMethod method = ConsentMethod::OnScreen;
    std::string evidenceSha256; // signature or scanned form (attachment), empty when none
    UnixMs withdrawnMs = 0;     // 0 = in force
    std::string withdrawnBy;
};

// 家访任务: staff give the home visit of a family to a staff member or volunteer account, due by
// a date. Open while visitId is nil; the visit saved for that student completes it (the home
// visit screen does, in the visit's own transaction). Only staff create or change one; the
// assignee completes it (store/access.hpp).
struct VisitAssignment {
    Uuid id;
    std::string county;
    Uuid studentId;
    std::string assignee;     // account user name (sign-in name) of who visits
    std::string assigneeName; // that account's display name when assigned
    IsoDate dueDate;
    std::string assignedBy; // staff user
    UnixMs assignedMs = 0;
    Uuid visitId;           // the HomeVisit that completed it; nil while open
    UnixMs completedMs = 0;
    std::string completedBy;
};

// Who did what, on which device, when. Append-only; written by the store with every change.
struct AuditEntry {
    Uuid id;
    std::string county;
    UnixMs atMs = 0;
    std::string user;
    Uuid deviceId;
    std::string action; // "create", "update", "status", "export", "restore", ...
    RecordType recordType = RecordType::Student;
    Uuid recordId;
    std::string summary; // field names changed, never their sensitive values
};

// Stable text codes ("student", "first_loan", "in_study", ...). fromCode returns nullopt for an
// unknown code so a record from a newer version is noticed, not misread.
std::string_view toCode(RecordType v);
std::string_view toCode(Gender v);
std::string_view toCode(StudyLevel v);
std::string_view toCode(ApplicationKind v);
std::string_view toCode(RenewalMode v);
std::string_view toCode(LoanStatus v);
std::string_view toCode(SettlementAccountType v);
std::string_view toCode(HardshipLevel v);
std::string_view toCode(AssessmentStatus v);
std::string_view toCode(VisitMethod v);
std::string_view toCode(AttachmentKind v);
std::string_view toCode(PostLoanKind v);
std::string_view toCode(ConsentParty v);
std::string_view toCode(ConsentMethod v);

template <class E> std::optional<E> fromCode(std::string_view code);

} // namespace zhuxue
