// Staff accounts made on the server reach the devices of their county through sync: a real
// zhuxue-server on loopback, `zhuxue-server account ...` run as the administrator would, and real
// device stores. The synced account signs in offline and reads the family's sealed details;
// wrong passwords count on disk; a password reset works after the next sync; disabling ends a
// signed-in session in that sync and refuses the sign-in with a Chinese message; a device of
// another county never receives the account; no password reaches the server's files or logs.
#include "client/store/accounts.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/server_account.hpp"
#include "tests/support/device_fixture.hpp"

#include <fstream>
#include <iterator>

using namespace zhuxue;
using namespace zhuxue::test;
using store::Accounts;
using store::Role;
using store::crypto::KeyVault;
namespace fs = std::filesystem;

namespace {

const std::string kIdNumber = "42052719900307123X";
const std::string kWangPassword = "wang-秭归-2026";
const std::string kWangNewPassword = "wang-new-pass-9";

// Runs `zhuxue-server account ARGS` with `password` on standard input. `storage`: the server's
// data directory, or a postgresql:// URL.
std::pair<int, std::string> account(const std::string& storage, const std::string& args,
                                    const std::string& password = {}) {
    std::string where = storage.rfind("postgresql://", 0) == 0 ? " --db '" + storage + "'"
                                                                : " --data-dir '" + storage + "'";
    std::string cmd = "printf '%s\\n' '" + password + "' | " + binPath("zhuxue-server").string() +
                      " account " + args + where + " 2>&1";
    return runShell(cmd);
}

std::unique_ptr<Accounts> openAccounts(const fs::path& dir) {
    auto a = Accounts::open(dir);
    REQUIRE(a.ok());
    return std::move(*a);
}

Result<sync::SyncReport> syncNow(sync::DeviceSyncStore& device) {
    auto cred = device.credentials();
    REQUIRE(cred.ok());
    sync::SyncClient client(cred->url, cred->token);
    return sync::syncOnce(device, client, sync::SyncOptions{});
}

UnixMs now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TEST_CASE("a server account reaches its county's devices, signs in offline, and follows passwd and disable") {
    TempDir dir;
    const fs::path a = dir.path() / "a", b = dir.path() / "b";
    const std::string serverDir = (dir.path() / "server").string();
    ServerProcess server(serverDir);

    // Device A (Zigui, 420527) holds a family; its administrator is a local account.
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "向小梅";
    s.idNumber = kIdNumber;
    auto deviceA = openDevice(a);
    REQUIRE(saveConsented(deviceA->store(), s, store::Actor{"admin"}).ok());
    REQUIRE(openAccounts(a)->create("admin", "管理员", Role::Admin, "admin password A").ok());
    REQUIRE(sync::enrollDevice(*deviceA, server.url(), server.enrollCode("420527"), "A").ok());
    // Device B belongs to another county (Changyang, 420528).
    auto deviceB = openDevice(b);
    REQUIRE(openAccounts(b)->create("admin", "管理员", Role::Admin, "admin password B").ok());
    REQUIRE(sync::enrollDevice(*deviceB, server.url(), server.enrollCode("420528"), "B").ok());

    // Bad input on the server says what is wrong, in Chinese first.
    auto badCounty = account(serverDir, "add wang --county 42052 --role staff", kWangPassword);
    CHECK(badCounty.first == 2);
    CHECK(badCounty.second.find("账号所属县的区划代码不对：“42052”") != std::string::npos);
    CHECK(badCounty.second.find("Wrong county code for the account") != std::string::npos);
    auto weak = account(serverDir, "add wang --county 420527 --role staff", "short");
    CHECK(weak.first == 2);
    CHECK(weak.second.find("密码太短：至少需要 8 个字符") != std::string::npos);

    auto added = account(serverDir, "add wang --county 420527 --role staff --name 王老师", kWangPassword);
    REQUIRE_MESSAGE(added.first == 0, added.second);
    REQUIRE(account(serverDir, "add zhao --county 420528 --role volunteer", "zhao password").first == 0);
    auto listed = account(serverDir, "list");
    CHECK(listed.second.find("wang\t王老师\tstaff\t420527") != std::string::npos);

    // A syncs while its administrator is signed in: wang arrives and gets A's data key sealed.
    KeyVault::lock(a);
    REQUIRE(openAccounts(a)->signIn("admin", "admin password A", now()).ok());
    auto r = syncNow(*deviceA);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    CHECK(r->accounts == 1);
    {
        auto wang = findAccount(*openAccounts(a), "wang");
        REQUIRE(wang);
        CHECK(wang->fromServer);
        CHECK(wang->role == Role::Staff);
        CHECK(wang->displayName == "王老师");
        CHECK_FALSE(findAccount(*openAccounts(a), "zhao"));
    }
    // B of another county never receives wang (and gets its own zhao).
    KeyVault::lock(b);
    REQUIRE(openAccounts(b)->signIn("admin", "admin password B", now()).ok());
    auto rb = syncNow(*deviceB);
    REQUIRE(rb.ok());
    CHECK(rb->accounts == 1);
    CHECK_FALSE(findAccount(*openAccounts(b), "wang"));
    CHECK(findAccount(*openAccounts(b), "zhao"));
    KeyVault::lock(b);
    CHECK(openAccounts(b)->signIn("wang", kWangPassword, now()).error().key == "accounts.wrong");

    // Offline: the server is stopped, nobody is signed in on A.
    KeyVault::lock(a);
    server.stop();
    {
        auto accounts = openAccounts(a);
        CHECK(accounts->signIn("wang", "not the password", now()).error().key == "accounts.wrong");
        CHECK_FALSE(KeyVault::unlocked(a));
    }
    CHECK(findAccount(*openAccounts(a), "wang")->failedAttempts == 1); // on disk, seen anew
    {
        auto signedIn = openAccounts(a)->signIn("wang", kWangPassword, now());
        REQUIRE_MESSAGE(signedIn.ok(), (signedIn.ok() ? "" : signedIn.error().key));
        CHECK(signedIn->role == Role::Staff);
        auto st = store::Store::open(a);
        REQUIRE(st.ok());
        (*st)->setAccess(store::accessFor(signedIn->role));
        auto got = (*st)->get<Student>(s.id);
        REQUIRE(got.ok());
        CHECK((*got)->idNumber == kIdNumber);
        CHECK(findAccount(*openAccounts(a), "wang")->failedAttempts == 0);
    }
    // Locally the server's account cannot be changed.
    CHECK(openAccounts(a)->setPassword("wang", "local override").error().key == "accounts.server_managed");

    // The administrator resets wang's password on the server; after wang's next sync the new
    // password opens A (same key pair: no new seal needed), the old one no longer does.
    server.start();
    auto reset = account(serverDir, "passwd wang", kWangNewPassword);
    REQUIRE_MESSAGE(reset.first == 0, reset.second);
    REQUIRE(syncNow(*deviceA).ok());
    KeyVault::lock(a);
    CHECK(openAccounts(a)->signIn("wang", kWangPassword, now()).error().key == "accounts.wrong");
    REQUIRE(openAccounts(a)->signIn("wang", kWangNewPassword, now()).ok());
    CHECK(KeyVault::unlocked(a));

    // Disabled on the server while wang is signed in on A: the next sync ends the session.
    auto disabled = account(serverDir, "disable wang");
    REQUIRE_MESSAGE(disabled.first == 0, disabled.second);
    auto rd = syncNow(*deviceA);
    CHECK_FALSE(rd.ok());
    CHECK(rd.error().key == "store.locked");
    CHECK_FALSE(KeyVault::unlocked(a));
    auto refused = openAccounts(a)->signIn("wang", kWangNewPassword, now());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "accounts.disabled");
    auto zh = loadCatalog(assetsDir(), "zh-CN");
    REQUIRE(zh.ok());
    std::string shown = zh->format(refused.error());
    CHECK(shown.find("已被管理员在服务器上停用") != std::string::npos);
    CHECK(shown.find("wang") != std::string::npos);
    CHECK_FALSE(KeyVault::unlocked(a));

