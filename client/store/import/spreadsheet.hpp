#pragma once
// Opens a school's list whatever it was saved as: XLSX by content (a zip), the old binary .xls
// refused with advice, anything else read as CSV/TSV text.
#include "client/core/result.hpp"
#include "client/store/import/sheet.hpp"

#include <filesystem>
#include <string>

namespace zhuxue::import {

// Error key import.xls_unsupported for Excel 97-2003 files (save them as .xlsx or CSV), plus the
// readers' own errors.
// sheetName picks an XLSX worksheet (the first one when empty); CSV files have only one.
Result<Sheet> readSpreadsheetFile(const std::filesystem::path& file,
                                  const std::string& sheetName = {});

} // namespace zhuxue::import
