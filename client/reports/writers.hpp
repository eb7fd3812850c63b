#pragma once
// The three export formats of a Table. Each writes to a temporary file beside `out` and
// renames it into place, so a failed or interrupted export never leaves a half-written file
// that someone might print.
#include "client/core/result.hpp"
#include "table.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zhuxue::reports {

enum class Format { Csv, Xlsx, Pdf };
std::optional<Format> parseFormat(std::string_view name); // "csv", "xlsx", "pdf"
const char* formatExtension(Format format);

// Texts the writers put on the page; the caller fills them from the catalogue so the writers
// need no i18n of their own.
struct PageTexts {
    std::string pageOfPages = "第 {page} 页 共 {pages} 页"; // {page}, {pages}
    std::string printedAt;                                   // e.g. "打印时间 2025-09-01 10:00"
};

// UTF-8 with a byte-order mark, RFC 4180 quoting, CRLF line ends: Excel and WPS open it with
// Chinese intact. The header row comes first so the file stays machine-readable; group headings
// are left out (each subtotal row names its group); money is plain "1234.50" so spreadsheets
// read it as a number.
Status writeCsv(const Table& table, const std::filesystem::path& out);

// Title and subtitle rows, frozen header, widths fitted to the (Chinese) text, money in
// ¥#,##0.00, dates as dates, bold shaded subtotal and total rows, footnotes below.
Status writeXlsx(const Table& table, const std::filesystem::path& out);

// A4 portrait (landscape when the columns need it), Noto Sans CJK through fontconfig with
// fallback for characters it lacks, a page header with title and county, the table header
// repeated on every page, long cells wrapped, "第 x 页 共 y 页" at the foot.
Status writePdf(const Table& table, const std::filesystem::path& out, const PageTexts& texts = {});

Status writeTable(const Table& table, Format format, const std::filesystem::path& out,
                  const PageTexts& texts = {});

namespace detail {
// out + ".part-<pid>": same directory, so the final rename cannot cross file systems.
std::filesystem::path partPath(const std::filesystem::path& out);
Status commitPart(const std::filesystem::path& part, const std::filesystem::path& out);
} // namespace detail

} // namespace zhuxue::reports
