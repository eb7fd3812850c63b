// ImGui's test-engine hooks, implemented by our automation driver. Our ImGui build defines
// IMGUI_ENABLE_TEST_ENGINE, so every widget reports its id, rectangle and label here; the hooks
// only run while a driver has attached a recorder (ImGuiContext::TestEngineHookItems).
#include "item_recorder.hpp"

#include <imgui_internal.h>

#include <cstring>

namespace zhuxue::app::driver {

bool ItemInfo::checked() const {
#ifdef ZHUXUE_IMGUI_TEST_HOOKS
    return (flags & ImGuiItemStatusFlags_Checked) != 0;
#else
    return false;
#endif
}

std::string ItemInfo::visibleLabel() const {
    size_t cut = label.find("##");
    return cut == std::string::npos ? label : label.substr(0, cut);
}

void ItemRecorder::attach(ImGuiContext* ctx) {
    m_ctx = ctx;
#ifdef ZHUXUE_IMGUI_TEST_HOOKS
    ctx->TestEngine = this;
    ctx->TestEngineHookItems = true;
#endif
}

void ItemRecorder::detach() {
#ifdef ZHUXUE_IMGUI_TEST_HOOKS
    if (m_ctx && m_ctx->TestEngine == this) {
        m_ctx->TestEngine = nullptr;
        m_ctx->TestEngineHookItems = false;
    }
#endif
    m_ctx = nullptr;
}

void ItemRecorder::frameEnded() {
    m_last.swap(m_current);
    m_current.clear();
    m_index.clear();
}

void ItemRecorder::itemAdd(ImGuiContext* ctx, const ImVec2& min, const ImVec2& max, ImGuiID id) {
    auto [it, fresh] = m_index.try_emplace(id, m_current.size());
    if (fresh)
        m_current.emplace_back();
    ItemInfo& info = m_current[it->second];
    info.id = id;
    info.min = min;
    info.max = max;
    if (ImGuiWindow* w = ctx->CurrentWindow) {
        info.window = w->Name;
        info.clipMin = w->ClipRect.Min;
        info.clipMax = w->ClipRect.Max;
    }
}

void ItemRecorder::itemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, int flags) {
    auto it = m_index.find(id);
    if (it == m_index.end()) { // a widget that reported without adding (rare): keep its label
        ImRect r = ctx->LastItemData.Rect;
        itemAdd(ctx, r.Min, r.Max, id);
        it = m_index.find(id);
    }
    ItemInfo& info = m_current[it->second];
    info.label = label ? label : "";
    info.flags = flags;
}

const char* ItemRecorder::debugLabel(ImGuiID id) const {
    for (const auto* list : {&m_current, &m_last})
        for (const auto& i : *list)
            if (i.id == id)
                return i.label.c_str();
    return "";
}

bool itemHooksAvailable() {
#ifdef ZHUXUE_IMGUI_TEST_HOOKS
    return true;
#else
    return false;
#endif
}

} // namespace zhuxue::app::driver

#ifdef ZHUXUE_IMGUI_TEST_HOOKS
using zhuxue::app::driver::ItemRecorder;

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect& bb, ImGuiID id) {
    if (auto* r = static_cast<ItemRecorder*>(ctx->TestEngine))
        r->itemAdd(ctx, bb.Min, bb.Max, id);
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label,
                                  ImGuiItemStatusFlags flags) {
    if (auto* r = static_cast<ItemRecorder*>(ctx->TestEngine))
        r->itemInfo(ctx, id, label, flags);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext* ctx, ImGuiID id) {
    if (auto* r = static_cast<ItemRecorder*>(ctx->TestEngine))
        return r->debugLabel(id);
    return nullptr;
}
#endif
