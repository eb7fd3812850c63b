// A first loan from the home screen to the recorded contract, driven through the real steps, with
// inline validation stopping bad input and the store holding the result.
#include "client/app/policy_files.hpp"
#include "staff_fixture.hpp"

#include "client/core/resident_id.hpp"
#include "client/ui/widgets/masking.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"

#include <ctime>
#include <fstream>
#include <set>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
std::string validId(std::string first17) { return first17 + core::residentIdCheckChar(first17); }
} // namespace

TEST_CASE("first loan: consent, student, co-borrower, school, amount, materials, review, contract") {
    StaffFixture f;
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    REQUIRE(f.d->click("##home.first_loan"));
    REQUIRE(f.ctx().screen == ui::ScreenId::FirstLoan);
    auto& d = *f.d;

    // Step 1: the consent text, then one confirmation per party; nothing sensitive is asked
    // before both have confirmed.
    CHECK(d.sawText("敏感个人信息"));
    CHECK_FALSE(d.exists("##loan.student_id"));
    REQUIRE(d.click("##loan.next"));
    CHECK(d.sawText("还没有确认同意"));
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.next"));
    CHECK_FALSE(d.exists("##loan.student_name")); // the co-borrower has not confirmed yet
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.student_name"), d.describe());

    // Step 2, with a wrong check character first: the step does not continue and says why.
    std::string studentId = validId("42052720060101001");
    std::string wrongId = studentId.substr(0, 17) + (studentId[17] == '1' ? "2" : "1");
    REQUIRE(d.typeInto("##loan.student_name", "刘䶮"));
    REQUIRE(d.typeInto("##loan.student_id", wrongId));
    REQUIRE(d.typeInto("##loan.student_phone", "13800138000"));
    REQUIRE(d.typeInto("##loan.township", "茅坪镇"));
    REQUIRE(d.click("##loan.next"));
    CHECK(f.ctx().screen == ui::ScreenId::FirstLoan);
    CHECK(d.exists("##loan.student_name")); // still on step 1
    CHECK(d.sawText("校验"));                // the reason names the check character
    REQUIRE(d.typeInto("##loan.student_id", studentId));
    d.press(ImGuiKey_Enter); // Enter continues
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), d.describe());

    // Step 2: the student cannot be her own co-borrower.
    REQUIRE(d.typeInto("##loan.co_name", "刘𪚥"));
    REQUIRE(d.typeInto("##loan.co_relation", "父亲"));
    REQUIRE(d.typeInto("##loan.co_id", studentId));
    REQUIRE(d.typeInto("##loan.co_phone", "13900139000"));
    REQUIRE(d.click("##loan.next"));
    CHECK(d.exists("##loan.co_name"));
    REQUIRE(d.typeInto("##loan.co_id", validId("42052719750315002")));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.university"), d.describe(), f.shown());

    // Step 3.
    REQUIRE(d.typeInto("##loan.university", "武汉大学"));
    REQUIRE(d.typeInto("##loan.major", "临床医学"));
    REQUIRE(d.typeInto("##loan.program_years", "5"));
    REQUIRE(d.typeInto("##loan.remaining_years", "5"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.amount"), d.describe(), f.shown());

    // Step 4: above the cap is refused; the calculator's advice fills amount and term.
    REQUIRE(d.typeInto("##loan.tuition", "6800"));
    REQUIRE(d.typeInto("##loan.accommodation", "1200"));
    REQUIRE(d.typeInto("##loan.amount", "30000"));
    REQUIRE(d.typeInto("##loan.term", "20"));
    REQUIRE(d.click("##loan.next"));
    CHECK(d.exists("##loan.amount"));
    REQUIRE(d.click("##loan.use_advice"));
    d.frame(2);
    CHECK(d.sawText("本金合计")); // the schedule from the loan calculator is shown
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##material.application_form"), d.describe(), f.shown());

    // Step 5: a missing original stops the step.
    for (const char* m : {"application_form", "hardship_form", "admission_notice", "student_id_card",
                          "co_borrower_id_card"})
        REQUIRE_MESSAGE(d.click(std::string("##material.") + m), d.why());
    REQUIRE(d.click("##loan.next"));
    CHECK(d.exists("##material.household_register"));
    REQUIRE(d.click("##material.household_register"));
    REQUIRE(d.click("##loan.next"));

    // Step 6: review, then confirm saves everything in one transaction.
    CHECK(d.sawText("刘䶮"));
    CHECK(d.sawText("¥8,000.00"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE_MESSAGE(d.exists("##loan.contract_number"), d.describe(), f.shown());

    store::Store& db = f.store();
    auto found = db.studentsByIdNumber(studentId);
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    const Student& s = found->front();
    CHECK(s.name == "刘䶮");
    CHECK(s.university == "武汉大学");
    CHECK(s.phone == "13800138000");
    auto apps = db.list<LoanApplication>("student_id", s.id);
    REQUIRE(apps.ok());
    REQUIRE(apps->size() == 1);
    const LoanApplication& a = apps->front();
    CHECK(a.kind == ApplicationKind::FirstLoan);
    CHECK(a.status == LoanStatus::MaterialsChecked);
    CHECK(a.amountFen == 800'000);
    CHECK(a.tuitionFen == 680'000);
    CHECK(a.remainingStudyYears == 5);
    CHECK(a.termYears == 20); // 5 remaining years + 15
    auto cos = db.list<CoBorrower>("student_id", s.id);
    REQUIRE(cos.ok());
    REQUIRE(cos->size() == 1);
    CHECK(cos->front().name == "刘𪚥");
    CHECK(cos->front().idNumber == validId("42052719750315002")); // typed into a masked field
    CHECK(a.coBorrowerId == cos->front().id);
    // The two consents, recorded with the application: who, which text (its hash), how, by whom.
    auto consents = db.list<Consent>("student_id", s.id);
    REQUIRE(consents.ok());
    REQUIRE(consents->size() == 2);
    std::set<ConsentParty> parties;
    for (const Consent& c : *consents) {
        parties.insert(c.party);
        CHECK(c.personId == (c.party == ConsentParty::Student ? s.id : cos->front().id));
        CHECK(c.applicationId == a.id);
        CHECK(c.version == test::consentText().version);
        CHECK(c.textSha256 == test::consentText().sha256("zh-CN"));
        CHECK(c.method == ConsentMethod::OnScreen);
        CHECK(c.recordedBy == "li");
        CHECK(c.consentedMs > 0);
        CHECK(c.withdrawnMs == 0);
    }
    CHECK(parties.size() == 2);
    auto lists = db.list<MaterialsChecklist>("application_id", a.id);
    REQUIRE(lists.ok());
    REQUIRE(lists->size() == 1);
    CHECK(lists->front().items.size() == 6);
    for (auto& item : lists->front().items)
        CHECK(item.received);

    // Step 7: the contract number and 校验码; the summary is written for printing.
    REQUIRE(d.typeInto("##loan.contract_number", "4205272026000123"));
    REQUIRE(d.typeInto("##loan.certificate_code", "K7Q2-9XPA"));
    REQUIRE(d.click("##loan.save_contract"));
    auto contracts = db.list<Contract>("application_id", a.id);
    REQUIRE(contracts.ok());
    REQUIRE(contracts->size() == 1);
    CHECK(contracts->front().contractNumber == "4205272026000123");
    CHECK(contracts->front().certificateCode == "K7Q2-9XPA");
    {
        // The rate as signed today is recorded on the contract (issue #20), and the application
        // belongs to the school year of a signing today (January-June: the autumn before).
        std::time_t t = std::time(nullptr);
        std::tm tm{};
        localtime_r(&t, &tm);
        core::Date today{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
        auto policies = app::loadPolicies(assetsDir());
        REQUIRE(policies.ok());
        auto rate = policies->rateOn(today);
        REQUIRE(rate.ok());
        CHECK(contracts->front().annualRateBp == rate->annualRateBp);
        CHECK(contracts->front().spreadBp == rate->spreadBp);
        CHECK(contracts->front().policyId == rate->policyId);
        CHECK(contracts->front().annualRateBp > 0);
        CHECK(a.schoolYear == core::schoolYearOfSigning(today));
        // Grace left as offered: the policy's longest (the borrower may choose fewer).
        CHECK(a.graceYears == policies->forDate(today)->graceYears);
    }
    auto after = db.get<LoanApplication>(a.id);
    REQUIRE(after.ok());
    CHECK((*after)->status == LoanStatus::CertificateIssued);
    // The receipt (A4 PDF, written on the worker) as pdftotext reads it: the borrower, the
    // contract and the repayment plan year by year, the ID number masked.
    auto receipt = f.dir / "printouts" / "loan-4205272026000123.pdf";
    REQUIRE(d.frameUntil([&] { return d.sawText("回执已保存到"); }));
    auto [rc, text] = test::runShell("pdftotext -enc UTF-8 '" + receipt.string() + "' -");
    REQUIRE(rc == 0);
    CHECK(text.find("生源地信用助学贷款办理回执") != std::string::npos);
    CHECK(text.find("刘䶮") != std::string::npos);
    CHECK(text.find("K7Q2-9XPA") != std::string::npos);
    CHECK(text.find("宜昌市秭归县学生资助管理中心") != std::string::npos);
    CHECK(text.find(ui::maskIdNumber(studentId)) != std::string::npos);
    CHECK(text.find(studentId) == std::string::npos);
    CHECK(text.find("还本付息") != std::string::npos); // the plan's repayment years
    CHECK(text.find("合计") != std::string::npos);
    std::filesystem::copy_file(receipt, test::artifactPath("gui_first_loan_receipt.pdf"),
                               std::filesystem::copy_options::overwrite_existing);

    REQUIRE(d.click("##loan.to_family"));
    CHECK(f.ctx().screen == ui::ScreenId::Family);
    d.frame(2);
    CHECK(d.sawText("4205272026000123"));
    // Its history: each status change, who made it and when, the last one the certificate.
    // By the person's name, with the journey's notes in Chinese (issue #21 point 6).
    CHECK_FALSE(d.sawText("li 老师："));
    REQUIRE(d.click("办理历史"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("li 老师：材料已审核 → 合同已预签 已在签字板上签字"), f.shown());
    CHECK(d.sawText("→ 受理证明已出具 已打印受理证明"));
    CHECK_FALSE(d.sawText("printed"));
    CHECK_FALSE(d.sawText("signature pad"));
}

TEST_CASE("a volunteer guides the family but cannot check materials or record the contract") {
    StaffFixture f;
    f.addAccount("xiao", store::Role::Volunteer);
    f.signIn("xiao");
    REQUIRE(f.d->click("##home.first_loan"));
    f.d->press(ImGuiKey_Escape); // Esc on the first step goes back home
    CHECK(f.ctx().screen == ui::ScreenId::Home);
    CHECK_FALSE(f.ctx().can(ui::Permission::SignContracts));
    CHECK_FALSE(f.ctx().can(ui::Permission::ChangeSettings));

    // The whole application with the family, as a volunteer.
    auto& d = *f.d;
    REQUIRE(d.click("##home.first_loan"));
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    const std::string studentId = validId("42052720070202003");
    for (auto [field, value] : {std::pair{"student_name", "谭䶮"}, {"student_id", studentId.c_str()},
                                {"student_phone", "13800138001"}, {"township", "茅坪镇"}})
        REQUIRE(d.typeInto(std::string("##loan.") + field, value));
    REQUIRE(d.click("##loan.next"));
    const std::string coId = validId("42052719770505004");
    for (auto [field, value] : {std::pair{"co_name", "谭大山"}, {"co_relation", "父亲"},
                                {"co_id", coId.c_str()}, {"co_phone", "13900139001"}})
        REQUIRE(d.typeInto(std::string("##loan.") + field, value));
    REQUIRE(d.click("##loan.next"));
    for (auto [field, value] : {std::pair{"university", "三峡大学"}, {"major", "护理"},
                                {"program_years", "4"}, {"remaining_years", "4"}})
        REQUIRE(d.typeInto(std::string("##loan.") + field, value));
    REQUIRE(d.click("##loan.next"));
    REQUIRE(d.typeInto("##loan.tuition", "5000"));
    REQUIRE(d.typeInto("##loan.accommodation", "1000"));
    REQUIRE(d.click("##loan.use_advice"));
    REQUIRE(d.click("##loan.next"));
    for (const char* m : {"application_form", "hardship_form", "admission_notice", "student_id_card",
                          "co_borrower_id_card", "household_register"})
        REQUIRE_MESSAGE(d.click(std::string("##material.") + m), d.why());
    REQUIRE(d.click("##loan.next"));
    REQUIRE(d.click("##loan.next")); // confirm on the review step

    // Saved, and waiting for staff: applied, not materials-checked; no contract fields.
    REQUIRE_MESSAGE(d.sawText("审核材料和登记合同由工作人员完成"), d.describe(), f.shown());
    CHECK_FALSE(d.exists("##loan.contract_number"));
    f.store().setAccess(store::Access::Staff);
    auto found = f.store().studentsByIdNumber(studentId);
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    auto apps = f.store().list<LoanApplication>("student_id", found->front().id);
    REQUIRE(apps.ok());
    REQUIRE(apps->size() == 1);
    CHECK(apps->front().status == LoanStatus::Applied);
}

TEST_CASE("first loan: a field is checked when left, and its message goes as soon as it is fixed") {
    StaffFixture f;
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    REQUIRE(f.d->click("##home.first_loan"));
    auto& d = *f.d;

    // Consent: Next names both missing confirmations; ticking one takes its message away at once.
    REQUIRE(d.click("##loan.next"));
    REQUIRE(d.sawText("学生还没有确认同意"));
    REQUIRE(d.sawText("共同借款人还没有确认同意"));
    REQUIRE(d.click("##loan.consent_student"));
    d.frame(2);
    CHECK_FALSE(d.sawText("学生还没有确认同意"));
    CHECK(d.sawText("共同借款人还没有确认同意"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    REQUIRE(d.exists("##loan.student_id"));

    // A wrong check character is reported when the field is left, before Next; the fields not
    // reached yet are not called missing.
    std::string studentId = validId("42052720080315122");
    std::string wrongId = studentId.substr(0, 17) + (studentId[17] == '1' ? "2" : "1");
    REQUIRE(d.typeInto("##loan.student_id", wrongId));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("第18位校验码应为"), f.shown());
    CHECK_FALSE(d.sawText("请填写乡镇"));
    CHECK_FALSE(d.sawText("请填写学生姓名"));
    // Fixing it clears the message while typing, without Next.
    REQUIRE(d.click("##loan.student_id"));
    d.press(ImGuiKey_Backspace);
    d.type(studentId.substr(17));
    d.frame(2);
    CHECK_FALSE(d.sawText("第18位校验码应为"));
    // Next still names every missing field.
    REQUIRE(d.click("##loan.next"));
    CHECK(d.sawText("请填写乡镇"));
}

TEST_CASE("ID number fields show first 6 + last 4 while not being edited, the whole number while edited") {
    StaffFixture f;
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    REQUIRE(d.click("##home.first_loan"));
    REQUIRE(d.click("##loan.consent_student"));
    REQUIRE(d.click("##loan.consent_co"));
    REQUIRE(d.click("##loan.next"));
    const std::string studentId = validId("42052720051127003");
    const std::string middle = studentId.substr(6, 8); // the birth date and sequence digits
    auto showsWhole = [&] { return d.sawText(studentId) || d.sawText(middle); };

    REQUIRE(d.typeInto("##loan.student_name", "覃䶮"));
    REQUIRE(d.typeInto("##loan.student_id", studentId)); // leaves the field with Tab
    CHECK(d.focused().find("##loan.student_phone") != std::string::npos);
    CHECK_MESSAGE(d.sawText(ui::maskIdNumber(studentId)), f.shown());
    CHECK_MESSAGE(!showsWhole(), f.shown());

    // Back into the field with Shift+Tab: the whole number, to edit.
    d.press(ImGuiKey_Tab, false, true);
    CHECK(d.focused().find("##loan.student_id") != std::string::npos);
    CHECK_MESSAGE(d.sawText(studentId), f.shown());
    d.press(ImGuiKey_Tab);
    CHECK_MESSAGE(!showsWhole(), f.shown());

    // A click shows it whole too, and what is typed then replaces the real value, not the mask:
    // a wrong check character is found in the real value after the field is left.
    REQUIRE(d.click("##loan.student_id"));
    CHECK_MESSAGE(d.sawText(studentId), f.shown());
    d.press(ImGuiKey_End);
    d.press(ImGuiKey_Backspace);
    d.type(studentId.back() == '1' ? "2" : "1");
    d.press(ImGuiKey_Tab);
    CHECK_MESSAGE(!showsWhole(), f.shown());
    REQUIRE(d.typeInto("##loan.student_phone", "13800138002"));
    REQUIRE(d.typeInto("##loan.township", "茅坪镇"));
    REQUIRE(d.click("##loan.next"));
    CHECK(d.exists("##loan.student_name")); // still on this step
    CHECK_MESSAGE(d.sawText("校验"), f.shown());
    CHECK_MESSAGE(!showsWhole(), f.shown()); // the reason is given without the number

    // Fixed through the masked field: the step continues; the co-borrower's number is masked too.
    REQUIRE(d.click("##loan.student_id"));
    d.press(ImGuiKey_End);
    d.press(ImGuiKey_Backspace);
    d.type(std::string(1, studentId.back()));
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), d.describe(), f.shown());
    const std::string coId = validId("42052719781009004");
    REQUIRE(d.typeInto("##loan.co_id", coId));
    CHECK(d.sawText(ui::maskIdNumber(coId)));
    CHECK_FALSE(d.sawText(coId.substr(6, 8)));
    REQUIRE(d.click("##loan.co_id"));
    CHECK(d.sawText(coId));

    // Back to the student's step: still the real number behind the mask.
    d.press(ImGuiKey_Tab);
    REQUIRE(d.click("##loan.previous"));
    REQUIRE(d.exists("##loan.student_id"));
    CHECK(d.sawText(ui::maskIdNumber(studentId)));
    CHECK_FALSE(showsWhole());
    REQUIRE(d.click("##loan.student_id"));
    CHECK(d.sawText(studentId));
}
