// The .deb packages: built by CPack from this build tree, unpacked into a scratch root with
// dpkg -x, each program answers --version from there, and lintian finds no errors.
#include "client/core/version.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <tuple>

using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

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
        auto [lrc, report] = runShell("lintian --tag-display-limit 0 " + q(client) + " " + q(server) + " 2>&1");
        INFO(report);
        CHECK(report.find("\nE: ") == std::string::npos);
        CHECK(report.rfind("E: ", 0) != 0);
    }
}
