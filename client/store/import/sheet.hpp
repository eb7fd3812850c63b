#pragma once
// What a spreadsheet reader hands to the import: rows of cell texts, each row numbered as
// Excel or WPS shows it, so an error message points at the row a school's officer sees.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::import {

enum class CellKind {
    Empty,
    Text,   // a string cell, or any CSV field
    Number, // text is the number as Excel shows it in General format ("13800000000", "0.5")
    Date,   // a number formatted as a date: text is "YYYY-MM-DD" (with " HH:MM:SS" if timed)
    Bool,   // "TRUE" / "FALSE"
    Error,  // "#N/A", "#VALUE!", ...
};

struct Cell {
    CellKind kind = CellKind::Empty;
    std::string text; // UTF-8, byte for byte as stored (characters outside the BMP included)
};

struct SheetRow {
    std::size_t number = 0; // 1-based row number as shown in Excel/WPS
    std::vector<Cell> cells;
    bool blank() const;
};

struct Sheet {
    std::string name;           // the worksheet name; empty for CSV
    std::string encoding;       // CSV: "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16"; XLSX: "XLSX"
    std::vector<SheetRow> rows; // rows with at least one non-empty cell, in order
};

// Column number (0-based) as letters: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD".
std::string columnLetters(std::size_t column);
// "A1"-style reference → 0-based column, or npos when the letters are missing or too large.
std::size_t columnFromReference(std::string_view ref);

} // namespace zhuxue::import
