// Upgrades from every earlier schema version, device and server: a database made by the old SQL
// itself, with data in it, opened by the current code loses nothing; a migration that fails
// reports a clear error and leaves the old database as it was and usable.
#include "client/store/accounts.hpp"
#include "client/store/schema.hpp"
#include "client/store/store.hpp"
#include "sync/server/storage.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

using namespace zhuxue;
using namespace zhuxue::store;
namespace fs = std::filesystem;

namespace {

// A raw connection: the old versions are built without any of the current code's help.
struct Raw {
    sqlite3* db = nullptr;
    explicit Raw(const fs::path& file) { REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK); }
    ~Raw() { sqlite3_close(db); }
    void exec(const std::string& sql) {
        char* err = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        INFO(sql << ": " << (err ? err : ""));
        sqlite3_free(err);
        REQUIRE(rc == SQLITE_OK);
    }
    std::string text(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_column_text(st, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return out;
    }
};

const char* kNames[] = {"王𬌗", "覃秭归", "欧阳𠀀"};

// The device database at `version`, made by the released migration SQL, with three students.
void buildDeviceAt(const fs::path& dataDir, int version) {
    fs::create_directories(dataDir);
    Raw raw(databasePath(dataDir));
    raw.exec("BEGIN");
    for (const auto& m : migrations())
        if (m.version <= version)
            for (auto step : m.steps)
                raw.exec(std::string(step));
    raw.exec("PRAGMA user_version = " + std::to_string(version));
    for (int i = 0; i < 3; ++i)
        raw.exec("INSERT INTO student(id, county, name, id_number) VALUES(randomblob(16), '420527', '" +
                 std::string(kNames[i]) + "', '42052720050101002X')");
    raw.exec("COMMIT");
}

// zhuxue-server's SQLite schema as released in 0.1 (version 1; the server has no later one yet).
constexpr const char* kServerV1 = R"(
CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, county TEXT NOT NULL,
    record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
    hlc TEXT NOT NULL, device TEXT NOT NULL, base TEXT NOT NULL, received_at INTEGER NOT NULL);
CREATE TABLE devices(id TEXT PRIMARY KEY, name TEXT NOT NULL, counties TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, enrolled_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE enroll_codes(code_hash TEXT PRIMARY KEY, counties TEXT NOT NULL, name TEXT NOT NULL,
    expires_at INTEGER NOT NULL, used_at INTEGER NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '');
CREATE TABLE blobs(sha TEXT PRIMARY KEY, size INTEGER NOT NULL, total INTEGER NOT NULL, complete INTEGER NOT NULL);
CREATE TABLE blob_parts(sha TEXT NOT NULL, off INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(sha, off));
)";

void insertServerChanges(Raw& raw, int n) {
    for (int i = 0; i < n; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "01900000-0000-7000-8000-%012d", i);
        raw.exec(std::string("INSERT INTO changes(id, county, record_type, record_id, field, value, hlc, device, base, "
                             "received_at) VALUES('") + id + "', '420527', 'student', '01900000-0000-7000-8000-000000000001', "
                 "'name', '\"" + kNames[i % 3] + "\"', '0000019000000000-0000', "
                 "'01900000-0000-7000-8000-0000000000aa', '', 1700000000)");
    }
}

} // namespace

TEST_CASE("the device store opens every earlier schema version with its data intact") {
    for (const auto& m : migrations()) {
        CAPTURE(m.version);
        test::TempDir dir("zhuxue-migrate-device");
        buildDeviceAt(dir.path(), m.version);
        auto store = Store::open(dir.path());
        REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().key + " " + store.error().detail));
        CHECK(*(*store)->db().queryInt("PRAGMA user_version") == latestSchemaVersion());
        CHECK(*(*store)->count(RecordType::Student) == 3);
        std::set<std::string> names;
        REQUIRE((*store)->forEach<Student>([&](const Student& s) {
            names.insert(s.name);
            CHECK(s.idNumber == "42052720050101002X");
            return true;
        }).ok());
        CHECK(names == std::set<std::string>(std::begin(kNames), std::end(kNames)));
        CHECK((*store)->search("覃秭归")->size() == 1); // the search index was built for old rows too
        CHECK((*store)->check()->empty());
    }
}

