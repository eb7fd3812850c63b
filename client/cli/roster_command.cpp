#include "roster_command.hpp"

#include "exporter.hpp"

#include "client/core/args.hpp"
#include "client/reports/roster_builder.hpp"
#include "client/reports/roster_source.hpp"
#include "client/reports/writers.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/store.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <set>
#include <sstream>

namespace zhuxue::cli {

const char* const kRosterUsage =
    R"(用法 Usage: zhuxue-cli [--data-dir DIR] roster KIND --out FILE [--format csv|xlsx|pdf] [筛选 filters]

生成花名册并导出 Build a roster and export it. KIND:
  review            评议花名册（交评议小组，无困难类型和金额）review roster for the review group
  review-staff      评议花名册（工作人员用，含困难类型和金额）review roster for staff only
  programme         分项目资助花名册 roster by aid programme
  public-notice     公示花名册 public notice: 只列评议结束且认定困难的学生，只含允许公示的字段，
                    不含未满 14 周岁的学生 (recognised students only, allowed fields, none under 14)
  funds             学生资助资金确认表 funds confirmation sheet
  daily-contracts   当日电子合同复核表 the day's signed e-contracts
  pre-application   预申请与签约进度 pre-applications against signed contracts

选项 Options:
  --out FILE            导出文件 output file (required)
  --format F            csv | xlsx | pdf (默认取文件扩展名 default: from FILE's extension)
  --year N              学年 school year, e.g. 2025
  --programme NAME      资助项目 programme, e.g. 生源地信用助学贷款
  --status CODES        状态（逗号分隔）status codes, comma-separated, e.g. disbursed,in_study
  --level L             困难等级 hardship level: general | fairly | special
  --township NAME       乡镇 township
  --school NAME         学校 school
  --date YYYY-MM-DD     签约日期（daily-contracts，默认今天）signing day (default: today)
  --mask-names          姓名部分遮挡 mask names (张*丰) on the public notice
  --county NAME         表头单位名称 office name in the page header
  --notice-days N       公示天数 5-7 days a notice is posted (default 5)
  --contact TEXT        异议受理联系方式 where objections go
  --lang zh-CN|en       语言 language (default zh-CN)
  --user NAME           导出人 who exports: 本机有账号时为账号名，密码从标准输入读取
                        (按该账号的角色) an account of this device, its password on standard
                        input (its role applies); 否则为审计记录中的姓名 else the name audited
  --role ROLE           本机没有账号时声明导出人的角色 the exporter's role on a device
                        without accounts: admin | staff (volunteer 不能导出 may not export)

导出必须写明身份，每次导出都记入审计（操作人与角色）。
An export must state who exports; every export is audited with user and role.
)";

namespace {

int fail(const Catalog* texts, const Error& e) {
    std::string msg = texts ? texts->format(e) : e.key;
    std::fprintf(stderr, "zhuxue-cli roster: %s%s%s\n", msg.c_str(), e.detail.empty() ? "" : " — ",
                 e.detail.c_str());
    return 1;
}

core::Date today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

std::vector<std::string> splitComma(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

int run(const Context& ctx) {
    const std::filesystem::path& dataDir = ctx.dataDir;
    const Args* args = ctx.args;
    auto operands = ctx.operands();
    if (operands.size() != 1 || !args->has("out")) {
        std::fputs(kRosterUsage, stderr);
        return 2;
    }
    const std::string kind = operands[0];
    const std::filesystem::path out = args->value("out");

    auto catalog = loadCatalog(assetsDir(), ctx.lang);
    if (!catalog)
        return fail(nullptr, catalog.error());
    const Catalog& texts = *catalog;

    std::string formatName = args->value("format");
    if (formatName.empty() && out.has_extension())
        formatName = out.extension().string().substr(1);
    auto format = reports::parseFormat(formatName);
    if (!format)
        return fail(&texts, Error("reports.error.format", {}, formatName));

    auto def = reports::loadDefinition(assetsDir(), kind);
    if (!def)
        return fail(&texts, def.error());

    reports::RosterFilter filter;
    auto year = args->integer("year", 0);
    if (!year)
        return fail(&texts, year.error());
    filter.year = int(*year);
    filter.programme = args->value("programme");
    filter.statuses = splitComma(args->value("status"));
    filter.township = args->value("township");
    filter.school = args->value("school");
    if (args->has("level")) {
        auto level = fromCode<HardshipLevel>(args->value("level"));
        if (!level)
            return fail(&texts, Error("reports.cli.bad_level", {{"level", args->value("level")}}));
        filter.level = *level;
    }
    reports::BuildOptions options;
    options.today = today();
    if (kind == "daily-contracts") {
        std::string day = args->value("date", options.today.iso());
        if (!core::Date::parse(day))
            return fail(&texts, Error("reports.cli.bad_date", {{"date", day}}));
        filter.signingDate = day;
    }
    if (args->flag("mask-names"))
        options.nameMask = reports::NameMask::Middle;
    options.noteArgs = {{"contact", args->value("contact", texts.text("reports.cli.default_contact"))}};
    if (def->isPublic) {
        auto days = reports::noticeDays(*def, args->value("notice-days"));
        if (!days)
            return fail(&texts, days.error());
        options.noteArgs["days"] = std::to_string(*days);
    }

    auto who = exporterFrom(dataDir, *args, std::cin);
    if (!who)
        return fail(&texts, who.error());
    auto store = store::Store::open(dataDir);
    if (!store)
        return fail(&texts, store.error());
    (*store)->setAccess(store::accessFor(who->role));
    auto rows = reports::loadRosterRows(**store, texts);
    if (!rows)
        return fail(&texts, rows.error());

    std::set<std::string> counties, countyCodes;
    for (const auto& r : *rows) {
        if (reports::matches(filter, r)) {
            counties.insert(r.county);
            countyCodes.insert(r.countyCode);
        }
    }
    std::string county = args->value("county");
    if (county.empty() && counties.size() == 1)
        county = texts.format("reports.county_office", {{"county", *counties.begin()}});
    options.countyName = county;

    auto built = reports::buildRoster(*def, *rows, filter, texts, options);
    if (!built)
        return fail(&texts, built.error());
    reports::PageTexts page;
    page.pageOfPages = texts.text("reports.page_of_pages");
    page.printedAt = texts.format("reports.printed_on", {{"date", options.today.iso()}});
    if (auto st = reports::writeTable(built->table, *format, out, page); !st)
        return fail(&texts, st.error());

    // Every export is on the audit trail: what, how many, where, never whom.
    store::Actor actor = who->actor();
    std::string summary = "roster " + kind + " " + formatName + " people=" + std::to_string(built->people) +
                          who->auditNote() +
                          " file=" + std::filesystem::absolute(out).string();
    std::string auditCounty = countyCodes.size() == 1 ? *countyCodes.begin() : std::string();
    if (auto st = (*store)->audit("export", RecordType::AuditEntry, Uuid{}, auditCounty, summary, actor); !st)
        return fail(&texts, st.error());

    std::printf("%s\n", texts.format("reports.cli.done", {{"people", std::to_string(built->people)},
                                                           {"file", out.string()}})
                            .c_str());
    if (built->withheld > 0)
        std::fprintf(stderr, "%s\n",
                     texts.format("reports.cli.withheld", {{"n", std::to_string(built->withheld)},
                                                           {"age", std::to_string(def->minimumAge)}})
                         .c_str());
    return 0;
}

} // namespace

void registerRosterCommands(std::vector<Command>& out) {
    out.push_back({"roster", "roster KIND --out FILE",
                   "生成并导出花名册 build and export a roster (KIND: review, review-staff, programme, public-notice, "
                   "funds, daily-contracts, pre-application)",
                   {"out", "format", "year", "programme", "status", "level", "township", "school",
                    "date", "county", "notice-days", "contact", "user", "role"},
                   {"mask-names"},
                   run});
}

} // namespace zhuxue::cli
