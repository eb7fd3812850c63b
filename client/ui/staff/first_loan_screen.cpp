#include "first_loan_screen.hpp"

#include "client/app/policy_files.hpp"
#include "client/core/contract_codes.hpp"
#include "client/core/ids.hpp"
#include "client/core/money.hpp"
#include "client/core/resident_id.hpp"
#include "client/core/text/file_name.hpp"
#include "client/store/loan_journeys.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "client/ui/widgets/masking.hpp"
#include "loan_printout.hpp"

#include "client/reports/writers.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace zhuxue::ui {

namespace {

std::optional<int> wholeNumber(const std::string& s, int min, int max) {
    if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    int v = std::stoi(s);
    return v >= min && v <= max ? std::optional<int>(v) : std::nullopt;
}

void required(core::Findings& f, const std::string& value, const std::string& field, app::App& app,
              const char* labelKey) {
    if (value.find_first_not_of(" \t") == std::string::npos)
        f.error(field, Error("ui.loan.required", {{"field", app.tr(labelKey)}}));
}

std::string money(Fen f) { return core::formatMoney(f, {.currencySign = true}); }

core::Date signingDay(Context& ctx) { return ctx.loanToday ? ctx.loanToday() : localToday(); }

} // namespace

const core::LoanRules* FirstLoanScreen::rules(Context& ctx) {
    const core::LoanRules* r = m_rules.forSigningOn(assetsDir(), signingDay(ctx));
    if (!r && m_rules.error() && m_policyError.empty())
        m_policyError = message(ctx.app, *m_rules.error());
    return r;
}

std::optional<int> FirstLoanScreen::graceChosen(const core::LoanRules& r) {
    if (m_grace.empty())
        m_grace = std::to_string(r.signingPolicy->graceYears);
    return wholeNumber(m_grace, 0, 10);
}

int FirstLoanScreen::offeredTerm(Context& ctx) {
    const core::LoanRules* r = rules(ctx);
    auto remaining = wholeNumber(m_remainingYears, 1, 8);
    if (!r || !remaining)
        return 0;
    static const core::LoanSoFar none;
    return core::offeredTermYears(m_kind == 1 ? m_soFar : none, signingDay(ctx), *remaining, r->signingPolicy->term);
}

void FirstLoanScreen::start(Context& ctx) {
    *this = FirstLoanScreen{};
    m_started = true;
    m_startedFor = ctx.student;
    if (auto text = store::loadCurrentConsentText(assetsDir()))
        m_consentText = std::move(*text);
    else
        m_consentError = message(ctx.app, text.error());
    if (ctx.store && !ctx.student.isNil())
        loadFamily(ctx, ctx.student, false);
    if (ctx.loanPrefill) {
        // What the family entered at the kiosk wins over an older file; staff check each step.
        const LoanPrefill& p = *ctx.loanPrefill;
        auto take = [](std::string& field, const std::string& value) {
            if (!value.empty())
                field = value;
        };
        take(m_name, p.name);
        take(m_idNumber, p.idNumber);
        take(m_phone, p.phone);
        take(m_township, p.township);
        take(m_coName, p.coName);
        take(m_coIdNumber, p.coIdNumber);
        take(m_coPhone, p.coPhone);
        if (!m_loaded.student) { // a family on file: its history chose the journey
            m_kind = p.renewal ? 1 : 0;
            if (p.renewal)
                m_freshman = false;
        }
        ctx.loanPrefill.reset();
    }
}

// The family on file: its student, co-borrowers, applications and contracts. The history chooses
// the journey (core::journeyFor), an open pre-application becomes this application, a renewal
// starts from the loan so far (remaining years, running contract, balance). `keepTyped`: the
// student was found by the ID number typed; what was typed stays, empty fields come from the file.
void FirstLoanScreen::loadFamily(Context& ctx, const Uuid& studentId, bool keepTyped) {
    auto found = ctx.store->get<Student>(studentId);
    if (!found || !*found)
        return;
    const Student& student = **found;
    m_loaded = {};
    m_loaded.student = student;
    std::vector<LoanApplication> apps;
    std::vector<Contract> contracts;
    if (auto list = ctx.store->list<LoanApplication>("student_id", studentId))
        apps = std::move(*list);
    for (const LoanApplication& a : apps)
        if (auto ks = ctx.store->list<Contract>("application_id", a.id))
            contracts.insert(contracts.end(), ks->begin(), ks->end());
    if (auto cos = ctx.store->list<CoBorrower>("student_id", studentId))
        m_loaded.coBorrowersOnFile = std::move(*cos);
    m_preApplication = core::openPreApplication(apps);
    m_soFar = core::loanSoFar(apps, contracts);
    m_kind = core::journeyFor(apps, contracts) == ApplicationKind::Renewal ? 1 : 0;
    m_hadPreApplication = m_preApplication.has_value();
    const int schoolYear = core::schoolYearOfSigning(signingDay(ctx));
    m_freshman = m_kind == 0 && (student.enrollmentYear == 0 || student.enrollmentYear >= schoolYear);
    // The co-borrower of the pre-application or of the running loan, else the latest on file.
    Uuid co = m_preApplication ? m_preApplication->coBorrowerId
              : m_soFar.running() ? m_soFar.running()->application.coBorrowerId
                                  : Uuid{};
    for (const CoBorrower& c : m_loaded.coBorrowersOnFile)
        if (c.id == co)
            m_loaded.coBorrower = c;
    if (!m_loaded.coBorrower && !m_loaded.coBorrowersOnFile.empty())
        m_loaded.coBorrower = m_loaded.coBorrowersOnFile.back();

    const core::LoanPeopleForm f = core::loanFormFor(m_loaded);
    auto put = [keepTyped](std::string& field, const std::string& value) {
        if (!keepTyped || field.empty())
            field = value;
    };
    put(m_name, f.name);
    put(m_idNumber, f.idNumber);
    put(m_phone, f.phone);
    put(m_township, f.township);
    put(m_village, f.village);
    put(m_highSchool, f.highSchool);
    put(m_address, f.address);
    put(m_university, f.university);
    put(m_major, f.major);
    m_level = f.level;
    m_programYears = f.programYears;
    m_remainingYears = std::to_string(core::remainingStudyYears(student, schoolYear));
    put(m_coName, f.coName);
    put(m_coRelation, f.coRelation);
    put(m_coIdNumber, f.coIdNumber);
    put(m_coPhone, f.coPhone);
    m_term.clear(); // offered again for this family (recompute)
}

