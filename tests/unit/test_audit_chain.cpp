// The audit trail is a hash chain: editing, deleting or cutting off entries is reported by
// Store::check() (and `zhuxue-cli check`), an untouched trail is not.
#include "client/store/crypto/key_vault.hpp"
#include "client/store/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kStaff{"李老师"};

Student student(std::string name) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = std::move(name);
    return s;
}

std::unique_ptr<Store> storeWithTrail(const std::filesystem::path& dir) {
    auto store = Store::open(dir);
    REQUIRE(store.ok());
    for (int i = 0; i < 4; ++i)
        REQUIRE((*store)->save(student("学生" + std::to_string(i)), kStaff).ok());
    REQUIRE((*store)->audit("export", RecordType::Student, Uuid{}, "420527", "roster 4 rows", kStaff)
                .ok());
    return std::move(*store);
}

// As if the trail had been written before schema version 4 (no chain yet).
void unlinkTrail(Store& store) {
    REQUIRE(store.db()
                .exec("UPDATE audit_entry SET prev_hash = NULL, hash = NULL;"
                      " DELETE FROM meta WHERE key = 'audit_head'")
                .ok());
}

std::vector<std::string> problems(Store& store) {
    auto p = store.check();
    REQUIRE(p.ok());
    return *p;
}

bool mentions(const std::vector<std::string>& ps, std::string_view what) {
    for (auto& p : ps)
        if (p.find(what) != std::string::npos)
            return true;
    return false;
}
} // namespace

TEST_CASE("an untouched audit trail checks clean, also after reopening") {
    test::TempDir dir;
    storeWithTrail(dir.path());
    auto store = Store::open(dir.path());
    REQUIRE(store.ok());
    CHECK(problems(**store).empty());
    CHECK((*store)->auditTrail(0, 100)->size() == 5);
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("editing an entry is detected") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    REQUIRE(store->db().exec("UPDATE audit_entry SET user = '王五' WHERE seq = 2").ok());
    CHECK(mentions(problems(*store), "audit entry 2 was changed"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("deleting an entry in the middle is detected") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    REQUIRE(store->db().exec("DELETE FROM audit_entry WHERE seq = 3").ok());
    CHECK(mentions(problems(*store), "audit entry 4 does not follow"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("cutting entries off the end is detected") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    REQUIRE(store->db().exec("DELETE FROM audit_entry WHERE seq >= 4").ok());
    CHECK(mentions(problems(*store), "ends early"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("entries written before the chain existed are linked in by the next write") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    unlinkTrail(*store);
    CHECK(problems(*store).empty()); // an old trail is not an error
    REQUIRE(store->audit("print", RecordType::Student, Uuid{}, "420527", "notice", kStaff).ok());
    CHECK(problems(*store).empty());
    REQUIRE(store->db().exec("UPDATE audit_entry SET summary = 'x' WHERE seq = 1").ok());
    CHECK(mentions(problems(*store), "audit entry 1 was changed"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("entries written in a batch join the chain as they are written") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    {
        Batch rolledBack = store->batch(kStaff);
        REQUIRE(rolledBack.save(student("批量0")).ok());
    } // never committed: neither its entry nor its head stays
    {
        Batch b = store->batch(kStaff);
        for (int i = 1; i <= 3; ++i)
            REQUIRE(b.save(student("批量" + std::to_string(i))).ok());
        REQUIRE(b.commit().ok());
    }
    REQUIRE(store->audit("print", RecordType::Student, Uuid{}, "420527", "notice", kStaff).ok());
    CHECK(store->auditTrail(0, 100)->size() == 9);
    CHECK(problems(*store).empty());
    // The batch's entries are chained like the others: editing one is detected.
    REQUIRE(store->db().exec("UPDATE audit_entry SET summary = 'x' WHERE seq = 7").ok());
    CHECK(mentions(problems(*store), "audit entry 7 was changed"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("a batch after entries written before the chain existed links them first") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    unlinkTrail(*store);
    Batch b = store->batch(kStaff);
    REQUIRE(b.save(student("批量")).ok());
    REQUIRE(b.commit().ok());
    CHECK(problems(*store).empty());
    REQUIRE(store->db().exec("UPDATE audit_entry SET summary = 'x' WHERE seq = 1").ok());
    CHECK(mentions(problems(*store), "audit entry 1 was changed"));
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("records written as a group share one chained entry that names each of them") {
    test::TempDir dir;
    auto store = storeWithTrail(dir.path());
    const Student a = student("覃一"), b = student("覃二"), c = student("覃三");
    {
        Batch batch = store->batch(kStaff);
        batch.beginAuditGroup();
        REQUIRE(batch.create(a).ok());
        REQUIRE(batch.create(b).ok());
        REQUIRE(batch.endAuditGroup().ok());
        batch.beginAuditGroup();
        REQUIRE(batch.create(c).ok());
        REQUIRE(batch.commit().ok()); // ends the open group
    }
    auto trail = *store->auditTrail(5, 100);
    REQUIRE(trail.size() == 2);
    CHECK(trail[0].action == "group");
    CHECK(trail[0].user == "李老师");
    CHECK(trail[0].deviceId == store->deviceId());
    CHECK(trail[0].recordId == a.id);
    CHECK(trail[0].summary == "create student " + a.id.str() + ": county,name; create student " +
                                  b.id.str() + ": county,name");
    CHECK(trail[1].recordId == c.id);
    CHECK(trail[1].summary == "create student " + c.id.str() + ": county,name");
    CHECK(problems(*store).empty());
    // A rolled-back group leaves no entry.
    {
        Batch batch = store->batch(kStaff);
        batch.beginAuditGroup();
        REQUIRE(batch.create(student("覃四")).ok());
    }
    CHECK(store->auditTrail(0, 100)->size() == 7);
    // Naming one record less is tampering like any other edit.
    REQUIRE(store->db()
                .exec("UPDATE audit_entry SET summary = 'create student " + a.id.str() +
                      ": county,name' WHERE seq = 6")
                .ok());
    CHECK(mentions(problems(*store), "audit entry 6 was changed"));
}
