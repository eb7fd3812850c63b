#pragma once
// Queue numbers in large type (the kiosk's ticket, the hall display) from glyphs baked at the
// size they are shown. The main atlas is baked at the text size; scaling its glyphs up three or
// four times draws them blurred. This atlas is separate and small: printable ASCII only (codes
// are letters, digits and '-'), from the same face, baked again between frames when another
// size is asked for.
#include "font_atlas.hpp"

#include <imgui.h>

#include <memory>

namespace zhuxue::app {

class DisplayFont {
public:
    explicit DisplayFont(FontFace face);
    ~DisplayFont();
    DisplayFont(const DisplayFont&) = delete;
    DisplayFont& operator=(const DisplayFont&) = delete;

    // The font baked at sizePixels rounded to whole 4 px (at least 16); nullptr until
    // rebuildIfNeeded() has baked that size, and when the face cannot be read.
    ImFont* at(float sizePixels);
    // Between frames: bakes the size last asked for. True when the atlas was rebuilt and its
    // texture must be uploaded again.
    bool rebuildIfNeeded();
    ImFontAtlas& atlas() { return *m_atlas; }
    float bakedSize() const { return m_baked; }

private:
    FontFace m_face;
    std::unique_ptr<ImFontAtlas> m_atlas;
    ImFont* m_font = nullptr;
    float m_baked = 0, m_wanted = 0;
    bool m_failed = false; // the face could not be loaded at m_wanted
};

} // namespace zhuxue::app
