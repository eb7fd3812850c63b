#include "font_atlas.hpp"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <imgui.h>
#include <imgui_freetype.h>

#include <memory>
#include <vector>

namespace zhuxue::app {

FontFace findChineseFont() {
    FontFace out;
    if (!FcInit())
        return out;
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>("Noto Sans CJK SC:lang=zh-cn"));
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    if (match) {
        FcChar8* file = nullptr;
        int index = 0;
        if (FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch)
            out.file = reinterpret_cast<const char*>(file);
        if (FcPatternGetInteger(match, FC_INDEX, 0, &index) == FcResultMatch)
            out.index = index;
        FcPatternDestroy(match);
    }
    FcPatternDestroy(pattern);
    return out;
}

namespace {
// One FreeType face kept open to ask which characters the font can draw.
struct GlyphProbe {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    GlyphProbe(const FontFace& f) {
        if (FT_Init_FreeType(&lib) == 0 && !f.file.empty())
            FT_New_Face(lib, f.file.c_str(), f.index, &face);
    }
    ~GlyphProbe() {
        if (face)
            FT_Done_Face(face);
        if (lib)
            FT_Done_FreeType(lib);
    }
    bool has(uint32_t cp) const { return face && FT_Get_Char_Index(face, cp) != 0; }
};

GlyphProbe& probeFor(const FontFace& f) {
    static std::unique_ptr<GlyphProbe> probe;
    static std::filesystem::path file;
    static int index = -1;
    if (!probe || file != f.file || index != f.index) {
        probe = std::make_unique<GlyphProbe>(f);
        file = f.file;
        index = f.index;
    }
    return *probe;
}
} // namespace

FontAtlas::FontAtlas(FontFace face, float sizePixels) : m_face(std::move(face)), m_size(sizePixels) {
    for (uint32_t cp = 0x20; cp < 0x7F; ++cp)
        m_codepoints.insert(cp);
    // Full-width punctuation and symbols that Chinese text and our widgets use.
    for (uint32_t cp : {0x3000u, 0x3001u, 0x3002u, 0xFF0Cu, 0xFF1Au, 0xFF1Bu, 0xFF08u, 0xFF09u,
                        0x300Au, 0x300Bu, 0x201Cu, 0x201Du, 0x00B7u, 0x2014u, 0x2026u, 0x00A5u,
                        0xFFE5u, 0x2713u, 0x00D7u, 0x2190u, 0x2192u, 0x25B2u, 0x25BCu})
        m_codepoints.insert(cp);
}

void FontAtlas::requireCodepoint(uint32_t cp) {
    if (cp < 0x20 || m_codepoints.count(cp) || m_missingInFont.count(cp))
        return;
    // ImWchar is 16-bit in Debian's libimgui: characters beyond the BMP cannot enter the atlas.
    if (cp > 0xFFFF || !probeFor(m_face).has(cp)) {
        m_missingInFont.insert(cp);
        return;
    }
    m_codepoints.insert(cp);
    m_dirty = true;
}

void FontAtlas::require(std::string_view utf8) {
    forEachCodepoint(utf8, [this](uint32_t cp) { requireCodepoint(cp); });
}

bool FontAtlas::hasGlyph(uint32_t cp) const { return m_codepoints.count(cp) != 0; }

void FontAtlas::setSize(float sizePixels) {
    if (sizePixels != m_size) {
        m_size = sizePixels;
        m_dirty = true;
    }
}

bool FontAtlas::rebuildIfNeeded() {
    if (!m_dirty)
        return false;
    build();
    m_dirty = false;
    return true;
}

void FontAtlas::build() {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    io.Fonts->FontBuilderFlags = 0;

    // Ranges are pairs [first, last] closed by 0; the atlas keeps a pointer, so they must outlive
    // the build: ImGui copies them into the config at AddFont time only by pointer.
    static std::vector<ImWchar> ranges;
    ranges.clear();
    for (auto it = m_codepoints.begin(); it != m_codepoints.end();) {
        uint32_t first = *it, last = *it;
        for (++it; it != m_codepoints.end() && *it == last + 1; ++it)
            last = *it;
        ranges.push_back(static_cast<ImWchar>(first));
        ranges.push_back(static_cast<ImWchar>(last));
    }
    ranges.push_back(0);

    ImFontConfig cfg;
    cfg.FontNo = m_face.index;
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    m_font = nullptr;
    if (!m_face.file.empty())
        m_font = io.Fonts->AddFontFromFileTTF(m_face.file.c_str(), m_size, &cfg, ranges.data());
    if (!m_font) {
        ImFontConfig fallback;
        fallback.SizePixels = m_size;
        m_font = io.Fonts->AddFontDefault(&fallback);
    }
    io.Fonts->Build();
}

} // namespace zhuxue::app
