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

// The shipped files parsed once (a test fails when they do not parse).
inline const core::PolicySet& shippedPolicySet() {
    static const core::PolicySet set = [] {
        auto set = core::PolicySet::parse(shippedPolicyFiles());
        REQUIRE(set.ok());
        return *set;
    }();
    return set;
}

} // namespace zhuxue::test
