#pragma once
// zhuxue-cli enroll URL CODE [NAME] and zhuxue-cli sync: the device side of sync without a window.
#include <filesystem>
#include <string>
#include <vector>

namespace zhuxue::cli {

constexpr const char* kSyncUsage =
    "  enroll URL CODE [名称 NAME]\n"
    "                       用注册码把本机登记到同步服务器 enroll this device with a server\n"
    "  sync                 立即同步一次 sync once now (push, then pull)\n";

bool isSyncCommand(const std::string& cmd);
// Returns the process exit code: 0 done, 3 the server could not be reached, 1 other errors.
int runSyncCommand(const std::filesystem::path& dataDir,
                   const std::vector<std::string>& positional);

} // namespace zhuxue::cli
