#pragma once
// A slow rural link (issue: "64 kbit/s, 800 ms round trip, 10% loss: 500 records"), built for
// real inside a private network namespace (the kernel has no netem):
//  - tc tbf on the loopback device caps the rate. Every byte crosses loopback twice (device ->
//    fault proxy -> server), so the device's line gets half of the 128 kbit/s tbf rate: 64 kbit/s;
//  - nftables drops 10% of the packets on the device's leg at random (numgen random mod 10 == 0);
//  - the fault proxy adds 400 ms each way (800 ms round trip) without capping throughput.
// Device A saves 500 students and its sync engine pushes them; then device B's engine pulls them.
// Before the link is shaped, the same 500 students (another county) go through a clean proxy on
// plain loopback with one sync round each way: the bytes that costs are the basis of the budget.
// Shared by integration.test_sync_slow_link (convergence and bytes) and zhuxue-bench
// (sync.slow_link_500: the time).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace zhuxue::test {

// Moves this process into a new network namespace (as a normal user through a user namespace
// where it is root) and brings loopback up. Call it while the process has one thread only (the
// bench forks a child for it). Empty on success, else why not.
std::string enterPrivateNetwork();

struct SlowLinkRun {
    std::string failure;       // empty when both devices hold the same 500 students
    int64_t changes = 0;       // field changes A pushed
    double pushS = 0;          // A's engine started -> A idle with nothing pending
    double totalS = 0;         // ... -> B holds all 500
    int64_t upA = 0, downA = 0; // bytes through the proxy while A synced
    int64_t upB = 0, downB = 0; // ... while B synced
    int64_t cleanUp = 0, cleanDown = 0;         // the clean push round (push and pull back)
    int64_t cleanPullUp = 0, cleanPullDown = 0; // the clean pull of the 500 by a second device
    std::string linkCounters;  // nft and tc counters after the run
};

// Runs the scenario in `dir` (inside the namespace). `hangGuard` bounds each wait; a run that
// meets it reports a failure instead of hanging.
SlowLinkRun runSlowLink(const std::filesystem::path& dir, std::chrono::seconds hangGuard);

} // namespace zhuxue::test
