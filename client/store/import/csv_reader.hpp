#pragma once
// CSV as schools send it: RFC 4180 quoting (doubled quotes, delimiters and line breaks inside
// quotes), CRLF or LF, UTF-8 with or without BOM, GB18030/GBK from Excel or WPS, UTF-16 "Unicode
// text"; comma, tab or semicolon, whichever the header line uses.
#include "client/core/result.hpp"
#include "client/store/import/sheet.hpp"

#include <filesystem>
#include <string_view>

namespace zhuxue::import {

// Parses already-decoded UTF-8 text. Rows are numbered by record (a quoted line break does not
// start a new row), which is the row number Excel shows when it opens the file.
// Error key import.csv.unterminated_quote (args: row) when a quoted field never ends.
Result<Sheet> parseCsv(std::string_view utf8);

// Reads a file in any of the encodings above (Sheet::encoding says which one it was).
Result<Sheet> readCsvFile(const std::filesystem::path& file);
Result<Sheet> readCsvBytes(std::string_view bytes);

} // namespace zhuxue::import
