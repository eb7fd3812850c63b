// zhuxue-cli on a real data directory: init, export, stats, validate-id, backup, restore, and
// what a damaged database looks like to the person at the terminal, and `check` on an audit
// trail tampered with behind the store's back.
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sqlite3.h>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::store;
namespace fs = std::filesystem;

namespace {
std::pair<int, std::string> cli(const std::string& args) {
    return test::runShell(test::binPath("zhuxue-cli").string() + " " + args + " 2>&1");
}
} // namespace

TEST_CASE("init, export of the pre-application list, stats, backup and restore") {
    test::TempDir dir;
    std::string dd = "--data-dir " + dir.path().string();
    auto [rc, out] = cli(dd + " init");
    CHECK(rc == 0);
    CHECK(out.find("已创建数据目录") != std::string::npos);
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = "王𬌗";
        s.idNumber = "11010519491231002X";
        s.gender = Gender::Female;
        s.village = "月亮包村, 3组"; // a comma forces quoting
        CoBorrower c{newUuidV7(), "420527", s.id, "王大山", "34052419800101001X",
                     "",          "父亲",   "",   ""};
        LoanApplication a;
        a.id = newUuidV7();
        a.county = "420527";
        a.studentId = s.id;
        a.coBorrowerId = c.id;
        a.schoolYear = 2025;
        a.amountFen = 1'650'050;
        auto b = (*store)->batch({"test"});
        REQUIRE(b.save(s).ok());
        REQUIRE(b.save(c).ok());
        REQUIRE(b.save(a).ok());
        REQUIRE(b.save(test::consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
        REQUIRE(b.save(test::consentOf(ConsentParty::CoBorrower, s.county, s.id, c.id)).ok());
        REQUIRE(b.commit().ok());
    }
    fs::path csv = dir / "预申请名单.csv";
    // An export says who exports (client/cli/exporter.hpp); a volunteer may not export at all.
    std::tie(rc, out) = cli(dd + " export " + csv.string());
    CHECK(rc == 1);
    CHECK(out.find("导出名单必须写明导出人的身份") != std::string::npos);
    CHECK_FALSE(fs::exists(csv));
    std::tie(rc, out) = cli(dd + " export " + csv.string() + " --role volunteer");
    CHECK(rc == 1);
    CHECK(out.find("志愿者账号不能导出名单") != std::string::npos);
    CHECK_FALSE(fs::exists(csv));
    std::tie(rc, out) = cli(dd + " export " + csv.string() + " --role staff --user 李老师");
    CHECK(rc == 0);
    std::string text = test::fileBytes(csv);
    CHECK(text.starts_with("\xEF\xBB\xBF学生姓名,身份证号,性别"));
    CHECK(text.find("王𬌗,11010519491231002X,女,,,,\"月亮包村, "
                    "3组\",,2025,16500.50,预申请,王大山,"
                    "34052419800101001X,父亲\r\n") != std::string::npos);
    std::tie(rc, out) = cli(dd + " export " + csv.string() + " --role staff"); // never overwrites
    CHECK(rc == 1);
    std::tie(rc, out) = cli(dd + " --lang en export - --role admin");
    CHECK(rc == 0);
    CHECK(out.find("Student name,ID number") != std::string::npos);

    std::tie(rc, out) = cli(dd + " stats");
    CHECK(rc == 0);
    CHECK(out.find("学生: 1") != std::string::npos);
    CHECK(out.find("贷款申请: 1") != std::string::npos);

    fs::path backup = dir / "备份.db";
    std::tie(rc, out) = cli(dd + " backup " + backup.string());
    CHECK(rc == 0);
    CHECK(fs::exists(backup));
    std::tie(rc, out) = cli(dd + " --lang en backup " + backup.string());
    CHECK(rc == 1);
    CHECK(out.find("already exists and will not be overwritten") != std::string::npos);

    // A backup where the store looks for them, then damage the database: open reports it,
    // keeps the file, and offers that backup.
    fs::path offered = backupsDir(dir.path()) / "zhuxue-20250101T000000Z.db";
    std::tie(rc, out) = cli(dd + " backup " + offered.string());
    REQUIRE(rc == 0);
    {
        std::fstream f(databasePath(dir.path()), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f << "garbage garbage garbage garbage";
    }
    std::tie(rc, out) = cli(dd + " stats");
    CHECK(rc == 1);
    CHECK(out.find("已损坏") != std::string::npos);
    CHECK(out.find("restore " + offered.string()) != std::string::npos);
    std::tie(rc, out) = cli(dd + " restore " + backup.string());
    CHECK(rc == 0);
    std::tie(rc, out) = cli(dd + " stats");
    CHECK(rc == 0);
    CHECK(out.find("学生: 1") != std::string::npos);
}

TEST_CASE("validate-id exit status and reasons in both languages") {
    auto [rc, out] = cli("validate-id 11010519491231002X");
    CHECK(rc == 0);
    CHECK(out.find("1949-12-31") != std::string::npos);
    std::tie(rc, out) = cli("validate-id 11010519491231002x");
    CHECK(rc == 0);
    std::tie(rc, out) = cli("validate-id 110105194912310021");
    CHECK(rc == 1);
    CHECK(out.find("校验码") != std::string::npos);
    std::tie(rc, out) = cli("--lang en validate-id 110105194912310021");
    CHECK(rc == 1);
    CHECK(out.find("check character") != std::string::npos);
    std::tie(rc, out) = cli("validate-id");
    CHECK(rc == 2);
    std::tie(rc, out) = cli("no-such-command");
    CHECK(rc == 2);
}

namespace {
// Runs one statement on a device database behind the store's back, as someone with the file
// and the sqlite3 program would.
void tamper(const fs::path& dataDir, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(databasePath(dataDir).c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

std::int64_t auditCount(const fs::path& dataDir) {
    auto store = Store::open(dataDir);
    REQUIRE(store.ok());
    auto n = (*store)->db().queryInt("SELECT count(*) FROM audit_entry");
    REQUIRE(n.ok());
    REQUIRE(n->has_value());
    return **n;
}
} // namespace

TEST_CASE("zhuxue-cli check finds an audit trail changed, cut or emptied behind its back") {
    test::TempDir dir;
    const fs::path clean = dir / "clean";
    auto [rc, out] = cli("--data-dir " + clean.string() + " gen-demo --students 12");
    REQUIRE_MESSAGE(rc == 0, out);
    const std::int64_t entries = auditCount(clean);
    REQUIRE(entries >= 12);
    std::tie(rc, out) = cli("--data-dir " + clean.string() + " check");
    CHECK(rc == 0);
    CHECK_MESSAGE(out.find("审计记录链完整（" + std::to_string(entries) + " 条）") != std::string::npos, out);

    const std::string middle = std::to_string(entries / 2);
    struct Case {
        const char* what;
        std::string sql;
        std::string named; // what the report says
    };
    const std::vector<Case> cases = {
        {"an entry's user rewritten", "UPDATE audit_entry SET user = 'someone' WHERE seq = " + middle,
         "audit entry " + middle + " was changed after it was written"},
        {"an entry's summary rewritten, its hash recomputed by nobody",
         "UPDATE audit_entry SET summary = summary || ' ' WHERE seq = " + middle,
         "audit entry " + middle + " was changed after it was written"},
        {"an entry deleted", "DELETE FROM audit_entry WHERE seq = " + middle,
         "audit entry " + std::to_string(entries / 2 + 1) + " does not follow the entry before it"},
        {"the last entries cut off",
         "DELETE FROM audit_entry WHERE seq > " + std::to_string(entries - 3),
         "the audit trail ends early: entries after " + std::to_string(entries - 3) + " were removed"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const fs::path copy = dir / ("tampered-" + std::to_string(&c - cases.data()));
        fs::copy(clean, copy, fs::copy_options::recursive);
        tamper(copy, c.sql);
        std::tie(rc, out) = cli("--data-dir " + copy.string() + " check");
        CHECK(rc == 1);
        CHECK_MESSAGE(out.find("发现 1 个问题") != std::string::npos, out);
        CHECK_MESSAGE(out.find(c.named) != std::string::npos, out);
        std::tie(rc, out) = cli("--lang en --data-dir " + copy.string() + " check");
        CHECK(rc == 1);
        CHECK_MESSAGE(out.find("Found 1 problem(s)") != std::string::npos, out);
    }
}
