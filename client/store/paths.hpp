#pragma once
// Where zhuxue keeps its data and finds its assets. The data directory follows the XDG base
// directory spec ($XDG_DATA_HOME/zhuxue, default ~/.local/share/zhuxue); --data-dir overrides.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace zhuxue {

std::filesystem::path defaultDataDir();
// $ZHUXUE_ASSETS_DIR, else the build tree's assets/, else the installed share/zhuxue.
std::filesystem::path assetsDir();
// Creates the directory (and parents) with owner-only permissions when missing.
Status ensureDir(const std::filesystem::path& dir);
Result<std::string> readTextFile(const std::filesystem::path& file);

// Replaces `file` with `bytes` so that a crash or power cut leaves either the old file or the
// whole new one: a temporary file beside it is written, fsynced and renamed over it, then the
// folder is fsynced so the new name lasts too. The folder is made when missing; a new file is
// owner-only (0600). Errors: fs.disk_full (no space left) or fs.write_failed, with {path} and the
// system's reason in the detail; the old file is then unchanged and no temporary is left.
Status writeFileDurably(const std::filesystem::path& file, std::string_view bytes);
// Creates `file` holding `bytes` only when it does not exist yet, durably as writeFileDurably
// (the whole file or none appears, the name lasts). True when this call made it; false when a file
// of that name was already there (another process was first): it is left as it was.
Result<bool> createFileDurably(const std::filesystem::path& file, std::string_view bytes);
// Appends `bytes` to `file` (made owner-only when new) and fsyncs it before returning: a piece
// of a resumable download. Errors as writeFileDurably; a crash may leave a partial tail, which
// the caller's framing must detect.
Status appendFileDurably(const std::filesystem::path& file, std::string_view bytes);
// The same last steps for a writer that filled `tmp` itself (a stream): fsync tmp, rename it over
// `file`, fsync the folder. tmp is removed when a step fails.
Status commitFileDurably(const std::filesystem::path& tmp, const std::filesystem::path& file);

} // namespace zhuxue
