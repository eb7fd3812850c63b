#include "paths.hpp"

#include "client/core/version.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace zhuxue {
namespace fs = std::filesystem;

fs::path defaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg && fs::path(xdg).is_absolute())
        return fs::path(xdg) / "zhuxue";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".local" / "share" / "zhuxue";
    return fs::current_path() / "zhuxue-data";
}

fs::path assetsDir() {
    if (const char* env = std::getenv("ZHUXUE_ASSETS_DIR"); env && *env)
        return fs::path(env);
    std::error_code ec;
    if (fs::is_directory(fs::path(kSourceAssetsDir) / "i18n", ec))
        return fs::path(kSourceAssetsDir);
    return fs::path(kInstallAssetsDir);
}

Status ensureDir(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec))
        return {};
    fs::create_directories(dir, ec);
    if (ec)
        return Error("fs.mkdir_failed", {{"path", dir.string()}}, ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    return {};
}

Result<std::string> readTextFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return Error("fs.read_failed", {{"path", file.string()}}, "cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        return Error("fs.read_failed", {{"path", file.string()}}, "read error");
    return ss.str();
}

} // namespace zhuxue
