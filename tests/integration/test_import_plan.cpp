// Checking a school's pre-application list row by row, from real CSV and XLSX files: what is
// accepted becomes records, what is wrong is reported at its row and column.
#include "client/core/resident_id.hpp"
#include "client/store/import/csv_reader.hpp"
#include "client/store/import/pre_application.hpp"
#include "client/store/import/xlsx_reader.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace zhuxue;
using namespace zhuxue::import;

namespace {
// A valid resident ID: county, birth date, sequence (odd = male) and the check character.
std::string makeId(const std::string& county, const std::string& birth, int seq) {
    char s[4];
    std::snprintf(s, sizeof s, "%03d", seq);
    std::string first17 = county + birth + s;
    return first17 + core::residentIdCheckChar(first17);
}

ImportOptions options() {
    ImportOptions o;
    o.today = *core::Date::make(2025, 5, 20);
    return o;
}

const ImportIssue* issueAt(const ImportPlan& plan, std::size_t row, std::string_view key) {
    for (auto& i : plan.issues)
        if (i.row == row && i.message.key == key)
            return &i;
    return nullptr;
}

Sheet csv(const std::string& text) {
    auto sheet = parseCsv(text);
    REQUIRE(sheet.ok());
    return *sheet;
}
} // namespace

TEST_CASE("a well-formed list with a title row, loose headers and another column order") {
    const std::string s1 = makeId("420527", "20070315", 11), s2 = makeId("420527", "20061102", 22);
    const std::string f1 = makeId("420527", "19780101", 31), m2 = makeId("420527", "19800606", 42);
    Sheet sheet = csv(
        "秭归县2025年生源地信用助学贷款预申请名单,,,,,,,,,,,\n"
        "序号,* 姓 名,性别,身份证号码（18位）,学校,年级,联系电话,乡镇（街道）,村,共同借款人姓名,"
        "共同借款人身份证号,关系,共同借款人电话,申请金额(元)\n"
        "1,张  三,男," +
        s1 + ",秭归县第一中学,高三,１３８ ０００ ０００００,茅坪镇,月亮包村,张大山," + f1 +
        ",父亲,139-0000-0000,\"12,000\"\n"
        "2,王𪚥,女, " +
        s2 + " ,秭归县第一中学,高三,,归州镇,向家店村,李秀英," + m2 + ",母亲,,\n");
    auto plan = planPreApplications(sheet, options());
    REQUIRE_MESSAGE(plan.ok(), plan.error().key);
    CHECK(plan->headerRow == 2);
    CHECK(plan->county == "420527");
    CHECK(plan->dataRows == 2);
    CHECK(plan->rejectedRows == 0);
    CHECK(plan->errorCount() == 0);
    REQUIRE(plan->rows.size() == 2);
    const auto& a = plan->rows[0];
    CHECK(a.row == 3);
    CHECK(a.student.name == "张三"); // the alignment spaces are gone
    CHECK(a.student.idNumber == s1);
    CHECK(a.student.gender == Gender::Male);
    CHECK(a.student.birthDate == "2007-03-15");
    CHECK(a.student.phone == "13800000000"); // full-width digits and spaces cleaned up
    CHECK(a.student.highSchool == "秭归县第一中学");
    CHECK(a.student.township == "茅坪镇");
    CHECK(a.student.village == "月亮包村");
    CHECK(a.student.notes == "年级：高三");
    CHECK(a.student.county == "420527");
    REQUIRE(a.coBorrower);
    CHECK(a.coBorrower->name == "张大山");
    CHECK(a.coBorrower->phone == "13900000000");
    CHECK(a.coBorrower->relation == "父亲");
    CHECK(a.coBorrower->studentId == a.student.id);
    CHECK(a.application.coBorrowerId == a.coBorrower->id);
    CHECK(a.application.studentId == a.student.id);
    CHECK(a.application.amountFen == 1200000);
    CHECK(a.application.kind == ApplicationKind::PreApplication);
    CHECK(a.application.schoolYear == 2025);
    CHECK(plan->rows[1].student.name == "王\xF0\xAA\x9A\xA5"); // outside the BMP, byte for byte
    CHECK(plan->rows[1].student.phone.empty());
    CHECK_FALSE(a.student.id.isNil());
}

