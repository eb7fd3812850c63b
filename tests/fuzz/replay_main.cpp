// Replays a fuzz corpus through LLVMFuzzerTestOneInput without libFuzzer, so the normal (gcc)
// build and CI check that every committed input, including past crashes, is still handled.
// After the replay it can mutate the corpus for a bounded time (--mutate-seconds N): random byte
// flips, insertions, deletions, repeated chunks, splices of two inputs and JSON/CSV/HTTP tokens,
// with no coverage feedback (that is what the libFuzzer build in tests/fuzz/README.md is for), so
// CI exercises each harness beyond its fixed seeds under the sanitizers on every run.
//
// Usage: replay_<target> [--mutate-seconds N] [--seed S] DIR_OR_FILE...
// Exits non-zero when no input was found. A mutated input that crashes is written to
// crash-mutated-<seed>-<n> in the working directory (sanitizer death or escaped exception) and the seed is printed
// first, so `--seed S` repeats the same sequence.
#include "fuzz_target.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <exception>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
#define ZHUXUE_REPLAY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZHUXUE_REPLAY_SANITIZED 1
#endif
#endif

#ifdef ZHUXUE_REPLAY_SANITIZED
extern "C" void __sanitizer_set_death_callback(void (*callback)(void));
#endif

namespace {

// The input being run, kept so the sanitizer's death callback can save it.
const std::string* g_current = nullptr;
std::string g_crashName;

void saveCurrentInput() {
    if (!g_current || g_crashName.empty())
        return;
    if (std::FILE* f = std::fopen(g_crashName.c_str(), "wb")) {
        std::fwrite(g_current->data(), 1, g_current->size(), f);
        std::fclose(f);
        std::fprintf(stderr, "mutated input saved as %s\n", g_crashName.c_str());
    }
}

// Tokens that push parsers down their less common paths.
constexpr std::string_view kTokens[] = {
    "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-0", "1e309", "\\u0000", "\\ud800",
    "\r\n", "\n", "\"\"", ";", "\t", "\xef\xbb\xbf", "\xff\xfe", "\xe5\xad\xa6", "Content-Length: ",
    "Transfer-Encoding: chunked\r\n", "0\r\n\r\n", "%00", "18446744073709551616", "-1", "NaN",
};

class Mutator {
public:
    explicit Mutator(std::uint64_t seed) : m_rng(seed) {}

    std::string mutate(const std::string& base, const std::vector<std::string>& corpus) {
        std::string s = base;
        int rounds = 1 + static_cast<int>(pick(4));
        for (int r = 0; r < rounds; ++r) {
            switch (pick(7)) {
            case 0: // flip bits of one byte
                if (!s.empty())
                    s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
                break;
            case 1: // a random byte
                if (!s.empty())
                    s[pick(s.size())] = static_cast<char>(pick(256));
                break;
            case 2: // insert a token
            {
                auto t = kTokens[pick(std::size(kTokens))];
                s.insert(pick(s.size() + 1), t);
                break;
            }
            case 3: // delete a range
                if (!s.empty()) {
                    std::size_t at = pick(s.size());
                    s.erase(at, 1 + pick(std::min<std::size_t>(64, s.size() - at)));
                }
                break;
            case 4: // repeat a chunk
                if (!s.empty() && s.size() < (1u << 20)) {
                    std::size_t at = pick(s.size());
                    std::size_t len = 1 + pick(std::min<std::size_t>(256, s.size() - at));
                    std::string chunk = s.substr(at, len);
                    int times = 1 + static_cast<int>(pick(8));
                    for (int i = 0; i < times; ++i)
                        s.insert(at, chunk);
                }
                break;
            case 5: // splice with another input
            {
                const std::string& other = corpus[pick(corpus.size())];
                std::size_t cut = pick(s.size() + 1);
                std::size_t from = pick(other.size() + 1);
                s = s.substr(0, cut) + other.substr(from);
                break;
            }
            default: // truncate
                s.resize(pick(s.size() + 1));
                break;
            }
        }
        return s;
    }

private:
    std::size_t pick(std::size_t n) {
        return n == 0 ? 0 : static_cast<std::size_t>(m_rng() % n);
    }
    std::mt19937_64 m_rng;
};

void run(const std::string& bytes) {
    g_current = &bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    g_current = nullptr;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> inputs;
    double mutateSeconds = 0;
    std::uint64_t seed = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--mutate-seconds" && i + 1 < argc) {
            mutateSeconds = std::atof(argv[++i]);
            continue;
        }
        if (arg == "--seed" && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
            continue;
        }
        fs::path p(argv[i]);
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file())
                    inputs.push_back(e.path());
        } else if (fs::is_regular_file(p)) {
            inputs.push_back(p);
        } else {
            std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
            return 2;
        }
    }
    std::sort(inputs.begin(), inputs.end());
    if (inputs.empty()) {
        std::fprintf(stderr, "no inputs to replay\n");
        return 2;
    }
#ifdef ZHUXUE_REPLAY_SANITIZED
    __sanitizer_set_death_callback(saveCurrentInput);
#endif
    // An exception escaping a harness is a finding too (a decoder must answer with an error).
    std::set_terminate([] {
        saveCurrentInput();
        std::abort();
    });
    std::vector<std::string> corpus;
    for (const auto& p : inputs) {
        std::ifstream f(p, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "replay %s (%zu bytes)\n", p.string().c_str(), bytes.size());
        run(bytes);
        corpus.push_back(std::move(bytes));
    }
    std::printf("replayed %zu inputs\n", inputs.size());
    if (mutateSeconds <= 0)
        return 0;

    std::printf("mutating for %.0f s, seed %llu\n", mutateSeconds,
                static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    Mutator mutator(seed);
    std::mt19937_64 choose(seed ^ 0x9e3779b97f4a7c15ull);
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(static_cast<long long>(mutateSeconds * 1000));
    std::uint64_t n = 0;
    while (std::chrono::steady_clock::now() < until) {
        std::string input = mutator.mutate(corpus[choose() % corpus.size()], corpus);
        g_crashName = "crash-mutated-" + std::to_string(seed) + "-" + std::to_string(n);
        run(input);
        ++n;
    }
    std::printf("ran %llu mutated inputs without a finding\n", static_cast<unsigned long long>(n));
    return 0;
}
