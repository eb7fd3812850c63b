// zhuxue-cli import FILE and zhuxue-cli gen-demo: schools' pre-application lists and the demo
// county.
#include "client/core/args.hpp"
#include "client/core/divisions.hpp"
#include "client/core/i18n.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/demo/demo_store.hpp"
#include "client/store/import/import_run.hpp"
#include "client/store/paths.hpp"
#include "command.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace zhuxue::cli {

namespace {

// The catalogue's text, or the key when no catalogue could be loaded.
struct Texts {
    const Catalog* catalog;
    std::string operator()(std::string_view key,
                           const std::map<std::string, std::string>& args = {}) const {
        return catalog ? catalog->format(key, args) : std::string(key);
    }
    std::string operator()(const Error& e) const { return catalog ? catalog->format(e) : e.key; }
};

core::Date localToday() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return *core::Date::make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string countyName(const std::string& code) {
    auto d = core::lookupDivision(code);
    return d ? std::string(d->county) : std::string();
}

void printIssues(const Texts& t, const import::ImportPlan& plan) {
    for (const auto& issue : plan.issues) {
        const std::string severity =
            t(issue.severity == core::Severity::Error ? "validation.severity.error"
                                                      : "validation.severity.warning");
        const std::string message = t(issue.message);
        std::string line;
        if (issue.column != std::string_view::npos)
            line = t("import.report.cell", {{"row", std::to_string(issue.row)},
                                            {"column", import::columnLetters(issue.column)},
                                            {"header", issue.header},
                                            {"severity", severity},
                                            {"message", message}});
        else
            line = t(
                "import.report.row",
                {{"row", std::to_string(issue.row)}, {"severity", severity}, {"message", message}});
        std::fprintf(stdout, "%s\n", line.c_str());
    }
}

int runImport(const Args& args, const Texts& t, const std::filesystem::path& dataDir) {
    if (args.positional().size() != 2) {
        std::fprintf(
            stderr,
            "zhuxue-cli: 用法 usage: import FILE [--skip-bad-rows] [--dry-run] [--county CODE] "
            "[--school-year YEAR] [--sheet NAME]\n");
        return 2;
    }
    const std::filesystem::path file = args.positional()[1];
    import::ImportOptions options;
    options.skipBadRows = args.flag("skip-bad-rows");
    options.dryRun = args.flag("dry-run");
    options.county = args.value("county");
    options.today = localToday();
    auto year = args.integer("school-year", 0);
    if (!year) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(year.error()).c_str());
        return 2;
    }
    options.schoolYear = static_cast<int>(*year);

    auto store = store::Store::open(dataDir);
    if (!store) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(store.error()).c_str());
        return 1;
    }
    auto result = import::importPreApplicationFile(
        **store, file, options, store::Actor{"zhuxue-cli import"}, args.value("sheet"));
    if (!result) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(result.error()).c_str());
        return 1;
    }
    const auto& plan = result->plan;
    std::printf("%s\n",
                t(plan.sheetName.empty() ? "import.report.read" : "import.report.read_sheet",
                  {{"file", file.filename().string()},
                   {"encoding", plan.encoding},
                   {"sheet", plan.sheetName},
                   {"header_row", std::to_string(plan.headerRow)},
                   {"county", plan.county},
                   {"county_name", countyName(plan.county)}})
                    .c_str());
    printIssues(t, plan);
    std::printf("%s\n",
                t("import.report.summary", {{"rows", std::to_string(plan.dataRows)},
                                            {"accepted", std::to_string(plan.rows.size())},
                                            {"rejected", std::to_string(plan.rejectedRows)},
                                            {"existing", std::to_string(plan.existingRows)}})
                    .c_str());
    const std::map<std::string, std::string> rejected{
        {"rejected", std::to_string(plan.rejectedRows)}};
    if (options.dryRun) {
        std::printf("%s\n", t("import.report.dry_run").c_str());
        return plan.rejectedRows > 0 ? 1 : 0;
    }
    if (plan.rejectedRows > 0 && !options.skipBadRows) {
        std::printf("%s\n", t("import.report.blocked", rejected).c_str());
        return 1;
    }
    if (plan.rejectedRows > 0)
        std::printf("%s\n", t("import.report.skipped_bad", rejected).c_str());
    if (result->written)
        std::printf("%s\n",
                    t("import.report.done", {{"count", std::to_string(result->imported)}}).c_str());
    else
        std::printf("%s\n", t("import.report.nothing").c_str());
    return 0;
}

