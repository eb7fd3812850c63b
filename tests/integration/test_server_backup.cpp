// zhuxue-server backup / restore on SQLite with real processes: a device pushes data, the store is
// backed up while the server runs (and keeps taking pushes), restored into a fresh data dir, a
// server started on it, and a new device pulls exactly what the first device holds.
#include "tests/support/device_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sqlite3.h>

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

// The ids of a server database's change log in the order the server gave them positions.
std::vector<std::string> changeLog(const fs::path& file) {
    sqlite3* db = nullptr;
    std::vector<std::string> ids;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, "SELECT id FROM changes ORDER BY seq", -1, &st, nullptr) == SQLITE_OK,
                    sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW)
        ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ids;
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
    const std::size_t changesBefore = changes;
    const auto fieldsBefore = fieldsOf(device);

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

    // The backup taken during the pushes, on its own: a snapshot of the log at one moment. It
    // holds everything pushed before it began, and of the concurrent pushes a prefix in the
    // server's order (no hole, nothing out of order), never more than was pushed.
    const auto duringLog = changeLog(backup), latestLog = changeLog(latest);
    CHECK(latestLog.size() == changes);
    CHECK(duringLog.size() >= changesBefore);
    REQUIRE(duringLog.size() <= latestLog.size());
    CHECK(std::equal(duringLog.begin(), duringLog.end(), latestLog.begin()));
    MESSAGE("the backup during pushes holds " << duringLog.size() << " of " << changes
                                              << " changes (" << changesBefore << " before it)");

    fs::path restored = tmp / "restored";
    auto r = server({"restore", backup.string(), "--data-dir", restored.string()});
    INFO(r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.out.find("restored from") != std::string::npos);
    {
        // A server on it serves exactly that snapshot: a new device pulls it all, and holds every
        // field the device had synced before the backup began, or a later value of it.
        ServerProcess early(restored);
        early.start();
        fs::path firstComer = tmp / "first-comer";
        REQUIRE(cli(firstComer, {"enroll", early.url(), early.enrollCode("420527")}) == 0);
        std::string firstReport;
        REQUIRE(cli(firstComer, {"sync"}, &firstReport) == 0);
        CHECK(nlohmann::json::parse(firstReport.substr(firstReport.rfind('{')))["pulled"].get<std::size_t>() ==
              duringLog.size());
        const auto got = fieldsOf(firstComer);
        for (const auto& [key, state] : fieldsBefore) {
            auto it = got.find(key);
            REQUIRE_MESSAGE(it != got.end(), "a field synced before the backup is missing");
            CHECK(it->second.winner().hlc >= state.winner().hlc); // hex text: text order is time order
        }
        if (duringLog.size() == changesBefore)
            CHECK(got == fieldsBefore);
        early.stop();
    }
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

TEST_CASE("PostgreSQL: pg_dump while the server runs, pg_restore, a new device pulls what was backed up") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir tmp("zhuxue-server-backup-pg");
    auto original = std::make_unique<ServerProcess>(tmp / "server", pg->url());
    fs::path device = tmp / "device";
    REQUIRE(cli(device, {"enroll", original->url(), original->enrollCode("420527")}) == 0);
    std::mt19937_64 rng(5);
    const std::size_t backedUp = randomStudentEdits(openDevice(device)->store(), rng, 30, 8).size();
    REQUIRE(cli(device, {"sync"}) == 0);
    const auto fieldsAtBackup = fieldsOf(device);

    fs::path backup = tmp / "usb" / "server-backup.pgdump";
    fs::create_directories(backup.parent_path());
    auto b = server({"backup", backup.string(), "--db", pg->url()});
    INFO(b.err);
    REQUIRE(b.rc == 0);
    CHECK(b.out.find(backup.string()) != std::string::npos);
    CHECK(original->running());
    {
        std::ifstream in(backup, std::ios::binary);
        char magic[5] = {};
        in.read(magic, 5);
        CHECK(std::string(magic, 5) == "PGDMP"); // pg_dump's custom format
    }
    // Work after the backup: the restore takes the database back to the backup's moment.
    const std::size_t later = randomStudentEdits(openDevice(device)->store(), rng, 10, 8).size();
    REQUIRE(later > 0);
    REQUIRE(cli(device, {"sync"}) == 0);
    original->stop();

    auto refused = server({"restore", backup.string(), "--db", pg->url()});
    CHECK(refused.rc == 1);
    CHECK(refused.err.find("--force") != std::string::npos);
    auto r = server({"restore", backup.string(), "--db", pg->url(), "--force"});
    INFO(r.err);
    REQUIRE(r.rc == 0);

    ServerProcess again(tmp / "server-again", pg->url());
    fs::path newcomer = tmp / "newcomer";
    REQUIRE(cli(newcomer, {"enroll", again.url(), again.enrollCode("420527")}) == 0);
    std::string report;
    REQUIRE(cli(newcomer, {"sync"}, &report) == 0);
    CHECK(nlohmann::json::parse(report.substr(report.rfind('{')))["pulled"].get<std::size_t>() == backedUp);
    CHECK(fieldsOf(newcomer) == fieldsAtBackup);
    CHECK(fieldsOf(newcomer) != fieldsOf(device)); // the later work is not in the backup
}
