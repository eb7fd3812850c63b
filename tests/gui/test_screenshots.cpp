// The real window under Xvfb (GL through Mesa), driven along a journey by the automation driver:
// screenshots of the main screens go to build/test-artifacts/ for people to look at (readable
// Chinese, no '?' boxes), and each is checked to hold drawn text.
#include "client/app/app.hpp"
#include "client/app/driver/driver.hpp"
#include "client/core/resident_id.hpp"
#include "client/store/paths.hpp"
#include "client/ui/staff/staff_client.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/xvfb.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace zhuxue;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
int colourCount(const fs::path& png) {
    auto [rc, out] = runShell("identify -format '%k' '" + png.string() + "'");
    return rc == 0 ? std::atoi(out.c_str()) : -1;
}

void seed(store::Store& db) {
    store::Actor who{"seed"};
    const char* names[] = {"龚𪚥", "刘䶮", "向秭归", "郑晓燕", "覃明", "谭雨欣", "屈亮", "周娜"};
    for (int i = 0; i < 8; ++i) {
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = names[i];
        s.idNumber = "4205272006010100" + std::to_string(i);
        s.idNumber += core::residentIdCheckChar(s.idNumber);
        s.township = i % 2 ? "茅坪镇" : "郭家坝镇";
        s.village = i % 2 ? "秭归村" : "烟灯堡村";
        s.highSchool = "秭归县第一中学";
        s.university = i % 3 ? "武汉大学" : "三峡大学";
        s.phone = "1380013800" + std::to_string(i);
        consentStudent(db, s.county, s.id);
        REQUIRE(db.save(s, who).ok());
        if (i == 2) { // the other device spelt the name differently: a conflict to resolve
            store::RemoteApply r;
            r.change.changeId = newUuidV7();
            r.change.recordType = RecordType::Student;
            r.change.recordId = s.id;
            r.change.county = s.county;
            r.change.field = "name";
            r.change.valueJson = "\"向子归\"";
            r.change.hlc = Hlc::make(1'795'000'000'000ULL, 0);
            r.change.device = newDeviceId();
            r.mode = store::ApplyMode::ConflictOnly;
            std::vector<store::RemoteApply> batch{r};
            REQUIRE(db.applyRemote(batch).ok());
        }
        if (i < 2) { // home visits given to the person who signs in: one overdue, one due later
            VisitAssignment va;
            va.id = newUuidV7();
            va.county = "420527";
            va.studentId = s.id;
            va.assignee = "li";
            va.assigneeName = "李文";
            va.dueDate = i == 0 ? "2025-11-20" : "2099-01-15";
            va.assignedBy = "zhou";
            REQUIRE(db.save(va, who).ok());
        }
        if (i < 4) { // files for review and post-loan lists
            LoanApplication a;
            a.id = newUuidV7();
            a.county = "420527";
            a.studentId = s.id;
            a.kind = ApplicationKind::FirstLoan;
            a.status = i < 2 ? LoanStatus::Applied : LoanStatus::Repaying;
            a.schoolYear = 2026;
            a.amountFen = 1'200'000;
            a.termYears = 19;
            REQUIRE(db.save(a, who).ok());
        }
    }
}
} // namespace