TEST_CASE("changes pending in a version 8 outbox are pushed unchanged after the upgrade") {
    test::TempDir dir("zhuxue-migrate-outbox");
    buildDeviceAt(dir.path(), 8);
    {
        // Two field changes of one student as version 8 logged them: one row per field.
        Raw raw(databasePath(dir.path()));
        raw.exec("INSERT INTO outbox(change_id, record_type, record_id, county, field, value, hlc,"
                 " device, base_hlc) VALUES"
                 " (x'0190000000007000800000000000c001', 'student', x'0190000000007000800000000000aa01',"
                 "  '420527', 'county', '\"420527\"', 1000, x'0190000000007000800000000000dd01', NULL),"
                 " (x'0190000000007000800000000000c002', 'student', x'0190000000007000800000000000aa01',"
                 "  '420527', 'name', '\"王𬌗\"', 1000, x'0190000000007000800000000000dd01', 900)");
    }
    auto store = Store::open(dir.path());
    REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().key + " " + store.error().detail));
    CHECK(*(*store)->db().queryInt("PRAGMA user_version") == latestSchemaVersion());
    CHECK(*(*store)->pendingCount() == 2);
    auto pending = (*store)->pendingChanges(100);
    REQUIRE(pending.ok());
    REQUIRE(pending->size() == 2);
    CHECK((*pending)[0].changeId.str() == "01900000-0000-7000-8000-00000000c001");
    CHECK((*pending)[0].field == "county");
    CHECK((*pending)[0].valueJson == "\"420527\"");
    CHECK((*pending)[1].field == "name");
    CHECK((*pending)[1].valueJson == "\"王𬌗\"");
    CHECK((*pending)[1].hlc.value == 1000);
    REQUIRE((*pending)[1].base.has_value());
    CHECK((*pending)[1].base->value == 900);
    CHECK((*pending)[1].device.str() == "01900000-0000-7000-8000-00000000dd01");
    // A record created after the upgrade joins them as one row, read after them.
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "覃秭归";
    REQUIRE((*store)->save(s, {"李老师"}).ok());
    auto all = (*store)->pendingChanges(100);
    REQUIRE(all->size() == 4);
    CHECK((*all)[2].recordId == s.id);
    CHECK((*all)[3].valueJson == "\"覃秭归\"");
    std::vector<Uuid> ids{(*pending)[0].changeId, (*pending)[1].changeId};
    REQUIRE((*store)->markAcknowledged(ids).ok());
    CHECK(*(*store)->pendingCount() == 2);
}

TEST_CASE("connections opening an old database at the same moment all open it, migrated once") {
    // The staff client opens its screen connections while its sync worker opens its own: after an
    // upgrade the first start failed with "table ... already exists" for the one that lost the
    // race (seen by hand). Four connections at once, several times over.
    for (int round = 0; round < 5; ++round) {
        CAPTURE(round);
        test::TempDir dir("zhuxue-migrate-race");
        buildDeviceAt(dir.path(), 6);
        std::vector<std::thread> threads;
        std::vector<std::string> errors(4);
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&, i] {
                auto store = Store::open(dir.path());
                if (!store)
                    errors[static_cast<size_t>(i)] = store.error().key + " " + store.error().detail;
            });
        for (auto& t : threads)
            t.join();
        for (const auto& e : errors)
            CHECK_MESSAGE(e.empty(), e);
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        CHECK(*(*store)->db().queryInt("PRAGMA user_version") == latestSchemaVersion());
        CHECK(*(*store)->count(RecordType::Student) == 3);
    }
}

