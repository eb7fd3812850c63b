#include "driver.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <thread>

namespace zhuxue::app::driver {

void announceLastItem(const char* label) {
#ifdef ZHUXUE_IMGUI_TEST_HOOKS
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (auto* r = ctx ? static_cast<ItemRecorder*>(ctx->TestEngine) : nullptr)
        r->itemInfo(ctx, ctx->LastItemData.ID, label, ctx->LastItemData.StatusFlags);
#else
    (void)label;
#endif
}


Driver::Driver(App& app, std::function<void(App&)> draw) : m_app(app), m_draw(std::move(draw)) {
    m_recorder.attach(ImGui::GetCurrentContext());
    m_app.setInputHook([this] { applyInput(); });
    m_app.setTextObserver([this](std::string_view s) { m_textCurrent.emplace_back(s); });
}

Driver::~Driver() {
    m_app.setInputHook({});
    m_app.setTextObserver({});
    m_recorder.detach();
}

void Driver::applyInput() {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = m_mouse;
    for (int i = 0; i < 3; ++i)
        io.MouseDown[i] = m_mouseDown[i];
    for (int k = 0; k < ImGuiKey_COUNT; ++k) {
        int native = io.KeyMap[k];
        if (native >= 0 && native < IM_ARRAYSIZE(io.KeysDown))
            io.KeysDown[native] = m_keysDown.count(k) != 0;
    }
    io.KeyCtrl = m_ctrl;
    io.KeyShift = m_shift;
    if (m_wheel != 0) {
        io.MouseWheel = m_wheel;
        m_wheel = 0;
    }
    if (!m_chars.empty()) {
        io.AddInputCharactersUTF8(m_chars.c_str());
        m_chars.clear();
    }
}

void Driver::frame(int n) {
    for (int i = 0; i < n; ++i) {
        m_app.frame(m_draw);
        m_recorder.frameEnded();
        m_textLast.swap(m_textCurrent);
        m_textCurrent.clear();
    }
}

bool Driver::frameUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        frame();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}

static bool matches(const ItemInfo& item, std::string_view query) {
    if (item.label.empty())
        return false;
    if (query.rfind("##", 0) == 0) // "##id": the id part of "any text##id"
        return item.label.size() >= query.size() &&
               std::string_view(item.label).substr(item.label.size() - query.size()) == query;
    if (query.find("##") != std::string_view::npos)
        return item.label == query;
    return item.visibleLabel() == query;
}

const ItemInfo* Driver::find(std::string_view label) const {
    for (const auto& item : m_recorder.items())
        if (matches(item, label))
            return &item;
    return nullptr;
}

std::vector<const ItemInfo*> Driver::findAll(std::string_view label) const {
    std::vector<const ItemInfo*> out;
    for (const auto& item : m_recorder.items())
        if (matches(item, label))
            out.push_back(&item);
    return out;
}

std::string Driver::describe() const {
    std::string out;
    for (const auto& item : m_recorder.items())
        if (!item.label.empty())
            out += "[" + item.label + "] ";
    return out;
}

std::string Driver::focused() const {
    ImGuiID id = ImGui::GetCurrentContext()->NavId;
    for (const auto& item : m_recorder.items())
        if (id != 0 && item.id == id)
            return item.label;
    return {};
}