    // Enabled again: A seals its key for wang once someone signs in and syncs.
    REQUIRE(account(serverDir, "enable wang").first == 0);
    REQUIRE(openAccounts(a)->signIn("admin", "admin password A", now()).ok());
    REQUIRE(syncNow(*deviceA).ok());
    KeyVault::lock(a);
    CHECK(openAccounts(a)->signIn("wang", kWangNewPassword, now()).ok());
    KeyVault::lock(a);

    // Unknown accounts on the server are reported plainly.
    auto unknown = account(serverDir, "disable nobody");
    CHECK(unknown.first == 1);
    CHECK(unknown.second.find("没有账号 nobody；用 account list 查看已有的账号") != std::string::npos);

    // No password is stored or logged anywhere: server files, server and device logs, device files.
    server.stop();
    std::string everything = test::treeBytes(fs::path(serverDir)) + test::treeBytes(a) + test::treeBytes(b) +
                             server.process().stderrText() + server.process().stdoutText();
    for (const auto& pw : {kWangPassword, kWangNewPassword, std::string("zhao password")})
        CHECK_MESSAGE(everything.find(pw) == std::string::npos, pw);
}

TEST_CASE("accounts on a PostgreSQL server reach the device the same way") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir dir;
    const fs::path a = dir.path() / "a";
    ServerProcess server(dir.path() / "server", pg->url());
    auto device = openDevice(a);
    REQUIRE(openAccounts(a)->create("admin", "管理员", Role::Admin, "admin password A").ok());
    REQUIRE(sync::enrollDevice(*device, server.url(), server.enrollCode("420527"), "A").ok());
    auto added = account(pg->url(), "add li --county 420527,420528 --role volunteer", "li password 1");
    REQUIRE_MESSAGE(added.first == 0, added.second);
    CHECK(account(pg->url(), "add li --county 420527 --role staff", "li password 1").second.find("已存在") !=
          std::string::npos);
    REQUIRE(openAccounts(a)->signIn("admin", "admin password A", now()).ok());
    auto r = syncNow(*device);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    CHECK(r->accounts == 1);
    KeyVault::lock(a);
    auto li = openAccounts(a)->signIn("li", "li password 1", now());
    REQUIRE_MESSAGE(li.ok(), (li.ok() ? "" : li.error().key));
    CHECK(li->role == Role::Volunteer);
    KeyVault::lock(a);
}
