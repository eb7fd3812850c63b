#pragma once
// The pre-application import against the device store: read the file, plan it (every row
// checked, duplicates against the store found by ID number), then write all accepted rows in one
// transaction through the store's functions, so each record gets its change-log and audit entries.
// Nothing is written when a row is rejected, unless skipBadRows; nothing at all for dryRun.
// The lists come from the national student system, where the family consented online: each
// imported student (and co-borrower) gets a Consent with method national_system, recorded by
// the importing user, in the same transaction (store.hpp's consent rule is satisfied by it).
#include "client/store/import/pre_application.hpp"
#include "client/store/store.hpp"

#include <filesystem>

namespace zhuxue::import {

struct ImportResult {
    ImportPlan plan;
    std::size_t imported = 0; // rows written (0 for a dry run or when rows were rejected)
    bool written = false;     // the transaction was committed
};

Result<ImportResult> importPreApplications(store::Store& store, const Sheet& sheet,
                                           const ImportOptions& options, const store::Actor& who);
// Reads CSV or XLSX (see spreadsheet.hpp) and imports it.
Result<ImportResult> importPreApplicationFile(store::Store& store,
                                              const std::filesystem::path& file,
                                              const ImportOptions& options, const store::Actor& who,
                                              const std::string& sheetName = {});

} // namespace zhuxue::import
