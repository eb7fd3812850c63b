// Server accounts on the device (Accounts::applyServerAccounts), without a network: an account
// that arrives while nobody is signed in waits for the data key and says so at sign-in; the next
// list given while signed in seals it; a local account of the same name is never replaced; an
// account missing from the server's list is disabled and loses its seal.
#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "tests/support/server_account.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {

ServerAccount made(const std::string& user, const std::string& password, Role role = Role::Staff) {
    return test::makeServerAccount(user, password, role);
}

} // namespace

TEST_CASE("a server account waits for the data key, then signs in; local names win; gone means disabled") {
    test::TempDir dir;
    auto opened = Accounts::open(dir.path());
    REQUIRE(opened.ok());
    Accounts& accounts = **opened;
    REQUIRE(accounts.create("admin", "管理员", Role::Admin, "admin password").ok());
    crypto::KeyVault::lock(dir.path());

    // Arrives while nobody is signed in: kept, but it cannot open this device's data yet.
    ServerAccount wang = made("wang", "wang password");
    ServerAccount impostor = made("admin", "server admin password", Role::Admin);
    auto first = accounts.applyServerAccounts({wang, impostor});
    REQUIRE(first.ok());
    CHECK(first->added == 1);
    CHECK(first->sealed == 0);
    CHECK(first->waitingForKey == 1);
    CHECK(first->clashes == std::vector<std::string>{"admin"});
    CHECK(accounts.signIn("wang", "wang password", 1000).error().key == "accounts.not_on_device_yet");
    CHECK_FALSE(crypto::KeyVault::unlocked(dir.path()));
    // The local administrator is untouched by the server's account of the same name.
    CHECK(accounts.signIn("admin", "server admin password", 1001).error().key == "accounts.wrong");
    REQUIRE(accounts.signIn("admin", "admin password", 1002).ok());

    // The same list again while signed in: now sealed; wang signs in with the data key.
    auto second = accounts.applyServerAccounts({wang, impostor});
    REQUIRE(second.ok());
    CHECK(second->sealed == 1);
    CHECK(second->waitingForKey == 0);
    CHECK_FALSE(second->sessionLocked);
    accounts.lockData();
    auto in = accounts.signIn("wang", "wang password", 2000);
    REQUIRE(in.ok());
    CHECK(in->fromServer);
    CHECK(crypto::KeyVault::unlocked(dir.path()));
    CHECK(crypto::KeyVault::holder(dir.path()) == "wang");
    CHECK(accounts.setRole("wang", Role::Admin).error().key == "accounts.server_managed");

    // wang is no longer in the server's list for this device: disabled, session locked at once.
    auto third = accounts.applyServerAccounts({});
    REQUIRE(third.ok());
    CHECK(third->disabled == 1);
    CHECK(third->sessionLocked);
    CHECK_FALSE(accounts.dataUnlocked());
    CHECK(test::findAccount(accounts, "wang")->disabled);
    CHECK(accounts.signIn("wang", "wang password", 3000).error().key == "accounts.disabled");
    // A wrong password on a disabled account says only "wrong" and counts.
    CHECK(accounts.signIn("wang", "guess guess", 3001).error().key == "accounts.wrong");
    CHECK(test::findAccount(accounts, "wang")->failedAttempts == 1);

    // Listed and enabled again while nobody is signed in: the seal is gone and must be made anew.
    REQUIRE(accounts.applyServerAccounts({wang}).ok());
    CHECK(accounts.signIn("wang", "wang password", 4000).error().key == "accounts.not_on_device_yet");
}
