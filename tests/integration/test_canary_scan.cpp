// Canary scan: seed synthetic personal data (resident IDs with valid check characters, Luhn-valid
// bank cards, mobile numbers, incomes, notes, a scanned document), use the program the way an
// office does (zhuxue-cli import, export of the one list asked for, a roster, check, stats; the
// store API for households, contracts and attachments), then search every file left at rest
// (database, -wal, -shm, device files, attachments, temp files, other exports) and everything the
// programs printed (their logs) for the canaries. Expected: zero hits; the export that was asked
// for does contain them, which shows the canaries are real and the search works.
// (Sync through a real zhuxue-server joins this test when the device sync adapter is on main.)
#include "client/core/resident_id.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "client/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace zhuxue;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string residentId(const std::string& birth, int seq) {
    char s[4];
    std::snprintf(s, sizeof s, "%03d", seq);
    std::string first17 = "420527" + birth + s;
    return first17 + core::residentIdCheckChar(first17);
}

// A 19-digit card number whose Luhn check digit is right.
std::string luhnCard(const std::string& first18) {
    int sum = 0;
    for (std::size_t i = 0; i < first18.size(); ++i) {
        int d = first18[first18.size() - 1 - i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return first18 + std::to_string((10 - sum % 10) % 10);
}

struct Run {
    int rc;
    std::string out, err;
};

} // namespace

TEST_CASE("no ID number, phone, card, income or note is readable at rest") {
    test::TempDir root;
    const fs::path data = root / "data", tmp = root / "tmp", exports = root / "exports",
                   input = root / "input";
    fs::create_directories(tmp);
    fs::create_directories(exports);
    fs::create_directories(input);
    std::string logs; // everything the programs printed

    auto cli = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {test::binPath("zhuxue-cli").string(), "--data-dir",
                                         data.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        test::Process p(argv, {{"LANG", "C.UTF-8"}, {"TMPDIR", tmp.string()}});
        auto rc = p.wait(120s);
        REQUIRE_MESSAGE(rc.has_value(), "zhuxue-cli did not finish");
        Run r{*rc, p.stdoutText(), p.stderrText()};
        logs += r.out + r.err;
        return r;
    };

    const std::vector<std::string> ids = {residentId("20070315", 911), residentId("20061102", 922),
                                          residentId("19780101", 931), residentId("19800606", 942)};
    const std::vector<std::string> phones = {"13971640528", "18672093154"};
    const std::string card = luhnCard("621700297314268501");
    const std::string income = "73914268"; // fen
    const std::string memberIncome = "48261937";
    const std::string note = "CANARY-NOTE-父亲尘肺病-7f3a";
    const std::string health = "CANARY-HEALTH-二级残疾-91c2";
    const std::string document = "CANARY-SCAN-户口簿第3页-" + ids[0];

    // 1. A school's list through the CLI.
    std::ofstream(input / "list.csv")
        << "序号,姓名,性别,身份证号码,学校,年级,联系电话,乡镇,村,共同借款人姓名,共同借款人身份证号,关系\n"
        << "1,金丝雀,男," << ids[0] << ",秭归县第一中学,高三," << phones[0]
        << ",茅坪镇,月亮包村,金大山," << ids[2] << ",父亲\n"
        << "2,银丝雀,女," << ids[1] << ",秭归县第一中学,高三," << phones[1]
        << ",茅坪镇,月亮包村,银秀英," << ids[3] << ",母亲\n";
    Run imported = cli({"import", (input / "list.csv").string()});
    REQUIRE_MESSAGE(imported.rc == 0, imported.out, imported.err);

    // 2. What the CLI has no command for yet, through the store API: household income, a member
    //    with health details, a contract's bank card, notes, a scanned document.
    {
        auto store = store::Store::open(data);
        REQUIRE(store.ok());
        auto students = (*store)->studentsByIdNumber(ids[0]);
        REQUIRE(students.ok());
        REQUIRE(students->size() == 1);
        Student s = students->front();
        const store::Actor staff{"李老师"};
        Household h;
        h.id = newUuidV7();
        h.county = s.county;
        h.annualIncomeFen = std::stoll(income);
        h.notes = note;
        h.priorityGroups = {"城乡低保"};
        HouseholdMember m;
        m.id = newUuidV7();
        m.county = s.county;
        m.householdId = h.id;
        m.name = "金大山";
        m.idNumber = ids[2];
        m.annualIncomeFen = std::stoll(memberIncome);
        m.health = health;
        s.householdId = h.id;
        s.notes = note;
        // The household belongs to the imported student (consented in the national system):
        // saved together, so the consent rule finds who the household's data is about.
        {
            store::Batch b = (*store)->batch(staff);
            REQUIRE(b.save(h).ok());
            REQUIRE(b.save(m).ok());
            REQUIRE(b.save(s).ok());
            REQUIRE(b.commit().ok());
        }
        LoanApplication a;
        a.id = newUuidV7();
        a.county = s.county;
        a.studentId = s.id;
        a.schoolYear = 2025;
        a.amountFen = 1200000;
        a.notes = note;
        REQUIRE((*store)->save(a, staff).ok());
        Contract c;
        c.id = newUuidV7();
        c.county = s.county;
        c.applicationId = a.id;
        c.contractNumber = "HT2025-0001";
        c.settlementAccount = card;
        REQUIRE((*store)->save(c, staff).ok());
        Attachment doc;
        doc.county = s.county;
        doc.ownerType = RecordType::Student;
        doc.ownerId = s.id;
        doc.fileName = "hukou.jpg";
        auto added = (*store)->addAttachment(
            doc, std::as_bytes(std::span(document.data(), document.size())), staff);
        REQUIRE(added.ok());
        // Reading it all back works (the data is usable, not just hidden).
        CHECK((*store)->get<Contract>(c.id)->value().settlementAccount == card);
        CHECK((*store)->search(ids[1])->size() == 1);
    }
    store::crypto::KeyVault::lock(data); // as when the program ends

    // 3. Office work through the CLI: the one export asked for, a public notice, checks.
    Run exported = cli({"export", (exports / "asked.csv").string(), "--role", "staff"});
    REQUIRE_MESSAGE(exported.rc == 0, exported.out, exported.err);
    Run notice = cli({"roster", "public-notice", "--out", (exports / "notice.csv").string(),
                      "--year", "2025", "--role", "staff"});
    CHECK_MESSAGE(notice.rc == 0, notice.out, notice.err);
    Run checked = cli({"check"});
    CHECK_MESSAGE(checked.rc == 0, checked.out, checked.err);
    Run stats = cli({"stats"});
    CHECK(stats.rc == 0);

    // The export that was asked for holds the numbers: the canaries are real.
    const std::string asked = test::fileBytes(exports / "asked.csv");
    REQUIRE(asked.find(ids[0]) != std::string::npos);

    // 4. Search everything at rest and everything printed.
    std::vector<std::string> canaries = ids;
    canaries.insert(canaries.end(), phones.begin(), phones.end());
    for (const std::string& c : {card, income, memberIncome, note, health, document,
                                 std::string("CANARY-NOTE"), std::string("CANARY-HEALTH"),
                                 std::string("CANARY-SCAN")})
        canaries.push_back(c);
    std::vector<std::pair<fs::path, std::string>> files;
    for (const fs::path& dir : {data, tmp, exports})
        for (auto& e : fs::recursive_directory_iterator(dir))
            if (e.is_regular_file() && e.path() != exports / "asked.csv")
                files.emplace_back(e.path(), test::fileBytes(e.path()));
    files.emplace_back("program output", logs);
    CHECK(files.size() > 4);
    int hits = 0;
    for (auto& [path, bytes] : files)
        for (auto& c : canaries)
            if (bytes.find(c) != std::string::npos) {
                ++hits;
                MESSAGE("canary " << c << " found in " << path.string());
            }
    CHECK(hits == 0);
    store::crypto::KeyVault::lock(data);
}
