#pragma once
// zhuxue-cli roster KIND --format csv|xlsx|pdf --out FILE [filters]: the rosters of
// client/reports without a window. Owned by the reports module; main.cpp only dispatches.
#include <optional>

namespace zhuxue::cli {

// Runs the roster command when argv names it (after the global options); nullopt otherwise.
std::optional<int> maybeRunRoster(int argc, char** argv);

extern const char* const kRosterUsage;

} // namespace zhuxue::cli
