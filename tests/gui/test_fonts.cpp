// Every character of the interface texts is in the font atlas: no '?' boxes on screen.
#include "client/app/font_atlas.hpp"
#include "client/core/i18n.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <string>
#include <vector>

using namespace zhuxue;
using namespace zhuxue::app;

TEST_CASE("the atlas holds a glyph for every character of both catalogues") {
    ImGui::CreateContext();
    FontFace face = findChineseFont();
    REQUIRE_MESSAGE(!face.file.empty(), "no Chinese font found: install fonts-noto-cjk");
    FontAtlas atlas(face, 20.0f);
    std::vector<std::string> texts;
    for (const char* lang : {"zh-CN", "en"}) {
        auto cat = loadCatalog(assetsDir(), lang);
        REQUIRE(cat.ok());
        for (auto& [k, v] : cat->entries()) {
            atlas.require(v);
            texts.push_back(v);
        }
    }
    atlas.require("秭归县 茅坪镇"); // place names from local data join the atlas too
    texts.push_back("秭归县 茅坪镇");
    REQUIRE(atlas.rebuildIfNeeded());
    ImFont* font = atlas.font();
    REQUIRE(font != nullptr);
    for (auto& t : texts)
        forEachCodepoint(t, [&](uint32_t cp) {
            if (cp >= 0x20 && cp <= 0xFFFF)
                CHECK_MESSAGE(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr,
                              "missing glyph U+", std::hex, cp, " in: ", t);
        });
    CHECK_FALSE(atlas.rebuildIfNeeded()); // nothing new: no second build
    atlas.require("郧");                   // a new character regrows the atlas
    CHECK(atlas.rebuildIfNeeded());
    CHECK(atlas.font()->FindGlyphNoFallback(static_cast<ImWchar>(0x90E7)) != nullptr);
    ImGui::DestroyContext();
}
