// `zhuxue-server enroll` hands a device everything it needs as one enrollment text
// (zhuxue-enroll:URL#CODE) and as a QR code of that text, in the terminal and as a PNG. A real
// reader (zbarimg from Debian's zbar-tools) must decode both to exactly that text, and
// `zhuxue-cli enroll` must accept the decoded text and then sync.
#include "tests/support/device_fixture.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

struct EnrollRun {
    int rc = -1;
    std::string out, err;
};

EnrollRun serverEnroll(const fs::path& dataDir, std::vector<std::string> extra) {
    std::vector<std::string> argv{binPath("zhuxue-server").string(), "enroll", "--county", "420527",
                                  "--data-dir", dataDir.string()};
    for (auto& a : extra)
        argv.push_back(std::move(a));
    Process p(argv, {}, syncLogDir());
    auto rc = p.wait(std::chrono::seconds(30));
    return {rc ? *rc : -1, p.stdoutText(), p.stderrText()};
}

std::string zbarimg(const fs::path& image) {
    REQUIRE_MESSAGE(fs::exists("/usr/bin/zbarimg"),
                    "zbarimg is missing: apt-get install zbar-tools (packaging/deps/test.txt)");
    // stderr left out: it may carry unrelated D-Bus notices on machines without a system bus.
    auto [rc, out] = runShell("/usr/bin/zbarimg --quiet --raw '" + image.string() + "' 2>/dev/null");
    INFO("zbarimg: " << out);
    CHECK(rc == 0);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

// The printed QR code: the longest run of equally long lines made only of spaces and half/full
// blocks. Each character is one module wide and two modules high (upper, lower half).
std::vector<std::vector<bool>> terminalModules(const std::string& stderrText) {
    std::vector<std::vector<bool>> best, run;
    std::istringstream in(stderrText);
    std::string line;
    auto flush = [&] {
        if (run.size() > best.size())
            best = run;
        run.clear();
    };
    while (std::getline(in, line)) {
        std::vector<bool> top, bottom;
        bool ok = !line.empty();
        for (std::size_t i = 0; ok && i < line.size();) {
            if (line[i] == ' ') {
                top.push_back(false), bottom.push_back(false), i += 1;
            } else if (line.compare(i, 3, "\u2580") == 0) {
                top.push_back(true), bottom.push_back(false), i += 3;
            } else if (line.compare(i, 3, "\u2584") == 0) {
                top.push_back(false), bottom.push_back(true), i += 3;
            } else if (line.compare(i, 3, "\u2588") == 0) {
                top.push_back(true), bottom.push_back(true), i += 3;
            } else {
                ok = false;
            }
        }
        if (!ok || top.size() < 29 || (!run.empty() && run.front().size() != top.size())) {
            flush();
            if (!ok || top.size() < 29)
                continue;
        }
        run.push_back(top);
        run.push_back(bottom);
    }
    flush();
    return best;
}

// A grey PGM with `scale` pixels per module (zbarimg reads PNM through ImageMagick).
void writePgm(const std::vector<std::vector<bool>>& modules, const fs::path& path, int scale) {
    const std::size_t w = modules.front().size() * scale, h = modules.size() * scale;
    std::ofstream f(path, std::ios::binary);
    f << "P5\n" << w << " " << h << "\n255\n";
    for (const auto& row : modules)
        for (int dy = 0; dy < scale; ++dy)
            for (bool dark : row)
                for (int dx = 0; dx < scale; ++dx)
                    f.put(static_cast<char>(dark ? 0 : 255));
}

} // namespace

