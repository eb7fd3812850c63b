#pragma once
// zhuxue-bench: a tiny registry of benchmarks. Each area adds a file bench_<area>.cpp that
// registers its benchmarks with ZHUXUE_BENCH; bench_main.cpp runs those selected by --filter
// (substring of the name) at full size, or small with --quick. Results are JSON lines:
// {"name": "...", "value": N, "unit": "ms", ...}. Benchmarks measure; they never fail on timing.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace zhuxue::bench {

struct Context {
    bool quick = false;
    // Prints one result line; `extra` adds fields (sizes, goals, notes).
    void report(const std::string& name, double value, const std::string& unit,
                nlohmann::json extra = nlohmann::json::object()) const;
};

struct Benchmark {
    std::string name;
    std::function<void(Context&)> run;
};

std::vector<Benchmark>& registry();

struct Registrar {
    Registrar(std::string name, std::function<void(Context&)> run) {
        registry().push_back({std::move(name), std::move(run)});
    }
};

#define ZHUXUE_BENCH_CAT2(a, b) a##b
#define ZHUXUE_BENCH_CAT(a, b) ZHUXUE_BENCH_CAT2(a, b)
#define ZHUXUE_BENCH(name, fn)                                                                     \
    static ::zhuxue::bench::Registrar ZHUXUE_BENCH_CAT(zhuxueBench, __LINE__)(name, fn)

// Milliseconds elapsed while running f.
template <class F> double timeMs(F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The p-th percentile (0..100) of samples (nearest rank); 0 when empty.
inline double percentile(std::vector<double> samples, double p) {
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size() - 1) + 0.5);
    return samples[std::min(rank, samples.size() - 1)];
}

} // namespace zhuxue::bench