core::MaterialFacts FirstLoanScreen::materialFacts() const {
    core::MaterialFacts f;
    f.type = m_kind == 1 ? core::ApplicationType::Renewal : core::ApplicationType::FirstLoan;
    f.freshman = m_freshman;
    f.hadPreApplication = m_hadPreApplication;
    f.priorityGroup = m_priorityGroup;
    f.householdRegistersDiffer = m_registersDiffer;
    return f;
}

core::Findings FirstLoanScreen::check(Context& ctx, Step step) {
    app::App& app = ctx.app;
    core::Findings f;
    core::Date now = signingDay(ctx);
    switch (step) {
    case Step::Consent: {
        if (!m_consentText)
            f.error("consent.text", Error("ui.loan.consent_unavailable", {{"detail", m_consentError}}));
        if (!m_studentConsents)
            f.error("consent.student", Error("ui.loan.consent_required", {{"party", app.tr("ui.loan.party_student")}}));
        if (!m_coConsents)
            f.error("consent.co_borrower", Error("ui.loan.consent_required", {{"party", app.tr("ui.loan.party_co")}}));
        break;
    }
    case Step::Student: {
        required(f, m_name, "student.name", app, "ui.loan.student_name");
        f.append(core::checkResidentId(m_idNumber, now, {}, "student.id_number").findings);
        if (m_phone.empty())
            required(f, m_phone, "student.phone", app, "ui.loan.phone");
        else
            f.append(core::checkMobile(m_phone, "student.phone"));
        required(f, m_township, "student.township", app, "ui.loan.township");
        break;
    }
    case Step::CoBorrower: {
        required(f, m_coName, "co_borrower.name", app, "ui.loan.co_name");
        required(f, m_coRelation, "co_borrower.relation", app, "ui.loan.co_relation");
        auto id = core::checkResidentId(m_coIdNumber, now, {}, "co_borrower.id_number");
        f.append(id.findings);
        if (m_coPhone.empty())
            required(f, m_coPhone, "co_borrower.phone", app, "ui.loan.phone");
        else
            f.append(core::checkMobile(m_coPhone, "co_borrower.phone"));
        if (id.id) {
            core::CoBorrowerFacts facts;
            facts.type = m_kind == 1 ? core::ApplicationType::Renewal : core::ApplicationType::FirstLoan;
            facts.signingDate = now;
            facts.coBorrowerBirthDate = id.id->birthDate;
            facts.coBorrowerIdNumber = id.id->number;
            facts.studentIdNumber = core::normalizeResidentId(m_idNumber);
            facts.representedByProxy = m_coProxy;
            f.append(core::checkCoBorrower(facts));
        }
        break;
    }
    case Step::School: {
        required(f, m_university, "school.university", app, "ui.loan.university");
        auto years = wholeNumber(m_programYears, 1, 8);
        if (!years)
            f.error("school.program_years", Error("ui.loan.bad_years", {{"min", "1"}, {"max", "8"}}));
        auto remaining = wholeNumber(m_remainingYears, 1, years.value_or(8));
        if (!remaining)
            f.error("school.remaining_years",
                    Error("ui.loan.bad_years", {{"min", "1"}, {"max", std::to_string(years.value_or(8))}}));
        break;
    }
    case Step::Amount: {
        const core::LoanRules* r = rules(ctx);
        if (!r) {
            f.error("loan.amount", Error("ui.loan.no_policy", {{"detail", m_policyError}}));
            break;
        }
        const core::TermRule& termRule = r->signingPolicy->term;
        auto amount = core::parseMoney(m_amount);
        if (!amount)
            f.error("loan.amount", amount.error());
        else
            f.append(core::checkLoanAmount(*amount, r->limits(m_level == 2 ? core::StudentLevel::Postgraduate
                                                                           : core::StudentLevel::Undergraduate),
                                           "loan.amount"));
        const int maxGrace = r->signingPolicy->graceYears;
        auto grace = graceChosen(*r);
        if (!grace)
            f.error("loan.grace", Error("validation.loan.grace_years", {{"grace", m_grace}, {"max", std::to_string(maxGrace)}}));
        else
            f.append(core::checkGraceYears(*grace, maxGrace, "loan.grace"));
        auto term = wholeNumber(m_term, 1, 40);
        if (!term)
            f.error("loan.term", Error("ui.loan.bad_years", {{"min", "1"}, {"max", std::to_string(termRule.maxYears)}}));
        else
            f.append(core::checkLoanTerm(*term, wholeNumber(m_remainingYears, 1, 8).value_or(1),
                                         std::clamp(grace.value_or(maxGrace), 0, maxGrace), termRule, "loan.term"));
        break;
    }
    case Step::Materials: {
        f.append(core::checkMaterials(materialFacts(), m_received));
        break;
    }
    case Step::Review:
        for (Step s : {Step::Consent, Step::Student, Step::CoBorrower, Step::School, Step::Amount, Step::Materials})
            f.append(check(ctx, s));
        break;
    case Step::Signed: {
        required(f, m_contractNumber, "contract.number", app, "ui.loan.contract_number");
        required(f, m_certificateCode, "contract.certificate_code", app, "ui.loan.certificate_code");
        // Format as printed on the contract and the 受理证明 (client/core/contract_codes.hpp).
        if (m_contractNumber.find_first_not_of(" \t") != std::string::npos)
            f.append(core::checkContractNumber(m_contractNumber, "contract.number"));
        if (m_certificateCode.find_first_not_of(" \t") != std::string::npos)
            f.append(core::checkCertificateCode(m_certificateCode, "contract.certificate_code"));
        break;
    }
    }
    return f;
}