bool Driver::sawText(std::string_view needle) const {
    return std::any_of(m_textLast.begin(), m_textLast.end(),
                       [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

const ItemInfo* Driver::reach(std::string_view label) {
    const ItemInfo* item = find(label);
    if (!item) {
        // ImGui only labels items it does not clip: page through scrollable windows to find it.
        std::vector<std::string> scrollable;
        for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
            if (w->Active && w->ScrollMax.y > 0)
                scrollable.push_back(w->Name);
        for (const auto& name : scrollable) {
            ImGuiWindow* w = ImGui::FindWindowByName(name.c_str());
            float page = std::max(20.0f, w ? w->InnerRect.GetHeight() * 0.8f : 0.0f);
            for (float y = 0; w && !item && y <= w->ScrollMax.y + page; y += page) {
                ImGui::SetScrollY(w, std::min(y, w->ScrollMax.y));
                frame(2);
                item = find(label);
                w = ImGui::FindWindowByName(name.c_str());
            }
            if (item)
                break;
        }
    }
    if (!item) {
        m_why = "no item labelled \"" + std::string(label) + "\" in the last frame; items: " + describe();
        return nullptr;
    }
    // Scroll its window until the item is inside the visible area (long forms).
    for (int attempt = 0; attempt < 4; ++attempt) {
        // Inside the visible area, give or take the item spacing a selectable row spans
        // beyond its window's edge when the window has no padding (a list in a child window).
        const ImVec2 slack{ImGui::GetStyle().ItemSpacing.x + 1, ImGui::GetStyle().ItemSpacing.y + 1};
        bool visible = item->min.y >= item->clipMin.y - slack.y && item->max.y <= item->clipMax.y + slack.y &&
                       item->min.x >= item->clipMin.x - slack.x;
        if (visible)
            return item;
        ImGuiWindow* w = ImGui::FindWindowByName(item->window.c_str());
        if (!w)
            break;
        float target = w->Scroll.y + (item->min.y - w->InnerRect.Min.y) - w->InnerRect.GetHeight() * 0.3f;
        ImGui::SetScrollY(w, std::max(0.0f, target));
        frame(2);
        item = find(label);
        if (!item)
            break;
    }
    m_why = "item \"" + std::string(label) + "\" is not visible on screen";
    return nullptr;
}

bool Driver::click(std::string_view label) {
    const ItemInfo* item = reach(label);
    if (!item)
        return false;
    clickAt(item->center());
    return true;
}

void Driver::clickAt(ImVec2 pos) {
    m_mouse = pos;
    frame();
    m_mouseDown[0] = true;
    frame();
    m_mouseDown[0] = false;
    frame(2);
}

bool Driver::doubleClick(std::string_view label) {
    const ItemInfo* item = reach(label);
    if (!item)
        return false;
    m_mouse = item->center();
    frame();
    for (int i = 0; i < 2; ++i) {
        m_mouseDown[0] = true;
        frame();
        m_mouseDown[0] = false;
        frame();
    }
    frame();
    return true;
}

bool Driver::typeInto(std::string_view label, std::string_view text) {
    if (!click(label))
        return false;
    press(ImGuiKey_A, true); // select all: typing replaces what was there
    if (!text.empty())
        type(text);
    press(ImGuiKey_Tab);
    return true;
}

bool Driver::drag(std::string_view label, const std::vector<ImVec2>& points) {
    const ItemInfo* item = reach(label);
    if (!item || points.empty())
        return item != nullptr;
    ImVec2 min = item->min, size{item->max.x - item->min.x, item->max.y - item->min.y};
    auto at = [&](ImVec2 p) { return ImVec2(min.x + p.x * size.x, min.y + p.y * size.y); };
    m_mouse = at(points.front());
    frame();
    m_mouseDown[0] = true;
    frame();
    for (size_t i = 1; i < points.size(); ++i) {
        m_mouse = at(points[i]);
        frame();
    }
    m_mouseDown[0] = false;
    frame(2);
    return true;
}

void Driver::moveMouse(ImVec2 pos) {
    m_mouse = pos;
    frame();
}

void Driver::type(std::string_view text) {
    m_chars.append(text);
    frame(2);
}

void Driver::press(ImGuiKey key, bool ctrl, bool shift) {
    m_ctrl = ctrl;
    m_shift = shift;
    m_keysDown.insert(key);
    frame();
    m_keysDown.erase(key);
    frame();
    m_ctrl = m_shift = false;
    frame();
}

void Driver::wheel(float lines) {
    m_wheel = lines;
    frame();
}

void Driver::advance(double seconds) {
    m_app.setHeadlessDeltaTime(static_cast<float>(seconds));
    frame();
    m_app.setHeadlessDeltaTime(1.0f / 60.0f);
}

} // namespace zhuxue::app::driver