namespace {
// A VFS that is the default one but counts the locks refused to the connections opened through it
// (SQLITE_BUSY from xLock): the proof that a connection met another's lock and waited for it.
// Each main database file gets a copy of the real methods with xLock wrapped; all else is the
// real VFS's own code working on its own file object.
std::atomic<int> g_locksRefused{0};
sqlite3_vfs* g_realVfs = nullptr;
const sqlite3_io_methods* g_realMethods = nullptr;
sqlite3_io_methods g_countingMethods;
sqlite3_vfs g_countingVfs;

int countingLock(sqlite3_file* f, int level) {
    int rc = g_realMethods->xLock(f, level);
    if (rc == SQLITE_BUSY)
        ++g_locksRefused;
    return rc;
}

int countingOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    int rc = g_realVfs->xOpen(g_realVfs, name, f, flags, outFlags);
    if (rc == SQLITE_OK && f->pMethods && (flags & SQLITE_OPEN_MAIN_DB)) {
        if (!g_realMethods) {
            g_realMethods = f->pMethods;
            g_countingMethods = *f->pMethods;
            g_countingMethods.xLock = countingLock;
        }
        if (f->pMethods == g_realMethods)
            f->pMethods = &g_countingMethods;
    }
    return rc;
}

const char* lockCountingVfs() {
    if (!g_realVfs) {
        g_realVfs = sqlite3_vfs_find(nullptr);
        g_countingVfs = *g_realVfs;
        g_countingVfs.zName = "zhuxue-lock-count";
        g_countingVfs.xOpen = countingOpen;
        g_countingVfs.pNext = nullptr;
        REQUIRE(sqlite3_vfs_register(&g_countingVfs, 0) == SQLITE_OK);
    }
    return g_countingVfs.zName;
}
} // namespace

TEST_CASE("an old database in rollback mode opens while another program is writing to it") {
    // Switching the file to WAL reads it, then writes its header. When another connection holds
    // the write lock at that moment SQLite refuses at once, without waiting: CI failed one round
    // in about a hundred of the test above with "database is locked". Here the other writer holds
    // the lock until the opener has been refused it several times, then lets go.
    test::TempDir dir("zhuxue-migrate-writer");
    buildDeviceAt(dir.path(), 6);
    Raw other(databasePath(dir.path()));
    other.exec("BEGIN IMMEDIATE");
    OpenOptions options;
    options.vfs = lockCountingVfs();
    g_locksRefused = 0;
    std::atomic<bool> finished{false};
    std::string error = "not finished";
    std::thread opener([&] {
        auto store = Store::open(dir.path(), options);
        error = store ? std::string() : store.error().key + " " + store.error().detail;
        finished = true;
    });
    // The opener keeps trying for five seconds; three refusals come within milliseconds. The wait
    // is a hang guard: should it run out, the opener has given up and the CHECKs below say so.
    constexpr int kRefusals = 3;
    const bool refused = test::waitUntil([&] { return g_locksRefused >= kRefusals || finished; },
                                         std::chrono::seconds(30));
    const int refusedWhileHeld = g_locksRefused;
    const bool finishedWhileHeld = finished;
    other.exec("COMMIT");
    opener.join();
    CHECK(refused);
    CHECK_MESSAGE(refusedWhileHeld >= kRefusals, "the opener never met the other writer's lock");
    CHECK_MESSAGE(!finishedWhileHeld, "the opener finished while the lock was held: " << error);
    CHECK_MESSAGE(error.empty(), error);
    CHECK(other.text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("the client and its sync worker open an old accounts file at the same moment") {
    // Accounts made by the first release: no columns for key wraps, server accounts or disabling.
    // Both connections used to add the missing columns, and the loser failed ("duplicate column"
    // or "database is locked"), as did a fresh file switched to WAL by both at once.
    for (int round = 0; round < 10; ++round) {
        CAPTURE(round);
        test::TempDir dir("zhuxue-migrate-accounts");
        if (round % 2 == 0) {
            Raw raw(Accounts::path(dir.path()));
            raw.exec("CREATE TABLE account (user TEXT PRIMARY KEY, display_name TEXT NOT NULL,"
                     " role TEXT NOT NULL, pw_hash TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,"
                     " locked_until INTEGER NOT NULL DEFAULT 0,"
                     " last_sign_in INTEGER NOT NULL DEFAULT 0) STRICT");
            raw.exec("INSERT INTO account(user, display_name, role, pw_hash) VALUES('li', '李老师',"
                     " 'staff', 'x')");
        }
        std::vector<std::thread> threads;
        std::vector<std::string> errors(4);
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&, i] {
                auto accounts = Accounts::open(dir.path());
                if (!accounts)
                    errors[static_cast<size_t>(i)] =
                        accounts.error().key + " " + accounts.error().detail;
            });
        for (auto& t : threads)
            t.join();
        for (const auto& e : errors)
            CHECK_MESSAGE(e.empty(), e);
        auto accounts = Accounts::open(dir.path());
        REQUIRE(accounts.ok());
        CHECK((*accounts)->list()->size() == (round % 2 == 0 ? 1u : 0u));
    }
}

