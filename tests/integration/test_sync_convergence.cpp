// Three devices, real zhuxue-cli sync processes and real zhuxue-server processes (SQLite, then
// two servers sharing one PostgreSQL database). Random edits, concurrent same-field edits,
// kill -9 of devices and servers mid-sync. Afterwards every device and the server hold the same
// data: nothing lost, nothing doubled, every outbox empty.
#include "sync/engine/local_sync_store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <random>
#include <set>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

struct Device {
    fs::path dir;
    std::size_t server = 0; // which server process it talks to
};

std::unique_ptr<LocalSyncStore> openStore(const Device& d) {
    auto s = LocalSyncStore::open(d.dir / "sync.sqlite");
    REQUIRE(s.ok());
    return std::move(*s);
}

std::unique_ptr<Process> startSync(const Device& d) {
    return std::make_unique<Process>(std::vector<std::string>{binPath("zhuxue-cli").string(),
                                                              "--data-dir", d.dir.string(), "sync"},
                                     std::map<std::string, std::string>{}, syncLogDir());
}

int syncToEnd(const Device& d) {
    Process p({binPath("zhuxue-cli").string(), "--data-dir", d.dir.string(), "sync"}, {},
              syncLogDir());
    auto rc = p.wait(std::chrono::seconds(60));
    if (!rc || *rc != 0)
        MESSAGE("sync failed: " << p.stderrText());
    return rc.value_or(-1);
}

std::string recordId(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "01900000-0000-7000-8000-%012d", n);
    return buf;
}

void runScenario(std::vector<std::unique_ptr<ServerProcess>>& servers, TempDir& tmp,
                 uint64_t seed) {
    const bool full = std::getenv("ZHUXUE_FULL") != nullptr;
    const int rounds = full ? 30 : 6;
    std::mt19937_64 rng(seed);
    std::vector<Device> devices;
    for (int i = 0; i < 3; ++i) {
        Device d{tmp / ("device" + std::to_string(i)),
                 static_cast<std::size_t>(i) % servers.size()};
        auto code = servers[d.server]->enrollCode("420527");
        Process p({binPath("zhuxue-cli").string(), "--data-dir", d.dir.string(), "enroll",
                   servers[d.server]->url(), code},
                  {}, syncLogDir());
        REQUIRE(p.wait(std::chrono::seconds(30)) == 0);
        devices.push_back(d);
    }
    std::set<std::string> inScope;  // ids of every edit the server must end up with
    std::set<std::string> outScope; // edits for a county no device may write
    const char* fields[] = {"name", "phone", "school", "_deleted"};
    int deviceKills = 0, serverKills = 0;
    for (int round = 0; round < rounds; ++round) {
        for (auto& d : devices) {
            auto store = openStore(d);
            int edits = 5 + static_cast<int>(rng() % 20);
            for (int e = 0; e < edits; ++e) {
                std::string field = fields[rng() % 4];
                nlohmann::json value = field == "_deleted"
                                           ? nlohmann::json(rng() % 2 == 0)
                                           : nlohmann::json("𠀀值-" + std::to_string(rng() % 1000));
                auto c = store->edit("student", recordId(static_cast<int>(rng() % 6)), "420527",
                                     field, value);
                REQUIRE(c.ok());
                inScope.insert(c->id);
            }
            if (rng() % 4 == 0) {
                auto c = store->edit("student", recordId(100), "420528", "name", "越界");
                REQUIRE(c.ok());
                outScope.insert(c->id);
            }
        }
        // Everyone syncs at once; one device is killed at a random moment, and now and then a
        // server too (restarted on the same port and storage).
        std::vector<std::unique_ptr<Process>> procs;
        for (auto& d : devices)
            procs.push_back(startSync(d));
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 120));
        procs[rng() % procs.size()]->signal(SIGKILL);
        ++deviceKills;
        if (round % 3 == 1) {
            auto& s = servers[rng() % servers.size()];
            s->kill9();
            ++serverKills;
            s->start();
        }
        for (auto& p : procs)
            p->wait(std::chrono::seconds(60));
    }
    // Heal: every outbox drains within 60 s, then one more pass so everyone has everything.
    auto healStart = std::chrono::steady_clock::now();
    for (int pass = 0; pass < 2; ++pass)
        for (auto& d : devices)
            CHECK(syncToEnd(d) == 0);
    for (auto& d : devices) {
        auto store = openStore(d);
        auto counts = store->counts();
        REQUIRE(counts.ok());
        CHECK(counts->pending == 0);
    }
    CHECK(std::chrono::steady_clock::now() - healStart < std::chrono::seconds(60));
    for (auto& d : devices)
        CHECK(syncToEnd(d) == 0);

    // The server's view: a fresh device pulls the whole county.
    Device observer{tmp / "observer", 0};
    {
        auto code = servers[0]->enrollCode("420527,420528");
        Process p({binPath("zhuxue-cli").string(), "--data-dir", observer.dir.string(), "enroll",
                   servers[0]->url(), code},
                  {}, syncLogDir());
        REQUIRE(p.wait(std::chrono::seconds(30)) == 0);
        Process s({binPath("zhuxue-cli").string(), "--data-dir", observer.dir.string(), "sync"}, {},
                  syncLogDir());
        REQUIRE(s.wait(std::chrono::seconds(60)) == 0);
        auto report = nlohmann::json::parse(s.stdoutText());
        // Nothing lost, nothing doubled: exactly the in-scope edits, each once.
        CHECK(report["pulled"].get<std::size_t>() == inScope.size());
    }
    auto reference = openStore(observer)->fields();
    REQUIRE(reference.ok());
    std::size_t conflicts = 0;
    for (const auto& [k, st] : *reference) {
        CHECK(k.recordId != recordId(100)); // refused edits never reached the server
        conflicts += st.inConflict() ? 1 : 0;
    }
    for (auto& d : devices) {
        auto store = openStore(d);
        auto f = store->fields();
        REQUIRE(f.ok());
        std::map<FieldKey, FieldState> inScopeFields;
        for (const auto& [k, st] : *f)
            if (k.recordId != recordId(100))
                inScopeFields[k] = st;
        CHECK(inScopeFields == *reference);
        auto counts = store->counts();
        REQUIRE(counts.ok());
        CHECK(counts->quarantined >= 0);
    }
    std::size_t quarantined = 0;
    for (auto& d : devices)
        quarantined += static_cast<std::size_t>(openStore(d)->counts()->quarantined);
    CHECK(quarantined == outScope.size()); // every refused change is visible in a quarantine
    MESSAGE("edits " << inScope.size() << ", conflicts kept " << conflicts << ", device kills "
                     << deviceKills << ", server kills " << serverKills);
    CHECK(conflicts > 0);
}

} // namespace

TEST_CASE("three devices converge through a SQLite server despite kill -9") {
    TempDir tmp("zhuxue-sync-conv");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server"));
    runScenario(servers, tmp, 42);
}

TEST_CASE("three devices converge through two servers sharing one PostgreSQL database") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        MESSAGE("SKIPPED: PostgreSQL cannot run here: " << whyNot);
        return;
    }
    TempDir tmp("zhuxue-sync-conv-pg");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server-a", pg->url()));
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server-b", pg->url()));
    runScenario(servers, tmp, 4242);
}
