// The loan journey starts from the family's history (issue 21, points 1 and 3), driven through the
// real screens: a renewal of a student with three earlier contracts shows the remaining years,
// the balance and the whole loan's plan (figures worked by hand below, as literal numbers); a
// family with no loan opens as 首贷, and its pre-application becomes the application, with one
// co-borrower.
#include "staff_fixture.hpp"

#include "client/core/resident_id.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/xvfb.hpp"

#include <cstdlib>
#include <tuple>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
std::string validId(std::string first17) { return first17 + core::residentIdCheckChar(first17); }

const char* kCounty = "420527";

// A student of 秭归县 with a co-borrower, both consented, saved by the office.
std::pair<Student, CoBorrower> seedPeople(StaffFixture& f, const char* name, const std::string& id,
                                          int enrolled) {
    store::Actor who{"seed"};
    Student s;
    s.id = newUuidV7();
    s.county = kCounty;
    s.name = name;
    s.idNumber = id;
    s.phone = "13800138010";
    s.township = "茅坪镇";
    s.village = "秭归村";
    s.university = "三峡大学";
    s.major = "土木工程";
    s.studyLevel = StudyLevel::Undergraduate;
    s.programYears = 4;
    s.enrollmentYear = enrolled;
    CoBorrower c;
    c.id = newUuidV7();
    c.county = kCounty;
    c.studentId = s.id;
    c.name = "向建国";
    c.relation = "父亲";
    c.idNumber = validId("42052719750315003");
    c.phone = "13900139010";
    consentStudent(f.store(), kCounty, s.id);
    consentCoBorrower(f.store(), kCounty, s.id, c.id);
    REQUIRE(f.store().save(s, who).ok());
    REQUIRE(f.store().save(c, who).ok());
    return {s, c};
}

LoanApplication seedApplication(StaffFixture& f, const Student& s, const CoBorrower& c, ApplicationKind kind,
                                LoanStatus status, int year, Fen amount, int term) {
    LoanApplication a;
    a.id = newUuidV7();
    a.county = kCounty;
    a.studentId = s.id;
    a.coBorrowerId = c.id;
    a.kind = kind;
    a.status = status;
    a.schoolYear = year;
    a.amountFen = amount;
    a.termYears = term;
    a.remainingStudyYears = term == 0 ? 0 : term - 15;
    REQUIRE(f.store().save(a, store::Actor{"seed"}).ok());
    return a;
}

// A family on the high school's pre-application list (student, co-borrower, 预申请 of 2026), no
// loan yet; staff signed in; the journey signs on 2026-08-20.
std::tuple<Student, CoBorrower, LoanApplication> preApplied(StaffFixture& f, const char* name, const std::string& id) {
    auto [s, c] = seedPeople(f, name, id, 0);
    LoanApplication pre =
        seedApplication(f, s, c, ApplicationKind::PreApplication, LoanStatus::PreApplication, 2026, 0, 0);
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    f.ctx().loanToday = [] { return core::Date{2026, 8, 20}; };
    return {s, c, pre};
}

// The family page's 办理贷款, both consents confirmed: the journey at its student step.
void startFromFamilyPage(StaffFixture& f, const Uuid& student) {
    auto& d = *f.d;
    f.ctx().openFamily(student);
    d.frame(2);
    REQUIRE_MESSAGE(d.click("##family.start_loan"), d.why());
    d.frame(2);
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.student_name"), d.describe());
}

// Every material the step lists, ticked.
void tickAllMaterials(app::driver::Driver& d) {
    std::vector<std::string> labels;
    for (const auto& item : d.items())
        if (auto at = item.label.find("##material."); at != std::string::npos)
            labels.push_back(item.label.substr(at));
    REQUIRE_FALSE(labels.empty());
    for (const auto& l : labels)
        REQUIRE_MESSAGE(d.click(l), d.why());
}

// The texts shown right after `text` (the values of the next fields or review rows; their
// labels are not recorded as text).
std::vector<std::string> shownAfter(app::driver::Driver& d, const std::string& text, std::size_t count) {
    const auto& t = d.shownText();
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i] == text)
            return {t.begin() + static_cast<std::ptrdiff_t>(i + 1),
                    t.begin() + static_cast<std::ptrdiff_t>(std::min(t.size(), i + 1 + count))};
    return {};
}

