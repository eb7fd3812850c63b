// Failed sign-ins are counted on disk: a process killed with SIGKILL between attempts loses none
// of them, the fifth failure locks the account until an administrator unlocks it (the right
// password is refused meanwhile), and unlocking lets the person in again.
#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace zhuxue;
using namespace zhuxue::store;

TEST_CASE("failed sign-in counts survive kill -9 and five lock until an administrator unlocks") {
    test::TempDir dir;
    {
        auto accounts = Accounts::open(dir.path());
        REQUIRE(accounts.ok());
        REQUIRE((*accounts)->create("admin", "管理员", Role::Admin, "correct horse").ok());
        REQUIRE((*accounts)->create("li", "李老师", Role::Staff, "battery staple").ok());
    }
    crypto::KeyVault::lock(dir.path());

    // A real process makes three wrong attempts, reports each through a pipe, and is killed
    // with SIGKILL while it waits for more.
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(fds[0]);
        auto accounts = Accounts::open(dir.path());
        if (!accounts)
            ::_exit(3);
        for (int i = 0; i < 3; ++i) {
            (void)(*accounts)->signIn("li", "wrong password", 1000 + i);
            char c = 'x';
            if (::write(fds[1], &c, 1) != 1)
                ::_exit(4);
        }
        for (;;)
            ::pause();
    }
    ::close(fds[1]);
    char buf[3];
    std::size_t got = 0;
    while (got < 3) {
        ssize_t n = ::read(fds[0], buf + got, 3 - got);
        REQUIRE(n > 0);
        got += static_cast<std::size_t>(n);
    }
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    ::close(fds[0]);

    auto accounts = Accounts::open(dir.path());
    REQUIRE(accounts.ok());
    auto list = (*accounts)->list();
    REQUIRE(list.ok());
    for (auto& a : *list)
        if (a.user == "li")
            CHECK(a.failedAttempts == 3);

    CHECK((*accounts)->signIn("li", "wrong again", 2000).error().key == "accounts.wrong");
    CHECK((*accounts)->signIn("li", "wrong again", 2001).error().key == "accounts.locked");
    // Locked for good: the right password a day later is refused, and no key is unlocked.
    CHECK((*accounts)->signIn("li", "battery staple", 2001 + 86'400'000).error().key ==
          "accounts.locked");
    CHECK_FALSE(crypto::KeyVault::unlocked(dir.path()));

    REQUIRE((*accounts)->unlock("li").ok());
    CHECK((*accounts)->signIn("li", "battery staple", 3000).ok());
    CHECK(crypto::KeyVault::unlocked(dir.path()));
    crypto::KeyVault::lock(dir.path());
}