// Findings follow the typing. A text field left after an edit is checked at once (only that
// field: one not reached yet is not called missing before Next). While findings show, each edit
// re-checks the fields shown, so a fixed field clears as it is fixed.
void FirstLoanScreen::followTyping(Context& ctx) {
    if (m_step == Step::Review)
        return; // nothing to type; its findings are the save's
    const std::string_view left = fieldLeftAfterEditThisFrame();
    if (left.empty() && (m_findings.empty() || !fieldEditedThisFrame()))
        return;
    core::Findings now = check(ctx, m_step);
    core::Findings shown;
    for (const core::Finding& f : now.all()) {
        bool wasShown = std::any_of(m_findings.all().begin(), m_findings.all().end(),
                                    [&](const core::Finding& s) { return s.field == f.field; });
        if (!wasShown && f.field != left)
            continue;
        if (f.severity == core::Severity::Error)
            shown.error(f.field, f.message);
        else
            shown.warning(f.field, f.message);
    }
    m_findings = std::move(shown);
}

void FirstLoanScreen::next(Context& ctx) {
    m_findings = check(ctx, m_step);
    if (!m_findings.ok())
        return;
    m_status.clear();
    switch (m_step) {
    case Step::Consent: m_step = Step::Student; break;
    case Step::Student:
        // A person is one person: the ID number of a student on file opens that family.
        if (!m_loaded.student && ctx.store)
            if (auto same = ctx.store->studentsByIdNumber(core::normalizeResidentId(m_idNumber)); same && !same->empty())
                loadFamily(ctx, same->front().id, true);
        m_step = Step::CoBorrower;
        break;
    case Step::CoBorrower: m_step = Step::School; break;
    case Step::School: m_step = Step::Amount; break;
    case Step::Amount: m_step = Step::Materials; break;
    case Step::Materials: m_step = Step::Review; break;
    case Step::Review: save(ctx); break;
    case Step::Signed: saveContract(ctx); break;
    }
    if (m_step != Step::Review)
        m_findings = {};
}

core::LoanPeopleForm FirstLoanScreen::peopleForm() const {
    core::LoanPeopleForm f;
    f.name = m_name;
    f.idNumber = m_idNumber;
    f.phone = m_phone;
    f.township = m_township;
    f.village = m_village;
    f.highSchool = m_highSchool;
    f.address = m_address;
    f.university = m_university;
    f.major = m_major;
    f.programYears = m_programYears;
    f.level = m_level;
    f.coName = m_coName;
    f.coRelation = m_coRelation;
    f.coIdNumber = m_coIdNumber;
    f.coPhone = m_coPhone;
    return f;
}

