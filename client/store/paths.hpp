#pragma once
// Where zhuxue keeps its data and finds its assets. The data directory follows the XDG base
// directory spec ($XDG_DATA_HOME/zhuxue, default ~/.local/share/zhuxue); --data-dir overrides.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>

namespace zhuxue {

std::filesystem::path defaultDataDir();
// $ZHUXUE_ASSETS_DIR, else the build tree's assets/, else the installed share/zhuxue.
std::filesystem::path assetsDir();
// Creates the directory (and parents) with owner-only permissions when missing.
Status ensureDir(const std::filesystem::path& dir);
Result<std::string> readTextFile(const std::filesystem::path& file);

} // namespace zhuxue
