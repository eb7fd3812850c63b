// README: "core dumps are off". zhuxue-server and zhuxue-cli hold tokens, keys and personal data
// in memory; each turns core dumps off first thing in main (RLIMIT_CORE 0, PR_SET_DUMPABLE 0).
// This looks at the running programs from outside, as the kernel sees them:
//  - /proc/PID/limits: "Max core file size 0 0";
//  - not dumpable: the kernel refuses another process of the same user without CAP_SYS_PTRACE to
//    open /proc/PID/environ of a process that is not dumpable (ptrace access mode READ).
// Root's capabilities would hide that, so when the test runs as root the programs and the probe
// run without any capability (they stay root: the programs may live under /root, which another
// user cannot reach); a control process (sh, dumpable as every process is by default) shows the
// probe tells the two kinds apart.
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

// In a forked child of a root test: no capability now (effective, permitted, inheritable) nor
// after exec (SECBIT_NOROOT), so to the kernel's ptrace access check root is a user like any
// other. Nothing to do for another user. False when that failed.
bool dropCapabilities() {
    if (::geteuid() != 0)
        return true;
    if (::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) != 0)
        return false;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    return ::syscall(SYS_capset, &header, data) == 0;
}

// A program started as the programs' user, its output thrown away; killed and reaped at scope exit.
struct Launched {
    pid_t pid = -1;
    int stdinWrite = -1; // kept open: a program reading its input waits
    explicit Launched(const std::vector<std::string>& argv) {
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        int in[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(in[0], 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            if (!dropCapabilities())
                ::_exit(126);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        stdinWrite = in[1];
    }
    ~Launched() {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        ::close(stdinWrite);
    }
    std::string exeName() const {
        std::error_code ec;
        return fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename().string();
    }
};

// 0 when a process of the same user, without capabilities, may open /proc/PID/environ; else the
// errno it met (EACCES for a process that is not dumpable).
int environProbe(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/environ";
    pid_t probe = ::fork();
    REQUIRE(probe >= 0);
    if (probe == 0) {
        if (!dropCapabilities())
            ::_exit(100);
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        ::_exit(fd >= 0 ? 0 : (errno > 0 && errno < 100 ? errno : 99));
    }
    int status = 0;
    REQUIRE(::waitpid(probe, &status, 0) == probe);
    REQUIRE(WIFEXITED(status));
    REQUIRE_MESSAGE(WEXITSTATUS(status) != 100, "the probe could not drop its capabilities");
    return WEXITSTATUS(status);
}

// "Max core file size" soft and hard limits of a running process.
std::string coreLimit(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Max core file size", 0) == 0) {
            std::istringstream f(line.substr(18));
            std::string soft, hard;
            f >> soft >> hard;
            return soft + " " + hard;
        }
    return "not found";
}

fs::path madeDir(const fs::path& p) {
    fs::create_directories(p);
    return p;
}

void checkNotDumpable(const Launched& prog, const std::string& name) {
    CAPTURE(name);
    REQUIRE(prog.exeName() == name);
    CHECK(coreLimit(prog.pid) == "0 0");
    const int refused = environProbe(prog.pid);
    CHECK_MESSAGE(refused == EACCES, name << " is dumpable (the probe got " << refused << ")");
}

} // namespace

TEST_CASE("the checks tell a dumpable process from one that is not") {
    Launched control({"/bin/sh", "-c", "read line"});
    REQUIRE(waitUntil([&] { return control.exeName() == "dash" || control.exeName() == "bash" ||
                                   control.exeName() == "sh"; },
                      std::chrono::seconds(30)));
    CHECK(environProbe(control.pid) == 0);
}

TEST_CASE("zhuxue-server runs with core dumps off") {
    TempDir tmp("zhuxue-core-dumps-server");
    const fs::path data = madeDir(tmp / "server");
    const int port = freeLoopbackPort();
    Launched server({binPath("zhuxue-server").string(), "serve", "--port", std::to_string(port), "--data-dir",
                     data.string()});
    // Serving means main has long passed its first line.
    auto accepting = [&] {
        int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(s);
        return ok;
    };
    REQUIRE_MESSAGE(waitUntil(accepting, std::chrono::seconds(60)), "zhuxue-server never listened");
    checkNotDumpable(server, "zhuxue-server");
}

TEST_CASE("zhuxue-cli runs with core dumps off") {
    // A server that takes the connection and never answers: the cli waits in the middle of its
    // work (enrolling), long enough to be looked at.
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

    TempDir tmp("zhuxue-core-dumps-cli");
    const fs::path data = madeDir(tmp / "device");
    Launched cli({binPath("zhuxue-cli").string(), "--data-dir", data.string(), "enroll", url, "ABCDEFGH"});
    // Once its request has arrived the cli is well past its first line.
    pollfd p{listener, POLLIN, 0};
    REQUIRE_MESSAGE(::poll(&p, 1, 60'000) == 1, "zhuxue-cli never connected");
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    REQUIRE(conn >= 0);
    checkNotDumpable(cli, "zhuxue-cli");
    ::close(conn);
    ::close(listener);
}
