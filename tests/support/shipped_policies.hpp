#pragma once
// The shipped policy files (assets/policy/*.json, base_rates.json included) as the unit tests
// read them, without the client's app library.
#include "client/core/policy.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace zhuxue::test {

inline std::vector<core::PolicyFile> shippedPolicyFiles() {
    std::vector<core::PolicyFile> files;
    for (const auto& e : std::filesystem::directory_iterator(assetsDir() / "policy")) {
        if (e.path().extension() != ".json")
            continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        files.push_back({e.path().filename().string(), ss.str()});
    }
    return files;
}

} // namespace zhuxue::test
