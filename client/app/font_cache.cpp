#include "font_cache.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace zhuxue::app {

namespace {
namespace fs = std::filesystem;

// Bumped whenever the layout below changes. The header also names the ImGui version and the
// width of ImWchar, so a snapshot from another build is never read as ours.
constexpr char kMagic[8] = {'Z', 'X', 'A', 'T', 'L', 'A', 'S', '1'};
constexpr uint32_t kLayout = 1;

// A cheap 64-bit checksum over the whole file (torn writes, disk damage); not a security hash.
uint64_t checksum(const unsigned char* p, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    for (; i < n; ++i)
        h = (h ^ p[i]) * 0x100000001B3ull;
    return h;
}

class Writer {
public:
    template <class T> void put(const T& v) {
        const char* p = reinterpret_cast<const char*>(&v);
        m_out.append(p, sizeof v);
    }
    void bytes(const void* p, size_t n) { m_out.append(static_cast<const char*>(p), n); }
    void str(const std::string& s) {
        put(static_cast<uint32_t>(s.size()));
        bytes(s.data(), s.size());
    }
    std::string& out() { return m_out; }

private:
    std::string m_out;
};

class Reader {
public:
    Reader(const unsigned char* p, size_t n) : m_p(p), m_n(n) {}
    template <class T> bool get(T& v) { return bytes(&v, sizeof v); }
    bool bytes(void* dst, size_t n) {
        if (n > m_n - m_at)
            return false;
        std::memcpy(dst, m_p + m_at, n);
        m_at += n;
        return true;
    }
    bool str(std::string& s) {
        uint32_t n = 0;
        if (!get(n) || n > m_n - m_at)
            return false;
        s.assign(reinterpret_cast<const char*>(m_p + m_at), n);
        m_at += n;
        return true;
    }
    // A count of items of itemSize bytes that the rest of the file can really hold.
    bool count(uint32_t& n, size_t itemSize) { return get(n) && static_cast<size_t>(n) * itemSize <= m_n - m_at; }
    bool done() const { return m_at == m_n; }

private:
    const unsigned char* m_p;
    size_t m_n, m_at = 0;
};

std::string buildTag() {
    return std::string(IMGUI_VERSION) + " wchar" + std::to_string(sizeof(ImWchar));
}
} // namespace

std::optional<CachedFace> fontFileIdentity(const fs::path& file, int index) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return std::nullopt;
    CachedFace f;
    f.file = file;
    f.index = index;
    f.fileSize = static_cast<uint64_t>(st.st_size);
    f.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return f;
}

fs::path atlasCacheFile(const fs::path& folder, float sizePixels) {
    char name[64];
    std::snprintf(name, sizeof name, "font-atlas-%.1fpx.bin", static_cast<double>(sizePixels));
    return folder / name;
}

bool saveAtlasSnapshot(const fs::path& file, const AtlasSnapshot& s) {
    Writer w;
    w.bytes(kMagic, sizeof kMagic);
    w.put(kLayout);
    w.str(buildTag());
    w.put(s.sizePixels);
    w.put(static_cast<uint32_t>(s.faces.size()));
    for (const CachedFace& f : s.faces) {
        w.str(f.file.string());
        w.put(static_cast<int32_t>(f.index));
        w.put(f.fileSize);
        w.put(f.mtimeNs);
        w.put(static_cast<uint32_t>(f.codepoints.size()));
        w.bytes(f.codepoints.data(), f.codepoints.size() * sizeof(uint32_t));
    }
    w.put(s.fontSize);
    w.put(s.ascent);
    w.put(s.descent);
    w.put(static_cast<uint32_t>(s.glyphs.size()));
    w.bytes(s.glyphs.data(), s.glyphs.size() * sizeof(CachedGlyph));
    w.put(static_cast<int32_t>(s.width));
    w.put(static_cast<int32_t>(s.height));
    w.put(s.uvWhitePixel);
    w.put(static_cast<uint32_t>(s.uvLines.size()));
    w.bytes(s.uvLines.data(), s.uvLines.size() * sizeof(ImVec4));
    w.put(static_cast<uint32_t>(s.alpha8.size()));
    w.bytes(s.alpha8.data(), s.alpha8.size());
    std::string& out = w.out();
    uint64_t sum = checksum(reinterpret_cast<const unsigned char*>(out.data()), out.size());
    w.put(sum);

    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    fs::path tmp = file;
    tmp += ".tmp" + std::to_string(::getpid());
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(out.data(), static_cast<std::streamsize>(out.size()));
        if (!f.flush()) {
            fs::remove(tmp, ec);
            return false;
        }
    }
    fs::rename(tmp, file, ec);
    if (ec)
        fs::remove(tmp, ec);
    return !ec;
}

