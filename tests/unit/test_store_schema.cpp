// The database file: schema and registry in step, migrations from v1, damaged files kept aside,
// backups and restore through SQLite only.
#include "client/store/schema.hpp"
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <set>
#include <sqlite3.h>

using namespace zhuxue;
using namespace zhuxue::store;
namespace fs = std::filesystem;

namespace {
const Actor kStaff{"李老师"};

Student makeStudent(std::string name) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = std::move(name);
    s.idNumber = "11010519491231002X";
    return s;
}

void flipBytes(const fs::path& file, std::size_t from, std::size_t count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    for (std::size_t i = 0; i < count; ++i) {
        f.seekg(static_cast<std::streamoff>(from + i));
        char c = 0;
        f.get(c);
        f.seekp(static_cast<std::streamoff>(from + i));
        f.put(static_cast<char>(~c));
    }
}
} // namespace

TEST_CASE("the schema matches the record registry, sensitive marks included") {
    test::TempDir dir;
    auto db = openDatabase(dir.path());
    REQUIRE(db.ok());
    std::set<std::pair<std::string, std::string>> inDb, inCode;
    auto st = db->prepare("SELECT table_name, field FROM sensitive_field");
    while (*st->step())
        inDb.emplace(st->text(0), st->text(1));
    for (RecordType t : syncedRecordTypes()) {
        const TableSpec& spec = tableSpec(t);
        CHECK(spec.table == toCode(t));
        std::set<std::string> columns;
        auto info =
            db->prepare("SELECT name FROM pragma_table_info('" + std::string(spec.table) + "')");
        while (*info->step())
            columns.insert(info->text(0));
        std::set<std::string> expected{"id"};
        for (const auto& f : spec.fields) {
            expected.insert(std::string(f.name));
            if (f.sensitive)
                inCode.emplace(spec.table, f.name);
        }
        if (spec.indexOf("id_number") >= 0)
            expected.insert("id_lookup");
        CHECK_MESSAGE(columns == expected, spec.table);
    }
    CHECK(inDb == inCode);
    CHECK(isSensitive("student", "id_number"));
    CHECK(isSensitive("home_visit", "observations"));
    CHECK_FALSE(isSensitive("student", "name"));
}

TEST_CASE("a version 1 database is upgraded on open and its students become searchable") {
    test::TempDir dir;
    Uuid id = newUuidV7();
    {
        auto db =
            Db::open(databasePath(dir.path()).string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        REQUIRE(db.ok());
        REQUIRE(migrate(*db, 1).ok());
        CHECK(*db->queryInt("PRAGMA user_version") == 1);
        auto ins = db->prepare("INSERT INTO student(id, county, name, id_number, id_lookup)"
                               " VALUES(?, '420527', '王𬌗', '11010519491231002X',"
                               " '11010519491231002X')");
        ins->bind(1, id);
        REQUIRE(ins->run().ok());
    }
    auto store = Store::open(dir.path());
    REQUIRE(store.ok());
    CHECK(*(*store)->db().queryInt("PRAGMA user_version") == latestSchemaVersion());
    auto hits = (*store)->search("王𬌗");
    REQUIRE(hits->size() == 1);
    CHECK(hits->front().studentId == id);
    CHECK(hits->front().idTail == "002X");
    // Version 4 sealed the number on open: the whole number is found through the blind index,
    // a fragment of it no longer is (it is not in the search index in clear).
    CHECK((*store)->search("11010519491231002X")->size() == 1);
    CHECK((*store)->search("11010519491231002x")->size() == 1);
    CHECK((*store)->search("1231002")->empty());
    auto raw = (*store)->db().queryText("SELECT id_number || '|' || id_lookup FROM student");
    REQUIRE(raw.ok());
    CHECK((*raw)->find("1231002") == std::string::npos);
}

TEST_CASE("a database from a newer program is refused, not misread") {
    test::TempDir dir;
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        REQUIRE((*store)->db().exec("PRAGMA user_version = 99").ok());
    }
    auto again = Store::open(dir.path());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().key == "store.too_new");
    CHECK(again.error().args.at("version") == "99");
    CHECK(fs::exists(databasePath(dir.path()))); // left alone
}

