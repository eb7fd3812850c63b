#include "tests/support/slow_link.hpp"

#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "client/store/consent_files.hpp"
#include "client/store/paths.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"

#include <fstream>
#include <sched.h>
#include <unistd.h>

namespace zhuxue::test {

namespace fs = std::filesystem;
using namespace zhuxue::sync;

namespace {

bool writeFile(const char* path, const std::string& text) {
    std::ofstream f(path);
    f << text;
    f.flush();
    return static_cast<bool>(f);
}

SyncEngine::StoreFactory factory(const fs::path& dir) {
    return [dir]() -> Result<std::unique_ptr<SyncStore>> {
        auto s = DeviceSyncStore::open(dir);
        if (!s)
            return s.error();
        return std::unique_ptr<SyncStore>(std::move(*s));
    };
}

// 500 students with consent, phone and ID number, in one transaction, as a village day's work.
// (Consent is made here, not with tests/support/consent.hpp, whose doctest checks the benchmark
// program cannot link.)
Status fiveHundred(DeviceSyncStore& d, const std::string& county, std::vector<Uuid>* ids = nullptr) {
    auto text = store::loadCurrentConsentText(assetsDir());
    if (!text)
        return text.error();
    auto batch = d.store().batch(store::Actor{"staff"});
    for (int i = 0; i < 500; ++i) {
        Student s;
        s.id = newUuidV7();
        s.county = county;
        s.name = "学生" + std::to_string(i);
        s.idNumber = "11010519491231002X";
        s.phone = "1381234" + std::to_string(1000 + i);
        s.township = "茅坪镇";
        s.village = "兰陵溪村";
        if (auto st = batch.save(store::makeConsent(*text, "zh-CN", ConsentParty::Student, s.county, s.id, s.id,
                                                    s.name, ConsentMethod::OnScreen, "staff"));
            !st)
            return st;
        if (auto st = batch.save(s); !st)
            return st;
        if (ids)
            ids->push_back(s.id);
    }
    return batch.commit();
}

Result<std::unique_ptr<DeviceSyncStore>> enrolled(const fs::path& dir, const std::string& url,
                                                  ServerProcess& server, const std::string& county,
                                                  const std::string& name) {
    auto d = DeviceSyncStore::open(dir);
    if (!d)
        return d.error();
    if (auto c = enrollDevice(**d, url, server.enrollCode(county), name); !c)
        return c.error();
    return std::move(*d);
}

int64_t students(DeviceSyncStore& d) {
    auto n = d.store().count(RecordType::Student);
    return n ? *n : -1;
}

} // namespace

std::string enterPrivateNetwork() {
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNET) != 0)
            return "unshare(CLONE_NEWNET) refused";
    } else {
        uid_t uid = ::getuid();
        gid_t gid = ::getgid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
            return "unshare(CLONE_NEWUSER | CLONE_NEWNET) refused (user namespaces disabled?)";
        if (!writeFile("/proc/self/setgroups", "deny") ||
            !writeFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
            !writeFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
            return "cannot map the user namespace";
    }
    auto [rc, out] = runShell("ip link set lo up && ip link set lo mtu 1500 2>&1");
    if (rc != 0)
        return "cannot bring up loopback in the namespace (iproute2): " + out;
    return "";
}

