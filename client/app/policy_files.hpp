#pragma once
// Reads assets/policy/*.json into a PolicySet (client/core does no I/O itself).
#include "client/core/policy.hpp"

#include <filesystem>

namespace zhuxue::app {

Result<core::PolicySet> loadPolicies(const std::filesystem::path& assets);

} // namespace zhuxue::app
