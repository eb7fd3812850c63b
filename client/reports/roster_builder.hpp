#pragma once
// Turns rows and a roster definition into a Table: filtered, grouped county → township →
// village → school (as the definition says), ordered by pinyin, with subtotals per group and a
// grand total of people and amounts. Public rosters drop rows of children under the
// definition's minimum age (and rows without a usable birth date) and mask names if asked.
#include "client/core/date.hpp"
#include "client/core/i18n.hpp"
#include "roster_definition.hpp"
#include "roster_row.hpp"

#include <map>
#include <optional>

namespace zhuxue::reports {

struct BuildOptions {
    std::string countyName;            // page header, e.g. "秭归县学生资助管理中心"
    std::optional<NameMask> nameMask;  // the county's choice; unset = the definition's default
    core::Date today;                  // age rule, "制表日期", default daily-contract day
    std::map<std::string, std::string> noteArgs; // placeholders in footnotes ({contact}, {days})
};

struct BuiltRoster {
    Table table;
    int64_t people = 0;   // persons on the roster
    Fen amountFen = 0;    // total amount
    int64_t withheld = 0; // public rosters: rows left out by the age rule (told to staff only)
};

Result<BuiltRoster> buildRoster(const RosterDefinition& def, const std::vector<RosterRow>& rows,
                                const RosterFilter& filter, const Catalog& texts,
                                const BuildOptions& options);

} // namespace zhuxue::reports