SlowLinkRun runSlowLink(const fs::path& dir, std::chrono::seconds hangGuard) {
    SlowLinkRun run;
    auto fail = [&](std::string why) {
        run.failure = std::move(why);
        return run;
    };
    ServerProcess server(dir / "server");

    // The basis: the same work over plain loopback, one round each, before the link is shaped.
    {
        FaultProxy clean(server.port(), 1);
        auto c = enrolled(dir / "clean-a", clean.url(), server, "420528", "basis A");
        auto d = enrolled(dir / "clean-b", clean.url(), server, "420528", "basis B");
        if (!c || !d)
            return fail("basis devices: " + (c ? d.error().detail : c.error().detail));
        if (auto st = fiveHundred(**c, "420528"); !st)
            return fail("basis students: " + st.error().detail);
        auto cred = (*c)->credentials();
        SyncClient client(cred->url, cred->token);
        auto r = syncOnce(**c, client, SyncOptions{});
        if (!r)
            return fail("basis push: " + r.error().detail);
        run.cleanUp = clean.bytesUp();
        run.cleanDown = clean.bytesDown();
        auto credD = (*d)->credentials();
        SyncClient clientD(credD->url, credD->token);
        auto rd = syncOnce(**d, clientD, SyncOptions{});
        if (!rd || students(**d) != 500)
            return fail("basis pull: " + (rd ? std::to_string(students(**d)) + " students" : rd.error().detail));
        run.cleanPullUp = clean.bytesUp() - run.cleanUp;
        run.cleanPullDown = clean.bytesDown() - run.cleanDown;
    }

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
    if (rc != 0)
        return fail("tc tbf / nftables unavailable (iproute2, nftables): " + out);

    // Enrollment happens at the county office; the slow line is for the days after.
    auto a = enrolled(dir / "a", proxy.url(), server, "420527", "村里的笔记本");
    auto b = enrolled(dir / "b", proxy.url(), server, "420527", "县资助中心");
    if (!a || !b)
        return fail("devices: " + (a ? b.error().detail : a.error().detail));
    std::vector<Uuid> ids;
    if (auto st = fiveHundred(**a, "420527", &ids); !st)
        return fail("students: " + st.error().detail);
    auto counts = (*a)->counts();
    run.changes = counts ? counts->pending : -1;

    SyncTiming timing;
    timing.backoffMin = std::chrono::milliseconds(1000);
    timing.backoffMax = std::chrono::milliseconds(30000);
    SyncOptions options; // the engine's defaults, as shipped
    const int64_t up0 = proxy.bytesUp(), down0 = proxy.bytesDown();
    auto t0 = std::chrono::steady_clock::now();
    auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    SyncStatusBoard boardA, boardB;
    SyncEngine engineA(factory(dir / "a"), boardA, options, timing);
    engineA.start();
    bool pushed = waitUntil(
        [&] {
            auto s = boardA.snapshot();
            return s.state == SyncState::Idle && s.pendingChanges == 0 && s.lastSuccess > 0;
        },
        hangGuard);
    engineA.stop();
    run.pushS = since();
    run.upA = proxy.bytesUp() - up0;
    run.downA = proxy.bytesDown() - down0;
    if (!pushed)
        return fail("A still has " + std::to_string(boardA.snapshot().pendingChanges) + " changes to push (" +
                    boardA.snapshot().lastErrorKey + ") after " + std::to_string(hangGuard.count()) + " s");
    SyncEngine engineB(factory(dir / "b"), boardB, options, timing);
    engineB.start();
    bool pulled = waitUntil(
        [&] { return students(**b) == 500 && boardB.snapshot().state == SyncState::Idle; }, hangGuard);
    engineB.stop();
    run.totalS = since();
    run.upB = proxy.bytesUp() - up0 - run.upA;
    run.downB = proxy.bytesDown() - down0 - run.downA;
    run.linkCounters = runShell("nft list ruleset 2>&1; tc -s qdisc show dev lo 2>&1").second;
    if (!pulled)
        return fail("B has " + std::to_string(students(**b)) + " students after " + std::to_string(hangGuard.count()) +
                    " s");
    // The same students on both, field for field as a person reads them.
    for (const auto& id : ids) {
        auto sa = (*a)->store().get<Student>(id), sb = (*b)->store().get<Student>(id);
        if (!sa || !sb || !*sa || !*sb)
            return fail("student " + id.str() + " cannot be read on both devices");
        if ((**sb).name != (**sa).name || (**sb).phone != (**sa).phone || (**sb).idNumber != (**sa).idNumber ||
            (**sb).village != (**sa).village)
            return fail("student " + id.str() + " differs: " + (**sa).name + " / " + (**sb).name);
    }
    return run;
}

} // namespace zhuxue::test
