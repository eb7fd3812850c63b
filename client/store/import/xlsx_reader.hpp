#pragma once
// XLSX (Office Open XML spreadsheets, as saved by Excel, WPS and LibreOffice): a zip of XML parts
// read with minizip and expat, streaming the worksheet so a 100,000-row list stays cheap.
// Handles shared strings (rich text runs, phonetic runs skipped), inline strings, numbers,
// booleans, errors, dates (serial numbers with the 1900 leap-year quirk and the 1904 system,
// built-in Chinese date formats and custom ones), empty cells and columns beyond Z.
#include "client/core/result.hpp"
#include "client/store/import/sheet.hpp"

#include <filesystem>
#include <string>

namespace zhuxue::import {

// Reads one worksheet: the first one when sheetName is empty.
// Error keys: import.xlsx.not_xlsx (not a zip / no workbook), import.xlsx.damaged (args: part),
// import.xlsx.no_sheet (args: sheet).
Result<Sheet> readXlsxFile(const std::filesystem::path& file, const std::string& sheetName = {});

// An Excel date serial as text: "YYYY-MM-DD", with " HH:MM:SS" when it has a time of day.
// Serial 60 is 1900-02-29, the day Excel keeps for Lotus 1-2-3 compatibility.
std::string excelSerialToText(double serial, bool date1904 = false);

// Whether a number format (built-in id, or its format code for custom ones) shows a date.
bool isDateFormat(int numFmtId, std::string_view formatCode);

} // namespace zhuxue::import
