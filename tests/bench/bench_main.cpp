// zhuxue-bench: runs the registered benchmarks (see bench.hpp).
#include "bench.hpp"

#include <cstdio>
#include <cstring>
#include <exception>

namespace zhuxue::bench {

std::vector<Benchmark>& registry() {
    static std::vector<Benchmark> r;
    return r;
}

void Context::report(const std::string& name, double value, const std::string& unit,
                     nlohmann::json extra) const {
    nlohmann::json line = {{"name", name}, {"value", value}, {"unit", unit}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        line[it.key()] = it.value();
    if (quick)
        line["quick"] = true;
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
}

} // namespace zhuxue::bench

int main(int argc, char** argv) {
    using namespace zhuxue::bench;
    Context ctx;
    std::string filter;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick")) {
            ctx.quick = true;
        } else if (!std::strcmp(argv[i], "--filter") && i + 1 < argc) {
            filter = argv[++i];
        } else if (!std::strncmp(argv[i], "--filter=", 9)) {
            filter = argv[i] + 9;
        } else if (!std::strcmp(argv[i], "--list")) {
            for (auto& b : registry())
                std::printf("%s\n", b.name.c_str());
            return 0;
        } else {
            std::fprintf(stderr, "usage: zhuxue-bench [--quick] [--filter SUBSTRING] [--list]\n");
            return 2;
        }
    }
    int failures = 0;
    for (auto& b : registry()) {
        if (!filter.empty() && b.name.find(filter) == std::string::npos)
            continue;
        try {
            b.run(ctx);
        } catch (const std::exception& e) {
            // A benchmark that cannot run is reported, and the others still run.
            std::fprintf(stderr, "zhuxue-bench: %s failed: %s\n", b.name.c_str(), e.what());
            ++failures;
        }
    }
    return failures ? 1 : 0;
}
