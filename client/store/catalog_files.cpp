#include "catalog_files.hpp"

#include "paths.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace zhuxue {
namespace fs = std::filesystem;

Result<Catalog> loadCatalog(const fs::path& assets, const std::string& lang) {
    fs::path dir = assets / "i18n" / lang;
    std::error_code ec;
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".json")
            files.push_back(e.path());
    if (ec || files.empty())
        return Error("fs.read_failed", {{"path", dir.string()}}, "no catalogue files");
    std::sort(files.begin(), files.end());
    std::map<std::string, fs::path> seen;
    std::map<std::string, std::string> entries;
    for (auto& f : files) {
        auto text = readTextFile(f);
        if (!text)
            return text.error();
        auto part = Catalog::fromJson(*text, lang);
        if (!part)
            return Error("i18n.invalid", {{"lang", lang}, {"path", f.string()}}, part.error().detail);
        for (auto& [k, v] : part->entries()) {
            if (auto it = seen.find(k); it != seen.end())
                return Error("i18n.duplicate_key", {{"key", k}, {"path", f.string()}},
                             "also in " + it->second.string());
            seen[k] = f;
            entries[k] = v;
        }
    }
    return Catalog::fromEntries(std::move(entries), lang);
}

} // namespace zhuxue
