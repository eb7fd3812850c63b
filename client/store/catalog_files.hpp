#pragma once
// Loads a language's catalogue from assets/i18n/<lang>/*.json: one file per module, so each
// module keeps its own texts; a key defined twice is an error naming both files.
#include "client/core/i18n.hpp"

#include <filesystem>

namespace zhuxue {

Result<Catalog> loadCatalog(const std::filesystem::path& assets, const std::string& lang);

} // namespace zhuxue
