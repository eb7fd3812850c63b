#include "signature_pad.hpp"

#include "client/app/driver/item_recorder.hpp"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace zhuxue::ui {

bool SignaturePad::draw(const char* id, ImVec2 size) {
    m_size = size;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    std::string label = std::string("##") + id;
    ImGui::InvisibleButton(label.c_str(), size, ImGuiButtonFlags_MouseButtonLeft);
    app::driver::announceLastItem(label.c_str());
    bool active = ImGui::IsItemActive();
    ImVec2 mouse = ImGui::GetIO().MousePos;
    ImVec2 p(mouse.x - origin.x, mouse.y - origin.y);
    bool inside = p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
    if (active && !m_drawing && inside) {
        m_strokes.emplace_back();
        m_drawing = true;
    }
    if (!active)
        m_drawing = false;
    if (m_drawing && inside) {
        auto& s = m_strokes.back();
        if (s.empty() || std::fabs(s.back().x - p.x) + std::fabs(s.back().y - p.y) >= 1.0f)
            s.push_back(p);
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(255, 255, 255, 255));
    dl->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(120, 120, 120, 255));
    for (const auto& s : m_strokes) {
        if (s.size() == 1)
            dl->AddCircleFilled(ImVec2(origin.x + s[0].x, origin.y + s[0].y), 1.5f, IM_COL32(0, 0, 0, 255));
        for (size_t i = 1; i < s.size(); ++i)
            dl->AddLine(ImVec2(origin.x + s[i - 1].x, origin.y + s[i - 1].y),
                        ImVec2(origin.x + s[i].x, origin.y + s[i].y), IM_COL32(0, 0, 0, 255), 2.5f);
    }
    return m_drawing;
}

std::vector<std::byte> SignaturePad::png() const {
    std::vector<std::byte> out;
    if (m_strokes.empty())
        return out;
    int w = std::max(1, static_cast<int>(m_size.x)), h = std::max(1, static_cast<int>(m_size.y));
    std::vector<unsigned char> gray(static_cast<size_t>(w) * h, 255);
    auto stamp = [&](float cx, float cy) { // a disc of radius 1.5 px
        for (int y = static_cast<int>(cy) - 2; y <= static_cast<int>(cy) + 2; ++y)
            for (int x = static_cast<int>(cx) - 2; x <= static_cast<int>(cx) + 2; ++x)
                if (x >= 0 && y >= 0 && x < w && y < h && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= 2.25f)
                    gray[static_cast<size_t>(y) * w + x] = 0;
    };
    for (const auto& s : m_strokes) {
        stamp(s[0].x, s[0].y);
        for (size_t i = 1; i < s.size(); ++i) {
            float dx = s[i].x - s[i - 1].x, dy = s[i].y - s[i - 1].y;
            int steps = std::max(1, static_cast<int>(std::ceil(std::max(std::fabs(dx), std::fabs(dy)))));
            for (int k = 1; k <= steps; ++k)
                stamp(s[i - 1].x + dx * k / steps, s[i - 1].y + dy * k / steps);
        }
    }
    stbi_write_png_to_func(
        [](void* ctx, void* data, int size) {
            auto* v = static_cast<std::vector<std::byte>*>(ctx);
            const auto* b = static_cast<const std::byte*>(data);
            v->insert(v->end(), b, b + size);
        },
        &out, w, h, 1, gray.data(), w);
    return out;
}

} // namespace zhuxue::ui