TEST_CASE("every wrong row is reported at its row and column") {
    const std::string ok = makeId("420527", "20070315", 11);
    std::string badChecksum = makeId("420527", "20070101", 13);
    badChecksum.back() = badChecksum.back() == '1' ? '2' : '1';
    const std::string girl = makeId("420527", "20070202", 24);
    const std::string parent = makeId("420527", "19790101", 35);
    const std::string child = makeId("420527", "20100101", 37); // 15 in 2025: not an adult
    Sheet sheet =
        csv("姓名,身份证号,性别,学校,联系电话,共同借款人姓名,共同借款人身份证号,关系\n"
            "甲," +
            ok + ",男,一中,13800000000,父," + parent +
            ",父亲\n" // row 2 fine
            "乙," +
            badChecksum +
            ",男,一中,,,,\n" // row 3 checksum
            "丙," +
            ok +
            ",男,一中,,,,\n" // row 4 duplicate of 2
            "丁," +
            girl +
            ",男,一中,12345,,,\n" // row 5 gender, phone
            "戊," +
            makeId("420527", "20070404", 41) + ",男,一中,,小弟," + child +
            ",兄弟\n" // row 6
            "己," +
            makeId("420527", "20070505", 51) + ",男,一中,,己," + makeId("420527", "20070505", 51) +
            ",本人\n" // row 7 co-borrower is the student
            "," +
            makeId("420527", "20070606", 61) +
            ",男,,,,,\n" // row 8 no name, no school
            "庚," +
            makeId("420527", "20070707", 71) + ",男,一中,,丙," + ok + ",同学\n"); // row 9
    auto plan = planPreApplications(sheet, options());
    REQUIRE(plan.ok());
    CHECK(plan->dataRows == 8);
    CHECK(plan->rows.size() == 1);
    CHECK(plan->rejectedRows == 7);
    auto* checksum = issueAt(*plan, 3, "validation.id.checksum");
    REQUIRE(checksum);
    CHECK(checksum->column == 1);
    CHECK(checksum->header == "身份证号");
    auto* dup = issueAt(*plan, 4, "import.row.duplicate_in_file");
    REQUIRE(dup);
    CHECK(dup->message.args.at("first_row") == "2");
    REQUIRE(issueAt(*plan, 5, "import.row.gender_mismatch"));
    CHECK(issueAt(*plan, 5, "import.row.gender_mismatch")->column == 2);
    REQUIRE(issueAt(*plan, 5, "validation.mobile.invalid"));
    CHECK(issueAt(*plan, 5, "validation.mobile.invalid")->column == 4);
    REQUIRE(issueAt(*plan, 6, "validation.co_borrower.minor"));
    CHECK(issueAt(*plan, 6, "validation.co_borrower.minor")->column == 6);
    CHECK(issueAt(*plan, 7, "validation.co_borrower.is_student"));
    CHECK(issueAt(*plan, 8, "import.row.name_missing"));
    CHECK(issueAt(*plan, 8, "import.row.school_missing"));
    // the co-borrower of row 9 is the student of row 2: a borrowing student cannot co-borrow
    CHECK(issueAt(*plan, 9, "validation.co_borrower.borrowing_student"));
    // issues come sorted by row
    for (std::size_t i = 1; i < plan->issues.size(); ++i)
        CHECK(plan->issues[i - 1].row <= plan->issues[i].row);
}

TEST_CASE("missing required columns stop the import before any row") {
    auto plan = planPreApplications(csv("姓名,联系电话,共同借款人姓名\n张三,13800000000,张大山\n"),
                                    options());
    REQUIRE_FALSE(plan.ok());
    CHECK(plan.error().key == "import.columns.missing");
    CHECK(plan.error().args.at("columns") == "身份证号、学校、共同借款人身份证号");
    auto none = planPreApplications(csv("a,b\n1,2\n"), options());
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().key == "import.columns.no_header");
}

