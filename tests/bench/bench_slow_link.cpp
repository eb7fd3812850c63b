// sync.slow_link_500: how long 500 students take over a 64 kbit/s, 800 ms, 10% loss line
// (tests/support/slow_link.hpp), from device A's first push until device B holds them all. The
// integration test asserts convergence and bytes; the time is a figure, here. It takes minutes,
// so --quick leaves it out. It needs root or user namespaces (a private network namespace with
// tc and nftables on its loopback), like the test; a child process of its own carries the
// namespace, so the other benchmarks keep the machine's network.
#include "bench.hpp"
#include "tests/support/slow_link.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {

constexpr const char* kName = "sync.slow_link_500";
constexpr const char* kChildVar = "ZHUXUE_BENCH_SLOW_LINK_CHILD";

void slowLink(bench::Context& ctx) {
    if (ctx.quick) {
        std::fprintf(stderr, "zhuxue-bench: %s is left out of --quick (it takes minutes)\n", kName);
        return;
    }
    if (!std::getenv(kChildVar)) {
        std::fflush(stdout);
        pid_t child = ::fork();
        if (child < 0)
            throw std::runtime_error("fork failed");
        if (child == 0) {
            ::setenv(kChildVar, "1", 1);
            ::execl("/proc/self/exe", "zhuxue-bench", "--filter", kName, static_cast<char*>(nullptr));
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throw std::runtime_error("its child process failed (status " + std::to_string(status) + ")");
        return;
    }
    const std::string why = enterPrivateNetwork();
    if (!why.empty())
        throw std::runtime_error("needs root or user namespaces: " + why);
    TempDir tmp("zhuxue-bench-slow-link");
    const SlowLinkRun run = runSlowLink(tmp.path(), std::chrono::minutes(30));
    if (!run.failure.empty())
        throw std::runtime_error(run.failure);
    ctx.report(kName, run.totalS, "s",
               {{"link", "64 kbit/s, 800 ms round trip, 10% loss"},
                {"records", 500},
                {"changes", run.changes},
                {"push_s", run.pushS},
                {"bytes_up", run.upA + run.upB},
                {"bytes_down", run.downA + run.downB},
                {"clean_link_bytes_up", run.cleanUp + run.cleanPullUp},
                {"clean_link_bytes_down", run.cleanDown + run.cleanPullDown},
                {"goal_s", 600}});
}

} // namespace

ZHUXUE_BENCH(kName, slowLink);
