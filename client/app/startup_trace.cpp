#include "startup_trace.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace zhuxue::app {

namespace {
using Clock = std::chrono::steady_clock;

// Milliseconds between the kernel's start of this process and now (CLOCK_BOOTTIME is the clock
// /proc/<pid>/stat's starttime counts in); -1 when unknown.
double msSinceExec() {
    std::ifstream stat("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')'); // the command name may hold spaces
    if (close == std::string::npos)
        return -1;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    // Fields after the name start at 3 (state); starttime is field 22.
    for (int i = 3; i < 22 && rest >> field; ++i) {
    }
    unsigned long long ticks = 0;
    if (!(rest >> ticks))
        return -1;
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    double nowMs = static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
    return nowMs - static_cast<double>(ticks) * 1e3 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Trace {
    bool on = false;
    Clock::time_point t0 = Clock::now();
    double beforeMain = 0; // ms from exec to the first mark
    Trace() {
        const char* env = std::getenv("ZHUXUE_STARTUP_TRACE");
        on = env && *env && std::strcmp(env, "0") != 0;
    }
};

Trace& trace() {
    static Trace t;
    return t;
}
} // namespace

bool startupTraceOn() { return trace().on; }

void startupMark(const char* what) {
    Trace& t = trace();
    if (!t.on)
        return;
    static bool first = true;
    if (first) {
        first = false;
        t.t0 = Clock::now();
        t.beforeMain = msSinceExec();
    }
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t.t0).count();
    std::fprintf(stderr, "zhuxue startup: +%.1f ms (since exec ~%.0f ms) %s\n", ms, ms + t.beforeMain,
                 what);
}

} // namespace zhuxue::app
