// Encryption at rest: sensitive fields, outbox values and attachment files are ciphertext in the
// files; exact ID lookup works through the blind index; a staff machine's key is wrapped by each
// password and wiped by lockData(); a plaintext database from before version 4 is sealed on the
// first unlock.
#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "client/store/crypto/password_box.hpp"
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace zhuxue;
using namespace zhuxue::store;
namespace fs = std::filesystem;

namespace {
const Actor kStaff{"李老师"};
const std::string kId = "11010519491231002X";
const std::string kPhone = "13812345678";
const std::string kNote = "父亲长期患病，母亲务农";

Student student() {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "张三";
    s.idNumber = kId;
    s.phone = kPhone;
    s.address = "茅坪镇月亮包村3组";
    s.notes = kNote;
    return s;
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("sensitive values and attachments are ciphertext on disk and plain through the store") {
    test::TempDir dir;
    Student s = student();
    const std::string photo = "PHOTO-BYTES-身份证正面-" + kId;
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        CHECK(fs::exists(crypto::KeyVault::deviceKeyPath(dir.path()))); // no staff accounts yet
        REQUIRE(test::saveConsented(**store, s, kStaff).ok());
        Attachment a;
        a.county = "420527";
        a.ownerType = RecordType::Student;
        a.ownerId = s.id;
        a.fileName = "id.jpg";
        auto bytes = std::as_bytes(std::span(photo.data(), photo.size()));
        auto added = (*store)->addAttachment(a, bytes, kStaff);
        REQUIRE(added.ok());
        auto back = (*store)->readAttachment(added->sha256);
        REQUIRE(back.ok());
        CHECK(std::string(reinterpret_cast<const char*>(back->data()), back->size()) == photo);

        auto got = (*store)->get<Student>(s.id);
        REQUIRE(got.ok());
        CHECK((*got)->idNumber == kId);
        CHECK((*got)->notes == kNote);
        CHECK((*store)->studentsByIdNumber("11010519491231002x")->size() == 1);
        CHECK((*store)->search(kId)->size() == 1);
        CHECK((*store)->search("张三")->front().idTail == "002X");
        auto pending = (*store)->pendingChanges(100);
        REQUIRE(pending.ok());
        bool sawId = false;
        for (auto& c : *pending)
            sawId |= c.field == "id_number" && c.valueJson == "\"" + kId + "\"";
        CHECK(sawId); // the sync engine gets plaintext while the key is present
    }
    std::string raw = test::treeBytes(dir.path());
    CHECK_FALSE(contains(raw, kId));
    CHECK_FALSE(contains(raw, kPhone));
    CHECK_FALSE(contains(raw, kNote));
    CHECK_FALSE(contains(raw, "身份证正面"));
    CHECK(contains(raw, "张三")); // names stay in clear for search
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("sealed values never share a nonce, also across a fork") {
    test::TempDir dir;
    auto store = Store::open(dir.path());
    REQUIRE(store.ok());
    // The 24-byte nonce leads each sealed value ("zx1:" + base64(nonce, ciphertext, tag)).
    auto nonceOf = [](const std::string& sealed) {
        std::vector<unsigned char> raw;
        REQUIRE(sealed.starts_with("zx1:"));
        REQUIRE(crypto::fromBase64(std::string_view(sealed).substr(4), raw));
        REQUIRE(raw.size() > 24);
        return std::string(raw.begin(), raw.begin() + 24);
    };
    auto seal = [&] {
        auto s = crypto::KeyVault::seal(dir.path(), "student.phone", kPhone);
        REQUIRE(s.ok());
        return *s;
    };
    std::set<std::string> nonces;
    for (int i = 0; i < 1000; ++i)
        nonces.insert(nonceOf(seal()));
    CHECK(nonces.size() == 1000);
    // A child process goes on sealing with the same key: its nonces must not be the ones its
    // parent uses next.
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(fds[0]);
        auto s = crypto::KeyVault::seal(dir.path(), "student.phone", kPhone);
        std::string out = s.ok() ? *s : std::string();
        (void)!write(fds[1], out.data(), out.size());
        _exit(s.ok() ? 0 : 1);
    }
    close(fds[1]);
    const std::string parentNext = nonceOf(seal());
    std::string fromChild;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
        fromChild.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(nonceOf(fromChild) != parentNext);
    CHECK_FALSE(nonces.contains(nonceOf(fromChild)));
    auto opened = crypto::KeyVault::open(dir.path(), "student.phone", fromChild);
    REQUIRE(opened.ok());
    CHECK(*opened == kPhone);
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("a staff machine: the key is wrapped per password and locking wipes it") {
    test::TempDir dir;
    Student s = student();
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        REQUIRE(test::saveConsented(**store, s, kStaff).ok());
    }
    auto accounts = Accounts::open(dir.path());
    REQUIRE(accounts.ok());
    REQUIRE((*accounts)->create("admin", "管理员", Role::Admin, "correct horse").ok());
    REQUIRE((*accounts)->create("li", "李老师", Role::Staff, "battery staple").ok());
    CHECK_FALSE(fs::exists(crypto::KeyVault::deviceKeyPath(dir.path()))); // only wrapped now
    CHECK(*Accounts::hasKeyWraps(dir.path()));

    auto store = Store::open(dir.path());
    REQUIRE(store.ok());
    CHECK((*store)->get<Student>(s.id)->value().idNumber == kId);

    (*accounts)->lockData();
    auto locked = (*store)->get<Student>(s.id);
    REQUIRE_FALSE(locked.ok());
    CHECK(locked.error().key == "store.locked");
    Student changed = s;
    changed.phone = "13900000000";
    auto refused = (*store)->save(changed, kStaff);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "store.locked");
    CHECK((*store)->pendingChanges(10).error().key == "store.locked"); // sync waits
    CHECK((*store)->search("张三").error().key == "store.locked");

