#pragma once
// Builds the ImGui font atlas from the characters actually needed (UI strings, local data,
// typed text) instead of a fixed range: the stock Chinese range misses 秭, and a full CJK range
// costs ~0.7 s of start-up. require() notes new characters; rebuildIfNeeded() runs between
// frames and regrows the atlas when something new arrived.
//
// Characters the main face (Noto Sans CJK SC) lacks, such as 𪚥 U+2A6A5 (CJK Extension B) in a
// name, are drawn from a fallback face that fontconfig finds for that character (HanaMin from
// fonts-hanazono on Debian), merged into the same ImGui font. Characters outside the BMP need
// ImGui built with 32-bit ImWchar (see client/app/CMakeLists.txt).
//
// With a cache folder, each bake is kept on disk (font_cache.hpp) and the next start restores it
// instead of baking again, as long as it holds every character needed by then; the characters it
// holds beyond that (names seen in an earlier session) come with it.
#include "font_cache.hpp"

#include <imgui.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::app {

struct FontFace {
    std::filesystem::path file;
    int index = 0; // face in a .ttc collection
    bool operator<(const FontFace& o) const {
        return file != o.file ? file < o.file : index < o.index;
    }
    bool operator==(const FontFace& o) const { return file == o.file && index == o.index; }
};

// Finds a Simplified Chinese face through fontconfig (Noto Sans CJK SC on Debian).
FontFace findChineseFont();
// A face that has a glyph for cp, asked of fontconfig; empty file when no font has one.
FontFace findFontFor(uint32_t cp);
// True when this ImGui build can hold characters outside the BMP (32-bit ImWchar).
bool atlasSupportsAstral();

class FontAtlas {
public:
    // cacheFolder empty: no cache, every build bakes.
    FontAtlas(FontFace face, float sizePixels, std::filesystem::path cacheFolder = {});
    ~FontAtlas();
    FontAtlas(const FontAtlas&) = delete;
    FontAtlas& operator=(const FontAtlas&) = delete;

    void require(std::string_view utf8);
    void requireCodepoint(uint32_t cp);
    void setSize(float sizePixels);
    float size() const { return m_size; }
    // True when the atlas was rebuilt; the caller then re-uploads the texture.
    bool rebuildIfNeeded();
    bool dirty() const { return m_dirty; }
    size_t glyphCount() const;
    // The character is in the atlas (after the next rebuild), from whichever face has it.
    bool hasGlyph(uint32_t cp) const;
    // No installed font can draw it (or this ImGui cannot hold it): it will show as '?'.
    bool isMissing(uint32_t cp) const { return m_missing.count(cp) != 0; }
    ImFont* font() const { return m_font; }
    const FontFace& face() const { return m_face; }
    // The faces merged into the atlas besides the main one.
    std::vector<FontFace> fallbackFaces() const;
    uint64_t builds() const { return m_builds; }
    // Of those builds, how many were restored from the cache rather than baked.
    uint64_t restores() const { return m_restores; }

private:
    struct Probe;
    struct Mapped;
    Probe& probe(const FontFace& f);
    const Mapped& mapped(const std::filesystem::path& file);
    void build();
    bool restoreFromCache();
    void saveToCache();
    void loadCache();
    // The face a cached bake drew cp from, when the cache has it.
    const FontFace* cachedFaceOf(uint32_t cp) const;

    FontFace m_face;
    float m_size;
    // Which face draws each character; the main face is listed first.
    std::map<FontFace, std::set<uint32_t>> m_byFace;
    std::set<uint32_t> m_known;   // in m_byFace
    std::set<uint32_t> m_missing; // asked for, but no face can draw it
    std::map<FontFace, std::unique_ptr<Probe>> m_probes;
    std::map<std::filesystem::path, std::unique_ptr<Mapped>> m_files;
    std::vector<std::vector<ImWchar>> m_ranges; // kept alive for ImGui's atlas
    bool m_dirty = true;
    uint64_t m_builds = 0, m_restores = 0;
    std::filesystem::path m_cacheFolder;
    std::optional<AtlasSnapshot> m_cached; // read at start and on a size change, used by build()
    std::vector<FontFace> m_cachedFaces;    // m_cached->faces as FontFace
    ImFont* m_font = nullptr;
};

// Decodes UTF-8 leniently (invalid bytes become U+FFFD) and calls fn for each code point.
template <class Fn> void forEachCodepoint(std::string_view s, Fn&& fn) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        uint32_t cp = 0xFFFD;
        size_t len = 1;
        if (c < 0x80) {
            cp = c;
        } else if ((c >> 5) == 0x6 && i + 1 < s.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
            len = 2;
        } else if ((c >> 4) == 0xE && i + 2 < s.size()) {
            cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
            len = 3;
        } else if ((c >> 3) == 0x1E && i + 3 < s.size()) {
            cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                 ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
            len = 4;
        }
        fn(cp);
        i += len;
    }
}

} // namespace zhuxue::app
