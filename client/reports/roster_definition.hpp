#pragma once
// A roster is data: which columns, how rows group and sort, whether it is posted publicly.
// Definitions live in assets/rosters/<kind>.json so a county can adjust them; every definition
// passes validate() before use, which is where the privacy rules of DOMAIN.md §5 are enforced:
// a public roster may show only name, school or unit, grade or class, level or amount, and
// a forbidden column (ID number, address, phone, bank account, exact income, priority group,
// health, narratives, photos) is refused with a message naming it. A public roster also lists
// only assessments that finished review (reviewed, publicised or filed) with a level other than
// 不困难, and says how many days it is posted (seed 003: 5-7 days). A roster handed to a review
// group (民主评议, with student representatives) shows no sensitive column and no amount; the
// office keeps those on a staff-only variant (review-staff).
#include "client/core/result.hpp"
#include "name_mask.hpp"
#include "table.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::reports {

enum class FieldClass {
    Public,    // may appear on a public notice
    Internal,  // fine inside the office (township, status, contract number, ...)
    Sensitive, // never on a public notice (DOMAIN.md §5)
    Measure,   // a count or sum over rows; only in aggregated rosters
};

struct FieldSpec {
    std::string_view key;      // as written in the definition, e.g. "id_number"
    std::string_view titleKey; // i18n key of the column title
    ColumnType type;
    FieldClass cls;
};

// Every field a roster may name; nullptr for an unknown key.
const FieldSpec* findField(std::string_view key);
const std::vector<FieldSpec>& allFields();

struct RosterDefinition {
    std::string kind;     // "review", "programme", "public-notice", "funds", ...
    std::string titleKey; // i18n key of the roster's name
    // i18n key of the programme shown when the caller names none (review and public notice:
    // hardship identification; daily contracts and pre-applications: the student loan).
    std::string defaultProgrammeKey;
    bool isPublic = false;
    bool reviewGroup = false; // handed to a democratic-review group (students among them)
    std::vector<std::string> groupBy;     // outermost first: township, village, school, ...
    std::vector<std::string> aggregateBy; // non-empty: one row per distinct value combination
    std::vector<std::string> orderBy;     // within the innermost group
    std::vector<std::string> columns;
    std::vector<std::string> footnoteKeys;
    NameMask nameMask = NameMask::None; // default; a county setting may override it
    int minimumAge = 0;                 // public notices: 14 (nothing about younger children)
    std::vector<std::string> statuses;  // default status filter (codes), empty = all; on a
                                        // public roster every row must have one of them
    std::vector<std::string> levels;    // HardshipLevel codes a row must have, empty = all
    // Days a public notice is posted: the CLI's --notice-days within [min, max], default when
    // not given (public-notice.json, from seed 003 "5-7天公示"). 0 on internal rosters.
    int noticeDaysMin = 0, noticeDaysMax = 0, noticeDaysDefault = 0;
};

// Assessment statuses a public roster may list: review finished (reviewed, publicized, filed).
const std::vector<std::string>& publicStatuses();

// The privacy and consistency checks. `source` names the definition in messages.
Status validate(const RosterDefinition& def, std::string_view source);

Result<RosterDefinition> parseDefinition(std::string_view json, std::string_view source);

// The days a notice is posted, from what a person typed (empty: the definition's default).
// Error reports.roster.bad_notice_days {value, min, max} for anything but a whole number of days
// in the definition's range.
Result<int> noticeDays(const RosterDefinition& def, std::string_view text);
// assets/rosters/<kind>.json, parsed and validated.
Result<RosterDefinition> loadDefinition(const std::filesystem::path& assets, std::string_view kind);

// The kinds the CLI and the GUI offer, in menu order.
const std::vector<std::string>& rosterKinds();

} // namespace zhuxue::reports
