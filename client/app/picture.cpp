#include "picture.hpp"

#include "gl_calls.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace zhuxue::app {

Result<Picture> decodePicture(std::span<const std::byte> bytes, int maxSide) {
    if (bytes.empty() || bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return Error("ui.picture.unreadable");
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(bytes.data()),
                                                  static_cast<int>(bytes.size()), &w, &h, &channels, 4);
    if (!pixels)
        return Error("ui.picture.unreadable", {}, stbi_failure_reason() ? stbi_failure_reason() : "");
    Picture p;
    p.sourceWidth = w;
    p.sourceHeight = h;
    const int side = std::max(w, h);
    const double scale = side > maxSide && maxSide > 0 ? static_cast<double>(maxSide) / side : 1.0;
    p.width = std::max(1, static_cast<int>(w * scale + 0.5));
    p.height = std::max(1, static_cast<int>(h * scale + 0.5));
    p.rgba.resize(static_cast<std::size_t>(p.width) * static_cast<std::size_t>(p.height) * 4);
    bool ok = true;
    if (scale == 1.0)
        std::copy(pixels, pixels + p.rgba.size(), p.rgba.begin());
    else
        ok = stbir_resize_uint8(pixels, w, h, 0, p.rgba.data(), p.width, p.height, 0, 4) != 0;
    stbi_image_free(pixels);
    if (!ok)
        return Error("ui.picture.unreadable", {}, "resize");
    return p;
}

PictureTexture::~PictureTexture() { release(); }

PictureTexture::PictureTexture(PictureTexture&& other) noexcept
    : m_texture(std::exchange(other.m_texture, 0)), m_width(other.m_width), m_height(other.m_height) {}

PictureTexture& PictureTexture::operator=(PictureTexture&& other) noexcept {
    if (this != &other) {
        release();
        m_texture = std::exchange(other.m_texture, 0);
        m_width = other.m_width;
        m_height = other.m_height;
    }
    return *this;
}

void PictureTexture::release() {
    if (m_texture)
        if (const Gl* g = gl())
            g->deleteTextures(1, &m_texture);
    m_texture = 0;
}

ImTextureID PictureTexture::id() const {
    return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_texture));
}

bool PictureTexture::upload(const Picture& p) {
    const Gl* g = gl();
    if (!g || p.rgba.empty())
        return false;
    release();
    m_texture = uploadTexture(*g, static_cast<int>(kRgba), p.width, p.height, kRgba, p.rgba.data());
    m_width = p.width;
    m_height = p.height;
    return true;
}

} // namespace zhuxue::app
