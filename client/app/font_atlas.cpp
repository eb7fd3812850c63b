#include "font_atlas.hpp"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <imgui_freetype.h>

#include <algorithm>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace zhuxue::app {

namespace {
FontFace faceOf(FcPattern* p) {
    FontFace out;
    FcChar8* file = nullptr;
    int index = 0;
    if (FcPatternGetString(p, FC_FILE, 0, &file) == FcResultMatch)
        out.file = reinterpret_cast<const char*>(file);
    if (FcPatternGetInteger(p, FC_INDEX, 0, &index) == FcResultMatch)
        out.index = index;
    return out;
}

// Among fonts that can draw a character, prefer a Simplified Chinese sans face, then any CJK
// face, then HanaMin (fonts-hanazono covers the CJK extensions), then anything else.
int preference(FcPattern* p) {
    FcChar8* family = nullptr;
    std::string f;
    if (FcPatternGetString(p, FC_FAMILY, 0, &family) == FcResultMatch)
        f = reinterpret_cast<const char*>(family);
    if (f.find("Sans CJK SC") != std::string::npos)
        return 0;
    if (f.find("CJK SC") != std::string::npos)
        return 1;
    if (f.find("CJK") != std::string::npos)
        return 2;
    if (f.find("HanaMin") != std::string::npos)
        return 3;
    return 4;
}
} // namespace

FontFace findChineseFont() {
    FontFace out;
    if (!FcInit())
        return out;
    FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>("Noto Sans CJK SC:lang=zh-cn"));
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    if (FcPattern* match = FcFontMatch(nullptr, pattern, &result)) {
        out = faceOf(match);
        FcPatternDestroy(match);
    }
    FcPatternDestroy(pattern);
    return out;
}

FontFace findFontFor(uint32_t cp) {
    FontFace best;
    if (!FcInit())
        return best;
    FcPattern* pattern = FcPatternCreate();
    FcCharSet* cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pattern, FC_CHARSET, cs);
    FcPatternAddBool(pattern, FC_SCALABLE, FcTrue);
    FcObjectSet* os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FAMILY, nullptr);
    if (FcFontSet* set = FcFontList(nullptr, pattern, os)) {
        int bestRank = 1 << 30;
        for (int i = 0; i < set->nfont; ++i) {
            FontFace f = faceOf(set->fonts[i]);
            int rank = preference(set->fonts[i]);
            // Deterministic among equals: the lowest path, then the lowest index.
            if (!f.file.empty() && (rank < bestRank || (rank == bestRank && f < best))) {
                best = f;
                bestRank = rank;
            }
        }
        FcFontSetDestroy(set);
    }
    FcObjectSetDestroy(os);
    FcCharSetDestroy(cs);
    FcPatternDestroy(pattern);
    return best;
}

bool atlasSupportsAstral() { return sizeof(ImWchar) >= 4; }

// One FreeType face kept open to ask which characters a font can really draw (fontconfig's
// charset is a cache and can be stale).
struct FontAtlas::Probe {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    explicit Probe(const FontFace& f) {
        if (FT_Init_FreeType(&lib) == 0 && !f.file.empty())
            FT_New_Face(lib, f.file.c_str(), f.index, &face);
    }
    ~Probe() {
        if (face)
            FT_Done_Face(face);
        if (lib)
            FT_Done_FreeType(lib);
    }
    bool has(uint32_t cp) const { return face && FT_Get_Char_Index(face, cp) != 0; }
};

// Font files are mapped, not read: FreeType touches only the tables and glyphs it needs, so a
// 30 MB fallback face costs little memory, and regrowing the atlas never reads the file again.
struct FontAtlas::Mapped {
    void* data = nullptr;
    size_t size = 0;
    explicit Mapped(const std::filesystem::path& file) {
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) {
                data = p;
                size = static_cast<size_t>(st.st_size);
            }
        }
        ::close(fd);
    }
    ~Mapped() {
        if (data)
            ::munmap(data, size);
    }
};

