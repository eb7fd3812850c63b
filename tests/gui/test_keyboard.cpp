// Nothing needs a mouse: a whole first loan at the window with the keyboard only. Each screen puts
// keyboard focus on its first field when it opens, Tab walks the fields (text, checkboxes, radio
// buttons, buttons) in the order they are drawn, Space ticks, Enter continues (or presses the
// focused button), Esc goes back; the saved records hold what was typed.
#include "staff_fixture.hpp"

#include "client/core/resident_id.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
std::string validId(std::string first17) { return first17 + core::residentIdCheckChar(first17); }

Student seedStudent(store::Store& db) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "龚𪚥";
    s.idNumber = validId("42052720060101001");
    s.township = "茅坪镇";
    s.village = "秭归村";
    s.highSchool = "秭归县第一中学";
    store::Batch b = db.batch({"seed"});
    REQUIRE(b.save(s).ok());
    REQUIRE(b.save(consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
    REQUIRE(b.commit().ok());
    return s;
}

// The id part of a label ("下一步##loan.next" -> "##loan.next"), for messages and comparisons.
std::string idOf(const std::string& label) {
    size_t cut = label.find("##");
    return cut == std::string::npos ? label : label.substr(cut);
}
} // namespace

TEST_CASE("keyboard only: sign in, search, first loan through every step, back with Esc") {
    StaffFixture f;
    Student seeded = seedStudent(f.store());
    f.addAccount("li", store::Role::Staff);
    auto& d = *f.d;
    auto focus = [&] { return idOf(d.focused()); };
    auto tab = [&](bool back = false) { d.press(ImGuiKey_Tab, false, back); };
    auto replace = [&](std::string_view text) { // select what the field holds, type over it
        d.press(ImGuiKey_A, true);
        d.type(text);
    };
    d.frame(2);

    // Sign-in: the name field has the keys at once; Tab to the password; Enter signs in.
    CHECK(focus() == "##signin.user");
    d.type("li");
    tab();
    CHECK(focus() == "##signin.password");
    d.type("correct horse");
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.frameUntil([&] { return f.ctx().account.has_value(); }), f.shown());
    d.frame(2);
    REQUIRE(f.ctx().screen == ui::ScreenId::Home);

    // Home: the search button has focus; Enter opens search; Esc comes back, focus returns.
    CHECK(focus() == "##home.search");
    d.press(ImGuiKey_Enter);
    REQUIRE(f.ctx().screen == ui::ScreenId::Search);
    d.frame();
    CHECK(focus() == "##search.query");
    d.press(ImGuiKey_Escape);
    REQUIRE(f.ctx().screen == ui::ScreenId::Home);
    d.frame();
    CHECK(focus() == "##home.search");
    d.press(ImGuiKey_Enter);
    d.frame();
    REQUIRE(f.ctx().screen == ui::ScreenId::Search);
    CHECK(focus() == "##search.query"); // again on the second visit

    // Search as you type, Enter opens the first hit's family page.
    d.type("龚𪚥");
    REQUIRE(d.frameUntil([&] { return !f.client->search().searching() && !f.client->search().results().empty(); }));
    d.press(ImGuiKey_Enter);
    REQUIRE(f.ctx().screen == ui::ScreenId::Family);
    CHECK(f.ctx().student == seeded.id);
    d.frame();
    CHECK(focus() == "##family.start_loan");
    d.press(ImGuiKey_Enter);
    REQUIRE(f.ctx().screen == ui::ScreenId::FirstLoan);
    d.frame();

    // Consent: Space ticks the focused box, Tab moves to the next one, Enter continues.
    CHECK(focus() == "##loan.consent_student");
    d.press(ImGuiKey_Space);
    CHECK(d.find("##loan.consent_student")->checked());
    tab();
    CHECK(focus() == "##loan.consent_co");
    d.press(ImGuiKey_Space);
    CHECK(d.find("##loan.consent_co")->checked());
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.student_name"), f.shown());

    // Student: the name has focus (filled from the family page); Tab goes down the form, wraps to
    // the kind of loan at the top, Shift+Tab goes back.
    d.frame();
    CHECK(focus() == "##loan.student_name");
    const char* studentOrder[] = {"##loan.student_id", "##loan.student_phone", "##loan.township", "##loan.village",
                                  "##loan.high_school", "##loan.address"};
    for (const char* next : studentOrder) {
        tab();
        CHECK(focus() == next);
        if (std::string(next) == "##loan.student_phone")
            replace("13800138000");
        if (std::string(next) == "##loan.address")
            replace("茅坪镇秭归村三组");
    }
    tab();
    CHECK(focus() == "##loan.kind_first");
    tab();
    CHECK(focus() == "##loan.kind_renewal");
    tab();
    CHECK(focus() == "##loan.student_name");
    tab(true);
    CHECK(focus() == "##loan.kind_renewal");
    tab(true);
    tab(true);
    CHECK(focus() == "##loan.address");
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.co_name"), f.shown());

    // Co-borrower: four fields, then the proxy box; Enter on the box continues.
    std::string coId = validId("42052719750315002");
    d.frame();
    CHECK(focus() == "##loan.co_name");
    d.type("龚䶮");
    tab();
    CHECK(focus() == "##loan.co_relation");
    d.type("父亲");
    tab();
    CHECK(focus() == "##loan.co_id");
    d.type(coId);
    tab();
    CHECK(focus() == "##loan.co_phone");
    d.type("13900139000");
    tab();
    CHECK(focus() == "##loan.co_proxy");
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.university"), f.shown());

    // School: text, the level radio buttons and the freshman box are all on the Tab path.
    d.frame();
    CHECK(focus() == "##loan.university");
    d.type("武汉大学");
    const char* schoolOrder[] = {"##loan.major", "##loan.level_undergraduate", "##loan.level_vocational",
                                 "##loan.level_postgraduate", "##loan.freshman", "##loan.program_years",
                                 "##loan.remaining_years"};
    for (const char* next : schoolOrder) {
        tab();
        CHECK(focus() == next);
        if (std::string(next) == "##loan.major")
            d.type("临床医学");
        if (std::string(next) == "##loan.program_years" || std::string(next) == "##loan.remaining_years")
            replace("5");
    }
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.tuition"), f.shown());

    // Amount: Tab reaches the calculator's advice button; Enter on it takes the advice and stays.
    d.frame();
    CHECK(focus() == "##loan.tuition");
    d.type("6800");
    tab();
    CHECK(focus() == "##loan.accommodation");
    d.type("1200");
    tab();
    CHECK(focus() == "##loan.use_advice");
    d.press(ImGuiKey_Enter);
    CHECK(d.exists("##loan.tuition")); // still on this step
    CHECK(d.sawText("本金合计"));       // the schedule of the advised amount and term
    tab();
    CHECK(focus() == "##loan.amount");
    tab();
    CHECK(focus() == "##loan.term");
    d.press(ImGuiKey_Enter);
    REQUIRE_MESSAGE(d.exists("##loan.priority_group"), f.shown());

    // Materials, then Esc: back one step with everything kept, and Enter forward again.
    d.frame();
    CHECK(focus() == "##loan.priority_group");
    d.press(ImGuiKey_Escape);
    REQUIRE(d.exists("##loan.tuition"));
    d.frame();
    CHECK(focus() == "##loan.tuition");
    d.press(ImGuiKey_Enter); // the amount and term typed before are still there: it continues
    REQUIRE_MESSAGE(d.exists("##loan.priority_group"), f.shown());
    d.frame();
    CHECK(focus() == "##loan.priority_group");
    tab();
    CHECK(focus() == "##loan.had_pre_application");
    tab();
    CHECK(focus() == "##loan.registers_differ");
    std::vector<std::string> materials;
    for (const auto& item : d.items())
        if (item.label.find("##material.") != std::string::npos)
            materials.push_back(idOf(item.label));
    REQUIRE(materials.size() >= 5);
    for (const auto& m : materials) {
        tab();
        CHECK(focus() == m);
        d.press(ImGuiKey_Space);
        CHECK(d.find(m)->checked());
    }
    d.press(ImGuiKey_Enter);
    d.frame();
    CHECK(d.sawText("¥8,000.00")); // the review
    d.press(ImGuiKey_Enter);       // confirm
    REQUIRE_MESSAGE(d.exists("##loan.contract_number"), f.shown());

    // Signed: contract number, Tab, 校验码, Enter saves.
    d.frame();
    CHECK(focus() == "##loan.contract_number");
    d.type("HT2026420527001");
    tab();
    CHECK(focus() == "##loan.certificate_code");
    d.type("JY8K2Q");
    d.press(ImGuiKey_Enter);
    d.frame();

    // The store holds what was typed.
    store::Store& db = f.store();
    auto s = db.get<Student>(seeded.id);
    REQUIRE(s.ok());
    REQUIRE(s->has_value());
    CHECK((*s)->phone == "13800138000");
    CHECK((*s)->address == "茅坪镇秭归村三组");
    CHECK((*s)->university == "武汉大学");
    CHECK((*s)->major == "临床医学");
    CHECK((*s)->programYears == 5);
    auto cos = db.list<CoBorrower>("student_id", seeded.id);
    REQUIRE(cos.ok());
    REQUIRE(cos->size() == 1);
    CHECK(cos->front().name == "龚䶮");
    CHECK(cos->front().relation == "父亲");
    CHECK(cos->front().idNumber == coId);
    CHECK(cos->front().phone == "13900139000");
    auto apps = db.list<LoanApplication>("student_id", seeded.id);
    REQUIRE(apps.ok());
    REQUIRE(apps->size() == 1);
    const LoanApplication& a = apps->front();
    CHECK(a.kind == ApplicationKind::FirstLoan);
    CHECK(a.amountFen == 800'000);
    CHECK(a.tuitionFen == 680'000);
    CHECK(a.accommodationFen == 120'000);
    CHECK(a.remainingStudyYears == 5);
    CHECK(a.termYears == 20);
    auto lists = db.list<MaterialsChecklist>("application_id", a.id);
    REQUIRE(lists.ok());
    REQUIRE(lists->size() == 1);
    CHECK(lists->front().items.size() == materials.size());
    for (const auto& item : lists->front().items)
        CHECK_MESSAGE(item.received, item.code);
    auto contracts = db.list<Contract>("application_id", a.id);
    REQUIRE(contracts.ok());
    REQUIRE(contracts->size() == 1);
    CHECK(contracts->front().contractNumber == "HT2026420527001");
    CHECK(contracts->front().certificateCode == "JY8K2Q");

    // Esc leaves the finished loan for the family page, and Esc again goes home.
    d.press(ImGuiKey_Escape);
    CHECK(f.ctx().screen == ui::ScreenId::Family);
    d.frame();
    d.press(ImGuiKey_Escape);
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}

TEST_CASE("keyboard only: Tab reaches the home buttons and the calculator's choices") {
    StaffFixture f;
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    auto& d = *f.d;
    auto focus = [&] { return idOf(d.focused()); };
    d.frame();
    REQUIRE(focus() == "##home.search");
    d.press(ImGuiKey_Tab);
    CHECK(focus() == "##home.first_loan");
    d.press(ImGuiKey_Tab);
    CHECK(focus() == "##home.calculator");
    d.press(ImGuiKey_Enter);
    REQUIRE(f.ctx().screen == ui::ScreenId::Calculator);
    d.frame();
    CHECK(focus() == "##calc.years");
    d.press(ImGuiKey_Tab, false, true);
    CHECK(focus() == "##calc.postgraduate");
    CHECK_FALSE(d.sawText("¥25,000.00")); // the undergraduate cap is shown
    d.press(ImGuiKey_Space);               // Space chooses the focused radio button
    CHECK_MESSAGE(d.sawText("¥25,000.00"), f.shown()); // the postgraduate cap of the current policy
    d.press(ImGuiKey_Tab, false, true);
    CHECK(focus() == "##calc.vocational"); // 高职（专科）, between the two
    d.press(ImGuiKey_Tab, false, true);
    CHECK(focus() == "##calc.undergraduate");
    d.press(ImGuiKey_Escape);
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}