TEST_CASE("unknown columns are reported and ignored; students already in the store are skipped") {
    const std::string a = makeId("420528", "20070315", 11), b = makeId("420528", "20070316", 13);
    Sheet sheet =
        csv("姓名,身份证号,学校,家长微信\n甲," + a + ",长阳一中,wx1\n乙," + b + ",长阳一中,wx2\n");
    ExistingRecords existing;
    existing.studentExists = [&](const std::string& id) { return id == b; };
    auto plan = planPreApplications(sheet, options(), existing);
    REQUIRE(plan.ok());
    CHECK(plan->county == "420528"); // from the students' ID numbers
    auto* ignored = issueAt(*plan, 1, "import.columns.ignored");
    REQUIRE(ignored);
    CHECK(ignored->column == 3);
    CHECK(ignored->severity == core::Severity::Warning);
    CHECK(plan->rows.size() == 1);
    CHECK(plan->existingRows == 1);
    CHECK(issueAt(*plan, 3, "import.row.already_in_store"));
    CHECK(plan->errorCount() == 0);
}

TEST_CASE("an XLSX list where Excel turned ID numbers into numbers") {
    test::TempDir dir;
    const std::string good = makeId("420527", "20070315", 11);
    std::ofstream(dir / "make.py")
        << "import openpyxl, datetime\n"
           "wb = openpyxl.Workbook(); ws = wb.active\n"
           "ws.append(['姓名', '身份证号', '学校', '出生日期', '联系电话'])\n"
           "ws.append(['刘䶮', '" +
               good +
               "', '秭归一中', datetime.date(2007, 3, 15), 13800000000])\n"
               "ws.append(['张三', 420527200703160011, '秭归一中', datetime.date(2007, 3, 16), "
               "13800000001])\n"
               "ws.append(['李四', '" +
               good.substr(0, 17) +
               "0', '秭归一中', datetime.date(2007, 3, 14), None])\n"
               "wb.save('list.xlsx')\n";
    auto [rc, out] =
        test::runShell("cd '" + dir.path().string() + "' && /usr/bin/python3 make.py 2>&1");
    REQUIRE_MESSAGE(rc == 0, out);
    auto sheet = readXlsxFile(dir / "list.xlsx");
    REQUIRE(sheet.ok());
    auto plan = planPreApplications(*sheet, options());
    REQUIRE(plan.ok());
    CHECK(plan->rows.size() == 1);
    CHECK(plan->rows[0].student.name == "刘䶮");
    CHECK(plan->rows[0].student.phone == "13800000000");
    CHECK(issueAt(*plan, 3, "import.row.id_as_number"));
    CHECK(issueAt(*plan, 4, "validation.id.checksum"));
}

TEST_CASE("loose dates and names") {
    CHECK(parseLooseDate("2006-01-02")->iso() == "2006-01-02");
    CHECK(parseLooseDate("2006/1/2")->iso() == "2006-01-02");
    CHECK(parseLooseDate("2006.1.2")->iso() == "2006-01-02");
    CHECK(parseLooseDate("2006年1月2日")->iso() == "2006-01-02");
    CHECK(parseLooseDate("20060102")->iso() == "2006-01-02");
    CHECK(parseLooseDate("2006-01-02 00:00:00")->iso() == "2006-01-02");
    CHECK_FALSE(parseLooseDate("2006-02-30"));
    CHECK_FALSE(parseLooseDate("明天"));
    CHECK(cleanName(" 张　三 ") == "张三");
    CHECK(cleanName("阿卜杜拉·艾买提") == "阿卜杜拉·艾买提");
    CHECK(cleanName("Ayi  Ba") == "Ayi Ba");
    CHECK(cleanName("王 𪚥") == "王𪚥");
}
