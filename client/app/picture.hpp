#pragma once
// Pictures a person looks at (home-visit photos, signatures): decoded from JPEG or PNG bytes and
// scaled down off the UI thread (decodePicture, any thread), then put on the GPU on the UI thread
// (PictureTexture, which needs the window's GL context; in headless frames it stays empty and
// screens show the file's name instead).
#include "client/core/result.hpp"

#include <imgui.h>

#include <cstddef>
#include <span>
#include <vector>

namespace zhuxue::app {

struct Picture {
    int width = 0, height = 0;          // after scaling
    int sourceWidth = 0, sourceHeight = 0;
    std::vector<unsigned char> rgba;    // width * height * 4
};

// Decodes the bytes and scales the picture so that neither side exceeds maxSide (never up).
// Error ui.picture.unreadable when the bytes are not a picture stb_image reads.
Result<Picture> decodePicture(std::span<const std::byte> bytes, int maxSide);

class PictureTexture {
public:
    PictureTexture() = default;
    ~PictureTexture();
    PictureTexture(const PictureTexture&) = delete;
    PictureTexture& operator=(const PictureTexture&) = delete;
    PictureTexture(PictureTexture&& other) noexcept;
    PictureTexture& operator=(PictureTexture&& other) noexcept;

    // Uploads the pixels (UI thread, with a GL context). False without one.
    bool upload(const Picture& p);
    bool ready() const { return m_texture != 0; }
    ImTextureID id() const;
    int width() const { return m_width; }
    int height() const { return m_height; }

private:
    void release();
    unsigned m_texture = 0;
    int m_width = 0, m_height = 0;
};

} // namespace zhuxue::app
