#pragma once
// Builds the ImGui font atlas from the characters actually needed (UI strings, local data,
// typed text) instead of a fixed range: the stock Chinese range misses 秭, and a full CJK range
// costs ~0.7 s of start-up. require() notes new characters; rebuildIfNeeded() runs between
// frames and regrows the atlas when something new arrived.
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

struct ImFont;

namespace zhuxue::app {

struct FontFace {
    std::filesystem::path file;
    int index = 0; // face in a .ttc collection
};

// Finds a Simplified Chinese face through fontconfig (Noto Sans CJK SC on Debian).
FontFace findChineseFont();

class FontAtlas {
public:
    explicit FontAtlas(FontFace face, float sizePixels);

    void require(std::string_view utf8);
    void requireCodepoint(uint32_t cp);
    void setSize(float sizePixels);
    float size() const { return m_size; }
    // True when the atlas was rebuilt; the caller then re-uploads the texture.
    bool rebuildIfNeeded();
    size_t glyphCount() const { return m_codepoints.size(); }
    bool hasGlyph(uint32_t cp) const;
    ImFont* font() const { return m_font; }
    const FontFace& face() const { return m_face; }

private:
    void build();

    FontFace m_face;
    float m_size;
    std::set<uint32_t> m_codepoints;
    std::set<uint32_t> m_missingInFont; // asked for, but the face has no glyph
    bool m_dirty = true;
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
