// Names keep every character, and every character renders: 䶮 (CJK Extension A, U+4DAE) and
// 𪚥 (Extension B, U+2A6A5, outside the BMP) are drawn from real glyphs, not '?' boxes.
#include "client/app/app.hpp"
#include "client/app/font_atlas.hpp"
#include "client/store/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/xvfb.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace zhuxue;
using namespace zhuxue::app;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
constexpr uint32_t kExtB = 0x2A6A5; // 𪚥
constexpr uint32_t kExtA = 0x4DAE;  // 䶮
const char* kName = "龚𪚥 刘䶮";

bool drawnFromRealGlyph(ImFont* font, uint32_t cp) {
    const ImFontGlyph* g = font->FindGlyphNoFallback(static_cast<ImWchar>(cp));
    return g != nullptr && g != font->FallbackGlyph && g->Visible;
}

std::unique_ptr<App> headlessApp(const fs::path& dataDir) {
    auto texts = Texts::load(assetsDir());
    REQUIRE(texts.ok());
    LaunchOptions opt;
    opt.dataDir = dataDir;
    auto app = std::make_unique<App>(opt, Settings{}, std::move(*texts));
    REQUIRE(app->openHeadless(800, 600).ok());
    return app;
}
} // namespace

TEST_CASE("characters outside the BMP and in CJK extensions join the atlas") {
    REQUIRE_MESSAGE(atlasSupportsAstral(),
                    "this build uses Debian's libimgui with 16-bit ImWchar: run ./dev.sh build");
    ImGui::CreateContext();
    {
        FontAtlas atlas(findChineseFont(), 20.0f);
        atlas.require(kName);
        CHECK(atlas.hasGlyph(kExtB));
        CHECK(atlas.hasGlyph(kExtA));
        CHECK_FALSE(atlas.isMissing(kExtB));
        REQUIRE(atlas.rebuildIfNeeded());
        CHECK(drawnFromRealGlyph(atlas.font(), kExtB));
        CHECK(drawnFromRealGlyph(atlas.font(), kExtA));
        CHECK(drawnFromRealGlyph(atlas.font(), 0x9F9A)); // 龚, from the main face
        // Noto Sans CJK has no 𪚥: a fallback face found through fontconfig supplies it.
        CHECK_FALSE(atlas.fallbackFaces().empty());
        CHECK(findFontFor(kExtB).file.string().size() > 0);
        uint64_t builds = atlas.builds();
        atlas.require(kName); // nothing new: no rebuild
        CHECK_FALSE(atlas.rebuildIfNeeded());
        CHECK(atlas.builds() == builds);
    }
    ImGui::DestroyContext();
}

TEST_CASE("typed characters join the atlas before the frame that shows them") {
    TempDir dir;
    auto owned = headlessApp(dir.path());
    App& app = *owned;
    std::string shown;
    auto draw = [&](App&) {
        ImGui::Begin("t");
        ImGui::TextUnformatted(shown.c_str());
        ImGui::End();
    };
    app.frame(draw);
    CHECK_FALSE(app.fonts().hasGlyph(kExtB));
    ImGui::GetIO().AddInputCharactersUTF8("𪚥");
    app.frame(draw);
    CHECK(app.fonts().hasGlyph(kExtB));
    CHECK(drawnFromRealGlyph(app.fonts().font(), kExtB));
}

TEST_CASE("a name with 𪚥 and 䶮 on a real window (screenshot)") {
    Xvfb x(640, 240);
    REQUIRE_MESSAGE(!x.display().empty(), x.error());
    ::setenv("DISPLAY", x.display().c_str(), 1);
    ::unsetenv("WAYLAND_DISPLAY");
    TempDir dir;
    auto texts = Texts::load(assetsDir());
    REQUIRE(texts.ok());
    LaunchOptions opt;
    opt.dataDir = dir.path();
    opt.width = 640;
    opt.height = 240;
    Settings settings;
    settings.largeText = true;
    App app(opt, settings, std::move(*texts));
    REQUIRE(app.open().ok());
    auto draw = [&](App& a) {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("names", nullptr, ImGuiWindowFlags_NoDecoration);
        a.see(kName);
        a.see("学生姓名 Student name:");
        ImGui::TextUnformatted("学生姓名 Student name:");
        ImGui::TextUnformatted(kName);
        ImGui::TextUnformatted("U+2A6A5 𪚥   U+4DAE 䶮");
        ImGui::End();
    };
    for (int i = 0; i < 3; ++i)
        app.frame(draw);
    CHECK(drawnFromRealGlyph(app.fonts().font(), kExtB));
    CHECK(drawnFromRealGlyph(app.fonts().font(), kExtA));
    fs::path shot = zhuxue::test::artifactPath("gui_rare_characters.png");
    fs::remove(shot);
    CHECK(app.saveScreenshot(shot));
    CHECK(fs::file_size(shot) > 1000);
}

TEST_CASE("the next start restores the baked atlas, with the rare characters of the last session") {
    TempDir dir;
    auto start = [&](bool seeName) {
        auto owned = headlessApp(dir.path());
        App& app = *owned;
        auto draw = [&](App& a) {
            ImGui::Begin("t");
            if (seeName)
                a.see(kName);
            ImGui::TextUnformatted(kName);
            ImGui::End();
        };
        app.frame(draw);
        app.frame(draw);
        CHECK(drawnFromRealGlyph(app.fonts().font(), kExtB));
        CHECK(drawnFromRealGlyph(app.fonts().font(), kExtA));
        CHECK(drawnFromRealGlyph(app.fonts().font(), 0x79ED)); // 秭, from the interface texts
        return std::pair{app.fonts().builds(), app.fonts().restores()};
    };
    auto first = start(true); // bakes the texts, then grows with the name
    CHECK(first.second == 0);
    CHECK(fs::exists(dir.path() / "cache" / "font-atlas-20.0px.bin"));
    auto second = start(false); // the name is not shown through see() yet: the cache has it
    CHECK(second.first == 1);
    CHECK(second.second == 1);

    // A damaged cache file is ignored and baked again.
    fs::path file = dir.path() / "cache" / "font-atlas-20.0px.bin";
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[bytes.size() / 2] ^= 0x5A;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    auto third = start(true);
    CHECK(third.second == 0);
}
