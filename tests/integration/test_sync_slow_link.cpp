// A slow rural link (issue: "64 kbit/s, 800 ms round trip, 10% loss: 500 records sync within 10
// minutes"), built for real: this test moves itself into a private network namespace (the kernel
// has no netem), where
//  - tc tbf on the loopback device caps the rate. Every byte crosses loopback twice (device ->
//    fault proxy -> server), so the device's line gets half of the 128 kbit/s tbf rate: 64 kbit/s;
//  - nftables drops 10% of the packets on the device's leg at random (numgen random mod 10 == 0);
//  - the fault proxy adds 400 ms each way (800 ms round trip) without capping throughput.
// zhuxue-server and two device engines run inside it: device A saves 500 students, its engine
// pushes them, device B's engine pulls them; the test asserts both hold the same 500 records
// within 10 minutes and reports the time taken.
#include "sync/engine/sync_engine.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sched.h>
#include <unistd.h>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

const store::Actor kStaff{"staff"};

bool writeFile(const char* path, const std::string& text) {
    std::ofstream f(path);
    f << text;
    f.flush();
    return static_cast<bool>(f);
}

// Moves this (still single-threaded) process into a new network namespace; as a normal user
// through a user namespace where it is root. Empty on success, else why not.
std::string enterPrivateNetwork() {
    if (::geteuid() == 0)
        return ::unshare(CLONE_NEWNET) == 0 ? "" : "unshare(CLONE_NEWNET) refused";
    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
        return "unshare(CLONE_NEWUSER | CLONE_NEWNET) refused (user namespaces disabled?)";
    if (!writeFile("/proc/self/setgroups", "deny") ||
        !writeFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !writeFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
        return "cannot map the user namespace";
    return "";
}

SyncEngine::StoreFactory factory(const fs::path& dir) {
    return [dir]() -> Result<std::unique_ptr<SyncStore>> {
        auto s = DeviceSyncStore::open(dir);
        if (!s)
            return s.error();
        return std::unique_ptr<SyncStore>(std::move(*s));
    };
}

} // namespace

TEST_CASE("500 records cross a 64 kbit/s, 800 ms, 10% loss link within 10 minutes") {
    if (auto why = enterPrivateNetwork(); !why.empty()) {
        cannotRun("no private network namespace here: " + why);
        return;
    }
    auto [upRc, upOut] = runShell("ip link set lo up && ip link set lo mtu 1500 2>&1");
    if (upRc != 0) {
        cannotRun("cannot bring up loopback in the namespace (iproute2): " + upOut);
        return;
    }
    TempDir tmp("zhuxue-sync-slow");
    ServerProcess server(tmp / "server");
    FaultProxy proxy(server.port(), 5);
    Faults line;
    line.latencyMs = 400;
    proxy.setFaults(line);
    const std::string p = std::to_string(proxy.port());
    auto [rc, out] = runShell(
        "tc qdisc add dev lo root tbf rate 128kbit burst 4kb latency 3s 2>&1 && "
        "nft add table inet zhuxue_slow 2>&1 && "
        "nft add chain inet zhuxue_slow out '{ type filter hook output priority 0; }' 2>&1 && "
        "nft add rule inet zhuxue_slow out tcp dport " + p + " numgen random mod 10 == 0 counter drop 2>&1 && "
        "nft add rule inet zhuxue_slow out tcp sport " + p + " numgen random mod 10 == 0 counter drop 2>&1");
    if (rc != 0) {
        cannotRun("tc tbf / nftables unavailable (iproute2, nftables): " + out);
        return;
    }

    auto a = openDevice(tmp / "a");
    auto b = openDevice(tmp / "b");
    // Enrollment happens at the county office; the slow line is for the days after.
    REQUIRE(enrollDevice(*a, proxy.url(), server.enrollCode("420527"), "村里的笔记本").ok());
    REQUIRE(enrollDevice(*b, proxy.url(), server.enrollCode("420527"), "县资助中心").ok());
    std::vector<Uuid> ids;
    {
        auto batch = a->store().batch(kStaff);
        for (int i = 0; i < 500; ++i) {
            Student s;
            s.id = newUuidV7();
            s.county = "420527";
            s.name = "学生" + std::to_string(i);
            s.idNumber = "11010519491231002X";
            s.phone = "1381234" + std::to_string(1000 + i);
            s.township = "茅坪镇";
            s.village = "兰陵溪村";
            REQUIRE(batch.save(consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
            REQUIRE(batch.save(s).ok());
            ids.push_back(s.id);
        }
        REQUIRE(batch.commit().ok());
    }
    auto pending = a->counts()->pending;
    MESSAGE("500 students = " << pending << " field changes to push");

    SyncTiming timing;
    timing.backoffMin = std::chrono::milliseconds(1000);
    timing.backoffMax = std::chrono::milliseconds(30000);
    SyncOptions options; // the engine's defaults, as shipped
    auto t0 = std::chrono::steady_clock::now();
    auto elapsedS = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    SyncStatusBoard boardA, boardB;
    SyncEngine engineA(factory(tmp / "a"), boardA, options, timing);
    engineA.start();
    bool pushed = waitUntil(
        [&] {
            auto s = boardA.snapshot();
            return s.state == SyncState::Idle && s.pendingChanges == 0 && s.lastSuccess > 0;
        },
        std::chrono::minutes(10));
    double pushS = elapsedS();
    REQUIRE_MESSAGE(pushed, "A still has " << boardA.snapshot().pendingChanges << " changes, "
                                           << boardA.snapshot().lastErrorKey);
    SyncEngine engineB(factory(tmp / "b"), boardB, options, timing);
    engineB.start();
    bool pulled = waitUntil(
        [&] {
            auto n = b->store().count(RecordType::Student);
            return n.ok() && *n == 500 && boardB.snapshot().state == SyncState::Idle;
        },
        std::chrono::seconds(600) - std::chrono::milliseconds(static_cast<int64_t>(pushS * 1000)));
    double totalS = elapsedS();
    engineA.stop();
    engineB.stop();
    MESSAGE("slow link: A pushed (and pulled back) in " << pushS << " s; B had all 500 after "
                                                      << totalS << " s; proxy moved "
                                                      << proxy.bytesUp() << " B up, "
                                                      << proxy.bytesDown() << " B down");
    REQUIRE_MESSAGE(pulled, "B has " << *b->store().count(RecordType::Student) << " students");
    CHECK(totalS < 600);
    for (const auto& id : ids) {
        auto sa = a->store().get<Student>(id), sb = b->store().get<Student>(id);
        REQUIRE(sa.ok());
        REQUIRE(sb.ok());
        REQUIRE(sb->has_value());
        CHECK((*sb)->name == (*sa)->name);
        CHECK((*sb)->phone == (*sa)->phone);
    }
    auto [nrc, stats] = runShell("nft list ruleset 2>&1; tc -s qdisc show dev lo 2>&1");
    MESSAGE("link counters:\n" << stats);
}
