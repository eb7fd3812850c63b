#pragma once
// Roster rows read from the device store: one row per loan application (programme "student
// loan") and one per hardship assessment (programme "hardship identification"), joined with
// the student, household, contract and the latest assessment in memory. Read-only; the store
// is used from the calling thread (workers open their own Store).
#include "client/core/i18n.hpp"
#include "client/store/store.hpp"
#include "dashboard.hpp"
#include "roster_row.hpp"

namespace zhuxue::reports {

// access.denied unless the store's access level may export (Store::requireExport).
Result<std::vector<RosterRow>> loadRosterRows(store::Store& store, const Catalog& texts);

// Loan rows and planned home visits for the dashboard.
Result<DashboardInput> loadDashboardInput(store::Store& store, const Catalog& texts);

} // namespace zhuxue::reports
