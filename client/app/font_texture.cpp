#include "font_texture.hpp"

#include "gl_calls.hpp"

#include <GLFW/glfw3.h>

#include <cstdint>
#include <vector>

namespace zhuxue::app {

namespace {
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
    const size_t pixels = static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight);
    if (canSwizzle()) {
        const int swizzle[4] = {kOne, kOne, kOne, static_cast<int>(kRed)};
        m_texture = uploadTexture(*g, static_cast<int>(kR8), atlas.TexWidth, atlas.TexHeight, kRed,
                                  atlas.TexPixelsAlpha8, swizzle);
        m_bytes = pixels;
    } else {
        // Old drivers: white pixels with the glyph's coverage as alpha, only while uploading.
        std::vector<uint32_t> rgba(pixels);
        for (size_t i = 0; i < pixels; ++i)
            rgba[i] = 0x00FFFFFFu | (static_cast<uint32_t>(atlas.TexPixelsAlpha8[i]) << 24);
        m_texture = uploadTexture(*g, static_cast<int>(kRgba), atlas.TexWidth, atlas.TexHeight, kRgba, rgba.data());
        m_bytes = pixels * 4;
    }
    atlas.SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_texture)));
    atlas.ClearTexData();
    return true;
}

} // namespace zhuxue::app
