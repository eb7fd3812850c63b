#include "policy_files.hpp"

#include "client/store/paths.hpp"

#include <algorithm>

namespace zhuxue::app {

Result<core::PolicySet> loadPolicies(const std::filesystem::path& assets) {
    std::vector<core::PolicyFile> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(assets / "policy", ec)) {
        if (entry.path().extension() != ".json")
            continue;
        auto text = readTextFile(entry.path());
        if (!text)
            return text.error();
        files.push_back({entry.path().filename().string(), std::move(*text)});
    }
    if (ec)
        return Error("fs.read_failed", {{"path", (assets / "policy").string()}}, ec.message());
    std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return core::PolicySet::parse(files);
}

} // namespace zhuxue::app
