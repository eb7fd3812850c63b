// Commands on the device store: init, export, stats, backup, restore.
#include "client/core/money.hpp"
#include "client/store/store.hpp"
#include "command.hpp"
#include "exporter.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace zhuxue::cli {

namespace {
namespace fs = std::filesystem;
using namespace zhuxue::store;

const Actor kCli{"zhuxue-cli"};

int usage(const Context& ctx, const char* example) {
    std::fprintf(stderr, "%s\n", ctx.text("store.cli.usage_file", {{"example", example}}).c_str());
    return 2;
}

// Opens the store; on damage prints where the file was kept and how to restore.
std::unique_ptr<Store> openOrReport(const Context& ctx, bool create, int& status) {
    OpenOptions options;
    options.create = create;
    auto store = Store::open(ctx.dataDir, options);
    if (store) {
        status = 0;
        return std::move(*store);
    }
    Error e = store.error();
    if (e.key == "store.damaged" && e.args["backup"].empty())
        e.key = "store.damaged_no_backup";
    status = ctx.fail(e);
    if (e.key == "store.damaged")
        std::fprintf(stderr, "%s\n",
                     ctx.text("store.cli.restore_offer",
                              {{"dir", ctx.dataDir.string()}, {"backup", e.args["backup"]}})
                         .c_str());
    return nullptr;
}

int init(const Context& ctx) {
    int status = 0;
    auto store = openOrReport(ctx, true, status);
    if (!store)
        return status;
    ctx.say("store.cli.initialized", {{"path", ctx.dataDir.string()}});
    std::printf("device %s\n", store->deviceId().str().c_str());
    return 0;
}

std::string csvField(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos)
        return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

void csvRow(std::ostream& out, const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
        out << (i ? "," : "") << csvField(cells[i]);
    out << "\r\n";
}

// The pre-application list (预申请名单): one row per pre-application, UTF-8 with a byte-order mark
// so spreadsheet programs on Windows read the Chinese correctly; money in yuan with two decimals.
int exportCsv(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1)
        return usage(ctx, "export 预申请名单.csv");
    auto who = exporterFrom(ctx.dataDir, *ctx.args, std::cin);
    if (!who)
        return ctx.fail(who.error());
    int status = 0;
    auto store = openOrReport(ctx, false, status);
    if (!store)
        return status;
    store->setAccess(accessFor(who->role));
    if (auto may = store->requireExport(); !may)
        return ctx.fail(may.error());
    std::ofstream file;
    bool toStdout = ops[0] == "-";
    if (!toStdout) {
        if (fs::exists(ops[0]))
            return ctx.fail(Error("store.file_exists", {{"path", ops[0]}}));
        file.open(ops[0], std::ios::binary);
        if (!file)
            return ctx.fail(Error("fs.read_failed", {{"path", ops[0]}}, "cannot create"));
    }
    std::ostream& out = toStdout ? std::cout : file;
    out << "\xEF\xBB\xBF";
    std::vector<std::string> header;
    for (const char* col : {"name", "id_number", "gender", "birth_date", "phone", "township",
                            "village", "high_school", "school_year", "amount", "status",
                            "co_borrower", "co_borrower_id_number", "co_borrower_relation"})
        header.push_back(ctx.text(std::string("store.cli.col.") + col));
    csvRow(out, header);
    std::int64_t rows = 0;
    Status inner;
    auto st = store->forEach<LoanApplication>([&](const LoanApplication& a) {
        if (a.kind != ApplicationKind::PreApplication)
            return true;
        auto s = store->get<Student>(a.studentId);
        if (!s) {
            inner = s.error();
            return false;
        }
        Student student = s->value_or(Student{});
        CoBorrower cb;
        if (!a.coBorrowerId.isNil()) {
            auto c = store->get<CoBorrower>(a.coBorrowerId);
            if (!c) {
                inner = c.error();
                return false;
            }
            cb = c->value_or(CoBorrower{});
        }
        csvRow(out, {student.name, student.idNumber,
                     ctx.text("store.cli.gender." + std::string(toCode(student.gender))),
                     student.birthDate, student.phone, student.township, student.village,
                     student.highSchool, a.schoolYear ? std::to_string(a.schoolYear) : "",
                     core::formatMoney(a.amountFen, {.grouping = false}),
                     ctx.text("store.cli.status." + std::string(toCode(a.status))), cb.name,
                     cb.idNumber, cb.relation});
        ++rows;
        return true;
    });
    if (!st)
        return ctx.fail(st.error());
    if (!inner)
        return ctx.fail(inner.error());
    out.flush();
    if (!out)
        return ctx.fail(Error("store.io_error", {{"path", ops[0]}}, "write failed"));
    // Exports carry personal data: every one is audited.
    if (auto a = store->audit("export", RecordType::LoanApplication, Uuid{}, "",
                              "pre_application_csv rows=" + std::to_string(rows) + who->auditNote(),
                              who->actor());
        !a)
        return ctx.fail(a.error());
    if (!toStdout)
        ctx.say("store.cli.exported", {{"count", std::to_string(rows)}, {"path", ops[0]}});
    return 0;
}

