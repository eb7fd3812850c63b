// zhuxue-server backup / restore on SQLite with real processes: a device pushes data, the store is
// backed up while the server runs (and keeps taking pushes), restored into a fresh data dir, a
// server started on it, and a new device pulls exactly what the first device holds.
#include "tests/support/device_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

int cli(const fs::path& device, std::vector<std::string> args, std::string* out = nullptr) {
    std::vector<std::string> argv{binPath("zhuxue-cli").string(), "--data-dir", device.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p(argv, {}, syncLogDir());
    auto rc = p.wait(std::chrono::seconds(60));
    if (!rc || *rc != 0)
        MESSAGE("zhuxue-cli failed: " << p.stderrText());
    if (out)
        *out = p.stdoutText();
    return rc.value_or(-1);
}

struct Run {
    int rc;
    std::string out, err;
};

Run server(std::vector<std::string> args) {
    std::vector<std::string> argv{binPath("zhuxue-server").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p(argv, {}, syncLogDir());
    auto rc = p.wait(std::chrono::seconds(120));
    return {rc.value_or(-1), p.stdoutText(), p.stderrText()};
}

std::map<FieldKey, FieldState> fieldsOf(const fs::path& device) {
    return zhuxue::test::fieldsOf(*openDevice(device), "420527");
}

} // namespace

TEST_CASE("backup while the server runs, restore into a fresh data dir, a new device pulls the same data") {
    TempDir tmp("zhuxue-server-backup");
    ServerProcess original(tmp / "server");
    original.start();
    fs::path device = tmp / "device";
    REQUIRE(cli(device, {"enroll", original.url(), original.enrollCode("420527")}) == 0);
    std::mt19937_64 rng(3);
    std::size_t changes = randomStudentEdits(openDevice(device)->store(), rng, 40, 10).size();
    REQUIRE(cli(device, {"sync"}) == 0);

    // The backup reads its settings from a configuration file, as under systemd.
    fs::path conf = tmp / "server.conf";
    std::ofstream(conf) << "# as in /etc/zhuxue/server.conf\ndata-dir = " << (tmp / "server").string() << "\n";
    fs::path backup = tmp / "usb" / "server-backup.sqlite";
    fs::create_directories(backup.parent_path());
    // A device pushes while the backup runs: the backup is one consistent snapshot either way.
    changes += randomStudentEdits(openDevice(device)->store(), rng, 20, 20, "420527", 20).size();
    Process concurrentSync({binPath("zhuxue-cli").string(), "--data-dir", device.string(), "sync"}, {}, syncLogDir());
    auto b = server({"backup", backup.string(), "--config", conf.string()});
    INFO(b.err);
    REQUIRE(b.rc == 0);
    CHECK(b.out.find(backup.string()) != std::string::npos);
    REQUIRE(concurrentSync.wait(std::chrono::seconds(60)) == 0);
    CHECK(original.running());
    CHECK_FALSE(fs::exists(backup.string() + ".tmp"));

    // Once the pushes are done, a second backup, still with the server running, holds all of it.
    fs::path latest = tmp / "usb" / "server-backup-2.sqlite";
    REQUIRE(server({"backup", latest.string(), "--config", conf.string()}).rc == 0);
    original.stop();

    fs::path restored = tmp / "restored";
    auto r = server({"restore", backup.string(), "--data-dir", restored.string()});
    INFO(r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.out.find("restored from") != std::string::npos);
    // Restoring over data that exists is refused without --force; with it the old file is kept.
    auto refused = server({"restore", latest.string(), "--data-dir", restored.string()});
    CHECK(refused.rc == 1);
    CHECK(refused.err.find("--force") != std::string::npos);
    auto forced = server({"restore", latest.string(), "--data-dir", restored.string(), "--force"});
    CHECK(forced.rc == 0);
    bool keptAside = false;
    for (const auto& e : fs::directory_iterator(restored))
        keptAside |= e.path().filename().string().rfind("zhuxue-server.sqlite.before-restore-", 0) == 0;
    CHECK(keptAside);

    ServerProcess again(restored);
    again.start();
    std::string report;
    fs::path newcomer = tmp / "newcomer";
    REQUIRE(cli(newcomer, {"enroll", again.url(), again.enrollCode("420527")}) == 0);
    REQUIRE(cli(newcomer, {"sync"}, &report) == 0);
    // Every change, none doubled (the last line of the report is JSON for scripts).
    CHECK(nlohmann::json::parse(report.substr(report.rfind('{')))["pulled"].get<std::size_t>() ==
          changes);
    auto expected = fieldsOf(device);
    CHECK(expected.size() >= 30); // at least one field of each of the 30 students
    CHECK(fieldsOf(newcomer) == expected);
}

TEST_CASE("backup and restore refuse what they cannot do, naming the file") {
    TempDir tmp("zhuxue-server-backup-errors");
    auto none = server({"backup", (tmp / "b.sqlite").string(), "--data-dir", (tmp / "empty").string()});
    CHECK(none.rc == 1);
    CHECK(none.err.find("没有可备份的数据 There is no data to back up at") != std::string::npos);
    std::ofstream(tmp / "junk.sqlite") << "not a database at all, just text that is long enough to fill a page";
    auto junk = server({"restore", (tmp / "junk.sqlite").string(), "--data-dir", (tmp / "d").string()});
    CHECK(junk.rc == 1);
    CHECK(junk.err.find("junk.sqlite") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "d" / "zhuxue-server.sqlite"));
    auto badConf = server({"backup", (tmp / "b.sqlite").string(), "--config", (tmp / "missing.conf").string()});
    CHECK(badConf.rc == 2);
    CHECK(badConf.err.find("无法读取配置文件 " + (tmp / "missing.conf").string()) != std::string::npos);
    CHECK(badConf.err.find("Cannot read the configuration file") != std::string::npos);
}
