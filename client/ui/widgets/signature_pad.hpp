#pragma once
// A signature pad: strokes drawn with the mouse, a pen or a finger (GLFW reports pen and touch
// as the pointer), kept as polylines and rendered to a PNG for the attachment.
#include <imgui.h>

#include <cstddef>
#include <vector>

namespace zhuxue::ui {

class SignaturePad {
public:
    // Draws the pad with id `id` (the driver finds it as "##<id>"); true while being drawn on.
    bool draw(const char* id, ImVec2 size);
    bool empty() const { return m_strokes.empty(); }
    void clear() { m_strokes.clear(); }
    // Black strokes on white, at the pad's size; empty when nothing was drawn.
    std::vector<std::byte> png() const;

private:
    std::vector<std::vector<ImVec2>> m_strokes; // points relative to the pad's top-left
    ImVec2 m_size{0, 0};
    bool m_drawing = false;
};

} // namespace zhuxue::ui