FontAtlas::FontAtlas(FontFace face, float sizePixels, std::filesystem::path cacheFolder)
    : m_face(std::move(face)), m_size(sizePixels), m_cacheFolder(std::move(cacheFolder)) {
    m_byFace[m_face];
    loadCache();
    for (uint32_t cp = 0x20; cp < 0x7F; ++cp)
        requireCodepoint(cp);
    // Full-width punctuation and symbols that Chinese text and our widgets use.
    for (uint32_t cp : {0x3000u, 0x3001u, 0x3002u, 0xFF0Cu, 0xFF1Au, 0xFF1Bu, 0xFF08u, 0xFF09u,
                        0x300Au, 0x300Bu, 0x201Cu, 0x201Du, 0x00B7u, 0x2014u, 0x2026u, 0x00A5u,
                        0xFFE5u, 0x2713u, 0x00D7u, 0x2190u, 0x2192u, 0x25B2u, 0x25BCu, 0xFFFDu})
        requireCodepoint(cp);
}

FontAtlas::~FontAtlas() {
    // The ImGui atlas points into our mapped files: let go of them first.
    if (m_font && ImGui::GetCurrentContext())
        ImGui::GetIO().Fonts->Clear();
}

FontAtlas::Probe& FontAtlas::probe(const FontFace& f) {
    auto& p = m_probes[f];
    if (!p)
        p = std::make_unique<Probe>(f);
    return *p;
}

const FontAtlas::Mapped& FontAtlas::mapped(const std::filesystem::path& file) {
    auto& m = m_files[file];
    if (!m)
        m = std::make_unique<Mapped>(file);
    return *m;
}

void FontAtlas::requireCodepoint(uint32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || m_known.count(cp) || m_missing.count(cp))
        return;
    if ((cp > 0xFFFF && !atlasSupportsAstral()) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        m_missing.insert(cp);
        return;
    }
    FontFace face = m_face;
    if (const FontFace* cached = cachedFaceOf(cp)) {
        face = *cached; // baked from that face before: no need to open fonts to ask
    } else if (!probe(m_face).has(cp)) {
        face = findFontFor(cp);
        if (face.file.empty() || !probe(face).has(cp)) {
            m_missing.insert(cp);
            return;
        }
    }
    m_byFace[face].insert(cp);
    m_known.insert(cp);
    m_dirty = true;
}

void FontAtlas::require(std::string_view utf8) {
    forEachCodepoint(utf8, [this](uint32_t cp) {
        if (cp >= 0x80) // ASCII is always in the atlas
            requireCodepoint(cp);
    });
}

bool FontAtlas::hasGlyph(uint32_t cp) const { return m_known.count(cp) != 0; }

size_t FontAtlas::glyphCount() const { return m_known.size(); }

std::vector<FontFace> FontAtlas::fallbackFaces() const {
    std::vector<FontFace> out;
    for (const auto& [face, cps] : m_byFace)
        if (!(face == m_face) && !cps.empty())
            out.push_back(face);
    return out;
}

void FontAtlas::setSize(float sizePixels) {
    if (sizePixels != m_size) {
        m_size = sizePixels;
        m_dirty = true;
        loadCache();
    }
}

bool FontAtlas::rebuildIfNeeded() {
    if (!m_dirty)
        return false;
    build();
    m_dirty = false;
    return true;
}

void FontAtlas::loadCache() {
    m_cached.reset();
    m_cachedFaces.clear();
    if (m_cacheFolder.empty() || m_face.file.empty())
        return;
    m_cached = loadAtlasSnapshot(atlasCacheFile(m_cacheFolder, m_size));
    if (m_cached && (m_cached->sizePixels != m_size || m_cached->faces.front().file != m_face.file ||
                     m_cached->faces.front().index != m_face.index))
        m_cached.reset(); // baked with another main face (fontconfig now prefers another)
    if (m_cached)
        for (const CachedFace& f : m_cached->faces)
            m_cachedFaces.push_back({f.file, f.index});
}

const FontFace* FontAtlas::cachedFaceOf(uint32_t cp) const {
    if (!m_cached)
        return nullptr;
    for (size_t i = 0; i < m_cachedFaces.size(); ++i) {
        const auto& cps = m_cached->faces[i].codepoints;
        if (std::binary_search(cps.begin(), cps.end(), cp))
            return &m_cachedFaces[i];
    }
    return nullptr;
}

