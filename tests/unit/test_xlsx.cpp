// XLSX lists as Excel, WPS and openpyxl write them: fixtures are made at test time with
// Debian's python3-openpyxl, and by hand with python's zipfile for what openpyxl never writes
// (inline strings, rich text, phonetic runs, prefixed namespaces, rows without numbers).
#include "client/store/import/spreadsheet.hpp"
#include "client/store/import/xlsx_reader.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace zhuxue;
using namespace zhuxue::import;

namespace {
void runPython(const test::TempDir& dir, const std::string& script) {
    std::ofstream(dir / "make.py") << script;
    auto [rc, out] =
        test::runShell("cd '" + dir.path().string() + "' && /usr/bin/python3 make.py 2>&1");
    REQUIRE_MESSAGE(rc == 0, "python3 failed: ", out);
}

const Cell& cellAt(const Sheet& sheet, std::size_t rowNumber, std::size_t col) {
    static const Cell empty;
    for (auto& row : sheet.rows)
        if (row.number == rowNumber)
            return col < row.cells.size() ? row.cells[col] : empty;
    return empty;
}

constexpr const char* kOpenpyxlFixture = R"PY(
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "预申请名单"
ws.append(["姓名", "身份证号", "联系电话", "出生日期", "是否低保", "金额"])
ws.append(["王𪚥", "42052720060101100X", 13800000000, datetime.date(2006, 1, 1), True, 0.5])
ws["A3"] = "刘䶮"
ws["C3"] = -3
ws["D3"] = datetime.datetime(2024, 7, 15, 9, 30, 5)
ws["E3"] = False
ws["B4"] = 420527200601011001
ws["D4"] = datetime.date(2024, 9, 1)
ws["D4"].number_format = 'yyyy"年"m"月"d"日"'
ws["AA5"] = "第27列"
ws["XFD6"] = "最后一列"
ws["A7"] = datetime.date(1900, 1, 1)
ws["B7"] = datetime.date(1900, 2, 28)
ws["C7"] = datetime.date(1900, 3, 1)
ws["A9"] = "  前后空格 保留  "
ws["A10"] = "第一行\n第二行"
other = wb.create_sheet("其他")
other["A1"] = "另一张表"
wb.save("list.xlsx")

mac = openpyxl.Workbook()
mac.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
mac.active["A1"] = datetime.date(2006, 1, 1)
mac.save("mac1904.xlsx")
)PY";

// Hand-made parts: a prefixed SpreadsheetML namespace, an absolute sheet target, inline and
// rich strings, a phonetic run to skip, booleans, errors, formula strings, _xHHHH_ escapes,
// cells and rows without references.
constexpr const char* kHandmadeFixture = R"PY(
import zipfile
NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
parts = {
 "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
 "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
 "xl/workbook.xml": '<?xml version="1.0"?><x:workbook %s><x:sheets><x:sheet name="名单" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>' % NS,
 "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>',
 "xl/strings.xml": '<?xml version="1.0"?><x:sst %s><x:si><x:r><x:t>张</x:t></x:r><x:r><x:t xml:space="preserve">三 </x:t></x:r><x:rPh sb="0" eb="1"><x:t>チョウ</x:t></x:rPh></x:si><x:si><x:t>a_x000D_b_x005F_x0041_</x:t></x:si></x:sst>' % NS,
 "xl/worksheets/data.xml": '<?xml version="1.0"?><x:worksheet %s><x:sheetData>'
   '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'
   '<x:row><x:c t="inlineStr"><x:is><x:r><x:t>王</x:t></x:r><x:r><x:t>𪚥</x:t></x:r></x:is></x:c>'
   '<x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c>'
   '<x:c t="str"><x:f>A2&amp;"!"</x:f><x:v>王𪚥!</x:v></x:c></x:row>'
   '<x:row r="5"><x:c r="C5"><x:v>1.5E+3</x:v></x:c><x:c><x:v>7</x:v></x:c></x:row>'
   '</x:sheetData></x:worksheet>' % NS,
}
with zipfile.ZipFile("handmade.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, body in parts.items():
        z.writestr(name, body.encode("utf-8"))
)PY";
} // namespace

TEST_CASE("date serials: the 1900 leap-year quirk and the 1904 system") {
    CHECK(excelSerialToText(1) == "1900-01-01");
    CHECK(excelSerialToText(59) == "1900-02-28");
    CHECK(excelSerialToText(60) == "1900-02-29"); // Lotus' phantom day, kept as Excel shows it
    CHECK(excelSerialToText(61) == "1900-03-01");
    CHECK(excelSerialToText(38718) == "2006-01-01");
    CHECK(excelSerialToText(45658.75) == "2025-01-01 18:00:00");
    CHECK(excelSerialToText(0, true) == "1904-01-01");
    CHECK(excelSerialToText(37256, true) == "2006-01-01");
}

TEST_CASE("date formats: built-in (also the Chinese ones) and custom codes") {
    CHECK(isDateFormat(14, ""));
    CHECK(isDateFormat(31, "")); // yyyy"年"m"月"d"日" in a Chinese Excel
    CHECK(isDateFormat(57, ""));
    CHECK_FALSE(isDateFormat(0, ""));
    CHECK_FALSE(isDateFormat(49, "")); // @ text
    CHECK(isDateFormat(164, "yyyy/m/d"));
    CHECK(isDateFormat(165, "[$-804]yyyy\"年\"m\"月\"d\"日\""));
    CHECK_FALSE(isDateFormat(166, "[Red]#,##0.00\"元\""));
    CHECK_FALSE(isDateFormat(167, "0.00E+00"));
    CHECK_FALSE(isDateFormat(168, "\"day\"0"));
}

