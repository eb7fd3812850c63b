// The .deb packages: built by CPack from this build tree, unpacked into a scratch root with
// dpkg -x, each program answers --version from there, lintian finds no errors (its exit status
// checked), and the server package installs for real into a throwaway root with its maintainer
// scripts: the user, the data directory and the enabled unit; purge keeps /var/lib/zhuxue.
#include "client/core/version.hpp"
#include "tests/support/process.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// This machine's root seen through an overlay (writes go to `upper`), entered in a private mount
// namespace by a child process that runs a shell script there. Needs root.
struct ThrowawayRoot {
    fs::path upper, work, merged;
    explicit ThrowawayRoot(const fs::path& dir)
        : upper(dir / "upper"), work(dir / "work"), merged(dir / "merged") {
        for (const auto& d : {upper / "tmp", work, merged})
            fs::create_directories(d);
        fs::permissions(upper / "tmp", fs::perms::all | fs::perms::sticky_bit);
    }
    // Runs `script` with /bin/sh inside the root; exit status and output (stdout and stderr).
    std::pair<int, std::string> run(const std::string& script) const {
        const std::string options = "lowerdir=/,upperdir=" + upper.string() + ",workdir=" + work.string();
        const std::string dev = (merged / "dev").string(), proc = (merged / "proc").string();
        int pipefd[2];
        REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
        pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::dup2(pipefd[1], 1);
            ::dup2(pipefd[1], 2);
            auto die = [](const char* what) {
                std::fprintf(stderr, "throwaway root: %s: %s\n", what, std::strerror(errno));
                ::_exit(120);
            };
            if (::unshare(CLONE_NEWNS) != 0)
                die("unshare(CLONE_NEWNS)");
            // In a chroot (a fresh-machine root) "/" is no mount point and cannot be made
            // private (EINVAL): the mounts below may then show outside too, and run() takes
            // them down when the script ends.
            if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 && errno != EINVAL)
                die("making mounts private");
            if (::mount("overlay", merged.c_str(), "overlay", 0, options.c_str()) != 0)
                die("mounting the overlay");
            if (::mount("/dev", dev.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
                die("binding /dev");
            if (::mount("proc", proc.c_str(), "proc", 0, nullptr) != 0)
                die("mounting /proc");
            if (::chroot(merged.c_str()) != 0 || ::chdir("/") != 0)
                die("chroot");
            ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
            die("exec /bin/sh");
        }
        ::close(pipefd[1]);
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<std::size_t>(n));
        ::close(pipefd[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        // Only mounts that showed outside the child's namespace are still here.
        for (const auto& m : {merged / "proc", merged / "dev", merged})
            ::umount2(m.c_str(), MNT_DETACH);
        return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
    }
    std::string upperText(const std::string& path) const {
        std::ifstream in(upper / path);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

// The fields of `user`'s line in a passwd file, empty when there is none.
std::vector<std::string> passwdEntry(const std::string& passwd, const std::string& user) {
    std::istringstream lines(passwd);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(user + ":", 0) != 0)
            continue;
        std::vector<std::string> fields;
        std::istringstream f(line);
        for (std::string field; std::getline(f, field, ':');)
            fields.push_back(field);
        return fields;
    }
    return {};
}

// CPack runs once for the whole file (doctest re-enters a test case for every SUBCASE).
struct Packages {
    TempDir out{"zhuxue-pkg"};
    std::string version = zhuxue::kVersion;
    fs::path client = out / ("zhuxue_" + version + "_amd64.deb");
    fs::path server = out / ("zhuxue-server_" + version + "_amd64.deb");
    int rc = -1;
    std::string log;
    Packages() {
        fs::path buildDir = fs::path(ZHUXUE_BIN_DIR).parent_path();
        std::tie(rc, log) = runShell("cd " + q(buildDir) + " && cpack -G DEB -B " + q(out.path()) + " 2>&1");
    }
};
Packages& packages() {
    static Packages p;
    return p;
}
} // namespace

