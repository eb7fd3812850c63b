#pragma once
// Turning a school's pre-application list (预申请名单) into records: every row is checked with the
// core validation rules (resident ID, mobile, co-borrower rules) and problems are reported by row
// and column, in words a school officer can act on. This step is pure: it reads the sheet and asks
// the store only through ExistingRecords, so it runs the same for --dry-run and for the real import
// (client/store/import/import_run.hpp writes the plan in one transaction).
#include "client/core/date.hpp"
#include "client/core/findings.hpp"
#include "client/core/records.hpp"
#include "client/store/import/columns.hpp"
#include "client/store/import/sheet.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::import {

struct ImportIssue {
    std::size_t row = 0;                         // as Excel shows it; 0 = the file as a whole
    std::size_t column = std::string_view::npos; // 0-based; npos = the row as a whole
    std::string header;                          // the column's header as written in the file
    core::Severity severity = core::Severity::Error;
    Error message;
};

// One accepted row: the records it becomes.
struct PlannedRow {
    std::size_t row = 0;
    Student student;
    std::optional<CoBorrower> coBorrower;
    LoanApplication application;
};

struct ImportPlan {
    std::string encoding;  // of the file (Sheet::encoding)
    std::string sheetName; // XLSX worksheet
    std::size_t headerRow = 0;
    std::string county;              // the county the records belong to
    std::size_t dataRows = 0;        // non-blank rows below the header
    std::size_t rejectedRows = 0;    // rows with at least one error
    std::size_t existingRows = 0;    // students already in the store: left as they are
    std::vector<PlannedRow> rows;    // accepted rows
    std::vector<ImportIssue> issues; // by row, then column; errors and warnings

    std::size_t errorCount() const;
    std::size_t warningCount() const;
};

struct ImportOptions {
    bool skipBadRows = false; // import the good rows even when some are rejected
    bool dryRun = false;      // check only, write nothing
    std::string county;       // empty: the county most students' ID numbers name
    int schoolYear = 0;       // the autumn the loans are for; 0: today's year
    core::Date today;         // bounds birth dates; the co-borrower must be an adult on it
};

// What the store already knows, asked by resident ID number (normalised: 18 chars, upper X).
struct ExistingRecords {
    std::function<bool(const std::string& idNumber)> studentExists;
    // A student with a loan application: may not be someone else's co-borrower.
    std::function<bool(const std::string& idNumber)> isBorrowingStudent;
};

// Errors for the file as a whole: import.columns.no_header, import.columns.missing (args:
// columns), import.county.unknown. Row problems are issues in the plan, never an error here.
Result<ImportPlan> planPreApplications(const Sheet& sheet, const ImportOptions& options,
                                       const ExistingRecords& existing = {});

// Lenient date cell parsing: "2006-01-01", "2006/1/1", "2006.1.1", "20060101", "2006年1月1日",
// and a date cell's "YYYY-MM-DD HH:MM:SS".
std::optional<core::Date> parseLooseDate(std::string_view text);

// A name as typed in a sheet: surrounding spaces removed, and the spaces people put between
// the characters of a two-character name to line it up ("张  三") dropped; other characters,
// including those outside the BMP and the middle dot of minority names, kept as they are.
std::string cleanName(std::string_view text);

} // namespace zhuxue::import