    // A store opened while locked stays locked (no new key is made behind the staff's back).
    {
        auto again = Store::open(dir.path());
        REQUIRE(again.ok());
        CHECK((*again)->get<Student>(s.id).error().key == "store.locked");
    }
    CHECK((*accounts)->signIn("li", "wrong password", 1000).error().key == "accounts.wrong");
    CHECK_FALSE(crypto::KeyVault::unlocked(dir.path()));
    REQUIRE((*accounts)->signIn("li", "battery staple", 2000).ok());
    CHECK((*store)->get<Student>(s.id)->value().idNumber == kId);
    REQUIRE((*store)->save(changed, kStaff).ok());
    (*accounts)->lockData();
    REQUIRE((*accounts)->signIn("admin", "correct horse", 3000).ok());
    CHECK((*store)->get<Student>(s.id)->value().phone == "13900000000");
    crypto::KeyVault::lock(dir.path());
}

TEST_CASE("a plaintext database from before version 4 is sealed on the first unlock") {
    test::TempDir dir;
    Student s = student();
    {
        auto db = openDatabase(dir.path(), OpenOptions{});
        REQUIRE(db.ok());
    }
    {
        // Write the way version 2 did: plain values and the plain number as lookup key.
        auto db = Db::open((dir.path() / "zhuxue.db").string(), SQLITE_OPEN_READWRITE);
        REQUIRE(db.ok());
        REQUIRE(db->exec("DELETE FROM meta WHERE key = 'at_rest'").ok());
        auto ins = db->prepare("INSERT INTO student(id, county, name, id_number, id_lookup, phone,"
                               " notes) VALUES(?, '420527', '张三', ?, ?, ?, ?)");
        REQUIRE(ins.ok());
        ins->bind(1, s.id).bind(2, kId).bind(3, kId).bind(4, kPhone).bind(5, kNote);
        REQUIRE(ins->run().ok());
        REQUIRE(db->exec("INSERT INTO student_search(rowid, name, other) VALUES(1, '张三', '" +
                         kId + "')")
                    .ok());
    }
    {
        auto store = Store::open(dir.path());
        REQUIRE(store.ok());
        auto got = (*store)->get<Student>(s.id);
        REQUIRE(got.ok());
        CHECK((*got)->notes == kNote);
        CHECK((*store)->studentsByIdNumber(kId)->size() == 1);
    }
    std::string raw = test::treeBytes(dir.path());
    CHECK_FALSE(contains(raw, kId));
    CHECK_FALSE(contains(raw, kPhone));
    CHECK_FALSE(contains(raw, kNote));
    crypto::KeyVault::lock(dir.path());
}