TEST_CASE("a damaged database is reported, kept aside read-only, and restore is offered") {
    test::TempDir dir;
    Student s = makeStudent("王𬌗");
    fs::path backup;
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        REQUIRE(test::saveConsented(**store, s, kStaff).ok());
        auto b = (*store)->backup();
        REQUIRE(b.ok());
        backup = *b;
        // Never overwrite an existing file, and never leave a partial one.
        CHECK((*store)->backupTo(backup).error().key == "store.backup_exists");
        for (int i = 0; i < 300; ++i)
            REQUIRE(test::saveConsented(**store, makeStudent("学生" + std::to_string(i)), kStaff).ok());
        REQUIRE((*store)->db().exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    }
    fs::path db = databasePath(dir.path());
    auto size = fs::file_size(db);
    flipBytes(db, size / 2, 4096); // a page in the middle of the file
    auto damaged = Store::open(dir.path());
    REQUIRE_FALSE(damaged.ok());
    CHECK(damaged.error().key == "store.damaged");
    fs::path kept = damaged.error().args.at("kept");
    CHECK(damaged.error().args.at("backup") == backup.string());
    CHECK(fs::exists(kept));
    CHECK_FALSE(fs::exists(db));
    CHECK((fs::status(kept).permissions() & fs::perms::owner_write) == fs::perms::none);
    CHECK(fs::file_size(kept) == size); // kept exactly as it was

    REQUIRE(restoreDatabase(dir.path(), backup).ok());
    auto store = Store::open(dir.path());
    REQUIRE(store.ok());
    auto back = (*store)->get<Student>(s.id);
    REQUIRE(back->has_value());
    CHECK((*back)->name == "王𬌗");
    CHECK((*store)->check()->empty());
    CHECK(fs::exists(kept)); // still there after the restore
}

TEST_CASE("restore keeps the current database as a backup first and refuses bad backups") {
    test::TempDir dir;
    Student first = makeStudent("张三"), second = makeStudent("李四");
    fs::path backup;
    {
        auto store = Store::open(dir.path());
        REQUIRE(test::saveConsented(**store, first, kStaff).ok());
        backup = *(*store)->backup();
        REQUIRE(test::saveConsented(**store, second, kStaff).ok());
    }
    fs::path garbage = dir / "garbage.db";
    std::ofstream(garbage) << "this is not a database";
    CHECK(restoreDatabase(dir.path(), garbage).error().key == "store.backup_unreadable");

    REQUIRE(restoreDatabase(dir.path(), backup).ok());
    auto backups = listBackups(dir.path());
    REQUIRE(backups.size() == 2);
    fs::path before;
    for (auto& b : backups)
        if (b.filename().string().starts_with("before-restore-"))
            before = b;
    REQUIRE_FALSE(before.empty());
    {
        auto store = Store::open(dir.path());
        CHECK((*store)->get<Student>(first.id)->has_value());
        CHECK_FALSE((*store)->get<Student>(second.id)->has_value());
    }
    // The work done after the backup is in the before-restore copy.
    REQUIRE(restoreDatabase(dir.path(), before).ok());
    auto store = Store::open(dir.path());
    CHECK((*store)->get<Student>(second.id)->has_value());
}

TEST_CASE("damage found after start-up by verify() is set aside the same way") {
    test::TempDir dir;
    {
        auto store = Store::open(dir.path());
        for (int i = 0; i < 300; ++i)
            REQUIRE(test::saveConsented(**store, makeStudent("学生" + std::to_string(i)), kStaff).ok());
        REQUIRE((*store)->db().exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    }
    fs::path db = databasePath(dir.path());
    flipBytes(db, fs::file_size(db) / 2, 4096);
    OpenOptions unchecked;
    unchecked.check = OpenCheck::None;
    {
        auto store = Store::open(dir.path(), unchecked);
        REQUIRE(store.ok()); // not noticed without a check...
        auto st = (*store)->verify();
        REQUIRE_FALSE(st.ok()); // ...until the worker's verify
        CHECK(st.error().key == "store.damaged");
    }
    Error e = setDamagedAside(dir.path(), "verify");
    CHECK(e.key == "store.damaged");
    CHECK(fs::exists(e.args.at("kept")));
    CHECK_FALSE(fs::exists(db));
    CHECK(e.args.at("backup").empty());
}
