#pragma once
// The automation driver used by the GUI tests (Dear ImGui Test Engine is not packaged, so this
// is ours): it runs real frames of the real screens, finds widgets by label through ImGui's
// item hooks, and moves the mouse, clicks, types and presses keys by feeding ImGui's input, just
// as the GLFW backend does. It works on a headless App (no window, no GPU) and on a real window
// (e.g. under Xvfb, to take screenshots along a journey).
#include "client/app/app.hpp"
#include "item_recorder.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::app::driver {

class Driver {
public:
    Driver(App& app, std::function<void(App&)> draw);
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // Runs n frames.
    void frame(int n = 1);
    // Runs frames until pred holds, pausing a millisecond between frames so workers can finish
    // (password hashing, searches); false when it still does not hold after the timeout.
    bool frameUntil(const std::function<bool()>& pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Items of the last frame. A label matches an item's visible label ("保存" for "保存##visit");
    // a query "##visit" matches the id part of any label ending so (language-independent); any
    // other query holding "##" matches the full label. The first match in drawing order wins.
    const ItemInfo* find(std::string_view label) const;
    std::vector<const ItemInfo*> findAll(std::string_view label) const;
    bool exists(std::string_view label) const { return find(label) != nullptr; }
    const std::vector<ItemInfo>& items() const { return m_recorder.items(); }

    // Each returns false, with the reason in why(), when the item is not there.
    bool click(std::string_view label);
    bool doubleClick(std::string_view label);
    // Clicks a screen point, wherever the items are now: a person's click aimed at what an
    // earlier frame showed (items moving under the hand are what it catches).
    void clickAt(ImVec2 pos);
    // Clicks a text field, selects what it holds, types text (UTF-8) and leaves it with Tab.
    bool typeInto(std::string_view label, std::string_view text);
    // Drags the mouse across an item through points given as fractions of its size (0..1).
    bool drag(std::string_view label, const std::vector<ImVec2>& points);
    void moveMouse(ImVec2 pos);
    // Types into whatever has keyboard focus.
    void type(std::string_view text);
    // Presses and releases a key (Tab, Enter, Escape, ...), with Ctrl when asked.
    void press(ImGuiKey key, bool ctrl = false, bool shift = false);
    void wheel(float lines);
    // Advances ImGui's clock (idle locks, countdowns) over one frame.
    void advance(double seconds);

    // The full label of the item with keyboard focus (the text field being typed in, the checkbox
    // or button that Space acts on); empty when nothing has it.
    std::string focused() const;

    // Text shown through App::see() during the last frame (names, places, messages).
    const std::vector<std::string>& shownText() const { return m_textLast; }
    bool sawText(std::string_view needle) const;
    const std::string& why() const { return m_why; }
    // All labels of the last frame, for failure messages.
    std::string describe() const;

private:
    const ItemInfo* reach(std::string_view label); // finds and scrolls it into view
    void applyInput();

    App& m_app;
    std::function<void(App&)> m_draw;
    ItemRecorder m_recorder;
    std::string m_why;
    std::vector<std::string> m_textCurrent, m_textLast;
    // Input state fed to ImGui each frame.
    ImVec2 m_mouse{-1e6f, -1e6f};
    bool m_mouseDown[3] = {false, false, false};
    std::set<int> m_keysDown;
    bool m_ctrl = false, m_shift = false;
    std::string m_chars;
    float m_wheel = 0;
};

} // namespace zhuxue::app::driver
