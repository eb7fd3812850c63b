#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace zhuxue::test {
namespace fs = std::filesystem;

TempDir::TempDir(const char* prefix) {
    std::string tmpl = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
        throw std::runtime_error("mkdtemp failed");
    m_path = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

fs::path artifactPath(const std::string& name) {
    fs::path dir = ZHUXUE_ARTIFACTS_DIR;
    fs::create_directories(dir);
    return dir / name;
}

fs::path binPath(const std::string& program) { return fs::path(ZHUXUE_BIN_DIR) / program; }

std::string fileBytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string treeBytes(const fs::path& dir) {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            all += fileBytes(e.path());
    return all;
}

} // namespace zhuxue::test
