#pragma once
// Home-visit assignments (家访任务, VisitAssignment in client/core/records.hpp): what the home
// screen lists for the signed-in person, and the completion that saving the visit brings.
// Who may give or complete one is the store's rule (access.hpp, mayAssign).
#include "store.hpp"

#include <string_view>
#include <vector>

namespace zhuxue::store {

// The open assignments given to `assignee` (an account's user name), earliest due date first, so
// overdue ones lead; an assignment without a due date comes last.
Result<std::vector<VisitAssignment>> openVisitAssignments(Store& store, std::string_view assignee);

// The open assignments of one family (the family page shows who visits by when).
Result<std::vector<VisitAssignment>> openVisitAssignmentsOf(Store& store, const Uuid& studentId);

// Inside the batch that saves `visitId` for `studentId`: every open assignment of that student is
// done by this visit (whoever it was given to: the family has been visited).
Status completeVisitAssignments(Store& store, Batch& batch, const Uuid& studentId, const Uuid& visitId,
                                const Actor& who, UnixMs nowMs);

} // namespace zhuxue::store
