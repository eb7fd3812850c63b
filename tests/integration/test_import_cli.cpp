// zhuxue-cli import and gen-demo as a school officer and a developer use them: real processes,
// real CSV and XLSX files (XLSX written by openpyxl), the result read back from the device store.
#include "client/core/resident_id.hpp"
#include "client/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace zhuxue;
using namespace std::chrono_literals;

namespace {
std::string makeId(const std::string& birth, int seq) {
    char s[4];
    std::snprintf(s, sizeof s, "%03d", seq);
    std::string first17 = "420527" + birth + s;
    return first17 + core::residentIdCheckChar(first17);
}

struct Run {
    int rc;
    std::string out, err;
};

Run cli(const test::TempDir& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {test::binPath("zhuxue-cli").string(), "--data-dir",
                                     (dir / "data").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    test::Process p(argv, {{"LANG", "C.UTF-8"}});
    auto rc = p.wait(120s);
    REQUIRE_MESSAGE(rc.has_value(), "zhuxue-cli did not finish");
    return {*rc, p.stdoutText(), p.stderrText()};
}

std::int64_t count(const test::TempDir& dir, RecordType type) {
    auto store = store::Store::open(dir / "data");
    REQUIRE(store.ok());
    auto n = (*store)->count(type);
    REQUIRE(n.ok());
    return *n;
}

const std::string kHeader =
    "序号,姓名,性别,身份证号码,学校,年级,联系电话,乡镇,村,共同借款人姓名,共同借款人身份证号,关系\n";
std::string row(int n, const std::string& name, const std::string& sex, const std::string& id,
                const std::string& parent, const std::string& parentId) {
    return std::to_string(n) + "," + name + "," + sex + "," + id +
           ",秭归县第一中学,高三,13800000000,茅坪镇,月亮包村," + parent + "," + parentId +
           ",父亲\n";
}
} // namespace

TEST_CASE("a list with one wrong row imports nothing, then the good rows with --skip-bad-rows") {
    test::TempDir dir;
    std::string bad = makeId("20070101", 31);
    bad.back() = bad.back() == '5' ? '6' : '5';
    std::ofstream(dir / "list.csv")
        << kHeader << row(1, "张三", "男", makeId("20070315", 11), "张大山", makeId("19780101", 13))
        << row(2, "王𪚥", "女", makeId("20070316", 22), "王建国", makeId("19790202", 15))
        << row(3, "李四", "男", bad, "李强", makeId("19770303", 17));
    auto refused = cli(dir, {"import", (dir / "list.csv").string()});
    CHECK(refused.rc == 1);
    CHECK(refused.out.find("第 4 行 D 列（身份证号码）需要改正") != std::string::npos);
    CHECK(refused.out.find("没有导入任何数据") != std::string::npos);
    CHECK(count(dir, RecordType::Student) == 0);

    auto dry = cli(dir, {"import", (dir / "list.csv").string(), "--dry-run", "--skip-bad-rows"});
    CHECK(dry.out.find("--dry-run") != std::string::npos);
    CHECK(count(dir, RecordType::Student) == 0);

    auto skipped = cli(dir, {"import", (dir / "list.csv").string(), "--skip-bad-rows"});
    CHECK_MESSAGE(skipped.rc == 0, skipped.out, skipped.err);
    CHECK(count(dir, RecordType::Student) == 2);
    CHECK(count(dir, RecordType::CoBorrower) == 2);
    CHECK(count(dir, RecordType::LoanApplication) == 2);

    // the saves went through the store: change log, audit, and search by pinyin
    auto store = store::Store::open(dir / "data");
    REQUIRE(store.ok());
    auto pending = (*store)->pendingCount();
    REQUIRE(pending.ok());
    CHECK(*pending > 0);
    // One audit entry per imported family (user, device, time), naming each record it created
    // with the fields it logged.
    auto audit = (*store)->auditTrail(0, 100);
    REQUIRE(audit.ok());
    std::vector<AuditEntry> families;
    for (const AuditEntry& a : *audit)
        if (a.action == "group")
            families.push_back(a);
    REQUIRE(families.size() == 2);
    for (const AuditEntry& a : families) {
        CHECK(a.recordType == RecordType::Student);
        CHECK(a.deviceId == (*store)->deviceId());
        CHECK(a.atMs > 0);
        CHECK(a.summary.find("create student " + a.recordId.str() + ": county,name") !=
              std::string::npos);
        auto apps = (*store)->list<LoanApplication>("student_id", a.recordId);
        REQUIRE(apps.ok());
        REQUIRE(apps->size() == 1);
        CHECK(a.summary.find("create loan_application " + apps->front().id.str()) !=
              std::string::npos);
        CHECK(a.summary.find("create co_borrower " + apps->front().coBorrowerId.str()) !=
              std::string::npos);
        CHECK(a.summary.find("create consent ") != std::string::npos);
    }
    CHECK((*store)->check()->empty());
    auto hits = (*store)->search("zs");
    REQUIRE(hits.ok());
    REQUIRE_FALSE(hits->empty());
    CHECK(hits->front().name == "张三");
    auto rare = (*store)->studentsByIdNumber(makeId("20070316", 22));
    REQUIRE(rare.ok());
    REQUIRE(rare->size() == 1);
    CHECK(rare->front().name == "王\xF0\xAA\x9A\xA5"); // outside the BMP, byte for byte
    // The family consented in the national system: recorded with the import (store.hpp).
    auto consents = (*store)->list<Consent>("student_id", rare->front().id);
    REQUIRE(consents.ok());
    REQUIRE_FALSE(consents->empty());
    CHECK(consents->front().method == ConsentMethod::NationalSystem);
    CHECK(consents->front().party == ConsentParty::Student);
    CHECK(consents->front().personId == rare->front().id);
    CHECK(consents->front().withdrawnMs == 0);
    store->reset();

    // importing the same list again adds nothing: those students are already on the device
    auto again =
        cli(dir, {"import", (dir / "list.csv").string(), "--skip-bad-rows", "--lang", "en"});
    CHECK(again.rc == 0);
    CHECK(again.out.find("already in this device's data") != std::string::npos);
    CHECK(count(dir, RecordType::Student) == 2);
}

TEST_CASE("an XLSX list written by openpyxl, and a GBK CSV as a Chinese Excel saves it") {
    test::TempDir dir;
    std::ofstream(dir / "make.py")
        << "import openpyxl\nwb = openpyxl.Workbook(); ws = wb.active; ws.title = '高三'\n"
           "ws.append(['姓名', '身份证号', '学校', '共同借款人姓名', '共同借款人身份证号', "
           "'关系'])\n"
           "ws.append(['刘䶮', '" +
               makeId("20070101", 11) + "', '秭归县第二中学', '刘备', '" + makeId("19750101", 13) +
               "', '父亲'])\n"
               "wb.save('list.xlsx')\n";
    auto [rc, out] =
        test::runShell("cd '" + dir.path().string() + "' && /usr/bin/python3 make.py 2>&1");
    REQUIRE_MESSAGE(rc == 0, out);
    auto xlsx = cli(dir, {"import", (dir / "list.xlsx").string()});
    CHECK_MESSAGE(xlsx.rc == 0, xlsx.out, xlsx.err);
    CHECK(xlsx.out.find("工作表“高三”") != std::string::npos);
    CHECK(count(dir, RecordType::Student) == 1);

    std::ofstream(dir / "utf8.csv")
        << "姓名,身份证号,学校\n赵六," << makeId("20070202", 15) << ",秭归县第一中学\n";
    auto conv = test::runShell("iconv -f UTF-8 -t GBK '" + (dir / "utf8.csv").string() + "' > '" +
                               (dir / "gbk.csv").string() + "'");
    REQUIRE(conv.first == 0);
    auto gbk = cli(dir, {"import", (dir / "gbk.csv").string()});
    CHECK_MESSAGE(gbk.rc == 0, gbk.out, gbk.err);
    CHECK(gbk.out.find("GB18030") != std::string::npos);
    auto store = store::Store::open(dir / "data");
    REQUIRE(store.ok());
    auto found = (*store)->studentsByIdNumber(makeId("20070202", 15));
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    CHECK(found->front().name == "赵六");
}

TEST_CASE("a file without the required columns is refused as a whole") {
    test::TempDir dir;
    std::ofstream(dir / "list.csv") << "姓名,电话\n张三,13800000000\n";
    auto r = cli(dir, {"import", (dir / "list.csv").string()});
    CHECK(r.rc == 1);
    CHECK(r.err.find("缺少必需的列：身份证号、学校") != std::string::npos);
}

TEST_CASE("gen-demo writes a deterministic county; running it twice changes nothing") {
    test::TempDir dir;
    auto first = cli(dir, {"gen-demo", "--students", "150", "--county", "420528", "--seed", "3"});
    CHECK_MESSAGE(first.rc == 0, first.out, first.err);
    CHECK(first.out.find("长阳土家族自治县") != std::string::npos);
    CHECK(first.out.find("演示数据，乡镇村为虚构") != std::string::npos);
    CHECK(count(dir, RecordType::Student) == 150);
    const auto applications = count(dir, RecordType::LoanApplication);
    CHECK(applications >= 150);
    auto again = cli(dir, {"gen-demo", "--students", "150", "--county", "420528", "--seed", "3"});
    CHECK(again.rc == 0);
    CHECK(count(dir, RecordType::Student) == 150);
    CHECK(count(dir, RecordType::LoanApplication) == applications);
    auto wrong = cli(dir, {"gen-demo", "--county", "999999"});
    CHECK(wrong.rc == 2);
    auto help = cli(dir, {"--help"});
    CHECK(help.out.find("gen-demo") != std::string::npos);
    CHECK(help.out.find("乡镇村为虚构") != std::string::npos);
}