int runGenDemo(const Args& args, const Texts& t, const std::filesystem::path& dataDir) {
    demo::DemoOptions options;
    auto students = args.integer("students", 2000);
    auto seed = args.integer("seed", 1);
    for (auto* r : {&students, &seed})
        if (!*r) {
            std::fprintf(stderr, "zhuxue-cli: %s\n", t(r->error()).c_str());
            return 2;
        }
    if (*students < 1) {
        std::fprintf(
            stderr, "zhuxue-cli: %s\n",
            t("args.not_a_number", {{"option", "--students"}, {"value", args.value("students")}})
                .c_str());
        return 2;
    }
    options.students = static_cast<std::size_t>(*students);
    options.seed = static_cast<std::uint64_t>(*seed);
    options.county = args.value("county", options.county);
    if (args.has("as-of")) {
        auto d = core::Date::parse(args.value("as-of"));
        if (!d) {
            std::fprintf(stderr, "zhuxue-cli: %s\n",
                         t("validation.date.invalid", {{"value", args.value("as-of")}}).c_str());
            return 2;
        }
        options.asOf = *d;
    }
    auto generator = demo::DemoGenerator::create(options);
    if (!generator) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(generator.error()).c_str());
        return 2;
    }
    const auto& c = generator->county();
    std::printf("%s\n", t("import.demo.start", {{"province", c.province},
                                                {"prefecture", c.prefecture},
                                                {"county_name", c.name},
                                                {"county", c.code},
                                                {"students", std::to_string(options.students)},
                                                {"seed", std::to_string(options.seed)},
                                                {"as_of", options.asOf.iso()}})
                            .c_str());
    auto store = store::Store::open(dataDir);
    if (!store) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(store.error()).c_str());
        return 1;
    }
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    std::size_t lastShown = 0;
    auto summary = demo::writeDemoCounty(
        **store, *generator, store::Actor{"zhuxue-cli gen-demo"}, [&](std::size_t n) {
            if (n - lastShown >= 10000) {
                lastShown = n;
                std::fprintf(
                    stderr, "%s\n",
                    t("import.demo.progress", {{"families", std::to_string(n)},
                                               {"students", std::to_string(options.students)}})
                        .c_str());
            }
        });
    if (!summary) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", t(summary.error()).c_str());
        return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", seconds);
    std::printf("%s\n", t("import.demo.done", {{"families", std::to_string(summary->families)},
                                               {"records", std::to_string(summary->records)},
                                               {"seconds", secs},
                                               {"notice", std::string(demo::kDemoNotice)}})
                            .c_str());
    return 0;
}

} // namespace

void registerImportCommands(std::vector<Command>& out) {
    out.push_back(
        {"import",
         "import FILE [--skip-bad-rows] [--dry-run] [--county CODE] [--school-year YEAR] [--sheet "
         "NAME]",
         "导入预申请名单 CSV/XLSX，逐行检查；有错误时不导入（--skip-bad-rows "
         "只导入正确的行，--dry-run "
         "只检查） import a pre-application list, every row checked",
         {"county", "school-year", "sheet"},
         {"skip-bad-rows", "dry-run"},
         [](const Context& ctx) { return runImport(*ctx.args, Texts{ctx.texts}, ctx.dataDir); }});
    out.push_back(
        {"gen-demo",
         "gen-demo [--students N] [--county 420527] [--seed S] [--as-of YYYY-MM-DD]",
         "生成演示县（演示数据，乡镇村为虚构），同一种子结果相同 generate a demo county (townships "
         "and villages invented), the same for a seed",
         {"students", "county", "seed", "as-of"},
         {},
         [](const Context& ctx) { return runGenDemo(*ctx.args, Texts{ctx.texts}, ctx.dataDir); }});
}

} // namespace zhuxue::cli
