// Reports benchmarks: a 50,000-person roster to XLSX (goal ≤ 3 s) and PDF (goal ≤ 10 s), and
// the dashboard figures of a 100,000-student county (goal ≤ 200 ms, computed off the UI
// thread). Roster times are building the table (filter, pinyin ordering, subtotals) plus
// writing the file; both parts are reported.
#include "bench.hpp"

#include "client/reports/dashboard.hpp"
#include "client/reports/roster_builder.hpp"
#include "client/reports/writers.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include "tests/support/roster_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <stdexcept>

namespace {

using namespace zhuxue;

const Catalog& texts() {
    static Catalog cat = [] {
        auto c = loadCatalog(assetsDir(), "zh-CN");
        if (!c)
            throw std::runtime_error("catalogue: " + c.error().key);
        return *c;
    }();
    return cat;
}

reports::Table programmeRoster(const std::vector<reports::RosterRow>& rows) {
    auto def = reports::loadDefinition(assetsDir(), "programme");
    if (!def)
        throw std::runtime_error("definition: " + def.error().key);
    reports::BuildOptions o;
    o.countyName = "秭归县学生资助管理中心";
    o.today = *core::Date::parse("2025-09-10");
    auto built = reports::buildRoster(*def, rows, {}, texts(), o);
    if (!built)
        throw std::runtime_error("roster: " + built.error().key);
    return std::move(built->table);
}

void rosterExport(bench::Context& ctx, const char* name, reports::Format format, double goalMs) {
    size_t n = ctx.quick ? 2000 : 50000;
    test::TempDir dir("zhuxue-bench");
    auto out = dir / (std::string("roster.") + reports::formatExtension(format));
    auto rows = test::generatedRows(n); // the store's query is measured by the store's benchmarks
    reports::Table table;
    double buildMs = bench::timeMs([&] { table = programmeRoster(rows); });
    double writeMs = bench::timeMs([&] {
        auto st = reports::writeTable(table, format, out);
        if (!st)
            throw std::runtime_error("write: " + st.error().key + " " + st.error().detail);
    });
    ctx.report(name, buildMs + writeMs, "ms",
               {{"people", n}, {"table_rows", table.rows.size()}, {"build_ms", buildMs}, {"write_ms", writeMs},
                {"bytes", std::filesystem::file_size(out)}, {"goal_ms", goalMs}});
}

ZHUXUE_BENCH("reports.roster_50k_xlsx",
              [](bench::Context& ctx) { rosterExport(ctx, "reports.roster_50k_xlsx", reports::Format::Xlsx, 3000); });
ZHUXUE_BENCH("reports.roster_50k_pdf",
              [](bench::Context& ctx) { rosterExport(ctx, "reports.roster_50k_pdf", reports::Format::Pdf, 10000); });

ZHUXUE_BENCH("reports.dashboard_100k", [](bench::Context& ctx) {
    size_t n = ctx.quick ? 5000 : 100000;
    reports::DashboardInput in;
    in.rows = test::generatedRows(n);
    for (size_t i = 0; i < n / 10; ++i)
        in.visits.push_back({in.rows[i].township, 2025, i % 3 ? "2025-08-01" : ""});
    std::vector<double> samples;
    int64_t people = 0;
    for (int i = 0; i < 5; ++i)
        samples.push_back(bench::timeMs([&] { people = reports::computeDashboard(in, 2025, "2025-09-10").people; }));
    ctx.report("reports.dashboard_100k", bench::percentile(samples, 50), "ms",
               {{"students", n}, {"counted", people}, {"runs", samples.size()}, {"goal_ms", 200}});
});

} // namespace
