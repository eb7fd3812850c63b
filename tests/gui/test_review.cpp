// Review (评议) through the real screen: volunteers see the files but cannot decide; staff pass
// an application's materials with a reason (recorded with who, when and why), refuse one only with
// a reason, and close a hardship assessment after three-party review entries.
#include "staff_fixture.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
struct Seeded {
    Student student;
    LoanApplication application;
    HardshipAssessment assessment;
};

Seeded seed(StaffFixture& f) {
    store::Actor who{"seed"};
    Seeded s;
    s.student.id = newUuidV7();
    s.student.county = "420527";
    s.student.name = "郑𪚥燕";
    zhuxue::test::consentStudent(f.store(), s.student.county, s.student.id);
    REQUIRE(f.store().save(s.student, who).ok());
    s.application.id = newUuidV7();
    s.application.county = "420527";
    s.application.studentId = s.student.id;
    s.application.kind = ApplicationKind::FirstLoan;
    s.application.status = LoanStatus::Applied;
    s.application.schoolYear = 2026;
    s.application.amountFen = 1'200'000;
    s.application.termYears = 19;
    REQUIRE(f.store().save(s.application, who).ok());
    s.assessment.id = newUuidV7();
    s.assessment.county = "420527";
    s.assessment.studentId = s.student.id;
    s.assessment.schoolYear = 2026;
    s.assessment.formId = "hardship.county_standard";
    s.assessment.formVersion = 1;
    s.assessment.answersJson = "{}";
    s.assessment.score = 47;
    s.assessment.level = HardshipLevel::Fairly;
    s.assessment.status = AssessmentStatus::Submitted;
    REQUIRE(f.store().save(s.assessment, who).ok());
    return s;
}

void openReview(StaffFixture& f) {
    REQUIRE(f.d->click("##home.review"));
    REQUIRE(f.d->frameUntil([&] { return f.d->exists("##review.app.0"); }));
}

LoanStatus statusOf(StaffFixture& f, const Uuid& id) { return (*f.store().get<LoanApplication>(id))->status; }
} // namespace

TEST_CASE("review: a volunteer sees pending files but cannot decide") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("wang", store::Role::Volunteer);
    f.signIn("wang");
    openReview(f);
    auto& d = *f.d;
    CHECK(d.sawText("贷款申请（1）"));
    CHECK(d.sawText("困难认定（1）"));
    REQUIRE(d.click("##review.tab.assessments"));
    d.frame(2);
    CHECK(d.exists("##review.assessment.0"));
    CHECK_FALSE(d.exists("##review.app.0")); // one list at a time
    REQUIRE(d.click("##review.tab.applications"));
    d.frame(2);
    REQUIRE(d.click("##review.app.0"));
    REQUIRE(d.typeInto("##review.reason", "看起来没问题"));
    REQUIRE(d.click("##review.pass"));
    d.frame();
    CHECK(d.sawText("只有工作人员和管理员可以作出评议决定"));
    CHECK(statusOf(f, s.application.id) == LoanStatus::Applied);
}

TEST_CASE("review: staff pass materials with a reason; refusal needs one") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    openReview(f);
    auto& d = *f.d;
    REQUIRE(d.click("##review.app.0"));
    REQUIRE(d.click("##review.refuse")); // no reason
    d.frame();
    CHECK(d.sawText("请填写理由"));
    CHECK(statusOf(f, s.application.id) == LoanStatus::Applied);

    REQUIRE(d.typeInto("##review.reason", "材料齐全，与原件核对一致"));
    REQUIRE(d.click("##review.pass"));
    d.frame();
    CHECK(statusOf(f, s.application.id) == LoanStatus::MaterialsChecked);
    auto changes = f.store().list<StatusChange>("application_id", s.application.id);
    REQUIRE(changes.ok());
    REQUIRE(!changes->empty());
    const StatusChange& c = changes->back();
    CHECK(c.from == LoanStatus::Applied);
    CHECK(c.to == LoanStatus::MaterialsChecked);
    CHECK(c.byUser == "li");
    CHECK(c.reason == "材料齐全，与原件核对一致");
    CHECK(c.atMs > 0);
    // The file leaves the list.
    REQUIRE(d.frameUntil([&] { return !d.exists("##review.app.0"); }));
}

TEST_CASE("review: three-party entries, then the level is decided") {
    StaffFixture f;
    Seeded s = seed(f);
    f.addAccount("li", store::Role::Admin);
    f.signIn("li");
    openReview(f);
    auto& d = *f.d;
    REQUIRE(d.click("##review.tab.assessments"));
    d.frame(2);
    REQUIRE(d.click("##review.assessment.0"));
    // Deciding before any entry is refused.
    REQUIRE(d.typeInto("##review.reason", "三方会审一致"));
    REQUIRE(d.click("##review.confirm"));
    d.frame();
    CHECK(d.sawText("请先添加至少一条评议记录"));

    struct Entry {
        const char* role;
        const char* who;
    };
    for (Entry e : {Entry{"county", "县资助中心 李文"}, Entry{"township", "茅坪镇民政办 王芳"}, Entry{"village", "秭归村委会 覃明"}}) {
        REQUIRE(d.click(std::string("##review.role.") + e.role));
        REQUIRE(d.typeInto("##review.reviewer", e.who));
        REQUIRE(d.click("##review.entry_level.special"));
        REQUIRE(d.typeInto("##review.votes_for", "3"));
        REQUIRE(d.typeInto("##review.opinion", "父亲腰伤，无劳动能力"));
        REQUIRE(d.click("##review.add_entry"));
        d.frame();
        CHECK(d.sawText("评议记录已保存"));
    }
    auto entries = f.store().list<DemocraticReview>("assessment_id", s.assessment.id);
    REQUIRE(entries.ok());
    REQUIRE(entries->size() == 3);
    CHECK(entries->at(1).role == "township");
    CHECK(entries->at(1).reviewer == "茅坪镇民政办 王芳");
    CHECK(entries->at(2).recommendedLevel == HardshipLevel::Special);
    CHECK(entries->at(2).votesFor == 3);

    REQUIRE(d.click("##review.final.special"));
    REQUIRE(d.typeInto("##review.reason", "三方会审一致认为特别困难"));
    REQUIRE(d.click("##review.confirm"));
    d.frame();
    auto a = f.store().get<HardshipAssessment>(s.assessment.id);
    REQUIRE(a.ok());
    CHECK((*a)->status == AssessmentStatus::Reviewed);
    CHECK((*a)->level == HardshipLevel::Special);
    // Who decided and why is in the audit trail.
    auto trail = f.store().auditTrail(0, 1000);
    REQUIRE(trail.ok());
    bool found = false;
    for (const auto& e : *trail)
        found |= e.action == "review" && e.user == "li" && e.summary.find("三方会审一致认为特别困难") != std::string::npos;
    CHECK(found);
    d.press(ImGuiKey_Escape);
    d.frame();
    CHECK(f.ctx().screen == ui::ScreenId::Home);
}