int stats(const Context& ctx) {
    int status = 0;
    auto store = openOrReport(ctx, false, status);
    if (!store)
        return status;
    auto s = store->stats();
    if (!s)
        return ctx.fail(s.error());
    std::printf("%s (%s)\n", ctx.text("store.cli.stats_title").c_str(), ctx.dataDir.c_str());
    for (auto& [type, n] : s->records)
        std::printf("  %s: %lld\n", ctx.text("store.cli.type." + std::string(toCode(type))).c_str(),
                    static_cast<long long>(n));
    std::printf("  %s: %lld\n", ctx.text("store.cli.pending").c_str(),
                static_cast<long long>(s->pendingChanges));
    std::printf("  %s: %lld\n", ctx.text("store.cli.conflicts").c_str(),
                static_cast<long long>(s->openConflicts));
    std::printf("  %s: %lld\n", ctx.text("store.cli.quarantined").c_str(),
                static_cast<long long>(s->quarantined));
    std::printf("  %s: %lld\n", ctx.text("store.cli.audit").c_str(),
                static_cast<long long>(s->auditEntries));
    std::printf("  %s: %.1f MB\n", ctx.text("store.cli.db_size").c_str(),
                static_cast<double>(s->databaseBytes) / 1e6);
    return 0;
}

// Integrity of the database and of the audit trail's hash chain; exit status 1 on any problem.
int check(const Context& ctx) {
    int status = 0;
    auto store = openOrReport(ctx, false, status);
    if (!store)
        return status;
    auto problems = store->check();
    if (!problems)
        return ctx.fail(problems.error());
    if (!problems->empty()) {
        std::fprintf(stderr, "%s\n",
                     ctx.text("store.cli.check_problems",
                              {{"count", std::to_string(problems->size())}})
                         .c_str());
        for (auto& p : *problems)
            std::fprintf(stderr, "  %s\n", p.c_str());
        return 1;
    }
    auto s = store->stats();
    if (!s)
        return ctx.fail(s.error());
    ctx.say("store.cli.check_ok", {{"entries", std::to_string(s->auditEntries)}});
    return 0;
}

int backup(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1)
        return usage(ctx, "backup /media/u盘/zhuxue-备份.db");
    int status = 0;
    auto store = openOrReport(ctx, false, status);
    if (!store)
        return status;
    if (auto st = store->backupTo(ops[0]); !st)
        return ctx.fail(st.error());
    ctx.say("store.cli.backup_done", {{"path", ops[0]}});
    return 0;
}

int restore(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1)
        return usage(ctx, "restore /media/u盘/zhuxue-备份.db");
    if (auto st = restoreDatabase(ctx.dataDir, ops[0]); !st)
        return ctx.fail(st.error());
    int status = 0;
    auto store = openOrReport(ctx, false, status);
    if (!store)
        return status;
    if (auto a = store->audit("restore", RecordType::AuditEntry, Uuid{}, "", ops[0], kCli); !a)
        return ctx.fail(a.error());
    ctx.say("store.cli.restore_done", {{"path", ops[0]}});
    return 0;
}

} // namespace

void registerStoreCommands(std::vector<Command>& out) {
    out.push_back({"init",
                   "init",
                   "创建本机数据目录和数据库 create the device data directory",
                   {},
                   {},
                   init});
    out.push_back({"export",
                   "export FILE.csv --user ACCOUNT | --role staff|admin",
                   "导出预申请名单（CSV，UTF-8；- 表示标准输出；须写明导出人 --user 或 --role）"
                   "export the pre-application list (say who exports: --user or --role)",
                   {"user", "role"},
                   {},
                   exportCsv});
    out.push_back({"check",
                   "check",
                   "检查数据库和审计记录链 check the database and the audit trail's hash chain",
                   {},
                   {},
                   check});
    out.push_back(
        {"stats", "stats", "本机数据统计 counts of the data on this device", {}, {}, stats});
    out.push_back({"backup",
                   "backup FILE",
                   "备份数据库（不覆盖已有文件）back up the database",
                   {},
                   {},
                   backup});
    out.push_back({"restore",
                   "restore FILE",
                   "从备份恢复（先保留当前数据）restore a backup (the current data is kept first)",
                   {},
                   {},
                   restore});
}

} // namespace zhuxue::cli
