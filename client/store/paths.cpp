#include "paths.hpp"

#include "client/core/version.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
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

namespace {

std::atomic<unsigned>& tmpCounter() {
    static std::atomic<unsigned> n{0};
    return n;
}

Error writeError(const fs::path& file, const char* step, int err) {
    return Error(err == ENOSPC ? "fs.disk_full" : "fs.write_failed", {{"path", file.string()}},
                 std::string(step) + ": " + std::strerror(err));
}

// fsync of a file or folder; errno on failure, 0 when done.
int syncPath(const fs::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = ::fsync(fd);
    int err = rc == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

// Every byte to fd; errno on failure, 0 when done.
int writeAll(int fd, std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return 0;
}

fs::path folderOf(const fs::path& file) {
    fs::path dir = fs::absolute(file).parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

} // namespace

Status commitFileDurably(const fs::path& tmp, const fs::path& file) {
    if (int err = syncPath(tmp, O_RDONLY); err != 0) {
        ::unlink(tmp.c_str());
        return writeError(file, "fsync", err);
    }
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return writeError(file, "rename", err);
    }
    if (int err = syncPath(folderOf(file), O_RDONLY | O_DIRECTORY); err != 0)
        return writeError(file, "fsync folder", err);
    return {};
}

Status appendFileDurably(const fs::path& file, std::string_view bytes) {
    if (auto st = ensureDir(folderOf(file)); !st)
        return st;
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return writeError(file, "open", errno);
    const char* step = "write";
    int err = writeAll(fd, bytes);
    if (err == 0 && ::fsync(fd) != 0) {
        step = "fsync";
        err = errno;
    }
    ::close(fd);
    return err == 0 ? Status() : writeError(file, step, err);
}

namespace {
// A temporary beside `file` holding `bytes` (not yet fsynced); its path, or the error (nothing
// left behind).
Result<fs::path> writeTemporary(const fs::path& file, std::string_view bytes) {
    if (auto st = ensureDir(folderOf(file)); !st)
        return st.error();
    // Unique per writer, so two processes saving the same file never share a temporary.
    fs::path tmp = file;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++tmpCounter());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return writeError(file, "open", errno);
    const char* step = "write";
    int err = writeAll(fd, bytes);
    if (::close(fd) != 0 && err == 0) {
        step = "close";
        err = errno;
    }
    if (err != 0) {
        ::unlink(tmp.c_str());
        return writeError(file, step, err);
    }
    return tmp;
}
} // namespace

Status writeFileDurably(const fs::path& file, std::string_view bytes) {
    auto tmp = writeTemporary(file, bytes);
    if (!tmp)
        return tmp.error();
    return commitFileDurably(*tmp, file);
}

Result<bool> createFileDurably(const fs::path& file, std::string_view bytes) {
    auto tmp = writeTemporary(file, bytes);
    if (!tmp)
        return tmp.error();
    if (int e = syncPath(*tmp, O_RDONLY); e != 0) {
        ::unlink(tmp->c_str());
        return writeError(file, "fsync", e);
    }
    // link(2), unlike rename(2), refuses to replace an existing name.
    int rc = ::link(tmp->c_str(), file.c_str());
    int err = rc == 0 ? 0 : errno;
    ::unlink(tmp->c_str());
    if (err == EEXIST)
        return false;
    if (err != 0)
        return writeError(file, "link", err);
    if (int e = syncPath(folderOf(file), O_RDONLY | O_DIRECTORY); e != 0)
        return writeError(file, "fsync folder", e);
    return true;
}

} // namespace zhuxue
