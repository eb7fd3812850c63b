#pragma once
// What ImGui told us about the items of one frame, through its test-engine hooks
// (IMGUI_ENABLE_TEST_ENGINE in our ImGui build): id, rectangle, label, status flags, window.
#include <imgui.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace zhuxue::app::driver {

struct ItemInfo {
    ImGuiID id = 0;
    ImVec2 min, max;          // screen rectangle
    ImVec2 clipMin, clipMax;  // the window's visible area when the item was added
    std::string label;        // full label as passed to the widget ("保存##visit"), may be empty
    std::string window;       // name of the window it was drawn in
    int flags = 0;            // ImGuiItemStatusFlags
    bool checked() const;
    // The visible part of the label: before "##", without a "###" id suffix.
    std::string visibleLabel() const;
    ImVec2 center() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

class ItemRecorder {
public:
    // Starts recording this context's items (sets its hook flag).
    void attach(ImGuiContext* ctx);
    void detach();
    // Called at the start of each frame: the items of the frame that just ended become current.
    void frameEnded();
    const std::vector<ItemInfo>& items() const { return m_last; }

    // From the hooks.
    void itemAdd(ImGuiContext* ctx, const ImVec2& min, const ImVec2& max, ImGuiID id);
    void itemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, int flags);
    const char* debugLabel(ImGuiID id) const;

private:
    ImGuiContext* m_ctx = nullptr;
    std::vector<ItemInfo> m_current, m_last;
    std::unordered_map<ImGuiID, size_t> m_index; // id -> position in m_current
};

// Reports the last item's label to the driver, for widgets ImGui does not report itself
// (InvisibleButton, custom canvases). Does nothing when no driver is attached.
void announceLastItem(const char* label);

// False when ImGui was built without the hooks (Debian's libimgui): the driver cannot see items.
bool itemHooksAvailable();

} // namespace zhuxue::app::driver
