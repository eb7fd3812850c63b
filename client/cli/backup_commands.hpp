#pragma once
// zhuxue-cli backup-encrypted DIR / restore-encrypted FILE: the device store to and from a USB drive.
#include "command.hpp"

namespace zhuxue::cli {

void registerBackupCommands(std::vector<Command>& out);

} // namespace zhuxue::cli
