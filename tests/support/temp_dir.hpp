#pragma once
// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
#include <filesystem>
#include <string>

namespace zhuxue::test {

class TempDir {
public:
    explicit TempDir(const char* prefix = "zhuxue-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& p) const { return m_path / p; }

private:
    std::filesystem::path m_path;
};

// build/test-artifacts/<name>, created on demand: screenshots and logs kept after the run.
std::filesystem::path artifactPath(const std::string& name);
std::filesystem::path binPath(const std::string& program);

// The whole content of one file ("" when it cannot be read).
std::string fileBytes(const std::filesystem::path& file);
// Every byte of every file under dir, one after another: for "this text is nowhere on disk" checks.
std::string treeBytes(const std::filesystem::path& dir);

} // namespace zhuxue::test
