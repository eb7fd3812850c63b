// store.import: a school's pre-application list as CSV (the columns school officers send, see
// tests/integration/test_import_cli.cpp) imported into a fresh device store through the same
// function zhuxue-cli import calls: every row checked, one transaction, change log and audit
// for every record. 20,000 rows (--quick: 2,000); goal ≥ 20,000 rows/s. The baseline in the
// same run: the same families' five rows (student, co-borrower, two consents, application)
// inserted with bare SQLite statements into a fresh store of the same schema and settings, in one
// transaction: no checks, change log, audit, search index or sealing.
#include "bench.hpp"
#include "client/core/resident_id.hpp"
#include "client/store/import/import_run.hpp"
#include "client/core/ids.hpp"
#include "client/store/sqlite.hpp"
#include "client/store/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/resource.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace zhuxue::bench {
namespace {

namespace fs = std::filesystem;

std::string residentId(int birthYear, int month, int day, int seq) {
    char body[32];
    std::snprintf(body, sizeof body, "420527%04d%02d%02d%03d", birthYear % 10000, month % 100,
                  day % 100, seq % 1000);
    std::string s(body, 17);
    return s + core::residentIdCheckChar(s);
}

// Distinct ID numbers: the birth day and the sequence number spread the rows apart.
void writeList(const fs::path& file, int rows) {
    const char* const surnames[] = {"张", "王", "李", "屈", "谭", "向", "覃", "欧阳"};
    const char* const given[] = {"伟", "芳", "𪚥", "明", "秀", "淼", "子涵", "雪"};
    const char* const towns[] = {"茅坪镇", "归州镇", "屈原镇", "沙镇溪镇", "两河口镇"};
    std::ofstream out(file, std::ios::binary);
    out << "序号,姓名,性别,身份证号码,学校,年级,联系电话,乡镇,村,共同借款人姓名,"
           "共同借款人身份证号,关系\n";
    std::mt19937_64 rng(7);
    for (int i = 0; i < rows; ++i) {
        int day = i / 1000; // 0..: one day per thousand rows keeps ID numbers unique
        int month = 1 + (day / 28) % 12, dom = 1 + day % 28;
        int seq = i % 1000;
        // The sex digit is the 17th: odd for boys.
        std::string sid = residentId(2007, month, dom, seq);
        std::string pid = residentId(1978, month, dom, seq);
        bool boy = (seq % 2) == 1;
        std::string name = std::string(surnames[rng() % 8]) + given[rng() % 8];
        out << i + 1 << ',' << name << ',' << (boy ? "男" : "女") << ',' << sid
            << ",秭归县第一中学,高三,138" << 10000000 + i << ',' << towns[rng() % 5]
            << ",月亮包村," << surnames[rng() % 8] << "大山," << pid << ",父亲\n";
    }
}

// User + system CPU time of this process: steadier than the wall clock on a shared machine.
double cpuMs() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

void importBench(Context& ctx) {
    const int rows = ctx.quick ? 2'000 : 20'000;
    test::TempDir dir{"zhuxue-bench-import"};
    writeList(dir / "list.csv", rows);
    auto store = store::Store::open(dir / "data");
    if (!store)
        throw std::runtime_error(store.error().key);
    import::ImportOptions options;
    options.schoolYear = 2026;
    options.today = core::Date{2026, 7, 1};
    Result<import::ImportResult> result = Error{"bench.not_run"};
    const double cpu0 = cpuMs();
    double ms = timeMs([&] {
        result = import::importPreApplicationFile(**store, dir / "list.csv", options, {"bench"});
    });
    const double cpu = cpuMs() - cpu0;
    if (!result)
        throw std::runtime_error(result.error().key + " " + result.error().detail);
    if (!result->written || result->imported != static_cast<std::size_t>(rows))
        throw std::runtime_error("import wrote " + std::to_string(result->imported) + " of " +
                                 std::to_string(rows) + " rows");
    ctx.report("store.import", rows / (ms / 1000.0), "rows/s",
               {{"rows", rows}, {"goal", 20000}, {"ms", ms}, {"cpu_ms", cpu}, {"format", "csv"},
                {"note", "3 records per row (student, co-borrower, application), one transaction"}});
}

// The floor the schema sets: the import's rows with nothing but INSERTs.
double bareImportRowsPerSecond(int rows) {
    test::TempDir dir{"zhuxue-bench-import-bare"};
    auto store = store::Store::open(dir / "data");
    if (!store)
        throw std::runtime_error(store.error().key);
    store::Db& db = (*store)->db();
    auto prepare = [&](const char* sql) {
        auto st = db.prepare(sql);
        if (!st)
            throw std::runtime_error(st.error().detail);
        return std::move(*st);
    };
    store::Stmt student = prepare("INSERT INTO student(id, county, name, id_number, id_lookup, gender,"
                           " birth_date, phone, township, village, high_school)"
                           " VALUES(?, '420527', ?, ?, ?, ?, '2007-01-01', ?, ?, '月亮包村',"
                           " '秭归县第一中学')");
    store::Stmt coBorrower = prepare("INSERT INTO co_borrower(id, county, student_id, name, id_number,"
                              " id_lookup, birth_date, relation)"
                              " VALUES(?, '420527', ?, ?, ?, ?, '1978-01-01', 'father')");
    store::Stmt consent = prepare("INSERT INTO consent(id, county, student_id, application_id, party,"
                           " person_id, signer_name, version, consented_ms, recorded_by, method)"
                           " VALUES(?, '420527', ?, ?, ?, ?, ?, 'national_system', ?, 'bench',"
                           " 'national_system')");
    store::Stmt application = prepare("INSERT INTO loan_application(id, county, student_id,"
                               " co_borrower_id, school_year, created_ms)"
                               " VALUES(?, '420527', ?, ?, 2026, ?)");
    auto run = [](store::Stmt& st) {
        if (auto r = st.run(); !r)
            throw std::runtime_error(r.error().detail);
    };
    double ms = timeMs([&] {
        if (auto st = db.exec("BEGIN IMMEDIATE"); !st)
            throw std::runtime_error(st.error().detail);
        for (int i = 0; i < rows; ++i) {
            const Uuid sid = newUuidV7(), cid = newUuidV7(), aid = newUuidV7();
            const std::string sidNumber = residentId(2007, 1 + (i / 1000 / 28) % 12,
                                                     1 + (i / 1000) % 28, i % 1000);
            const std::string pidNumber = residentId(1978, 1 + (i / 1000 / 28) % 12,
                                                     1 + (i / 1000) % 28, i % 1000);
            const std::string phone = "138" + std::to_string(10000000 + i);
            const std::int64_t now = systemNowMs();
            student.bind(1, sid).bind(2, "王芳").bind(3, sidNumber).bind(4, sidNumber);
            student.bind(5, i % 2 ? "male" : "female").bind(6, phone).bind(7, "茅坪镇");
            run(student);
            coBorrower.bind(1, cid).bind(2, sid).bind(3, "王大山").bind(4, pidNumber);
            coBorrower.bind(5, pidNumber);
            run(coBorrower);
            for (int party = 0; party < 2; ++party) {
                consent.bind(1, newUuidV7()).bind(2, sid).bind(3, aid);
                consent.bind(4, party ? "co_borrower" : "student").bind(5, party ? cid : sid);
                consent.bind(6, party ? "王大山" : "王芳").bind(7, now);
                run(consent);
            }
            application.bind(1, aid).bind(2, sid).bind(3, cid).bind(4, now);
            run(application);
        }
        if (auto st = db.exec("COMMIT"); !st)
            throw std::runtime_error(st.error().detail);
    });
    return rows / (ms / 1000.0);
}

void importBareBench(Context& ctx) {
    const int rows = ctx.quick ? 2'000 : 20'000;
    ctx.report("store.import_bare_sqlite", bareImportRowsPerSecond(rows), "rows/s",
               {{"rows", rows},
                {"note", "the same 5 rows per family, bare INSERTs, one transaction: the floor "
                         "the schema sets"}});
}

} // namespace

ZHUXUE_BENCH("store.import", importBench);
ZHUXUE_BENCH("store.import_bare_sqlite", importBareBench);

} // namespace zhuxue::bench