TEST_CASE("a device migration that fails reports why and leaves the old database as it was") {
    test::TempDir dir("zhuxue-migrate-device-fail");
    fs::create_directories(dir.path());
    {
        // A database at version 0 holding an object that migration 1 needs to create.
        Raw raw(databasePath(dir.path()));
        raw.exec("CREATE TABLE student(legacy TEXT); INSERT INTO student VALUES('旧数据 old row')");
    }
    auto store = Store::open(dir.path());
    REQUIRE_FALSE(store.ok());
    INFO(store.error().key << " " << store.error().detail);
    CHECK(store.error().key != "store.damaged"); // not mistaken for damage: the file stays in place
    CHECK(store.error().detail.find("student") != std::string::npos);
    REQUIRE(fs::exists(databasePath(dir.path())));
    Raw raw(databasePath(dir.path()));
    CHECK(raw.text("PRAGMA user_version") == "0");
    CHECK(raw.text("SELECT legacy FROM student") == "旧数据 old row");
    CHECK(raw.text("SELECT count(*) FROM sqlite_master WHERE name = 'meta'") == "0"); // rolled back whole
    CHECK(raw.text("PRAGMA integrity_check") == "ok");
}

TEST_CASE("the server's SQLite store opens a version 1 file with its data intact") {
    test::TempDir dir("zhuxue-migrate-server");
    fs::path file = dir / "zhuxue-server.sqlite";
    {
        Raw raw(file);
        raw.exec(kServerV1);
        insertServerChanges(raw, 5);
    }
    auto storage = sync::server::openSqliteStorage(file.string());
    REQUIRE_MESSAGE(storage.ok(), (storage.ok() ? "" : storage.error().detail));
    CHECK(*(*storage)->changeCount() == 5);
    auto page = (*storage)->pull({"420527"}, 0, 100);
    REQUIRE(page.ok());
    REQUIRE(page->changes.size() == 5);
    CHECK(page->changes[1].value == "覃秭归");
}

TEST_CASE("a server schema upgrade that fails reports the file and why, and the old store stays usable") {
    test::TempDir dir("zhuxue-migrate-server-fail");
    fs::path file = dir / "zhuxue-server.sqlite";
    {
        Raw raw(file);
        raw.exec(kServerV1);
        insertServerChanges(raw, 3);
        // A conflicting object where the current code creates an index.
        raw.exec("CREATE TABLE changes_county_seq(x)");
    }
    auto failed = sync::server::openSqliteStorage(file.string());
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().detail.find(file.string()) != std::string::npos);
    CHECK(failed.error().detail.find("changes_county_seq") != std::string::npos);
    {
        Raw raw(file);
        CHECK(raw.text("SELECT count(*) FROM changes") == "3");
        CHECK(raw.text("PRAGMA integrity_check") == "ok");
        raw.exec("DROP TABLE changes_county_seq"); // what the administrator does after reading the error
    }
    auto storage = sync::server::openSqliteStorage(file.string());
    REQUIRE(storage.ok());
    CHECK(*(*storage)->changeCount() == 3);
}
