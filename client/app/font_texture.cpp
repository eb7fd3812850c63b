#include "font_texture.hpp"

#include <GLFW/glfw3.h>

#include <cstdint>
#include <vector>

namespace zhuxue::app {

namespace {
// The few GL entry points used here, through GLFW like the rest of client/app (no GL loader).
constexpr unsigned kTexture2D = 0x0DE1, kTextureBinding2D = 0x8069, kMinFilter = 0x2801,
                   kMagFilter = 0x2800, kLinear = 0x2601, kUnpackRowLength = 0x0CF2,
                   kUnpackAlignment = 0x0CF5, kUnsignedByte = 0x1401, kRed = 0x1903, kR8 = 0x8229,
                   kRgba = 0x1908, kOne = 1, kSwizzleRgba = 0x8E46;

struct Gl {
    void (*genTextures)(int, unsigned*);
    void (*deleteTextures)(int, const unsigned*);
    void (*bindTexture)(unsigned, unsigned);
    void (*texParameteri)(unsigned, unsigned, int);
    void (*texParameteriv)(unsigned, unsigned, const int*);
    void (*texImage2D)(unsigned, int, int, int, int, int, unsigned, unsigned, const void*);
    void (*pixelStorei)(unsigned, int);
    void (*getIntegerv)(unsigned, int*);
};

template <class F> void load(F& fn, const char* name) { fn = reinterpret_cast<F>(glfwGetProcAddress(name)); }

const Gl* gl() {
    static Gl g = [] {
        Gl x{};
        load(x.genTextures, "glGenTextures");
        load(x.deleteTextures, "glDeleteTextures");
        load(x.bindTexture, "glBindTexture");
        load(x.texParameteri, "glTexParameteri");
        load(x.texParameteriv, "glTexParameteriv");
        load(x.texImage2D, "glTexImage2D");
        load(x.pixelStorei, "glPixelStorei");
        load(x.getIntegerv, "glGetIntegerv");
        return x;
    }();
    return g.genTextures && g.bindTexture && g.texImage2D ? &g : nullptr;
}

// A red-only texture read as (1, 1, 1, red) needs texture swizzle (GL 3.3, or the extension).
bool canSwizzle() {
    GLFWwindow* w = glfwGetCurrentContext();
    if (!w)
        return false;
    int major = glfwGetWindowAttrib(w, GLFW_CONTEXT_VERSION_MAJOR);
    int minor = glfwGetWindowAttrib(w, GLFW_CONTEXT_VERSION_MINOR);
    return major > 3 || (major == 3 && minor >= 3) || glfwExtensionSupported("GL_ARB_texture_swizzle") ||
           glfwExtensionSupported("GL_EXT_texture_swizzle");
}
} // namespace

FontTexture::~FontTexture() { release(); }

void FontTexture::release() {
    if (m_texture && glfwGetCurrentContext())
        if (const Gl* g = gl())
            g->deleteTextures(1, &m_texture);
    m_texture = 0;
    m_bytes = 0;
}

bool FontTexture::upload(ImFontAtlas& atlas) {
    const Gl* g = gl();
    if (!g || !atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0)
        return false;
    release();
    int last = 0;
    g->getIntegerv(kTextureBinding2D, &last);
    g->genTextures(1, &m_texture);
    g->bindTexture(kTexture2D, m_texture);
    g->texParameteri(kTexture2D, kMinFilter, kLinear);
    g->texParameteri(kTexture2D, kMagFilter, kLinear);
    g->pixelStorei(kUnpackRowLength, 0);
    g->pixelStorei(kUnpackAlignment, 1);
    const size_t pixels = static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight);
    if (canSwizzle()) {
        const int swizzle[4] = {kOne, kOne, kOne, static_cast<int>(kRed)};
        g->texImage2D(kTexture2D, 0, static_cast<int>(kR8), atlas.TexWidth, atlas.TexHeight, 0, kRed,
                      kUnsignedByte, atlas.TexPixelsAlpha8);
        g->texParameteriv(kTexture2D, kSwizzleRgba, swizzle);
        m_bytes = pixels;
    } else {
        // Old drivers: white pixels with the glyph's coverage as alpha, only while uploading.
        std::vector<uint32_t> rgba(pixels);
        for (size_t i = 0; i < pixels; ++i)
            rgba[i] = 0x00FFFFFFu | (static_cast<uint32_t>(atlas.TexPixelsAlpha8[i]) << 24);
        g->texImage2D(kTexture2D, 0, static_cast<int>(kRgba), atlas.TexWidth, atlas.TexHeight, 0, kRgba,
                      kUnsignedByte, rgba.data());
        m_bytes = pixels * 4;
    }
    g->pixelStorei(kUnpackAlignment, 4);
    g->bindTexture(kTexture2D, static_cast<unsigned>(last));
    atlas.SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_texture)));
    atlas.ClearTexData();
    return true;
}

} // namespace zhuxue::app
