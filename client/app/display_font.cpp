#include "display_font.hpp"

#include <imgui_freetype.h>

#include <cmath>

namespace zhuxue::app {

namespace {
float bucket(float px) { return std::max(16.0f, std::round(px / 4.0f) * 4.0f); }
} // namespace

DisplayFont::DisplayFont(FontFace face) : m_face(std::move(face)), m_atlas(std::make_unique<ImFontAtlas>()) {}

DisplayFont::~DisplayFont() = default;

ImFont* DisplayFont::at(float sizePixels) {
    m_wanted = bucket(sizePixels);
    return m_wanted == m_baked ? m_font : nullptr;
}

bool DisplayFont::rebuildIfNeeded() {
    if (m_wanted == 0 || m_wanted == m_baked || m_face.file.empty() || m_failed)
        return false;
    static const ImWchar kAscii[] = {0x20, 0x7E, 0};
    m_atlas->Clear();
    m_atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;
    m_atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    ImFontConfig cfg;
    cfg.FontNo = m_face.index;
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    m_font = m_atlas->AddFontFromFileTTF(m_face.file.c_str(), m_wanted, &cfg, kAscii);
    if (!m_font || !m_atlas->Build()) {
        m_font = nullptr;
        m_failed = true; // callers keep the scaled text font
        return false;
    }
    m_atlas->ClearInputData(); // the font file's bytes; the baked glyphs stay
    m_baked = m_wanted;
    return true;
}

} // namespace zhuxue::app
