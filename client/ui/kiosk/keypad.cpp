#include "keypad.hpp"

#include "client/app/app.hpp"
#include "client/ui/widgets/fields.hpp"

#include <algorithm>
#include <cfloat>
#include <imgui.h>

namespace zhuxue::ui::kiosk {

bool keypad(app::App& app, const char* id, std::string& value, const KeypadOptions& o) {
    static const char* kRows[4][3] = {{"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"X", "0", "<"}};
    bool changed = false;
    // Never shorter than the label: a cramped screen shrinks the gaps, not the words.
    const float minHeight = ImGui::GetFontSize() + ImGui::GetStyle().FramePadding.y * 2;
    const float keyHeight = std::max(o.keyHeight, minHeight);
    ImGui::PushID(id);
    for (auto& row : kRows) {
        for (int c = 0; c < 3; ++c) {
            std::string key = row[c];
            if (c)
                ImGui::SameLine();
            if (key == "<") {
                std::string label = std::string(app.tr("kiosk.keypad.delete")) + "##kp.delete";
                if (buttonLabelled(label.c_str(), ImVec2(o.keyWidth, keyHeight)) && !value.empty()) {
                    value.pop_back();
                    changed = true;
                }
                continue;
            }
            bool enabled = key != "X" || o.allowX;
            if (!enabled)
                ImGui::BeginDisabled();
            std::string label = key + "##kp" + key;
            if (buttonLabelled(label.c_str(), ImVec2(o.keyWidth, keyHeight)) && enabled &&
                value.size() < o.maxLength) {
                value += key;
                changed = true;
            }
            if (!enabled)
                ImGui::EndDisabled();
        }
    }
    std::string clear = std::string(app.tr("kiosk.keypad.clear")) + "##kp.clear";
    if (buttonLabelled(clear.c_str(), ImVec2(o.keyWidth * 3 + ImGui::GetStyle().ItemSpacing.x * 2, std::max(keyHeight * 0.8f, minHeight))) &&
        !value.empty()) {
        value.assign(value.size(), '\0');
        value.clear();
        changed = true;
    }
    ImGui::PopID();
    return changed;
}

void keypadDisplay(app::App& app, const char* id, const std::string& shown, const char* hint, float width) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1, 1, 1, 1));
    ImGui::BeginChild(id, ImVec2(width > 0 ? width : -FLT_MIN, 70), true);
    if (shown.empty()) {
        ImGui::TextDisabled("%s", hint);
    } else {
        ImGui::SetWindowFontScale(1.3f);
        dataText(app, shown);
        ImGui::SetWindowFontScale(1.0f);
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

} // namespace zhuxue::ui::kiosk
