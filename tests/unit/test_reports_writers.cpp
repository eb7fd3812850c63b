// The three export formats, each opened by a real reader: Python's csv module, openpyxl and
// LibreOffice for XLSX, pdftotext/pdfinfo for PDF. Content must match the table exactly,
// including a name outside the BMP (𪚥) and rare characters.
#include "client/reports/writers.hpp"

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::reports;
using nlohmann::json;

namespace {

const std::string kRare = "𪚥"; // U+2A6A5, outside the BMP
const std::string kRareName = "王𪚥";

Table sampleTable(int extraRows = 0) {
    Table t;
    t.title = "2025年 国家助学金 分项目资助花名册";
    t.subtitle = "项目：国家助学金　状态：已发放";
    t.county = "秭归县学生资助管理中心";
    t.columns = {{"序号", ColumnType::Integer}, {"姓名", ColumnType::Text}, {"学校", ColumnType::Text},
                 {"发放日期", ColumnType::Date}, {"金额（元）", ColumnType::MoneyFen}};
    t.rows.push_back({RowKind::GroupHeader, 0, {std::string("茅坪镇")}});
    t.rows.push_back({RowKind::Data, 0, {int64_t(1), kRareName, std::string("秭归县第一中学"), std::string("2025-09-01"), int64_t(123450)}});
    t.rows.push_back({RowKind::Data, 0, {int64_t(2), std::string("龘 \"阿\", 丫"), std::string("茅坪镇\n中心学校"), std::string("2025-09-02"), int64_t(200000000)}});
    t.rows.push_back({RowKind::Data, 0, {int64_t(3), std::string("欧阳奕"), std::string("湖北省宜昌市秭归县茅坪镇九里村完全小学附属幼儿园（分校区）教学点"), std::monostate{}, int64_t(5)}});
    for (int i = 0; i < extraRows; ++i)
        t.rows.push_back({RowKind::Data, 0, {int64_t(4 + i), "学生" + std::to_string(i), std::string("屈原镇中学"), std::string("2025-09-03"), int64_t(100000)}});
    int64_t sum = 123450 + 200000000 + 5 + int64_t(extraRows) * 100000;
    t.rows.push_back({RowKind::Subtotal, 0, {std::string("茅坪镇 小计"), std::string(std::to_string(3 + extraRows) + " 人"), {}, {}, sum}});
    t.rows.push_back({RowKind::Total, 0, {std::string("合计"), std::string(std::to_string(3 + extraRows) + " 人"), {}, {}, sum}});
    t.footnotes = {"公示期 5 个工作日；如有异议请向县学生资助管理中心反映。"};
    return t;
}

json python(const std::string& script, const std::filesystem::path& file) {
    auto [rc, out] = test::runShell("/usr/bin/python3 -c '" + script + "' '" + file.string() + "'");
    REQUIRE_MESSAGE(rc == 0, "python failed: ", out);
    return json::parse(out);
}

} // namespace

TEST_CASE("money is formatted from integer fen without floating point") {
    CHECK(formatFen(0) == "0.00");
    CHECK(formatFen(5) == "0.05");
    CHECK(formatFen(123450) == "1,234.50");
    CHECK(formatFen(200000000) == "2,000,000.00");
    CHECK(formatFen(-99) == "-0.99");
    CHECK(formatFen(123456789012345, false) == "1234567890123.45");
    CHECK(displayWidth("王𪚥 ab") == 7);
}

