#pragma once
// Reads assets/forms/*.json into form definitions (client/core does no I/O itself).
#include "client/core/forms/form_definition.hpp"

#include <filesystem>
#include <string_view>
#include <vector>

namespace zhuxue::app {

// Every form of this kind ("indicator_table", "home_visit", ...) in <assets>/forms, sorted by
// file name; a file that does not parse is an error naming it (forms are data people edit).
Result<std::vector<core::forms::FormDefinition>> loadForms(const std::filesystem::path& assets,
                                                          std::string_view kind);

} // namespace zhuxue::app