bool FontAtlas::restoreFromCache() {
    if (!m_cached)
        return false;
    for (const auto& [face, cps] : m_byFace)
        for (uint32_t cp : cps) {
            const FontFace* f = cachedFaceOf(cp);
            if (!f || !(*f == face))
                return false; // something new since that bake
        }
    // Everything the cached bake holds is in the atlas now, also what this session has not
    // needed yet: those characters will not regrow it.
    for (size_t i = 0; i < m_cachedFaces.size(); ++i)
        for (uint32_t cp : m_cached->faces[i].codepoints) {
            m_byFace[m_cachedFaces[i]].insert(cp);
            m_known.insert(cp);
        }
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Flags |= ImFontAtlasFlags_NoMouseCursors;
    m_font = restoreSnapshot(*io.Fonts, std::move(*m_cached));
    m_ranges.clear();
    m_cached.reset();
    m_cachedFaces.clear();
    ++m_restores;
    return true;
}

void FontAtlas::saveToCache() {
    ImGuiIO& io = ImGui::GetIO();
    if (m_cacheFolder.empty() || !m_font || !io.Fonts->TexPixelsAlpha8 || io.Fonts->Fonts.Size != 1)
        return;
    std::vector<CachedFace> faces;
    auto addFace = [&](const FontFace& face, const std::set<uint32_t>& cps) {
        if (cps.empty())
            return true;
        auto id = fontFileIdentity(face.file, face.index);
        if (!id)
            return false;
        id->codepoints.assign(cps.begin(), cps.end());
        faces.push_back(std::move(*id));
        return true;
    };
    if (!addFace(m_face, m_byFace[m_face]))
        return;
    for (const auto& [face, cps] : m_byFace)
        if (!(face == m_face) && !addFace(face, cps))
            return;
    // A cache that cannot be written only costs the next start its bake.
    saveAtlasSnapshot(atlasCacheFile(m_cacheFolder, m_size),
                      snapshotOf(*io.Fonts, *m_font, m_size, std::move(faces)));
}

void FontAtlas::build() {
    if (restoreFromCache()) {
        ++m_builds;
        return;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    // No software mouse cursor is drawn, so its shapes need no room in the texture.
    io.Fonts->Flags |= ImFontAtlasFlags_NoMouseCursors;
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    io.Fonts->FontBuilderFlags = 0;

    // ImGui keeps a pointer to each range list until the next build: ranges are pairs
    // [first, last] closed by 0.
    m_ranges.clear();
    auto rangesOf = [this](const std::set<uint32_t>& cps) -> const ImWchar* {
        auto& r = m_ranges.emplace_back();
        for (auto it = cps.begin(); it != cps.end();) {
            uint32_t first = *it, last = *it;
            for (++it; it != cps.end() && *it == last + 1; ++it)
                last = *it;
            r.push_back(static_cast<ImWchar>(first));
            r.push_back(static_cast<ImWchar>(last));
        }
        r.push_back(0);
        return r.data();
    };
    auto add = [&](const FontFace& face, const std::set<uint32_t>& cps, bool merge) -> ImFont* {
        const Mapped& m = mapped(face.file);
        if (!m.data || cps.empty())
            return nullptr;
        ImFontConfig cfg;
        cfg.FontNo = face.index;
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        cfg.MergeMode = merge;
        cfg.FontDataOwnedByAtlas = false;
        return io.Fonts->AddFontFromMemoryTTF(m.data, static_cast<int>(m.size), m_size, &cfg,
                                              rangesOf(cps));
    };

    m_font = m_face.file.empty() ? nullptr : add(m_face, m_byFace[m_face], false);
    if (!m_font) {
        ImFontConfig fallback;
        fallback.SizePixels = m_size;
        m_font = io.Fonts->AddFontDefault(&fallback);
    }
    for (const auto& [face, cps] : m_byFace)
        if (!(face == m_face))
            add(face, cps, true);
    io.Fonts->Build();
    ++m_builds;
    if (!m_face.file.empty())
        saveToCache();
}

} // namespace zhuxue::app
