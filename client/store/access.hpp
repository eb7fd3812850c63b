#pragma once
// Who may read and write what, enforced by the Store itself (not only by what the UI shows).
//
// Each Store has one access level for its whole session, set with Store::setAccess (a Store opens
// as System). The staff client sets it from the signed-in account's role at sign-in and drops it
// to Locked at sign-out and idle lock; every Store the client opens (its main and read
// connections, the dashboard worker's) follows the account.
//
//   Locked    nobody signed in: every record read and write fails with access.denied.
//   Kiosk     the self-service kiosk: may not read any record (get, list, forEach, count, search,
//             ID-number lookups, attachments, audit trail, statistics, conflicts, outbox) nor
//             write through the Store; the kiosk writes sealed submissions to its own files, and
//             zhuxue --kiosk never opens a Store (client/ui/kiosk).
//   Volunteer reads and writes casework, but the withheld fields below come back as their empty
//             default value (Store::withholds tells the UI which, so it shows "仅工作人员可见").
//             Withheld fields are write-only for a volunteer, and saving never loses what staff
//             stored: when a volunteer saves an existing record, a withheld field that still
//             holds the empty default it was shown (or the stored value) keeps the stored value;
//             an empty stored field may be filled in; changing a stored value the volunteer could
//             not see is refused with access.denied and nothing of the save is written. A new
//             record takes what was entered. No exports (rosters, reminder lists):
//             Store::requireExport fails. No resolving a conflict on a withheld field; outbox and
//             conflict values of withheld fields read as null.
//   Staff     everything about records, exports.
//   Admin     the same as Staff in the store (accounts and settings are the UI's and Accounts').
//   System    processes acting for the office, not for a signed-in person: zhuxue-cli maintenance
//             and import, the sync worker, the server-side tools. Everything, including exports
//             (zhuxue-cli roster still requires the person to name their role or account, see
//             client/cli/roster_command.cpp).
//
// Store::db() hands out the raw connection for System-level bookkeeping (sync tables); screens
// and reports read records only through the typed functions, which apply the rules above.
#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "accounts.hpp"

#include <span>
#include <string_view>

namespace zhuxue::store {

enum class Access { Locked, Kiosk, Volunteer, Staff, Admin, System };

std::string_view toCode(Access access);
Access accessFor(Role role);

// The fields a volunteer may not read (incomes, hardship details, bank account): DOMAIN.md §5
// "never publish" items that volunteers do not need to guide a family through the forms.
// ID numbers, phones and addresses stay readable (volunteers find and contact families with them;
// screens show them masked).
//
// Hardship assessment answers, score and priority groups stay readable while the assessment is a
// draft: volunteers guide families through that form and must be able to reopen their draft;
// once submitted for review they are withheld like the rest.
struct WithheldField {
    RecordType type;
    std::string_view field;           // column / wire name (record_schema.cpp)
    std::string_view readableWhile{}; // when set: readable while the record's `status` is this code
};
std::span<const WithheldField> volunteerWithheldFields();
// The rule withholding `field` of `type` from `access`; nullptr when it is readable.
const WithheldField* withheldRule(Access access, RecordType type, std::string_view field);
// Whether the field may be withheld at all (for screens and for outbox/conflict values, where the
// record's status is not at hand).
bool withheldFrom(Access access, RecordType type, std::string_view field);

bool mayReadRecords(Access access);  // not Locked, not Kiosk
bool mayWriteRecords(Access access); // not Locked, not Kiosk
bool mayExport(Access access);       // Staff, Admin, System

// What a volunteer may not decide, also on records they may otherwise edit (DOMAIN.md: staff
// check materials, sign contracts and decide reviews; volunteers help families fill in forms):
//   - contracts (Contract records): access.denied "sign";
//   - three-party review entries (DemocraticReview records): access.denied "decide";
//   - an application's status other than pre_application, applied or withdrawn (what a family
//     does with a volunteer's help), and an assessment's status other than draft or submitted:
//     access.denied "decide".
// `before` is the stored row (default values for a new record), `after` the row being written.
// Ok for every other access level.
Status mayDecide(Access access, RecordType type, std::string_view statusBefore,
                 std::string_view statusAfter);

// Home-visit assignments (VisitAssignment records): staff give and change them; a volunteer may
// only complete one (the fields visit_id, completed_ms, completed_by of an existing assignment):
// access.denied "assign" for creating one or changing `field` otherwise. Ok for other levels.
Status mayAssign(Access access, bool creating, std::string_view field);

// access.denied: what was refused (`action`: "read", "write", "export", "withheld", "sign",
// "decide" or "assign"), for whom and which role is needed, with each named in Chinese (*_zh) and English
// (*_en) for the catalogues.
Error accessDenied(Access access, std::string_view action);

} // namespace zhuxue::store