TEST_CASE("client and server packages install into a scratch root, run, and pass lintian") {
    Packages& p = packages();
    INFO(p.log);
    REQUIRE(p.rc == 0);
    const std::string& version = p.version;
    const fs::path& client = p.client;
    const fs::path& server = p.server;
    const TempDir& out = p.out;
    REQUIRE(fs::exists(client));
    REQUIRE(fs::exists(server));

    SUBCASE("the client package depends on the CJK fonts and ships its parts") {
        auto [drc, depends] = runShell("dpkg-deb -f " + q(client) + " Depends");
        CHECK(drc == 0);
        CHECK(depends.find("fonts-noto-cjk") != std::string::npos);
        auto [crc, contents] = runShell("dpkg-deb -c " + q(client));
        CHECK(contents.find("./usr/share/applications/zhuxue.desktop") != std::string::npos);
        CHECK(contents.find("./usr/share/zhuxue/i18n/zh-CN/") != std::string::npos);
        CHECK(contents.find("./usr/share/zhuxue/consent/2025-1.json") != std::string::npos);
        CHECK(contents.find("./usr/share/man/man1/zhuxue-cli.1.gz") != std::string::npos);
        CHECK(contents.find("./lib/systemd/system/zhuxue-kiosk.service") != std::string::npos);
    }
    SUBCASE("the server package has its unit, config file and user creation") {
        auto [src, contents] = runShell("dpkg-deb -c " + q(server));
        CHECK(contents.find("./lib/systemd/system/zhuxue-server.service") != std::string::npos);
        CHECK(contents.find("./etc/zhuxue/server.conf") != std::string::npos);
        auto [prc, conffiles] = runShell("dpkg-deb -I " + q(server) + " conffiles");
        CHECK(conffiles.find("/etc/zhuxue/server.conf") != std::string::npos);
        auto [irc, postinst] = runShell("dpkg-deb -I " + q(server) + " postinst");
        CHECK(postinst.find("adduser --system") != std::string::npos);
    }
    SUBCASE("every program runs from the unpacked root") {
        fs::path root = out / "root";
        REQUIRE(runShell("dpkg -x " + q(client) + " " + q(root)).first == 0);
        REQUIRE(runShell("dpkg -x " + q(server) + " " + q(root)).first == 0);
        for (const char* prog : {"zhuxue", "zhuxue-cli", "zhuxue-server"}) {
            auto [vrc, text] = runShell("ZHUXUE_ASSETS_DIR=" + q(root / "usr/share/zhuxue") + " " +
                                        q(root / "usr/bin" / prog) + " --version");
            CHECK_MESSAGE(vrc == 0, prog);
            CHECK(text == std::string(prog) + " " + version + "\n");
        }
    }
    SUBCASE("lintian reports no errors") {
        // lintian exits non-zero on an error (and 127 when it is missing: a failure too, never a
        // silent pass).
        auto [lrc, report] = runShell("lintian --tag-display-limit 0 " + q(client) + " " + q(server) + " 2>&1");
        INFO(report);
        CHECK(lrc == 0);
        CHECK(report.find("\nE: ") == std::string::npos);
        CHECK(report.rfind("E: ", 0) != 0);
    }
    SUBCASE("the server package installs with its maintainer scripts, and purge keeps the data") {
        // A throwaway root: this machine seen through an overlay whose writes land in a scratch
        // directory, in a mount namespace of its own. dpkg installs there as on a real machine
        // (its database, adduser, deb-systemd-helper, the postinst), and the machine is untouched.
        if (::geteuid() != 0) {
            cannotRun("installing a package into a throwaway root (overlay, mount namespace) needs root");
            return;
        }
        ThrowawayRoot root(out / "throwaway");
        fs::copy_file(server, root.upper / "tmp" / "zhuxue-server.deb");
        auto [irc, installed] = root.run(
            "dpkg -i /tmp/zhuxue-server.deb 2>&1 && "
            // the service user can create its store in the data directory, as under systemd
            "runuser -u zhuxue -- zhuxue-server enroll --county 420527 --url http://127.0.0.1:8720 "
            "--config /etc/zhuxue/server.conf 2>&1");
        INFO(installed);
        REQUIRE(irc == 0);
        const std::string passwd = root.upperText("etc/passwd");
        const auto user = passwdEntry(passwd, "zhuxue");
        REQUIRE_MESSAGE(!user.empty(), "the postinst made no zhuxue user");
        CHECK(user[5] == "/var/lib/zhuxue");                    // home
        CHECK(user[6].find("nologin") != std::string::npos);    // a system user: no shell
        const int uid = std::stoi(user[2]);
        CHECK(uid < 1000);
        struct stat dataDir {};
        REQUIRE(::stat((root.upper / "var/lib/zhuxue").c_str(), &dataDir) == 0);
        CHECK(dataDir.st_uid == static_cast<uid_t>(uid));
        CHECK((dataDir.st_mode & 07777) == 0750);
        // /lib is /usr/lib on a merged-/usr system (Debian 12): the unit lands under either.
        const auto unitThere = [&] {
            return fs::exists(root.upper / "lib/systemd/system/zhuxue-server.service") ||
                   fs::exists(root.upper / "usr/lib/systemd/system/zhuxue-server.service");
        };
        CHECK(unitThere());
        CHECK(fs::is_symlink(root.upper / "etc/systemd/system/multi-user.target.wants/zhuxue-server.service"));
        CHECK(fs::exists(root.upper / "etc/zhuxue/server.conf"));
        const fs::path store = root.upper / "var/lib/zhuxue/zhuxue-server.sqlite";
        REQUIRE(fs::exists(store));
        struct stat storeStat {};
        REQUIRE(::stat(store.c_str(), &storeStat) == 0);
        CHECK(storeStat.st_uid == static_cast<uid_t>(uid));

        auto [prc, purged] = root.run("dpkg --purge zhuxue-server 2>&1");
        INFO(purged);
        REQUIRE(prc == 0);
        // Records are kept for ten years: the data and its user stay, the program and unit go.
        CHECK(fs::exists(store));
        CHECK(!passwdEntry(root.upperText("etc/passwd"), "zhuxue").empty());
        CHECK_FALSE(fs::exists(root.upper / "usr/bin/zhuxue-server"));
        CHECK_FALSE(unitThere());
        CHECK_FALSE(fs::exists(root.upper / "etc/systemd/system/multi-user.target.wants/zhuxue-server.service"));
        CHECK_FALSE(fs::exists(root.upper / "etc/zhuxue/server.conf")); // a conffile goes with purge
        auto [src, status] = root.run("dpkg-query -W -f='${Status}' zhuxue-server 2>&1; true");
        CHECK_MESSAGE(status.find("ok installed") == std::string::npos, status);
    }
}
