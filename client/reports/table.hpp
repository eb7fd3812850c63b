#pragma once
// The shape every roster takes before it is written: a title block, typed columns, rows that
// are data, group headings, subtotals or the grand total, and footnotes. The writers (CSV,
// XLSX, PDF) only decide how each kind of row looks; they never compute anything themselves,
// so the three formats always carry the same figures.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace zhuxue::reports {

enum class ColumnType {
    Text,
    Integer,
    MoneyFen, // integer fen in the model; shown as yuan with two decimals
    Date,     // "YYYY-MM-DD" text in the model; a real date cell in XLSX
};

struct Column {
    std::string title;
    ColumnType type = ColumnType::Text;
};

// Empty, text, or an integer (Integer and MoneyFen columns).
using Cell = std::variant<std::monostate, std::string, int64_t>;

enum class RowKind {
    Data,
    GroupHeader, // one label (cells[0]) naming the group that follows, e.g. "城关镇"
    Subtotal,    // a group's sums; cells[0] holds its label
    Total,       // the whole table's sums
};

struct Row {
    RowKind kind = RowKind::Data;
    int level = 0; // grouping depth for GroupHeader and Subtotal rows (0 = outermost)
    std::vector<Cell> cells;
};

struct Table {
    std::string title;    // e.g. "2025年 分项目资助花名册"
    std::string subtitle; // filters and date, e.g. "项目：国家助学金　状态：已发放"
    std::string county;   // printed in the page header
    std::vector<Column> columns;
    std::vector<Row> rows;
    std::vector<std::string> footnotes;
    // Lines under the title on the first page, before the table: whose document it is (a loan
    // receipt's borrower, contract and amount). XLSX writes them below the subtitle; CSV leaves
    // them out, as it does the title.
    std::vector<std::string> preface;
};

// "1,234.50" from 123450 fen (negative amounts keep their sign).
std::string formatFen(int64_t fen, bool thousands = true);
// Text of a cell as the CSV and PDF writers show it.
std::string cellText(const Cell& cell, ColumnType type, bool thousands = true);

// Width of UTF-8 text in "narrow character" units: CJK and other East Asian wide characters
// count 2, everything else 1. Used for column widths in XLSX and wrapping decisions.
int displayWidth(std::string_view utf8);
// Decodes UTF-8 into code points; invalid bytes become U+FFFD.
std::u32string decodeUtf8(std::string_view utf8);
std::string encodeUtf8(std::u32string_view text);

} // namespace zhuxue::reports
