#include "fuzz_target.hpp"

#include <cstdio>
#include <cstdlib>

void fuzzInvariantBroken(const char* what) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}
