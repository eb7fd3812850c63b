#pragma once
// zhuxue-cli enroll URL CODE [NAME] and zhuxue-cli sync: the device side of sync without a window,
// on the same device store (data directory) as every other command.
#include "command.hpp"

#include <string>

namespace zhuxue::cli {

bool isSyncCommand(const std::string& cmd);
// Returns the process exit code: 0 done, 3 the server could not be reached, 1 other errors,
// 2 wrong usage.
int runSyncCommand(const Context& ctx);

} // namespace zhuxue::cli
