// Precompiled for every test program (tests/CMakeLists.txt): headers most tests include, which
// take most of a test file's compile time. Only headers that no -D of a test target changes.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "client/store/store.hpp"