TEST_CASE("CSV: BOM, CRLF and RFC 4180 quoting read back by Python's csv module") {
    test::TempDir dir;
    Table t = sampleTable();
    auto out = dir / "roster.csv";
    REQUIRE(writeCsv(t, out).ok());
    std::string bytes = test::fileBytes(out);
    CHECK(bytes.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(bytes.find("\r\n") != std::string::npos);
    CHECK(bytes.find("\"龘 \"\"阿\"\", 丫\"") != std::string::npos);

    json rows = python("import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding=\"utf-8-sig\", newline=\"\")))))", out);
    REQUIRE(rows.size() == 6); // header, 3 data, subtotal, total (group heading left out)
    CHECK(rows[0] == json({"序号", "姓名", "学校", "发放日期", "金额（元）"}));
    CHECK(rows[1] == json({"1", kRareName, "秭归县第一中学", "2025-09-01", "1234.50"}));
    CHECK(rows[2][1] == "龘 \"阿\", 丫");
    CHECK(rows[2][2] == "茅坪镇\n中心学校");
    CHECK(rows[2][4] == "2000000.00");
    CHECK(rows[3][3] == "");
    CHECK(rows[3][4] == "0.05");
    CHECK(rows[4] == json({"茅坪镇 小计", "3 人", "", "", "2001234.55"}));
    CHECK(rows[5][0] == "合计");
}

TEST_CASE("XLSX: openpyxl sees titles, frozen header, money format and exact values") {
    test::TempDir dir;
    Table t = sampleTable();
    auto out = dir / "roster.xlsx";
    REQUIRE(writeXlsx(t, out).ok());
    const char* script =
        "import json,sys,openpyxl,datetime\n"
        "wb=openpyxl.load_workbook(sys.argv[1]); ws=wb.active\n"
        "def v(c):\n"
        "  x=c.value\n"
        "  return x.strftime(\"%Y-%m-%d\") if isinstance(x,datetime.datetime) else x\n"
        "rows=[[v(c) for c in r] for r in ws.iter_rows()]\n"
        "print(json.dumps({\"rows\":rows,\"freeze\":ws.freeze_panes,\"merged\":[str(m) for m in ws.merged_cells.ranges],"
        "\"money_fmt\":ws.cell(4+1,5).number_format,\"date_fmt\":ws.cell(4+1,4).number_format,"
        "\"bold_sub\":ws.cell(8,1).font.b,\"width_school\":ws.column_dimensions[\"C\"].width,"
        "\"width_no\":ws.column_dimensions[\"A\"].width,\"paper\":ws.page_setup.paperSize}))\n";
    json r = python(script, out);
    auto& rows = r["rows"];
    CHECK(rows[0][0] == t.title);
    CHECK(rows[1][0] == t.subtitle);
    CHECK(rows[2] == json({"序号", "姓名", "学校", "发放日期", "金额（元）"}));
    CHECK(r["freeze"] == "A4");
    CHECK(rows[3][0] == "茅坪镇");
    CHECK(rows[4][0] == 1);
    CHECK(rows[4][1] == kRareName);
    CHECK(rows[4][3] == "2025-09-01");
    CHECK(rows[4][4].get<double>() == doctest::Approx(1234.50));
    CHECK(rows[5][4].get<double>() == doctest::Approx(2000000.00));
    CHECK(rows[6][4].get<double>() == doctest::Approx(0.05));
    CHECK(rows[7][0] == "茅坪镇 小计");
    CHECK(rows[7][4].get<double>() == doctest::Approx(2001234.55));
    CHECK(rows[8][0] == "合计");
    CHECK(rows[10][0] == t.footnotes[0]);
    CHECK(r["money_fmt"].get<std::string>().find("¥#,##0.00") != std::string::npos);
    CHECK(r["date_fmt"] == "yyyy-mm-dd");
    CHECK(r["bold_sub"] == true);
    CHECK(r["paper"] == 9);
    // The long school name is capped and wraps; the short number column stays narrow.
    CHECK(r["width_school"].get<double>() >= 40);
    CHECK(r["width_no"].get<double>() < r["width_school"].get<double>());
    CHECK(r["width_no"].get<double>() >= displayWidth("茅坪镇 小计"));
    bool titleMerged = false;
    for (auto& m : r["merged"])
        titleMerged |= m == "A1:E1";
    CHECK(titleMerged);
}

TEST_CASE("XLSX: LibreOffice headless converts it with every character intact") {
    test::TempDir dir;
    Table t = sampleTable();
    auto out = dir / "roster.xlsx";
    REQUIRE(writeXlsx(t, out).ok());
    std::string cmd = "cd '" + dir.path().string() + "' && soffice -env:UserInstallation=file://" +
                      (dir / "lo-profile").string() +
                      " --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir '" +
                      (dir / "lo").string() + "' roster.xlsx 2>&1";
    auto [rc, log] = test::runShell(cmd);
    REQUIRE_MESSAGE(rc == 0, log);
    std::string csv = test::fileBytes(dir / "lo" / "roster.csv");
    REQUIRE_MESSAGE(!csv.empty(), log);
    CHECK(csv.find(t.title) != std::string::npos);
    CHECK(csv.find(kRareName) != std::string::npos);
    CHECK(csv.find("龘 \"\"阿\"\", 丫") != std::string::npos);
    CHECK(csv.find("¥1,234.50") != std::string::npos);
    CHECK(csv.find("¥2,001,234.55") != std::string::npos);
    CHECK(csv.find("2025-09-01") != std::string::npos);
}

TEST_CASE("PDF: A4 pages, header repeated, page numbers, wrapped cells, rare characters extractable") {
    test::TempDir dir;
    Table t = sampleTable(120); // enough rows for several pages
    auto out = dir / "roster.pdf";
    PageTexts texts;
    texts.printedAt = "打印时间 2025-09-05";
    REQUIRE(writePdf(t, out, texts).ok());
    std::filesystem::copy_file(out, test::artifactPath("reports-writers.pdf"),
                               std::filesystem::copy_options::overwrite_existing);

    auto [rcInfo, info] = test::runShell("pdfinfo '" + out.string() + "'");
    REQUIRE(rcInfo == 0);
    CHECK(info.find("595.276 x 841.89 pts (A4)") != std::string::npos);
    CHECK(info.find(t.title) != std::string::npos);
    int pages = 0;
    {
        auto pos = info.find("Pages:");
        REQUIRE(pos != std::string::npos);
        pages = std::stoi(info.substr(pos + 6));
    }
    CHECK(pages >= 3);

    auto [rc, text] = test::runShell("pdftotext -enc UTF-8 '" + out.string() + "' -");
    REQUIRE(rc == 0);
    std::vector<std::string> pageTexts;
    std::stringstream ss(text);
    std::string page;
    while (std::getline(ss, page, '\f'))
        if (!page.empty())
            pageTexts.push_back(page);
    REQUIRE(int(pageTexts.size()) == pages);
    for (int p = 0; p < pages; ++p) {
        INFO("page ", p + 1);
        CHECK(pageTexts[size_t(p)].find(t.title) != std::string::npos);
        CHECK(pageTexts[size_t(p)].find(t.county) != std::string::npos);
        CHECK(pageTexts[size_t(p)].find("发放日期") != std::string::npos);
        // pdftotext drops the spaces between Chinese characters.
        CHECK(pageTexts[size_t(p)].find("第" + std::to_string(p + 1) + "页共" + std::to_string(pages) + "页") !=
              std::string::npos);
    }
    CHECK(text.find(kRareName) != std::string::npos);
    CHECK(text.find(kRare) != std::string::npos);
    CHECK(text.find("1,234.50") != std::string::npos);
    CHECK(text.find("学生119") != std::string::npos);
    CHECK(text.find("合计") != std::string::npos);
    CHECK(pageTexts.back().find("公示期 5 个工作日") != std::string::npos);
    // The long school name wrapped onto a second line but lost nothing.
    std::string flat;
    for (char c : text)
        if (c != '\n' && c != ' ')
            flat += c;
    CHECK(flat.find("九里村完全小学附属幼儿园（分校区）教学点") != std::string::npos);
}

TEST_CASE("preface lines: under the title of the first page, before the table, in PDF and XLSX") {
    test::TempDir dir;
    Table t = sampleTable(120);
    t.preface = {"学生：" + kRareName + "　身份证号：420527********002X", "合同编号：4205272026000123"};
    auto pdf = dir / "receipt.pdf";
    REQUIRE(writePdf(t, pdf).ok());
    auto [rc, text] = test::runShell("pdftotext -enc UTF-8 '" + pdf.string() + "' -");
    REQUIRE(rc == 0);
    auto firstPageEnd = text.find('\f');
    REQUIRE(firstPageEnd != std::string::npos);
    auto line = text.find("合同编号：4205272026000123");
    CHECK(line < firstPageEnd);
    CHECK(text.find("合同编号：4205272026000123", firstPageEnd) == std::string::npos); // first page only
    CHECK(text.find("学生：" + kRareName) < line);
    CHECK(line < text.find("发放日期")); // before the table's header
    CHECK(line < text.find("秭归县第一中学")); // and its first row

    auto xlsx = dir / "receipt.xlsx";
    REQUIRE(writeXlsx(t, xlsx).ok());
    json r = python("import json,sys,openpyxl\n"
                    "ws=openpyxl.load_workbook(sys.argv[1]).active\n"
                    "print(json.dumps([[c.value for c in r] for r in ws.iter_rows(max_row=5)]))\n",
                    xlsx);
    CHECK(r[2][0] == t.preface[0]);
    CHECK(r[3][0] == t.preface[1]);
    CHECK(r[4] == json({"序号", "姓名", "学校", "发放日期", "金额（元）"}));
}

TEST_CASE("a failed export leaves no file behind") {
    test::TempDir dir;
    Table t = sampleTable();
    auto out = dir / "missing-dir" / "roster.csv";
    CHECK_FALSE(writeCsv(t, out).ok());
    CHECK_FALSE(writeXlsx(t, dir / "missing-dir" / "roster.xlsx").ok());
    CHECK_FALSE(writePdf(t, dir / "missing-dir" / "roster.pdf").ok());
    CHECK_FALSE(std::filesystem::exists(dir / "missing-dir"));
}
