// The real client in a real X server (Xvfb): it opens, draws its first frame in Chinese,
// can be photographed, and closes cleanly on SIGTERM.
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/xvfb.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace zhuxue::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
// Number of distinct colours in a PNG, read by ImageMagick: a blank or failed frame has 1.
int colourCount(const fs::path& png) {
    auto [rc, out] = runShell("identify -format '%k' '" + png.string() + "'");
    return rc == 0 ? std::atoi(out.c_str()) : -1;
}
} // namespace

TEST_CASE("the client opens a window, shows its first frame and closes cleanly") {
    Xvfb x;
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    TempDir dir;
    fs::path ready = dir / "ready";
    Process client({binPath("zhuxue").string(), "--data-dir", (dir / "data").string(),
                    "--ready-file", ready.string()},
                   {{"DISPLAY", x.display()}, {"WAYLAND_DISPLAY", ""}});
    REQUIRE_MESSAGE(waitUntil([&] { return fs::exists(ready); }, 60s), client.stderrText());

    fs::path shot = artifactPath("gui_first_window.png");
    fs::remove(shot);
    auto [rc, out] = runShell("import -display " + x.display() + " -window root '" + shot.string() + "'");
    REQUIRE(rc == 0);
    CHECK(colourCount(shot) > 16); // text was drawn, anti-aliased

    client.signal(SIGTERM);
    auto code = client.wait(10s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(fs::exists(dir / "data")); // the data directory was created under --data-dir
}

TEST_CASE("the client saves its own frame and honours --lang en") {
    Xvfb x;
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    TempDir dir;
    fs::path shot = artifactPath("gui_first_window_en.png");
    fs::remove(shot);
    fs::path text = artifactPath("gui_first_window_en.txt");
    fs::remove(text);
    Process client({binPath("zhuxue").string(), "--data-dir", (dir / "data").string(), "--lang",
                    "en", "--exit-after-frames", "3", "--screenshot", shot.string(), "--text-file",
                    text.string()},
                   {{"DISPLAY", x.display()}});
    auto code = client.wait(60s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(colourCount(shot) > 16);
    // What the frame showed: the first-administrator screen in English, none of it in Chinese.
    std::ifstream in(text);
    std::string shown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO("shown:\n" << shown);
    CHECK(shown.find("This device has no accounts yet. Create an administrator first") != std::string::npos);
    CHECK(shown.find("这台设备还没有账户") == std::string::npos);
    CHECK(shown.find("管理员") == std::string::npos);
}

TEST_CASE("on a 1366x768 laptop screen the window fits the screen") {
    // Issue #21 point 9: the default 1280x800 window was taller than the screen, so the bottom
    // row of buttons (返回) was half hidden. Without --size the window fits the work area.
    Xvfb x(1366, 768);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    TempDir dir;
    fs::path shot = artifactPath("gui_first_window_1366.png");
    fs::remove(shot);
    Process client({binPath("zhuxue").string(), "--data-dir", (dir / "data").string(), "--exit-after-frames", "3",
                    "--screenshot", shot.string()},
                   {{"DISPLAY", x.display()}});
    auto code = client.wait(60s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    auto [rc, size] = runShell("identify -format '%w %h' '" + shot.string() + "'");
    REQUIRE(rc == 0);
    int w = 0, h = 0;
    REQUIRE(std::sscanf(size.c_str(), "%d %d", &w, &h) == 2);
    CHECK(w <= 1366);
    CHECK(h <= 768);
    CHECK(h >= 700); // it uses the screen, not a small default
}

TEST_CASE("without a display the client says so in one line and exits non-zero") {
    TempDir dir;
    Process client({binPath("zhuxue").string(), "--data-dir", (dir / "data").string()},
                   {{"DISPLAY", ""}, {"WAYLAND_DISPLAY", ""}});
    auto code = client.wait(20s);
    REQUIRE(code.has_value());
    CHECK(*code != 0);
    std::string err = client.stderrText();
    CHECK(err.find("没有可用的图形显示") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
}