// The journey the review step names (its first row: 首贷 or 续贷).
const char* kReviewIntro = "请和学生、共同借款人一起核对以下信息，确认无误后保存。";
std::vector<std::string> reviewedKind(app::driver::Driver& d) { return shownAfter(d, kReviewIntro, 1); }
} // namespace

TEST_CASE("renewal of a student with three contracts: remaining years, balance and the whole loan's plan") {
    Xvfb x(1366, 768);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    const char* lang = std::getenv("ZHUXUE_TEST_LANGUAGE"); // en: the same journey in English
    const bool en = lang && std::string(lang) == "en";
    StaffFixture f(en ? "en" : "zh-CN", true, 1366, 768);
    // Enrolled in 2023 on a 4-year course; contracts 2023, 2024 and 2025 with terms 19, 18, 17
    // (all end 2042-08-20), ¥8,000 + ¥12,000 + ¥12,000 = ¥32,000, each at the rate recorded when
    // signed: 2023-08-20 LPR 4.20% − 60 bp = 3.60%; 2024-08-20 LPR 3.85% − 70 bp = 3.15%;
    // 2025-08-20 LPR 3.50% − 70 bp = 2.80%. The renewal is signed on 2026-08-20.
    auto [s, c] = seedPeople(f, "向䶮", validId("42052720050101003"), 2023);
    struct Earlier {
        int year;
        ApplicationKind kind;
        Fen amount;
        int term, rate;
    };
    for (auto e : {Earlier{2023, ApplicationKind::FirstLoan, 800'000, 19, 360},
                   Earlier{2024, ApplicationKind::Renewal, 1'200'000, 18, 315},
                   Earlier{2025, ApplicationKind::Renewal, 1'200'000, 17, 280}}) {
        LoanApplication a = seedApplication(f, s, c, e.kind, LoanStatus::InStudy, e.year, e.amount, e.term);
        Contract k;
        k.id = newUuidV7();
        k.county = kCounty;
        k.applicationId = a.id;
        k.contractNumber = "420527" + std::to_string(e.year) + "000007";
        k.certificateCode = "K7Q2-9XP" + std::to_string(e.year % 10);
        k.signingDate = std::to_string(e.year) + "-08-20";
        k.amountFen = e.amount;
        k.termYears = e.term;
        k.preSigned = false;
        k.annualRateBp = e.rate;
        k.spreadBp = e.year == 2023 ? -60 : -70;
        k.policyId = e.year == 2023 ? "2023" : "2024";
        REQUIRE(f.store().save(k, store::Actor{"seed"}).ok());
    }
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    f.ctx().loanToday = [] { return core::Date{2026, 8, 20}; };
    auto& d = *f.d;
    startFromFamilyPage(f, s.id);
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), d.describe(), f.shown());
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.remaining_years"), d.describe(), f.shown());
    // 学制 4, 剩余学制: 2023 + 4 − 2026 = 1 year (the school year 2026-27), not the programme's 4.
    CHECK_MESSAGE((shownAfter(d, "土木工程", 2) == std::vector<std::string>{"4", "1"}), f.shown());
    f.screenshot(en ? "gui_renewal_school_en" : "gui_renewal_school");
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.amount"), d.describe(), f.shown());

    // The amount step starts from the loan so far: ¥32,000 on 3 contracts, the running one
    // (2025, 17 years, to 2042-08-20); the longest term is 1 + 15 = 16 years, ending the same day.
    if (!en) {
        CHECK_MESSAGE(d.sawText("期限最长 16 年"), f.shown());
        CHECK_FALSE(d.sawText("期限最长 19 年"));
        CHECK_MESSAGE(d.sawText("已贷 ¥32,000.00（3 份合同）；正在执行的合同 4205272025000007：期限 17 年，2042-08-20 到期"),
                      f.shown());
    } else {
        CHECK_MESSAGE(d.sawText("term up to 16 years"), f.shown());
        CHECK(d.sawText("Borrowed so far ¥32,000.00 (3 contracts); running contract 4205272025000007: 17 years, ends 2042-08-20"));
    }
    REQUIRE(d.typeInto("##loan.amount", "12000"));
    d.frame(2);
    // The whole loan on one plan: ¥32,000 before + ¥12,000 now = ¥44,000; principal repaid from
    // 2027 + 5 grace years = 2032; the term ends 2042-08-20 (this contract: 2026-08-20 + 16 years).
    if (!en) {
        CHECK_MESSAGE(d.sawText("全部贷款：此前已贷 ¥32,000.00，本次 ¥12,000.00，合计 ¥44,000.00"), f.shown());
        CHECK_MESSAGE(d.sawText("本金合计 ¥44,000.00"), f.shown());
        CHECK(d.sawText("2032 年开始还本；2042-08-20 到期"));
    } else {
        CHECK_MESSAGE(d.sawText("The whole loan: ¥32,000.00 borrowed before, ¥12,000.00 now, ¥44,000.00 in all"), f.shown());
        CHECK(d.sawText("principal repayments from 2032; ends 2042-08-20"));
    }
    f.screenshot(en ? "gui_renewal_amount_en" : "gui_renewal_amount");
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##material.application_form"), d.describe(), f.shown());
    tickAllMaterials(d);
    REQUIRE(d.click("##loan.next"));
    // Review: a renewal; remaining years 1, ¥12,000 for 16 years.
    if (!en)
        CHECK_MESSAGE((reviewedKind(d) == std::vector<std::string>{"续贷"}), f.shown());
    CHECK_MESSAGE((shownAfter(d, "三峡大学 土木工程", 3) == std::vector<std::string>{"1", "¥12,000.00", "16"}),
                  f.shown());
    f.screenshot(en ? "gui_renewal_review_en" : "gui_renewal_review");
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.contract_number"), d.describe(), f.shown());

    auto apps = f.store().list<LoanApplication>("student_id", s.id);
    REQUIRE(apps->size() == 4);
    const LoanApplication* now = nullptr;
    for (const auto& a : *apps)
        if (a.schoolYear == 2026)
            now = &a;
    REQUIRE(now != nullptr);
    CHECK(now->kind == ApplicationKind::Renewal);
    CHECK(now->remainingStudyYears == 1);
    CHECK(now->termYears == 16);
    CHECK(now->amountFen == 1'200'000);
    CHECK(now->coBorrowerId == c.id);
    CHECK(f.store().list<CoBorrower>("student_id", s.id)->size() == 1);

    // The receipt carries the whole loan's plan, year by year, each contract repriced each
    // 1 January from the LPR and its own spread (the 2023 contract, −60 bp, at 2.90% from 2026;
    // the 2024 one, −70 bp, at 2.80% from 2026; the 2025 and 2026 ones at 2.80%):
    //   2027 (graduation year) the student pays 1 Sept-20 Dec, 110 days: 8,000 × 2.90% × 110/360 =
    //     70.89; 12,000 × 2.80% × 110/360 = 102.67 (three times) → 378.90;
    //   2029 (grace, 365 days): 235.22 + 340.67 × 3 = 1,257.23;
    //   2032 (first repayment, 366 days): 235.87 + 341.60 × 3 = 1,260.67 interest,
    //     44,000 / 10 years (2032-2041) = 4,400.00 principal, 39,600.00 left.
    REQUIRE(d.typeInto("##loan.contract_number", "4205272026000456"));
    REQUIRE(d.typeInto("##loan.certificate_code", "K7Q2-9XPB"));
    REQUIRE(d.click("##loan.save_contract"));
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText(en ? "Summary saved to" : "回执已保存到"); }), f.shown());
    auto receipt = f.dir / "printouts" / "loan-4205272026000456.pdf";
    auto [rc, text] = test::runShell("pdftotext -layout -enc UTF-8 '" + receipt.string() + "' -");
    REQUIRE(rc == 0);
    for (const char* figure : {"32,000.00", "44,000.00", "378.90", "1,257.23", "1,260.67", "4,400.00", "39,600.00"})
        CHECK_MESSAGE(text.find(figure) != std::string::npos, figure, "\n", text);
    CHECK_MESSAGE(text.find("2042-08-20") != std::string::npos, text);
    std::filesystem::copy_file(receipt, test::artifactPath(en ? "gui_renewal_receipt_en.pdf" : "gui_renewal_receipt.pdf"),
                               std::filesystem::copy_options::overwrite_existing);
}

