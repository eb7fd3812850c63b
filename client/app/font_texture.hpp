#pragma once
// The font atlas on the GPU as a one-byte-per-pixel texture (the OpenGL backend would upload
// four bytes per pixel, three of them always white). The CPU copy of the pixels is freed once
// the texture holds them. Needs a current GL context.
#include <imgui.h>

namespace zhuxue::app {

class FontTexture {
public:
    FontTexture() = default;
    ~FontTexture();
    FontTexture(const FontTexture&) = delete;
    FontTexture& operator=(const FontTexture&) = delete;

    // Replaces the texture with the atlas's alpha8 pixels, points the atlas at it, frees the
    // atlas's CPU pixels. False when the atlas holds no pixels.
    bool upload(ImFontAtlas& atlas);
    // Bytes the texture takes on the GPU (1 per pixel; 4 where the driver cannot swizzle).
    size_t gpuBytes() const { return m_bytes; }

private:
    void release();
    unsigned m_texture = 0;
    size_t m_bytes = 0;
};

} // namespace zhuxue::app
