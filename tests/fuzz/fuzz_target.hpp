#pragma once
// The entry point every harness in tests/fuzz defines. Built two ways (tests/fuzz/CMakeLists.txt):
// with clang's libFuzzer when ZHUXUE_FUZZ=ON, and in the normal build with replay_main.cpp,
// which feeds the committed corpus through the same function as a CTest.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

// A harness reports a broken invariant (as opposed to a rejected input) through this, so the
// replay build fails the same way libFuzzer does.
[[noreturn]] void fuzzInvariantBroken(const char* what);