void FirstLoanScreen::save(Context& ctx) {
    if (!ctx.store)
        return;
    core::Date now = signingDay(ctx);
    // The student and co-borrower read are changed only where the person changed the form.
    core::LoanPeople people = core::applyLoanForm(m_loaded, peopleForm(), ctx.county, now, m_kind == 0);
    const Student& s = people.student;
    const CoBorrower& c = people.coBorrower;

    LoanApplication a;
    a.id = newUuidV7();
    a.county = s.county;
    a.studentId = s.id;
    a.coBorrowerId = c.id;
    a.kind = m_kind == 1 ? ApplicationKind::Renewal : ApplicationKind::FirstLoan;
    a.status = LoanStatus::Applied;
    a.schoolYear = core::schoolYearOfSigning(now); // January-June: the autumn before
    a.amountFen = *core::parseMoney(m_amount);
    a.tuitionFen = core::parseMoney(m_tuition).ok() ? *core::parseMoney(m_tuition) : 0;
    a.accommodationFen = core::parseMoney(m_accommodation).ok() ? *core::parseMoney(m_accommodation) : 0;
    a.remainingStudyYears = std::stoi(m_remainingYears);
    a.termYears = std::stoi(m_term);
    a.graceYears = std::stoi(m_grace); // checked on the amount step
    a.renewalMode = m_kind == 1 ? RenewalMode::OnSite : RenewalMode::None;
    a.createdMs = systemNowMs();

    MaterialsChecklist list;
    list.id = newUuidV7();
    list.county = s.county;
    list.applicationId = a.id;
    for (core::Material m : core::requiredMaterials(materialFacts()))
        list.items.push_back({std::string(core::materialId(m)), true, m_received.count(m) != 0, {}});
    list.checkedBy = ctx.actor().user;
    list.checkedMs = a.createdMs;

    // Each party's consent, as confirmed on the first step, recorded with the application.
    const std::string lang = ctx.app.settings().language == "en" ? "en" : "zh-CN";
    Consent studentConsent = store::makeConsent(*m_consentText, lang, ConsentParty::Student, s.county, s.id, s.id,
                                                s.name, ConsentMethod::OnScreen, ctx.actor().user);
    studentConsent.applicationId = a.id;
    studentConsent.consentedMs = m_studentConsentMs;
    Consent coConsent = store::makeConsent(*m_consentText, lang, ConsentParty::CoBorrower, s.county, s.id, c.id,
                                           c.name, ConsentMethod::OnScreen, ctx.actor().user);
    coConsent.applicationId = a.id;
    coConsent.consentedMs = m_coConsentMs;

    // One transaction: the consents, the student, the co-borrower, the application and its
    // checked materials. Checking the materials is staff's (the store refuses it from a
    // volunteer): a volunteer's application waits as applied for staff to check.
    store::LoanSubmission submission{studentConsent, coConsent, a, list, ctx.can(Permission::DecideReviews), {}};
    if (m_preApplication && m_preApplication->studentId == s.id) {
        // The family's pre-application becomes this application (same record, moved on).
        submission.preApplication = m_preApplication;
        submission.application = core::fromPreApplication(*m_preApplication, a);
        a = submission.application;
        submission.materials.applicationId = a.id;
        submission.studentConsent.applicationId = a.id;
        submission.coConsent.applicationId = a.id;
    }
    if (Status st = store::saveLoanApplication(*ctx.store, ctx.actor(), m_loaded, people, submission); !st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_studentId = s.id;
    m_applicationId = a.id;
    m_preApplication.reset(); // it is this application now
    m_loaded.student = s;
    m_loaded.coBorrower = c;
    ctx.student = s.id;
    m_startedFor = s.id;
    ++ctx.dataVersion;
    m_status = ctx.tr("ui.loan.saved");
    m_step = Step::Signed;
}

void FirstLoanScreen::saveContract(Context& ctx) {
    if (!ctx.store || m_contractSaved || !ctx.can(Permission::SignContracts))
        return;
    Contract k;
    k.id = newUuidV7();
    k.county = m_loaded.student ? m_loaded.student->county : ctx.county;
    k.applicationId = m_applicationId;
    k.contractNumber = core::normalizeContractCode(m_contractNumber);
    k.certificateCode = core::normalizeContractCode(m_certificateCode);
    k.signingDate = signingDay(ctx).iso();
    // One contract number per county and year (issue #20.17).
    const int signingYear = std::stoi(k.signingDate.substr(0, 4));
    auto taken = ctx.store->contractNumberTaken(k.county, signingYear, k.contractNumber, k.id);
    if (!taken || *taken) {
        m_status = taken ? message(ctx.app, Error("validation.contract.number_taken",
                                                  {{"value", k.contractNumber},
                                                   {"year", std::to_string(signingYear)}}))
                         : message(ctx.app, taken.error());
        return;
    }
    k.amountFen = *core::parseMoney(m_amount);
    k.termYears = std::stoi(m_term);
    k.preSigned = true;
    // The rate as signed today goes on the contract (annual rate, spread, policy id).
    rules(ctx);
    Status st = m_rules.policies() ? core::recordContractRate(*m_rules.policies(), k)
                                   : Status(Error("ui.loan.no_policy", {{"detail", m_policyError}}));
    if (!st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    store::Batch batch = ctx.store->batch(ctx.actor());
    st = batch.save(k);
    if (st)
        st = batch.changeStatus(m_applicationId, LoanStatus::ContractPreSigned,
                                  std::string(store::kStatusNoteSignedOnPad));
    if (st)
        st = batch.changeStatus(m_applicationId, LoanStatus::CertificateIssued,
                                  std::string(store::kStatusNoteCertificatePrinted));
    if (st)
        st = batch.commit();
    if (!st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_contractSaved = true;
    ++ctx.dataVersion;
    m_status = ctx.tr("ui.loan.contract_saved");
    m_contract = k;
    writePrintout(ctx, k);
}

void FirstLoanScreen::writePrintout(Context& ctx, const Contract& k) {
    if (!ctx.worker)
        return;
    recompute(ctx); // the plan for the amount and term signed
    LoanPrintout p;
    p.county = ctx.county;
    p.studentName = m_name;
    p.studentIdNumber = m_idNumber;
    p.university = m_university;
    p.major = m_major;
    p.coName = m_coName;
    p.coRelation = m_coRelation;
    p.amountPerYearFen = k.amountFen;
    p.termYears = k.termYears;
    p.contractNumber = k.contractNumber;
    p.certificateCode = k.certificateCode;
    p.signingDate = k.signingDate;
    p.schedule = m_schedule;
    p.repricingNote = m_repricingNote;
    if (m_kind == 1)
        p.earlierFen = m_soFar.borrowedFen; // the plan is the whole loan's
    reports::Table table = loanPrintoutTable(ctx.app, p);
    reports::PageTexts page;
    page.pageOfPages = ctx.tr("reports.page_of_pages");
    page.printedAt = ctx.app.texts().current().format("reports.printed_on", {{"date", localTimeText(systemNowMs())}});
    std::string path = (ctx.dataDir / "printouts" / core::receiptFileName(k.contractNumber)).string();
    m_printing = true;
    m_printError.clear();
    app::App* app = &ctx.app;
    store::Store* db = ctx.store;
    store::Actor who = ctx.actor();
    ctx.worker->run([=, this, table = std::move(table)] {
        Status st = ensureDir(std::filesystem::path(path).parent_path());
        if (st)
            st = reports::writePdf(table, path, page);
        app->queue().post([=, this] {
            m_printing = false;
            if (!st) {
                m_printError = message(*app, st.error());
                return;
            }
            m_summaryPath = path;
            // The receipt leaves the device with a family's data: the audit says who printed it.
            (void)db->audit("print", RecordType::Contract, k.id, k.county, "loan receipt written", who);
        });
        app->wake();
    });
    m_status = ctx.tr("ui.loan.contract_saved");
}

void FirstLoanScreen::recompute(Context& ctx) {
    std::string inputs = m_tuition + "|" + m_accommodation + "|" + m_amount + "|" + m_term + "|" + m_grace + "|" +
                         m_remainingYears + "|" + std::to_string(m_level) + "|" + std::to_string(m_kind);
    if (inputs == m_calcInputs)
        return;
    m_calcInputs = inputs;
    m_advice.reset();
    m_schedule.reset();
    m_repricingNote.clear();
    const core::LoanRules* r = rules(ctx);
    int remaining = wholeNumber(m_remainingYears, 1, 8).value_or(0);
    if (!r || remaining == 0)
        return;
    auto level = m_level == 2 ? core::StudentLevel::Postgraduate : core::StudentLevel::Undergraduate;
    auto tuition = core::parseMoney(m_tuition);
    auto room = core::parseMoney(m_accommodation.empty() ? "0" : m_accommodation);
    if (tuition && room) {
        m_advice = core::adviseLoan(*tuition, *room, remaining, level, *r);
        m_advice->termYears = offeredTerm(ctx); // a renewal's ends with the running contract
    }
    auto amount = core::parseMoney(m_amount);
    auto term = wholeNumber(m_term, 1, 40);
    auto grace = graceChosen(*r);
    if (!amount || !term || *amount <= 0 || !grace || !core::checkGraceYears(*grace, r->signingPolicy->graceYears).ok())
        return;
    const core::Date now = signingDay(ctx);
    const int schoolYear = core::schoolYearOfSigning(now);
    const core::Date graduation = core::graduationDate(schoolYear, remaining);
    const core::Date first = core::expectedDisbursement(now);
    std::vector<core::LoanTerms> parts;
    if (m_kind == 1 && m_rules.policies()) {
        // A renewal: the whole loan, each earlier contract at its own rate, and this year's;
        // one contract for this year only, since each year's contract is signed that year.
        for (const core::LoanOnFile& loan : m_soFar.loans)
            if (auto t = core::termsOfLoan(*m_rules.policies(), loan, graduation, now))
                parts.push_back(*t);
    }
    const bool earlier = !parts.empty();
    const int years = m_kind == 1 && earlier ? 1 : remaining; // a first loan shows every study year
    // Rates after signing: each 1 January from the base known then, today's base for years to come.
    auto repriced = core::withRepricings(
        core::loanTermsFromPolicy(*r->signingPolicy, r->rate,
                                  core::yearlyDisbursements(first, std::vector<Fen>(years, *amount)), now, *term,
                                  graduation, *grace),
        *m_rules.policies(), r->rate, now);
    if (!repriced)
        return;
    parts.push_back(std::move(*repriced));
    if (auto s = core::wholeLoanSchedule(parts)) {
        m_schedule = *s;
        m_repricingNote = planRepricingNote(ctx.app, *s, *m_rules.policies(), r->rate, now);
        if (earlier && s->repriced)
            m_repricingNote += ctx.tr("ui.calc.repricing_earlier");
    }
}

void FirstLoanScreen::drawConsent(Context& ctx) {
    app::App& app = ctx.app;
    dataTextWrapped(app, app.tr("ui.loan.consent_intro"));
    if (!m_consentText) {
        dataTextWrapped(app, app.texts().current().format("ui.loan.consent_unavailable", {{"detail", m_consentError}}));
        return;
    }
    const std::string lang = app.settings().language == "en" ? "en" : "zh-CN";
    heading(app, "ui.loan.step.consent");
    dataTextWrapped(app, m_consentText->shownTitle(lang));
    dataTextDisabled(app, app.texts().current().format("ui.loan.consent_version", {{"version", m_consentText->version}}));
    // The text exactly as hashed into the Consent record, in its own scrolling area.
    ImGui::BeginChild("##loan.consent_text", ImVec2(0, 260), true);
    dataTextWrapped(app, m_consentText->shown(lang));
    ImGui::EndChild();
    focusNextIf(m_focusStep);
    if (checkbox(app, "ui.loan.consent_student", "loan.consent_student", m_studentConsents))
        m_studentConsentMs = m_studentConsents ? systemNowMs() : 0;
    findingsFor(app, m_findings, "consent.student");
    if (checkbox(app, "ui.loan.consent_co", "loan.consent_co", m_coConsents))
        m_coConsentMs = m_coConsents ? systemNowMs() : 0;
    findingsFor(app, m_findings, "consent.co_borrower");
    findingsFor(app, m_findings, "consent.text");
}

void FirstLoanScreen::drawStudent(Context& ctx) {
    app::App& app = ctx.app;
    ImGui::TextUnformatted(app.tr("ui.loan.kind"));
    radio(app, "ui.kind.first_loan", "loan.kind_first", m_kind, 0);
    ImGui::SameLine();
    radio(app, "ui.kind.renewal", "loan.kind_renewal", m_kind, 1);
    focusNextIf(m_focusStep); // the kind is usually right already: typing starts at the name
    textField(app, "ui.loan.student_name", "loan.student_name", m_name, &m_findings, "student.name",
              {.helpKey = "ui.loan.student_name_help"});
    textField(app, "ui.loan.id_number", "loan.student_id", m_idNumber, &m_findings, "student.id_number",
              {.helpKey = "ui.loan.id_number_help",
               .flags = ImGuiInputTextFlags_CharsNoBlank,
               .mask = maskIdNumber});
    textField(app, "ui.loan.phone", "loan.student_phone", m_phone, &m_findings, "student.phone",
              {.helpKey = "ui.loan.phone_help"});
    textField(app, "ui.loan.township", "loan.township", m_township, &m_findings, "student.township",
              {.helpKey = "ui.loan.township_help"});
    textField(app, "ui.loan.village", "loan.village", m_village);
    textField(app, "ui.loan.high_school", "loan.high_school", m_highSchool, nullptr, {},
              {.helpKey = "ui.loan.high_school_help"});
    textField(app, "ui.loan.address", "loan.address", m_address);
}

void FirstLoanScreen::drawCoBorrower(Context& ctx) {
    app::App& app = ctx.app;
    dataTextWrapped(app, app.tr("ui.loan.co_intro"));
    focusNextIf(m_focusStep);
    textField(app, "ui.loan.co_name", "loan.co_name", m_coName, &m_findings, "co_borrower.name");
    textField(app, "ui.loan.co_relation", "loan.co_relation", m_coRelation, &m_findings, "co_borrower.relation",
              {.helpKey = "ui.loan.co_relation_help"});
    textField(app, "ui.loan.id_number", "loan.co_id", m_coIdNumber, &m_findings, "co_borrower.id_number",
              {.helpKey = "ui.loan.id_number_help",
               .flags = ImGuiInputTextFlags_CharsNoBlank,
               .mask = maskIdNumber});
    findingsFor(app, m_findings, "co_borrower.birth_date");
    textField(app, "ui.loan.phone", "loan.co_phone", m_coPhone, &m_findings, "co_borrower.phone");
    checkbox(app, "ui.loan.co_proxy", "loan.co_proxy", m_coProxy);
    helpMarker(app, "ui.loan.co_proxy_help");
    findingsFor(app, m_findings, "co_borrower.signature");
}

void FirstLoanScreen::drawSchool(Context& ctx) {
    app::App& app = ctx.app;
    focusNextIf(m_focusStep);
    textField(app, "ui.loan.university", "loan.university", m_university, &m_findings, "school.university",
              {.helpKey = "ui.loan.university_help"});
    textField(app, "ui.loan.major", "loan.major", m_major);
    ImGui::TextUnformatted(app.tr("ui.loan.level"));
    radio(app, "ui.level_study.undergraduate", "loan.level_undergraduate", m_level, 0);
    ImGui::SameLine();
    radio(app, "ui.level_study.vocational", "loan.level_vocational", m_level, 1);
    ImGui::SameLine();
    radio(app, "ui.level_study.postgraduate", "loan.level_postgraduate", m_level, 2);
    checkbox(app, "ui.loan.freshman", "loan.freshman", m_freshman);
    helpMarker(app, "ui.loan.freshman_help");
    textField(app, "ui.loan.program_years", "loan.program_years", m_programYears, &m_findings,
              "school.program_years", {.flags = ImGuiInputTextFlags_CharsDecimal, .width = 120});
    textField(app, "ui.loan.remaining_years", "loan.remaining_years", m_remainingYears, &m_findings,
              "school.remaining_years",
              {.helpKey = "ui.loan.remaining_years_help", .flags = ImGuiInputTextFlags_CharsDecimal, .width = 120});
}

void FirstLoanScreen::drawAmount(Context& ctx) {
    app::App& app = ctx.app;
    const core::LoanRules* r = rules(ctx);
    if (!r) {
        dataTextWrapped(app, app.texts().current().format("ui.loan.no_policy", {{"detail", m_policyError}}));
        return;
    }
    auto level = m_level == 2 ? core::StudentLevel::Postgraduate : core::StudentLevel::Undergraduate;
    dataTextWrapped(app, app.texts().current().format(
                             "ui.loan.policy_line",
                             {{"policy", app.settings().language == "en" ? r->capPolicy->nameEn : r->capPolicy->nameZh},
                              {"cap", money(r->cap(level))},
                              {"min", money(r->capPolicy->minimum)},
                              {"max_term", std::to_string(offeredTerm(ctx))},
                              {"rate", core::ratePercentText(r->rate.annualRateBp)},
                              {"grace", std::to_string(r->signingPolicy->graceYears)}}));
    if (m_kind == 1 && m_soFar.running()) {
        // A renewal starts from the loan so far: what was borrowed, and the contract running now.
        const core::LoanOnFile& run = *m_soFar.running();
        dataTextWrapped(app, app.texts().current().format(
                                 "ui.loan.so_far", {{"borrowed", money(m_soFar.borrowedFen)},
                                                    {"count", std::to_string(m_soFar.loans.size())},
                                                    {"number", run.contract.contractNumber},
                                                    {"term", std::to_string(run.contract.termYears)},
                                                    {"end", run.end().iso()}}));
    }
    if (m_kind == 1 && m_term.empty() && offeredTerm(ctx) > 0)
        m_term = std::to_string(offeredTerm(ctx)); // ends with the running contract
    focusNextIf(m_focusStep);
    textField(app, "ui.loan.tuition", "loan.tuition", m_tuition, nullptr, {},
              {.helpKey = "ui.loan.tuition_help", .width = 200});
    textField(app, "ui.loan.accommodation", "loan.accommodation", m_accommodation, nullptr, {}, {.width = 200});
    recompute(ctx);
    if (m_advice && m_advice->amount > 0) {
        dataTextWrapped(app, app.texts().current().format(
                                 "ui.loan.advice", {{"amount", money(m_advice->amount)},
                                                    {"term", std::to_string(m_advice->termYears)}}));
        ImGui::SameLine();
        if (button(app, "ui.loan.use_advice", true, "loan.use_advice")) {
            m_amount = core::formatMoney(m_advice->amount, {.grouping = false, .alwaysCents = false});
            m_term = std::to_string(m_advice->termYears);
        }
    }
    textField(app, "ui.loan.amount", "loan.amount", m_amount, &m_findings, "loan.amount",
              {.helpKey = "ui.loan.amount_help", .width = 200});
    textField(app, "ui.loan.term", "loan.term", m_term, &m_findings, "loan.term",
              {.helpKey = "ui.loan.term_help", .flags = ImGuiInputTextFlags_CharsDecimal, .width = 120});
    graceChosen(*r); // shows the policy's maximum until the borrower chooses less
    textField(app, "ui.loan.grace", "loan.grace", m_grace, &m_findings, "loan.grace",
              {.helpKey = "ui.loan.grace_help", .flags = ImGuiInputTextFlags_CharsDecimal, .width = 120});
    recompute(ctx);
    if (m_schedule) {
        const core::Schedule& s = *m_schedule;
        if (m_kind == 1 && !m_soFar.loans.empty())
            dataTextWrapped(app, app.texts().current().format(
                                     "ui.loan.whole_loan", {{"earlier", money(m_soFar.borrowedFen)},
                                                            {"now", money(s.totalPrincipal - m_soFar.borrowedFen)},
                                                            {"total", money(s.totalPrincipal)}}));
        dataTextWrapped(app, app.texts().current().format(
                                 "ui.loan.schedule_line",
                                 {{"principal", money(s.totalPrincipal)},
                                  {"state", money(s.totalGovernmentInterest)},
                                  {"student", money(s.totalStudentInterest)},
                                  {"first_year", std::to_string(s.firstPrincipalYear)},
                                  {"end", s.termEnd.iso()}}));
        if (!m_repricingNote.empty())
            dataTextWrapped(app, m_repricingNote);
        if (ImGui::BeginTable("##loan.schedule", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
                              ImVec2(0, 160))) {
            for (const char* k : {"ui.calc.year", "ui.calc.phase", "ui.calc.rate", "ui.calc.principal", "ui.calc.interest",
                                  "ui.calc.balance"})
                ImGui::TableSetupColumn(app.tr(k));
            ImGui::TableHeadersRow();
            for (const auto& y : s.years) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%d", y.year);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(app.tr(y.phase == core::SchedulePhase::Study        ? "ui.calc.phase_study"
                                              : y.phase == core::SchedulePhase::Graduation ? "ui.calc.phase_graduation"
                                              : y.phase == core::SchedulePhase::Grace      ? "ui.calc.phase_grace"
                                                                                           : "ui.calc.phase_repayment"));
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(planRateText(app, y).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(money(y.principal).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(money(y.studentInterest).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(money(y.balanceEnd).c_str());
            }
            ImGui::EndTable();
        }
    }
}

void FirstLoanScreen::drawMaterials(Context& ctx) {
    app::App& app = ctx.app;
    dataTextWrapped(app, app.tr("ui.loan.materials_intro"));
    focusNextIf(m_focusStep);
    checkbox(app, "ui.loan.priority_group", "loan.priority_group", m_priorityGroup);
    checkbox(app, "ui.loan.had_pre_application", "loan.had_pre_application", m_hadPreApplication);
    checkbox(app, "ui.loan.registers_differ", "loan.registers_differ", m_registersDiffer);
    ImGui::Separator();
    for (core::Material m : core::requiredMaterials(materialFacts())) {
        bool have = m_received.count(m) != 0;
        std::string id = "material." + std::string(core::materialId(m)), nameKey = core::materialNameKey(m);
        if (checkbox(app, nameKey.c_str(), id.c_str(), have)) {
            if (have)
                m_received.insert(m);
            else
                m_received.erase(m);
        }
        findingsFor(app, m_findings, "materials." + std::string(core::materialId(m)));
    }
}

void FirstLoanScreen::drawReview(Context& ctx) {
    app::App& app = ctx.app;
    dataTextWrapped(app, app.tr("ui.loan.review_intro"));
    if (ImGui::BeginTable("##loan.review", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        auto row = [&](const char* key, const std::string& value) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", app.tr(key));
            ImGui::TableNextColumn();
            dataText(app, value);
        };
        row("ui.loan.kind", app.tr(m_kind == 1 ? "ui.kind.renewal" : "ui.kind.first_loan"));
        row("ui.loan.student_name", m_name);
        // The summary masks ID numbers like every staff screen (the fields above hold them in full).
        row("ui.loan.id_number", maskIdNumber(core::normalizeResidentId(m_idNumber)));
        row("ui.loan.phone", m_phone);
        row("ui.loan.township", m_township + " " + m_village);
        row("ui.loan.co_name",
            m_coName + "（" + m_coRelation + "） " + maskIdNumber(core::normalizeResidentId(m_coIdNumber)));
        row("ui.loan.university", m_university + " " + m_major);
        row("ui.loan.remaining_years", m_remainingYears);
        auto amount = core::parseMoney(m_amount);
        row("ui.loan.amount", amount ? money(*amount) : m_amount);
        row("ui.loan.term", m_term);
        row("ui.loan.materials", std::to_string(m_received.size()) + " / " +
                                     std::to_string(core::requiredMaterials(materialFacts()).size()));
        ImGui::EndTable();
    }
    findingsFor(app, m_findings, {});
}

void FirstLoanScreen::drawSigned(Context& ctx) {
    app::App& app = ctx.app;
    dataTextWrapped(app, app.tr("ui.loan.signed_intro"));
    if (!ctx.can(Permission::SignContracts)) {
        dataTextWrapped(app, app.tr("ui.loan.staff_signs"));
        return;
    }
    ImGuiInputTextFlags ro = m_contractSaved ? ImGuiInputTextFlags_ReadOnly : 0;
    focusNextIf(m_focusStep);
    textField(app, "ui.loan.contract_number", "loan.contract_number", m_contractNumber, &m_findings,
              "contract.number", {.helpKey = "ui.loan.contract_number_help", .flags = ro});
    textField(app, "ui.loan.certificate_code", "loan.certificate_code", m_certificateCode, &m_findings,
              "contract.certificate_code", {.helpKey = "ui.loan.certificate_code_help", .flags = ro});
    if (!m_contractSaved)
        return;
    if (m_printing)
        ImGui::TextUnformatted(app.tr("ui.loan.printout_writing"));
    else if (!m_summaryPath.empty())
        dataTextWrapped(app, app.texts().current().format("ui.loan.summary_written", {{"path", m_summaryPath}}));
    else if (!m_printError.empty()) {
        dataTextWrapped(app, m_printError);
        if (button(app, "ui.loan.printout_retry", true, "loan.printout_retry"))
            writePrintout(ctx, m_contract);
    }
}

void FirstLoanScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_started || !(m_startedFor == ctx.student) || ctx.loanPrefill)
        start(ctx);
    static const char* kSteps[] = {"ui.loan.step.consent", "ui.loan.step.student", "ui.loan.step.co_borrower", "ui.loan.step.school",
                                   "ui.loan.step.amount",  "ui.loan.step.materials",   "ui.loan.step.review",
                                   "ui.loan.step.signed"};
    heading(app, m_kind == 1 ? "ui.loan.title_renewal" : "ui.loan.title");
    int current = static_cast<int>(m_step);
    for (int i = 0; i < 8; ++i) {
        if (i > 0)
            ImGui::SameLine();
        std::string text = std::to_string(i + 1) + ". " + app.tr(kSteps[i]);
        if (i == current)
            ImGui::TextColored(ImVec4(0.10f, 0.25f, 0.50f, 1.0f), "[%s]", text.c_str());
        else
            ImGui::TextDisabled("%s", text.c_str());
    }
    ImGui::Separator();
    if (ctx.entered || m_step != m_drawnStep) // a new step (or back on the screen): its first field takes the keys
        m_focusStep = true;
    m_drawnStep = m_step;
    ImGui::BeginChild("##loan.step", ImVec2(0, ImGui::GetContentRegionAvail().y - 90), false);
    switch (m_step) {
    case Step::Consent: drawConsent(ctx); break;
    case Step::Student: drawStudent(ctx); break;
    case Step::CoBorrower: drawCoBorrower(ctx); break;
    case Step::School: drawSchool(ctx); break;
    case Step::Amount: drawAmount(ctx); break;
    case Step::Materials: drawMaterials(ctx); break;
    case Step::Review: drawReview(ctx); break;
    case Step::Signed: drawSigned(ctx); break;
    }
    followTyping(ctx);
    ImGui::EndChild();
    ImGui::Separator();
    if (!m_status.empty())
        dataTextWrapped(app, m_status);

    bool first = m_step == Step::Consent;
    if (m_step != Step::Signed) {
        if (button(app, first ? "ui.common.cancel" : "ui.loan.previous", true, "loan.previous") || escapePressed()) {
            if (first) {
                m_started = false;
                ctx.back();
            } else {
                m_findings = {};
                m_step = static_cast<Step>(current - 1);
            }
        }
        ImGui::SameLine();
        const char* nextKey = m_step == Step::Review ? "ui.loan.confirm" : "ui.loan.next";
        if (button(app, nextKey, ctx.store != nullptr, "loan.next") || enterPressed())
            next(ctx);
    } else {
        if (!m_contractSaved && ctx.can(Permission::SignContracts)) {
            if (button(app, "ui.loan.save_contract", true, "loan.save_contract") || enterPressed())
                next(ctx);
            ImGui::SameLine();
        }
        if (button(app, "ui.loan.to_family", true, "loan.to_family") || escapePressed()) {
            m_started = false;
            ctx.history.clear();
            ctx.history.push_back(ScreenId::Home);
            ctx.screen = ScreenId::Family;
        }
    }
}

} // namespace zhuxue::ui
