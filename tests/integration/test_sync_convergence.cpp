// Three devices with real device stores (client/store::Store, the database the staff client and
// zhuxue-cli write), real `zhuxue-cli sync` processes and real zhuxue-server processes (SQLite,
// then two servers sharing one PostgreSQL database). Random edits, concurrent same-field edits,
// kill -9 of devices and servers mid-sync, one device with its clock a year ahead and one a year
// behind (faketime). Afterwards every device and the server hold the same records: nothing lost,
// nothing doubled, every outbox empty within 60 s, every refused change in a quarantine.
#include "tests/support/requirements.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <csignal>
#include <cstdlib>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

void runScenario(std::vector<std::unique_ptr<ServerProcess>>& servers, TempDir& tmp,
                 uint64_t seed) {
    const bool full = std::getenv("ZHUXUE_FULL") != nullptr;
    const int rounds = full ? 30 : 6;
    std::mt19937_64 rng(seed);
    struct Device {
        fs::path dir;
        std::size_t server;
        std::string faketime; // the device's clock skew
    };
    // Clock skew changes nothing about the merge: an HLC moves past every stamp it has seen.
    const bool skew = canSkewClocks();
    if (!skew) {
        cannotRun(kFaketimeMissing);
        return;
    }
    std::vector<Device> devices;
    for (int i = 0; i < 3; ++i) {
        Device d{tmp / ("device" + std::to_string(i)), static_cast<std::size_t>(i) % servers.size(),
                 !skew ? "" : i == 1 ? "+365d" : i == 2 ? "-365d" : ""};
        enrollCli(d.dir, servers[d.server]->url(), servers[d.server]->enrollCode("420527"),
                  d.faketime);
        devices.push_back(d);
    }
    std::set<std::string> inScope;  // ids of every change the server must end up with
    std::size_t outScope = 0;       // changes for a county no device may write
    int deviceKills = 0, serverKills = 0;
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < devices.size(); ++i) {
            auto d = openDevice(devices[i].dir);
            // The device's own processes run with its clock off (faketime) and stamp by that
            // clock plus the offset it learnt from the server. This process's clock is right,
            // so its edits on the device's behalf stamp with no offset.
            const int64_t offset = d->store().clockOffsetMs();
            if (!devices[i].faketime.empty())
                CHECK(std::llabs(offset) > 300LL * 24 * 3600 * 1000); // learnt at enrolment
            REQUIRE(d->store().setClockOffset(0).ok());
            auto made = randomStudentEdits(d->store(), rng, 5 + static_cast<int>(rng() % 20), 6);
            inScope.insert(made.begin(), made.end());
            if (rng() % 4 == 0)
                outScope += randomStudentEdits(d->store(), rng, 1, 1, "420528",
                                               100 + static_cast<int>(i))
                                .size();
            REQUIRE(d->store().setClockOffset(offset).ok());
            if (!devices[i].faketime.empty() && round % 2 == 0) {
                // New records stamped by a clock a year off, made by a real process.
                auto pendingBefore = pendingIds(d->store());
                d.reset();
                Process gen(cliArgv(devices[i].dir,
                                    {"gen-demo", "--students", "2", "--seed",
                                     std::to_string(1000 * seed + 10 * round + i)}),
                            skewEnv(devices[i].faketime), syncLogDir());
                REQUIRE(gen.wait(std::chrono::seconds(60)) == 0);
                d = openDevice(devices[i].dir);
                for (const auto& id : pendingIds(d->store()))
                    if (!pendingBefore.count(id))
                        inScope.insert(id);
            }
        }
        // Everyone syncs at once; one device is killed at a random moment, and now and then a
        // server too (restarted on the same port and storage).
        std::vector<std::unique_ptr<Process>> procs;
        for (auto& d : devices)
            procs.push_back(std::make_unique<Process>(cliArgv(d.dir, {"sync"}),
                                                      skewEnv(d.faketime), syncLogDir()));
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
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
            CHECK(syncCli(d.dir, d.faketime) == 0);
    for (auto& d : devices)
        CHECK(openDevice(d.dir)->counts()->pending == 0);
    CHECK(std::chrono::steady_clock::now() - healStart < std::chrono::seconds(60));
    for (auto& d : devices)
        CHECK(syncCli(d.dir, d.faketime) == 0);

    // The server's view: a fresh device pulls the whole county.
    fs::path observer = tmp / "observer";
    enrollCli(observer, servers[0]->url(), servers[0]->enrollCode("420527,420528"));
    {
        Process s(cliArgv(observer, {"sync"}), {}, syncLogDir());
        REQUIRE(s.wait(std::chrono::seconds(60)) == 0);
        auto out = s.stdoutText();
        auto report = nlohmann::json::parse(out.substr(out.rfind('{')));
        // Nothing lost, nothing doubled: exactly the in-scope changes, each once.
        CHECK(report["pulled"].get<std::size_t>() == inScope.size());
    }
    auto ref = openDevice(observer);
    auto reference = fieldsOf(*ref, "420527");
    std::string referenceRows = recordsDump(ref->store(), "420527");
    CHECK(fieldsOf(*ref, "420528").empty()); // refused changes never reached the server
    std::size_t conflicts = 0;
    for (const auto& [k, st] : reference)
        conflicts += st.inConflict() ? 1 : 0;
    std::size_t quarantined = 0;
    for (auto& d : devices) {
        auto dev = openDevice(d.dir);
        CHECK(fieldsOf(*dev, "420527") == reference);
        CHECK(recordsDump(dev->store(), "420527") == referenceRows);
        quarantined += static_cast<std::size_t>(dev->counts()->quarantined);
    }
    CHECK(quarantined == outScope); // every refused change is visible in a quarantine
    MESSAGE("seed " << seed << ", clocks +0/+365d/-365d, changes " << inScope.size()
                    << ", fields in conflict " << conflicts << ", device kills " << deviceKills
                    << ", server kills " << serverKills);
    CHECK(conflicts > 0);
    CHECK(ref->counts()->conflicts > 0); // concurrent edits are open store conflicts
}

} // namespace

TEST_CASE("three device stores converge through a SQLite server despite kill -9 and skew") {
    TempDir tmp("zhuxue-sync-conv");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server"));
    runScenario(servers, tmp, 42);
}

TEST_CASE("three device stores converge through two servers sharing one PostgreSQL database") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir tmp("zhuxue-sync-conv-pg");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server-a", pg->url()));
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server-b", pg->url()));
    runScenario(servers, tmp, 4242);
}
