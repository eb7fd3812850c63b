#pragma once
// First loan (首贷) and renewal (续贷) as guided steps a volunteer can follow with the help text
// alone: consent (the student and the co-borrower each read the versioned consent text and
// confirm, before anything sensitive is typed; saved as two Consent records with the
// application) → student → co-borrower → school and programme → amount and term (with the loan
// calculator) → materials checklist → review → confirm; then, when both have signed, the contract
// number and 校验码 (staff only) and a printable summary. Each step checks its fields when the
// person continues (Enter or the button) and shows the reason and fix under each field.
// Everything is a draft in this screen until "confirm", which saves it in one store transaction.
#include "context.hpp"

#include "client/app/policy_files.hpp"
#include "client/core/loan_calculator.hpp"
#include "client/core/loan_journey.hpp"
#include "client/core/validation.hpp"
#include "client/store/consent_files.hpp"

#include <set>

namespace zhuxue::ui {

class FirstLoanScreen {
public:
    enum class Step { Consent, Student, CoBorrower, School, Amount, Materials, Review, Signed };

    void draw(Context& ctx);
    Step step() const { return m_step; }
    const Uuid& savedApplication() const { return m_applicationId; }

private:
    void start(Context& ctx);
    void loadFamily(Context& ctx, const Uuid& studentId, bool keepTyped);
    // The longest term offered this year (core::offeredTermYears), 0 without rules or years.
    int offeredTerm(Context& ctx);
    core::Findings check(Context& ctx, Step step);
    void next(Context& ctx);
    void followTyping(Context& ctx);
    void drawConsent(Context& ctx);
    void drawStudent(Context& ctx);
    void drawCoBorrower(Context& ctx);
    void drawSchool(Context& ctx);
    void drawAmount(Context& ctx);
    void drawMaterials(Context& ctx);
    void drawReview(Context& ctx);
    void drawSigned(Context& ctx);
    void save(Context& ctx);
    core::LoanPeopleForm peopleForm() const;
    void saveContract(Context& ctx);
    void writePrintout(Context& ctx, const Contract& k);
    // Caps of the application's school year, rules and rate of a signing today (core::LoanRules).
    const core::LoanRules* rules(Context& ctx);
    // The grace years typed (the policy's maximum until changed); nullopt when not a number.
    std::optional<int> graceChosen(const core::LoanRules& r);
    core::MaterialFacts materialFacts() const;
    void recompute(Context& ctx);

    bool m_started = false;
    Uuid m_startedFor;
    Step m_step = Step::Consent;
    Step m_drawnStep = Step::Consent; // the step drawn last frame
    bool m_focusStep = true;          // give the step's first field keyboard focus
    core::Findings m_findings;
    std::string m_status;

    // Consent: the text shown and when each party confirmed (0 = not yet).
    std::optional<store::ConsentText> m_consentText;
    std::string m_consentError;
    bool m_studentConsents = false, m_coConsents = false;
    UnixMs m_studentConsentMs = 0, m_coConsentMs = 0;

    // Drafts, as typed.
    core::LoanPeopleLoaded m_loaded; // the student (from a family page) and co-borrower read
    std::optional<LoanApplication> m_preApplication; // the family's open 预申请: it becomes this application
    core::LoanSoFar m_soFar;                         // the family's contracts so far (a renewal's start)
    int m_kind = 0;                    // 0 first loan, 1 renewal
    std::string m_name, m_idNumber, m_phone, m_township, m_village, m_highSchool, m_address;
    std::string m_coName, m_coRelation, m_coIdNumber, m_coPhone;
    bool m_coProxy = false;
    std::string m_university, m_major, m_programYears = "4", m_remainingYears = "4";
    int m_level = 0; // 0 undergraduate, 1 vocational, 2 postgraduate
    bool m_freshman = true;
    std::string m_tuition, m_accommodation, m_amount, m_term;
    std::string m_grace; // 宽限期 the borrower chooses; empty until the rules are known
    bool m_priorityGroup = false, m_hadPreApplication = false, m_registersDiffer = false;
    std::set<core::Material> m_received;
    // Calculator output for the amount step.
    std::optional<core::LoanAdvice> m_advice;
    std::optional<core::Schedule> m_schedule;
    std::string m_repricingNote; // how the plan's rate moves after signing (planRepricingNote)
    std::string m_calcInputs;

    // After confirm.
    Uuid m_studentId, m_applicationId;
    std::string m_contractNumber, m_certificateCode;
    Contract m_contract;     // as recorded, for the receipt
    std::string m_summaryPath; // the receipt (PDF), once written
    bool m_printing = false;   // the worker is writing it
    std::string m_printError;  // why it could not be written
    bool m_contractSaved = false;
    app::LoanRulesCache m_rules;
    std::string m_policyError;
};

} // namespace zhuxue::ui