TEST_CASE("the enrollment QR code decodes to the text zhuxue-cli enroll accepts") {
    TempDir tmp("zhuxue-enroll-qr");
    ServerProcess server(tmp / "server");
    fs::path png = tmp / "二维码.png";
    auto run = serverEnroll(tmp / "server", {"--url", server.url() + "/", "--qr-png", png.string()});
    REQUIRE_MESSAGE(run.rc == 0, run.err);
    std::string code = run.out.substr(0, run.out.find('\n'));
    CHECK(code.size() == 14); // XXXX-XXXX-XXXX: stdout stays the code alone, for scripts
    const std::string text = "zhuxue-enroll:" + server.url() + "#" + code;
    CHECK(run.err.find(text) != std::string::npos);

    // The PNG, read by a real QR reader.
    REQUIRE(fs::exists(png));
    CHECK(zbarimg(png) == text);

    // The terminal drawing: quiet zone of 4 light modules around the symbol, square.
    auto modules = terminalModules(run.err);
    REQUIRE(modules.size() >= 29);
    const std::size_t side = modules.front().size();
    CHECK((modules.size() == side || modules.size() == side + 1)); // half blocks: even row count
    for (std::size_t i = 0; i < side; ++i)
        for (int q = 0; q < 4; ++q) {
            CHECK(!modules[q][i]);
            CHECK(!modules[i][q]);
            CHECK(!modules[i][side - 1 - q]);
            CHECK(!modules[side - 1 - q][i]);
        }
    CHECK(modules[4][4]); // the finder pattern's corner
    fs::path drawn = tmp / "terminal.pgm";
    writePgm(modules, drawn, 6);
    CHECK(zbarimg(drawn) == text);

    // The decoded text enrols a device, which then syncs.
    Process enroll(cliArgv(tmp / "device", {"enroll", zbarimg(png), "笔记本 3"}), {}, syncLogDir());
    REQUIRE_MESSAGE(enroll.wait(std::chrono::seconds(30)) == 0, enroll.stderrText());
    CHECK(enroll.stdoutText().find("420527") != std::string::npos);
    CHECK(syncCli(tmp / "device") == 0);
    // A code works once: the same text again is refused by the server.
    Process again(cliArgv(tmp / "other", {"enroll", text}), {}, syncLogDir());
    CHECK(again.wait(std::chrono::seconds(30)) == 1);
    CHECK(again.stderrText().find("注册码无效") != std::string::npos);
}

TEST_CASE("a damaged enrollment text or QR file path is refused with a clear message") {
    TempDir tmp("zhuxue-enroll-qr-bad");
    // Cut before the code (a torn label, a half-copied line): said so, nothing is enrolled.
    Process cut(cliArgv(tmp / "device", {"enroll", "zhuxue-enroll:http://127.0.0.1:8720"}), {},
                syncLogDir());
    CHECK(cut.wait(std::chrono::seconds(30)) == 1);
    CHECK(cut.stderrText().find("注册信息不完整或已损坏") != std::string::npos);
    CHECK(cut.stderrText().find("zhuxue-enroll:") != std::string::npos);
    Process noUrl(cliArgv(tmp / "device", {"enroll", "zhuxue-enroll:#ABCD-EFGH-JKMN"}), {},
                  syncLogDir());
    CHECK(noUrl.wait(std::chrono::seconds(30)) == 1);
    Process english(cliArgv(tmp / "device", {"--lang", "en", "enroll", "ZHUXUE-ENROLL:ftp://x#AB"}),
                    {}, syncLogDir());
    CHECK(english.wait(std::chrono::seconds(30)) == 1);
    CHECK(english.stderrText().find("enrollment text is incomplete or damaged") != std::string::npos);
    auto status = runShell(binPath("zhuxue-cli").string() + " --data-dir '" +
                           (tmp / "device").string() + "' sync 2>&1");
    CHECK(status.first == 1); // still not enrolled

    // The server: a bad --url or an unwritable PNG path makes no code at all.
    auto badUrl = serverEnroll(tmp / "server", {"--url", "zz.example.cn:8720"});
    CHECK(badUrl.rc == 2);
    CHECK(badUrl.out.empty());
    CHECK(badUrl.err.find("--url") != std::string::npos);
    auto badPng = serverEnroll(tmp / "server", {"--qr-png", (tmp / "no-such-dir" / "qr.png").string()});
    CHECK(badPng.rc == 1);
    CHECK(badPng.out.empty());
    CHECK(badPng.err.find("没有生成注册码") != std::string::npos);
    CHECK(!fs::exists(tmp / "no-such-dir"));
}