std::optional<AtlasSnapshot> loadAtlasSnapshot(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() < sizeof kMagic + sizeof(uint64_t))
        return std::nullopt;
    size_t body = data.size() - sizeof(uint64_t);
    uint64_t sum = 0;
    std::memcpy(&sum, data.data() + body, sizeof sum);
    if (sum != checksum(data.data(), body) || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;

    Reader r(data.data() + sizeof kMagic, body - sizeof kMagic);
    AtlasSnapshot s;
    uint32_t layout = 0, n = 0;
    std::string tag;
    if (!r.get(layout) || layout != kLayout || !r.str(tag) || tag != buildTag() || !r.get(s.sizePixels) ||
        !r.count(n, 1))
        return std::nullopt;
    for (uint32_t i = 0; i < n; ++i) {
        CachedFace f;
        std::string path;
        int32_t index = 0;
        uint32_t cps = 0;
        if (!r.str(path) || !r.get(index) || !r.get(f.fileSize) || !r.get(f.mtimeNs) ||
            !r.count(cps, sizeof(uint32_t)))
            return std::nullopt;
        f.file = path;
        f.index = index;
        f.codepoints.resize(cps);
        r.bytes(f.codepoints.data(), cps * sizeof(uint32_t));
        // The font file must still be the one the glyphs were baked from.
        auto now = fontFileIdentity(f.file, f.index);
        if (!now || now->fileSize != f.fileSize || now->mtimeNs != f.mtimeNs)
            return std::nullopt;
        s.faces.push_back(std::move(f));
    }
    int32_t w = 0, h = 0;
    if (!r.get(s.fontSize) || !r.get(s.ascent) || !r.get(s.descent) || !r.count(n, sizeof(CachedGlyph)))
        return std::nullopt;
    s.glyphs.resize(n);
    r.bytes(s.glyphs.data(), n * sizeof(CachedGlyph));
    if (!r.get(w) || !r.get(h) || !r.get(s.uvWhitePixel) || !r.count(n, sizeof(ImVec4)))
        return std::nullopt;
    s.uvLines.resize(n);
    r.bytes(s.uvLines.data(), n * sizeof(ImVec4));
    if (!r.count(n, 1) || w <= 0 || h <= 0 || static_cast<uint64_t>(w) * static_cast<uint64_t>(h) != n)
        return std::nullopt;
    s.width = w;
    s.height = h;
    s.alpha8.resize(n);
    r.bytes(s.alpha8.data(), n);
    if (!r.done() || s.faces.empty() || s.glyphs.empty() ||
        s.uvLines.size() != static_cast<size_t>(IM_DRAWLIST_TEX_LINES_WIDTH_MAX + 1))
        return std::nullopt;
    return s;
}

AtlasSnapshot snapshotOf(const ImFontAtlas& atlas, const ImFont& font, float sizePixels,
                         std::vector<CachedFace> faces) {
    AtlasSnapshot s;
    s.sizePixels = sizePixels;
    s.faces = std::move(faces);
    s.fontSize = font.FontSize;
    s.ascent = font.Ascent;
    s.descent = font.Descent;
    for (const ImFontGlyph& g : font.Glyphs) {
        if (g.Codepoint == '\t') // made again from ' ' by BuildLookupTable
            continue;
        s.glyphs.push_back({g.Codepoint, g.AdvanceX, g.X0, g.Y0, g.X1, g.Y1, g.U0, g.V0, g.U1, g.V1});
    }
    s.width = atlas.TexWidth;
    s.height = atlas.TexHeight;
    s.uvWhitePixel = atlas.TexUvWhitePixel;
    s.uvLines.assign(std::begin(atlas.TexUvLines), std::end(atlas.TexUvLines));
    if (atlas.TexPixelsAlpha8)
        s.alpha8.assign(atlas.TexPixelsAlpha8,
                        atlas.TexPixelsAlpha8 + static_cast<size_t>(atlas.TexWidth) * atlas.TexHeight);
    return s;
}

ImFont* restoreSnapshot(ImFontAtlas& atlas, AtlasSnapshot&& s) {
    atlas.Clear();
    ImFont* font = IM_NEW(ImFont);
    atlas.Fonts.push_back(font);
    font->ContainerAtlas = &atlas;
    font->FontSize = s.fontSize;
    font->Ascent = s.ascent;
    font->Descent = s.descent;
    for (const CachedGlyph& g : s.glyphs)
        font->AddGlyph(nullptr, static_cast<ImWchar>(g.codepoint), g.x0, g.y0, g.x1, g.y1, g.u0, g.v0,
                       g.u1, g.v1, g.advanceX);
    font->BuildLookupTable();

    atlas.TexWidth = s.width;
    atlas.TexHeight = s.height;
    atlas.TexUvScale = ImVec2(1.0f / static_cast<float>(s.width), 1.0f / static_cast<float>(s.height));
    atlas.TexUvWhitePixel = s.uvWhitePixel;
    for (size_t i = 0; i < s.uvLines.size(); ++i)
        atlas.TexUvLines[i] = s.uvLines[i];
    atlas.TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(s.alpha8.size()));
    std::memcpy(atlas.TexPixelsAlpha8, s.alpha8.data(), s.alpha8.size());
    atlas.TexReady = true;
    return font;
}

} // namespace zhuxue::app