TEST_CASE("a workbook written by openpyxl") {
    test::TempDir dir;
    runPython(dir, kOpenpyxlFixture);
    auto sheet = readXlsxFile(dir / "list.xlsx");
    REQUIRE_MESSAGE(sheet.ok(), sheet.error().key, " ", sheet.error().detail);
    CHECK(sheet->name == "预申请名单");
    CHECK(sheet->rows.front().number == 1);
    CHECK(cellAt(*sheet, 1, 1).text == "身份证号");
    CHECK(cellAt(*sheet, 2, 0).text == "王\xF0\xAA\x9A\xA5"); // outside the BMP, byte for byte
    CHECK(cellAt(*sheet, 2, 1).text == "42052720060101100X");
    CHECK(cellAt(*sheet, 2, 2).text == "13800000000");
    CHECK(cellAt(*sheet, 2, 2).kind == CellKind::Number);
    CHECK(cellAt(*sheet, 2, 3).text == "2006-01-01");
    CHECK(cellAt(*sheet, 2, 3).kind == CellKind::Date);
    CHECK(cellAt(*sheet, 2, 4).text == "TRUE");
    CHECK(cellAt(*sheet, 2, 5).text == "0.5");
    // an empty cell between two filled ones
    CHECK(cellAt(*sheet, 3, 0).text == "刘䶮");
    CHECK(cellAt(*sheet, 3, 1).kind == CellKind::Empty);
    CHECK(cellAt(*sheet, 3, 2).text == "-3");
    CHECK(cellAt(*sheet, 3, 3).text == "2024-07-15 09:30:05");
    CHECK(cellAt(*sheet, 3, 4).text == "FALSE");
    // an ID number typed into a number cell has lost its last digits: visible as a number
    CHECK(cellAt(*sheet, 4, 1).kind == CellKind::Number);
    CHECK(cellAt(*sheet, 4, 1).text == "4.20527200601011e+17");
    CHECK(cellAt(*sheet, 4, 3).text == "2024-09-01");
    CHECK(cellAt(*sheet, 5, 26).text == "第27列");      // AA
    CHECK(cellAt(*sheet, 6, 16383).text == "最后一列"); // XFD
    CHECK(cellAt(*sheet, 7, 0).text == "1900-01-01");
    CHECK(cellAt(*sheet, 7, 1).text == "1900-02-28");
    CHECK(cellAt(*sheet, 7, 2).text == "1900-03-01");
    CHECK(cellAt(*sheet, 9, 0).text == "  前后空格 保留  ");
    CHECK(cellAt(*sheet, 10, 0).text == "第一行\n第二行");

    auto other = readXlsxFile(dir / "list.xlsx", "其他");
    REQUIRE(other.ok());
    CHECK(cellAt(*other, 1, 0).text == "另一张表");
    auto missing = readXlsxFile(dir / "list.xlsx", "没有");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().key == "import.xlsx.no_sheet");

    auto mac = readXlsxFile(dir / "mac1904.xlsx");
    REQUIRE(mac.ok());
    CHECK(cellAt(*mac, 1, 0).text == "2006-01-01");

    auto viaDispatch = readSpreadsheetFile(dir / "list.xlsx");
    REQUIRE(viaDispatch.ok());
    CHECK(viaDispatch->encoding == "XLSX");
}

TEST_CASE("hand-made parts: inline and rich strings, prefixes, booleans, errors, escapes") {
    test::TempDir dir;
    runPython(dir, kHandmadeFixture);
    auto sheet = readXlsxFile(dir / "handmade.xlsx");
    REQUIRE_MESSAGE(sheet.ok(), sheet.error().key, " ", sheet.error().detail);
    CHECK(sheet->name == "名单");
    CHECK(cellAt(*sheet, 1, 0).text == "张三 "); // rich runs joined, phonetic run skipped
    CHECK(cellAt(*sheet, 1, 1).text == "a\rb_x0041_");
    CHECK(cellAt(*sheet, 2, 0).text == "王𪚥");
    CHECK(cellAt(*sheet, 2, 1).text == "TRUE");
    CHECK(cellAt(*sheet, 2, 2).text == "#N/A");
    CHECK(cellAt(*sheet, 2, 2).kind == CellKind::Error);
    CHECK(cellAt(*sheet, 2, 3).text == "王𪚥!");
    CHECK(cellAt(*sheet, 5, 2).text == "1500");
    CHECK(cellAt(*sheet, 5, 3).text == "7"); // no reference: the column after C
}

TEST_CASE("files that are not XLSX") {
    test::TempDir dir;
    std::ofstream(dir / "text.xlsx") << "姓名,身份证号\n";
    auto notZip = readXlsxFile(dir / "text.xlsx");
    REQUIRE_FALSE(notZip.ok());
    CHECK(notZip.error().key == "import.xlsx.not_xlsx");
    std::ofstream(dir / "old.xls", std::ios::binary)
        << std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    auto old = readSpreadsheetFile(dir / "old.xls");
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().key == "import.xls_unsupported");
    // a truncated zip (a download cut short)
    runPython(dir, kOpenpyxlFixture);
    auto full = test::runShell("head -c 3000 '" + (dir / "list.xlsx").string() + "' > '" +
                               (dir / "cut.xlsx").string() + "'");
    REQUIRE(full.first == 0);
    CHECK_FALSE(readXlsxFile(dir / "cut.xlsx").ok());
}
