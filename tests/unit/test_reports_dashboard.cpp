// Dashboard figures: what the bars show must add up to what the rosters list.
#include "client/reports/dashboard.hpp"
#include "client/reports/roster_builder.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include "tests/support/roster_fixture.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::reports;

TEST_CASE("counts and amounts by township, status and month add up") {
    DashboardInput in;
    in.rows = test::generatedRows(5000);
    in.rows[0].year = 2024; // another year: left out
    auto f = computeDashboard(in, 2025, "2025-09-10");
    CHECK(f.people == 4999);
    int64_t people = 0, statusPeople = 0, signedByMonth = 0;
    Fen amount = 0, expectAmount = 0;
    for (const auto& b : f.byTownship) {
        people += b.count;
        amount += b.amountFen;
    }
    for (const auto& r : in.rows)
        if (r.year == 2025)
            expectAmount += r.amountFen;
    for (const auto& b : f.byStatus)
        statusPeople += b.count;
    for (const auto& b : f.byMonth)
        signedByMonth += b.count;
    CHECK(people == 4999);
    CHECK(statusPeople == 4999);
    CHECK(amount == expectAmount);
    CHECK(f.amountFen == expectAmount);
    CHECK(signedByMonth == f.signedTotal);
    REQUIRE(f.byTownship.size() == 12);
    CHECK(f.byTownship.front().count >= f.byTownship.back().count);
    // Life-cycle order, months in calendar order.
    REQUIRE(f.byStatus.size() == 4);
    CHECK(f.byStatus.front().label == "pre_application");
    CHECK(f.byStatus.back().label == "disbursed");
    REQUIRE(f.byMonth.size() == 3);
    CHECK(f.byMonth[0].label == "2025-07");
    CHECK(f.byMonth[2].label == "2025-09");
}

TEST_CASE("pre-applied against signed matches the pre-application roster") {
    DashboardInput in;
    in.rows = test::generatedRows(3000);
    auto f = computeDashboard(in, 2025, "2025-09-10");
    auto cat = loadCatalog(assetsDir(), "zh-CN");
    REQUIRE(cat.ok());
    auto def = loadDefinition(assetsDir(), "pre-application");
    REQUIRE(def.ok());
    BuildOptions o;
    o.today = *core::Date::parse("2025-09-10");
    auto roster = buildRoster(*def, in.rows, {}, *cat, o);
    REQUIRE(roster.ok());
    const Row& total = roster->table.rows.back();
    CHECK(std::get<int64_t>(total.cells[1]) == f.preApplied);
    int64_t target = 0, done = 0;
    for (const auto& p : f.signingByTownship) {
        target += p.target;
        done += p.done;
        CHECK(p.done <= p.target);
    }
    CHECK(target == f.preApplied);
    CHECK(done == f.preAppliedSigned);
}

TEST_CASE("visits: assigned when planned, done once the visit date has passed") {
    DashboardInput in;
    in.visits = {{"茅坪镇", 2025, "2025-08-01"}, {"茅坪镇", 2025, ""}, {"茅坪镇", 2025, "2025-09-20"},
                 {"归州镇", 2025, "2025-09-10"}, {"归州镇", 2024, "2024-08-01"}};
    auto f = computeDashboard(in, 2025, "2025-09-10");
    CHECK(f.visitsAssigned == 4);
    CHECK(f.visitsDone == 2);
    REQUIRE(f.visitsByTownship.size() == 2);
    CHECK(f.visitsByTownship[0].label == "茅坪镇");
    CHECK(f.visitsByTownship[0].target == 3);
    CHECK(f.visitsByTownship[0].done == 1);
    CHECK(f.visitsByTownship[1].done == 1);
}

TEST_CASE("people are students, not applications: three years of loans are one person") {
    // Issue #21 point 12: "贷款申请（人）3410" counted applications.
    DashboardInput in;
    in.rows = test::generatedRows(3);
    for (auto& r : in.rows) {
        r.studentKey = "019a0000-0000-7000-8000-000000000001"; // one student, three applications
        r.year = 2025;
    }
    in.rows[0].year = 2023;
    in.rows[1].year = 2024;
    auto all = computeDashboard(in, 0, "2025-09-10");
    CHECK(all.people == 1);
    CHECK(all.applications == 3);
    auto one = computeDashboard(in, 2025, "2025-09-10");
    CHECK(one.people == 1);
    CHECK(one.applications == 1);
}