TEST_CASE("首贷 from the home screen: the ID number typed is the family on file; its pre-application becomes the application") {
    StaffFixture f;
    const std::string studentId = validId("42052720080808005");
    auto [s, c, pre] = preApplied(f, "谭䶮", studentId);
    auto& d = *f.d;
    REQUIRE(d.click("##home.first_loan"));
    d.frame(2);
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE(d.typeInto("##loan.student_name", "谭䶮"));
    REQUIRE(d.typeInto("##loan.student_id", studentId));
    REQUIRE(d.typeInto("##loan.student_phone", "13800138010"));
    REQUIRE(d.typeInto("##loan.township", "茅坪镇"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), d.describe(), f.shown());
    // The family on file: its co-borrower is offered; typed again, the same person.
    CHECK_MESSAGE(d.sawText("向建国"), f.shown());
    REQUIRE(d.typeInto("##loan.co_name", "向建国"));
    REQUIRE(d.typeInto("##loan.co_relation", "父亲"));
    REQUIRE(d.typeInto("##loan.co_id", c.idNumber));
    REQUIRE(d.typeInto("##loan.co_phone", "13900139010"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.university"), d.describe(), f.shown());
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.tuition"), d.describe(), f.shown());
    CHECK_MESSAGE(d.sawText("期限最长 19 年"), f.shown()); // a freshman: 4 + 15
    REQUIRE(d.typeInto("##loan.tuition", "5000"));
    REQUIRE(d.typeInto("##loan.accommodation", "1000"));
    REQUIRE(d.click("##loan.use_advice"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##material.application_form"), d.describe(), f.shown());
    // The pre-application settled the 认定表: it is not asked for.
    CHECK_FALSE(d.exists("##material.hardship_form"));
    tickAllMaterials(d);
    REQUIRE(d.click("##loan.next"));
    CHECK_MESSAGE((reviewedKind(d) == std::vector<std::string>{"首贷"}), f.shown());
    REQUIRE(d.click("##loan.next")); // confirm
    REQUIRE_MESSAGE(d.exists("##loan.contract_number"), d.describe(), f.shown());

    // One student, one application (the pre-application, moved on), one co-borrower.
    CHECK(f.store().studentsByIdNumber(studentId)->size() == 1);
    auto apps = f.store().list<LoanApplication>("student_id", s.id);
    REQUIRE(apps->size() == 1);
    CHECK(apps->front().id == pre.id);
    CHECK(apps->front().kind == ApplicationKind::FirstLoan);
    CHECK(apps->front().status == LoanStatus::MaterialsChecked);
    CHECK(apps->front().amountFen == 600'000); // 5,000 + 1,000
    CHECK(apps->front().termYears == 19);
    CHECK(f.store().list<CoBorrower>("student_id", s.id)->size() == 1);
    // The family page lists the application once, as 首贷, and the co-borrower once.
    REQUIRE(d.click("##loan.to_family"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("首贷"), f.shown());
    CHECK_FALSE(d.sawText("2026 预申请"));
}

TEST_CASE("from the family page: a pre-application family opens as 首贷 and the pre-application becomes it") {
    StaffFixture f;
    const std::string studentId = validId("42052720080909006");
    auto [s, c, pre] = preApplied(f, "覃䶮", studentId);
    auto& d = *f.d;
    startFromFamilyPage(f, s.id);
    for (int step = 0; step < 3; ++step) // student, co-borrower, school: as on file
        REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.tuition"), d.describe(), f.shown());
    REQUIRE(d.typeInto("##loan.tuition", "5000"));
    REQUIRE(d.click("##loan.use_advice"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##material.application_form"), d.describe(), f.shown());
    tickAllMaterials(d);
    REQUIRE(d.click("##loan.next"));
    // No loan on file (a pre-application is none): 首贷, not 续贷.
    CHECK_MESSAGE((reviewedKind(d) == std::vector<std::string>{"首贷"}), f.shown());
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.contract_number"), d.describe(), f.shown());
    auto apps = f.store().list<LoanApplication>("student_id", s.id);
    REQUIRE(apps->size() == 1);
    CHECK(apps->front().id == pre.id);
    CHECK(apps->front().kind == ApplicationKind::FirstLoan);
    CHECK(apps->front().status == LoanStatus::MaterialsChecked);
    CHECK(f.store().list<CoBorrower>("student_id", s.id)->size() == 1);
}
