#pragma once
// zhuxue-cli roster KIND --format csv|xlsx|pdf --out FILE [filters]: the rosters of
// client/reports without a window. Owned by the reports module.
#include "command.hpp"

#include <vector>

namespace zhuxue::cli {

void registerRosterCommands(std::vector<Command>& out);

extern const char* const kRosterUsage;

} // namespace zhuxue::cli
