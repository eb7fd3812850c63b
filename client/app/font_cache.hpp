#pragma once
// The baked font atlas on disk, so a start-up whose characters were all baked before restores
// the atlas (alpha8 pixels and glyph table) in a few milliseconds instead of rasterising ~800
// CJK glyphs again (70-250 ms). One file per pixel size in the cache folder. A snapshot is used
// only when every font file it was baked from is still the same file (path, face, size, mtime)
// and its checksum holds; anything else (other ImGui build, torn or foreign file) is ignored and
// the atlas is baked again.
#include <imgui.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::app {

struct CachedFace {
    std::filesystem::path file;
    int index = 0;
    uint64_t fileSize = 0;
    int64_t mtimeNs = 0;
    std::vector<uint32_t> codepoints; // the characters this face supplied, ascending
};

struct CachedGlyph {
    uint32_t codepoint = 0;
    float advanceX = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0, u0 = 0, v0 = 0, u1 = 0, v1 = 0;
};

struct AtlasSnapshot {
    float sizePixels = 0;
    std::vector<CachedFace> faces; // the main face first
    float fontSize = 0, ascent = 0, descent = 0;
    std::vector<CachedGlyph> glyphs;
    int width = 0, height = 0;
    ImVec2 uvWhitePixel;
    std::vector<ImVec4> uvLines;
    std::vector<unsigned char> alpha8; // width * height
};

// The identity of a font file as the cache compares it; nullopt when it cannot be read.
std::optional<CachedFace> fontFileIdentity(const std::filesystem::path& file, int index);

// The file of the snapshot of this pixel size in folder.
std::filesystem::path atlasCacheFile(const std::filesystem::path& folder, float sizePixels);

// Reads a snapshot; nullopt when absent, damaged, from another build, or a font file changed.
std::optional<AtlasSnapshot> loadAtlasSnapshot(const std::filesystem::path& file);
// Writes it next to its final name and renames it over (readers never see half a file).
bool saveAtlasSnapshot(const std::filesystem::path& file, const AtlasSnapshot& snap);

// Takes the snapshot of what ImGui baked into the atlas (font 0, alpha8 pixels).
AtlasSnapshot snapshotOf(const ImFontAtlas& atlas, const ImFont& font, float sizePixels,
                         std::vector<CachedFace> faces);
// Puts a snapshot into an emptied atlas as its only font; returns that font.
ImFont* restoreSnapshot(ImFontAtlas& atlas, AtlasSnapshot&& snap);

} // namespace zhuxue::app
