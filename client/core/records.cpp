#include "records.hpp"

#include <array>
#include <utility>

namespace zhuxue {

namespace {

template <class E, std::size_t N> using CodeTable = std::array<std::pair<E, std::string_view>, N>;

template <class E, std::size_t N> std::string_view lookup(const CodeTable<E, N>& t, E v) {
    for (const auto& [e, code] : t)
        if (e == v)
            return code;
    return {};
}

template <class E, std::size_t N>
std::optional<E> reverse(const CodeTable<E, N>& t, std::string_view code) {
    for (const auto& [e, c] : t)
        if (c == code)
            return e;
    return std::nullopt;
}

constexpr CodeTable<RecordType, 16> kRecordTypes{{
    {RecordType::Student, "student"},
    {RecordType::Household, "household"},
    {RecordType::HouseholdMember, "household_member"},
    {RecordType::CoBorrower, "co_borrower"},
    {RecordType::LoanApplication, "loan_application"},
    {RecordType::StatusChange, "status_change"},
    {RecordType::Contract, "contract"},
    {RecordType::MaterialsChecklist, "materials_checklist"},
    {RecordType::HardshipAssessment, "hardship_assessment"},
    {RecordType::DemocraticReview, "democratic_review"},
    {RecordType::HomeVisit, "home_visit"},
    {RecordType::Attachment, "attachment"},
    {RecordType::PostLoanEvent, "post_loan_event"},
    {RecordType::Consent, "consent"},
    {RecordType::VisitAssignment, "visit_assignment"},
    {RecordType::AuditEntry, "audit_entry"},
}};
constexpr CodeTable<Gender, 3> kGenders{
    {{Gender::Unknown, "unknown"}, {Gender::Male, "male"}, {Gender::Female, "female"}}};
constexpr CodeTable<StudyLevel, 4> kStudyLevels{{{StudyLevel::Unknown, "unknown"},
                                                 {StudyLevel::Undergraduate, "undergraduate"},
                                                 {StudyLevel::Vocational, "vocational"},
                                                 {StudyLevel::Postgraduate, "postgraduate"}}};
constexpr CodeTable<ApplicationKind, 3> kKinds{
    {{ApplicationKind::PreApplication, "pre_application"},
     {ApplicationKind::FirstLoan, "first_loan"},
     {ApplicationKind::Renewal, "renewal"}}};
constexpr CodeTable<RenewalMode, 3> kRenewalModes{{{RenewalMode::None, "none"},
                                                   {RenewalMode::Online, "online"},
                                                   {RenewalMode::OnSite, "on_site"}}};
constexpr CodeTable<LoanStatus, 16> kStatuses{{
    {LoanStatus::PreApplication, "pre_application"},
    {LoanStatus::Applied, "applied"},
    {LoanStatus::MaterialsChecked, "materials_checked"},
    {LoanStatus::ContractPreSigned, "contract_pre_signed"},
    {LoanStatus::CertificateIssued, "certificate_issued"},
    {LoanStatus::SchoolReceiptEntered, "school_receipt_entered"},
    {LoanStatus::BankApproved, "bank_approved"},
    {LoanStatus::Disbursed, "disbursed"},
    {LoanStatus::InStudy, "in_study"},
    {LoanStatus::GraduationConfirmed, "graduation_confirmed"},
    {LoanStatus::Grace, "grace"},
    {LoanStatus::Repaying, "repaying"},
    {LoanStatus::Overdue, "overdue"},
    {LoanStatus::Closed, "closed"},
    {LoanStatus::Rejected, "rejected"},
    {LoanStatus::Withdrawn, "withdrawn"},
}};
constexpr CodeTable<SettlementAccountType, 4> kAccounts{
    {{SettlementAccountType::Unknown, "unknown"},
     {SettlementAccountType::BankCard, "bank_card"},
     {SettlementAccountType::Alipay, "alipay"},
     {SettlementAccountType::Other, "other"}}};
constexpr CodeTable<HardshipLevel, 4> kLevels{{{HardshipLevel::None, "none"},
                                               {HardshipLevel::General, "general"},
                                               {HardshipLevel::Fairly, "fairly"},
                                               {HardshipLevel::Special, "special"}}};
constexpr CodeTable<AssessmentStatus, 5> kAssessmentStatuses{
    {{AssessmentStatus::Draft, "draft"},
     {AssessmentStatus::Submitted, "submitted"},
     {AssessmentStatus::Reviewed, "reviewed"},
     {AssessmentStatus::Publicized, "publicized"},
     {AssessmentStatus::Filed, "filed"}}};
constexpr CodeTable<VisitMethod, 3> kVisitMethods{{{VisitMethod::InPerson, "in_person"},
                                                   {VisitMethod::Phone, "phone"},
                                                   {VisitMethod::Video, "video"}}};
constexpr CodeTable<AttachmentKind, 4> kAttachmentKinds{{{AttachmentKind::Photo, "photo"},
                                                         {AttachmentKind::Scan, "scan"},
                                                         {AttachmentKind::Signature, "signature"},
                                                         {AttachmentKind::Document, "document"}}};
constexpr CodeTable<PostLoanKind, 7> kPostLoanKinds{{
    {PostLoanKind::GraduationConfirmation, "graduation_confirmation"},
    {PostLoanKind::RepaymentReminder, "repayment_reminder"},
    {PostLoanKind::PrincipalDeferral, "principal_deferral"},
    {PostLoanKind::RepaymentRelief, "repayment_relief"},
    {PostLoanKind::StateRepayment, "state_repayment"},
    {PostLoanKind::StudyInfoChange, "study_info_change"},
    {PostLoanKind::EarlyRepayment, "early_repayment"},
}};
constexpr CodeTable<ConsentParty, 2> kConsentParties{
    {{ConsentParty::Student, "student"}, {ConsentParty::CoBorrower, "co_borrower"}}};
constexpr CodeTable<ConsentMethod, 5> kConsentMethods{{
    {ConsentMethod::OnScreen, "on_screen"},
    {ConsentMethod::Signature, "signature"},
    {ConsentMethod::PaperScan, "paper_scan"},
    {ConsentMethod::Kiosk, "kiosk"},
    {ConsentMethod::NationalSystem, "national_system"},
}};

} // namespace

bool canTransition(LoanStatus from, LoanStatus to, std::optional<LoanStatus> overdueFrom) {
    using S = LoanStatus;
    if (from == to)
        return false;
    auto rank = [](S s) { return static_cast<int>(s); };
    // Interest is due from graduation on, so each of these can fall overdue.
    auto canFallOverdue = [](S s) {
        return s == S::GraduationConfirmed || s == S::Grace || s == S::Repaying;
    };
    if (to == S::Rejected || to == S::Withdrawn)
        return rank(from) < rank(S::Disbursed);
    if (from == S::Overdue) {
        if (to == S::Closed)
            return true;
        if (overdueFrom && canFallOverdue(*overdueFrom))
            return to == *overdueFrom;
        return canFallOverdue(to);
    }
    if (from == S::Rejected || from == S::Withdrawn || from == S::Closed)
        return false;
    if (to == S::Overdue)
        return canFallOverdue(from);
    // 继续攻读: a graduate who goes on to further study is back in study (interest subsidised).
    if (to == S::InStudy && (from == S::GraduationConfirmed || from == S::Grace))
        return true;
    // 本金延期: principal deferred, interest only again.
    if (from == S::Repaying && to == S::Grace)
        return true;
    if (from == S::Repaying)
        return to == S::Closed;
    // Early repayment can close a loan at any point after disbursement.
    if (to == S::Closed)
        return rank(from) >= rank(S::Disbursed);
    return rank(to) == rank(from) + 1;
}

std::optional<LoanStatus> statusBeforeOverdue(const std::vector<StatusChange>& history) {
    const StatusChange* last = nullptr;
    for (const auto& c : history)
        if (c.to == LoanStatus::Overdue && (!last || c.atMs >= last->atMs))
            last = &c;
    if (!last)
        return std::nullopt;
    return last->from;
}

std::string_view toCode(RecordType v) {
    return lookup(kRecordTypes, v);
}
std::string_view toCode(Gender v) {
    return lookup(kGenders, v);
}
std::string_view toCode(StudyLevel v) {
    return lookup(kStudyLevels, v);
}
std::string_view toCode(ApplicationKind v) {
    return lookup(kKinds, v);
}
std::string_view toCode(RenewalMode v) {
    return lookup(kRenewalModes, v);
}
std::string_view toCode(LoanStatus v) {
    return lookup(kStatuses, v);
}
std::string_view toCode(SettlementAccountType v) {
    return lookup(kAccounts, v);
}
std::string_view toCode(HardshipLevel v) {
    return lookup(kLevels, v);
}
std::string_view toCode(AssessmentStatus v) {
    return lookup(kAssessmentStatuses, v);
}
std::string_view toCode(VisitMethod v) {
    return lookup(kVisitMethods, v);
}
std::string_view toCode(AttachmentKind v) {
    return lookup(kAttachmentKinds, v);
}
std::string_view toCode(PostLoanKind v) {
    return lookup(kPostLoanKinds, v);
}

std::string_view toCode(ConsentParty v) {
    return lookup(kConsentParties, v);
}
std::string_view toCode(ConsentMethod v) {
    return lookup(kConsentMethods, v);
}

template <> std::optional<RecordType> fromCode(std::string_view c) {
    return reverse(kRecordTypes, c);
}
template <> std::optional<Gender> fromCode(std::string_view c) {
    return reverse(kGenders, c);
}
template <> std::optional<StudyLevel> fromCode(std::string_view c) {
    return reverse(kStudyLevels, c);
}
template <> std::optional<ApplicationKind> fromCode(std::string_view c) {
    return reverse(kKinds, c);
}
template <> std::optional<RenewalMode> fromCode(std::string_view c) {
    return reverse(kRenewalModes, c);
}
template <> std::optional<LoanStatus> fromCode(std::string_view c) {
    return reverse(kStatuses, c);
}
template <> std::optional<SettlementAccountType> fromCode(std::string_view c) {
    return reverse(kAccounts, c);
}
template <> std::optional<HardshipLevel> fromCode(std::string_view c) {
    return reverse(kLevels, c);
}
template <> std::optional<AssessmentStatus> fromCode(std::string_view c) {
    return reverse(kAssessmentStatuses, c);
}
template <> std::optional<VisitMethod> fromCode(std::string_view c) {
    return reverse(kVisitMethods, c);
}
template <> std::optional<AttachmentKind> fromCode(std::string_view c) {
    return reverse(kAttachmentKinds, c);
}
template <> std::optional<PostLoanKind> fromCode(std::string_view c) {
    return reverse(kPostLoanKinds, c);
}
template <> std::optional<ConsentParty> fromCode(std::string_view c) {
    return reverse(kConsentParties, c);
}
template <> std::optional<ConsentMethod> fromCode(std::string_view c) {
    return reverse(kConsentMethods, c);
}

} // namespace zhuxue
