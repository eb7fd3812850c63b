#include "form_files.hpp"

#include "client/store/paths.hpp"

#include <algorithm>

namespace zhuxue::app {

Result<std::vector<core::forms::FormDefinition>> loadForms(const std::filesystem::path& assets,
                                                          std::string_view kind) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(assets / "forms", ec))
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    if (ec)
        return Error("fs.read_failed", {{"path", (assets / "forms").string()}}, ec.message());
    std::sort(files.begin(), files.end());
    std::vector<core::forms::FormDefinition> out;
    for (const auto& file : files) {
        auto text = readTextFile(file);
        if (!text)
            return text.error();
        auto def = core::forms::parseFormDefinition(*text, file.filename().string());
        if (!def)
            return def.error();
        if (def->kind == kind)
            out.push_back(std::move(*def));
    }
    return out;
}

} // namespace zhuxue::app
