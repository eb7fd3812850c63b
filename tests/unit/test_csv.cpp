// CSV from schools: quoting, line breaks inside fields, and the encodings Excel and WPS write.
#include "client/store/import/csv_reader.hpp"
#include "client/store/import/encoding.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace zhuxue;
using namespace zhuxue::import;

namespace {
std::vector<std::string> texts(const SheetRow& row) {
    std::vector<std::string> out;
    for (auto& c : row.cells)
        out.push_back(c.text);
    return out;
}
using V = std::vector<std::string>;
} // namespace

TEST_CASE("RFC 4180: quotes, doubled quotes, delimiters and line breaks inside quotes") {
    auto sheet = parseCsv("姓名,备注,电话\r\n"
                          "张三,\"住址：秭归县\r\n茅坪镇\",13800000000\r\n"
                          "\"李\"\"四\"\"\",\"a,b\",\r\n"
                          "王五,,\n");
    REQUIRE(sheet.ok());
    REQUIRE(sheet->rows.size() == 4);
    CHECK(texts(sheet->rows[0]) == V{"姓名", "备注", "电话"});
    CHECK(texts(sheet->rows[1]) == V{"张三", "住址：秭归县\r\n茅坪镇", "13800000000"});
    CHECK(texts(sheet->rows[2]) == V{"李\"四\"", "a,b", ""});
    CHECK(texts(sheet->rows[3]) == V{"王五", "", ""});
    // rows are numbered as Excel shows them: the quoted line break does not start a row
    CHECK(sheet->rows[2].number == 3);
    CHECK(sheet->rows[2].cells[2].kind == CellKind::Empty);
    CHECK(sheet->rows[1].cells[0].kind == CellKind::Text);
}

TEST_CASE("blank lines are skipped but keep the row numbering") {
    auto sheet = parseCsv("a,b\n\n,\nc,d");
    REQUIRE(sheet.ok());
    REQUIRE(sheet->rows.size() == 2);
    CHECK(sheet->rows[1].number == 4);
    CHECK(texts(sheet->rows[1]) == V{"c", "d"}); // no line break at the end of the file
}

TEST_CASE("an unterminated quote names the row where it starts") {
    auto sheet = parseCsv("a,b\n1,2\n3,\"oops\n4,5\n");
    REQUIRE_FALSE(sheet.ok());
    CHECK(sheet.error().key == "import.csv.unterminated_quote");
    CHECK(sheet.error().args.at("row") == "3");
}

TEST_CASE("tab- and semicolon-separated files are recognised from the header") {
    auto tsv = parseCsv("姓名\t身份证号\n张三\t11010519491231002X\n");
    REQUIRE(tsv.ok());
    CHECK(texts(tsv->rows[1]) == V{"张三", "11010519491231002X"});
    auto semi = parseCsv("a;b;c\n1;2,5;3\n");
    REQUIRE(semi.ok());
    CHECK(texts(semi->rows[1]) == V{"1", "2,5", "3"});
}

TEST_CASE("UTF-8 with BOM, without BOM, and characters outside the BMP byte for byte") {
    const std::string body = "姓名\n王𪚥\n刘䶮\n";
    auto plain = readCsvBytes(body);
    REQUIRE(plain.ok());
    CHECK(plain->encoding == "UTF-8");
    CHECK(plain->rows[1].cells[0].text == "王\xF0\xAA\x9A\xA5");
    auto bom = readCsvBytes("\xEF\xBB\xBF" + body);
    REQUIRE(bom.ok());
    CHECK(bom->encoding == "UTF-8 BOM");
    CHECK(bom->rows[0].cells[0].text == "姓名"); // the BOM is not part of the first header
    CHECK(bom->rows[2].cells[0].text == "刘䶮");
}

TEST_CASE("GBK/GB18030 as saved by Excel or WPS on a Chinese Windows") {
    // 姓名,乡镇\r\n张三,茅坪镇\r\n in GBK, written out byte by byte
    const std::string gbk =
        "\xD0\xD5\xC3\xFB,\xCF\xE7\xD5\xF2\r\n\xD5\xC5\xC8\xFD,\xC3\xA9\xC6\xBA\xD5\xF2\r\n";
    auto sheet = readCsvBytes(gbk);
    REQUIRE(sheet.ok());
    CHECK(sheet->encoding == "GB18030");
    CHECK(texts(sheet->rows[0]) == V{"姓名", "乡镇"});
    CHECK(texts(sheet->rows[1]) == V{"张三", "茅坪镇"});
    // a GB18030 four-byte sequence: U+2A6A5 𪚥 (outside the BMP) round-trips through iconv
    auto converted = convertToUtf8("\x98\x35\xEE\x37", "GB18030");
    REQUIRE(converted.ok());
    CHECK(*converted == "\xF0\xAA\x9A\xA5");
}

TEST_CASE("UTF-16 'Unicode text' from Excel") {
    std::string utf16le = "\xFF\xFE";
    for (char16_t c : std::u16string(u"姓名\t村\r\n张三\t木鱼坪村\r\n")) {
        utf16le += static_cast<char>(c & 0xFF);
        utf16le += static_cast<char>(c >> 8);
    }
    auto sheet = readCsvBytes(utf16le);
    REQUIRE(sheet.ok());
    CHECK(sheet->encoding == "UTF-16LE");
    CHECK(texts(sheet->rows[1]) == V{"张三", "木鱼坪村"});
}

TEST_CASE("bytes that are no known encoding are refused with the line") {
    auto sheet = readCsvBytes("a,b\n1,2\n\x80\xFF\n");
    REQUIRE_FALSE(sheet.ok());
    CHECK(sheet.error().key == "import.encoding.unknown");
    CHECK(sheet.error().args.at("row") == "3");
    auto bom = readCsvBytes("\xEF\xBB\xBF"
                            "a\n\xFF");
    REQUIRE_FALSE(bom.ok());
    CHECK(bom.error().args.at("row") == "2");
}

TEST_CASE("reading a file from disk") {
    test::TempDir dir;
    std::ofstream(dir / "list.csv", std::ios::binary) << "姓名,年级\n赵六,高三\n";
    auto sheet = readCsvFile(dir / "list.csv");
    REQUIRE(sheet.ok());
    CHECK(texts(sheet->rows[1]) == V{"赵六", "高三"});
    CHECK_FALSE(readCsvFile(dir / "missing.csv").ok());
}