TEST_CASE("screenshots of the main screens on a real window") {
    Xvfb x(1280, 800);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    REQUIRE(app::driver::itemHooksAvailable());
    TempDir dir;
    auto texts = app::Texts::load(assetsDir());
    REQUIRE(texts.ok());
    app::LaunchOptions opt;
    opt.dataDir = dir.path();
    app::App app(opt, app::Settings{}, std::move(*texts));
    REQUIRE(app.open().ok());
    {
        ui::StaffClient client(app, dir.path());
        REQUIRE(client.store());
        {
            // Seeded through the office's own connection: the client's store is locked until
            // someone signs in (store/access.hpp).
            auto office = store::Store::open(dir.path());
            REQUIRE(office.ok());
            seed(**office);
        }
        REQUIRE(client.accounts()->create("li", "李文", store::Role::Admin, "correct horse").ok());
        app::driver::Driver d(app, [&](app::App&) { client.draw(); });
        auto shot = [&](const char* name) {
            d.frame(3); // new characters joined the atlas: let them be drawn
            fs::path file = artifactPath(std::string("gui_") + name + ".png");
            fs::remove(file);
            REQUIRE(app.saveScreenshot(file));
            CHECK_MESSAGE(colourCount(file) > 16, file.string());
        };
        d.frame(2);
        shot("sign_in");
        REQUIRE(d.typeInto("##signin.user", "li"));
        REQUIRE(d.typeInto("##signin.password", "correct horse"));
        REQUIRE(d.click("##signin"));
        REQUIRE(d.frameUntil([&] { return client.context().account.has_value(); }));
        shot("home");
        REQUIRE(d.click("##home.search"));
        REQUIRE(d.click("##search.query"));
        d.type("龚");
        REQUIRE(d.frameUntil([&] { return !client.search().searching() && !client.search().results().empty(); }));
        shot("search");
        REQUIRE(d.click("龚𪚥"));
        shot("family");
        REQUIRE(d.click("##family.assess"));
        REQUIRE(d.frameUntil([&] { return d.exists("##assess.priority_groups.dibao"); })); // the form is open
        d.frame(2); // its scrollable height is known from the frame after
        REQUIRE_MESSAGE(d.click("##assess.family_structure.single_parent"), d.why());
        REQUIRE(d.click("##assess.location.remote_village"));
        REQUIRE(d.click("##assess.parents_work.migrant_work"));
        REQUIRE(d.typeInto("##assess.household_size", "5"));
        shot("assessment");
        REQUIRE(d.click("##assess.back"));
        REQUIRE(d.click("##family.visit"));
        REQUIRE(d.typeInto("##visit.present", "父亲、母亲、学生本人"));
        REQUIRE(d.click("##visit.add_member"));
        REQUIRE(d.typeInto("##visit.member0.name", "龚䶮"));
        REQUIRE(d.typeInto("##visit.member0.relation", "父亲"));
        REQUIRE(d.typeInto("##visit.member0.income", "18000"));
        shot("home_visit");
        REQUIRE(d.click("##visit.back"));
        REQUIRE(d.click("##family.start_loan"));
        shot("first_loan_consent");
        REQUIRE(d.click("##loan.consent_student"));
        REQUIRE(d.click("##loan.consent_co"));
        REQUIRE(d.click("##loan.next"));
        shot("first_loan_student");
        d.press(ImGuiKey_Enter);
        REQUIRE(d.typeInto("##loan.co_name", "龚䶮"));
        REQUIRE(d.typeInto("##loan.co_relation", "父亲"));
        std::string coId = "42052719750315002";
        coId += core::residentIdCheckChar(coId);
        REQUIRE(d.typeInto("##loan.co_id", coId));
        REQUIRE(d.typeInto("##loan.co_phone", "13900139000"));
        shot("first_loan_co_borrower"); // the ID number left: first 6 + last 4
        REQUIRE(d.click("##loan.next"));
        REQUIRE(d.click("##loan.next"));
        REQUIRE_MESSAGE(d.typeInto("##loan.tuition", "5000"), d.why());
        REQUIRE(d.typeInto("##loan.accommodation", "1200"));
        REQUIRE(d.click("##loan.use_advice"));
        shot("first_loan_amount");
        REQUIRE(d.click("##nav.home"));
        REQUIRE(d.click("##home.settings"));
        shot("settings");
        REQUIRE(d.click("##nav.home"));
        REQUIRE(d.click("##home.review"));
        REQUIRE(d.frameUntil([&] { return d.exists("##review.app.0"); }));
        REQUIRE(d.click("##review.app.0"));
        REQUIRE(d.typeInto("##review.reason", "材料齐全，与原件核对一致"));
        shot("review");
        REQUIRE(d.click("##review.back"));
        REQUIRE(d.click("##home.calculator"));
        REQUIRE(d.typeInto("##calc.tuition", "5000"));
        REQUIRE(d.typeInto("##calc.accommodation", "1200"));
        REQUIRE(d.click("##calc.use_advice"));
        shot("calculator");
        d.press(ImGuiKey_Escape);
        REQUIRE(d.click("##home.post_loan"));
        REQUIRE(d.frameUntil([&] { return d.exists("##post.repayment.0"); }));
        shot("post_loan");
        d.press(ImGuiKey_Escape);
        REQUIRE(d.click("##home.conflicts"));
        shot("conflicts");
        d.press(ImGuiKey_Escape);
        REQUIRE(d.click("##home.dashboard"));
        REQUIRE(d.frameUntil([&] { return client.dashboard().figures().has_value(); }));
        shot("dashboard");
        d.press(ImGuiKey_Escape);
        d.frame(2);
        shot("home_work");
    }
}
