#include "keyboard.hpp"

#include <imgui.h>
#include <imgui_internal.h>

namespace zhuxue::app {

namespace {
// Which ImGui context's tab request of this frame was redirected (contexts come and go in tests).
ImGuiContext* g_redirected = nullptr;
// Esc: pressed this frame, and held at the last look (a press counts once), per context.
ImGuiContext* g_escapeContext = nullptr;
bool g_escapePressed = false, g_escapeDown = false;
} // namespace

void takeEscape() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (g_escapeContext != ctx) {
        g_escapeContext = ctx;
        g_escapeDown = false;
    }
    ImGuiIO& io = ImGui::GetIO();
    int key = io.KeyMap[ImGuiKey_Escape];
    bool down = key >= 0 && key < IM_ARRAYSIZE(io.KeysDown) && io.KeysDown[key];
    g_escapePressed = down && !g_escapeDown;
    g_escapeDown = down;
    if (down && io.WantTextInput) // set by the last frame: a text field is being edited
        io.KeysDown[key] = false;
}

bool escapePressed() { return g_escapeContext == ImGui::GetCurrentContext() && g_escapePressed; }

void continueTabbingFromFocus() {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    g_redirected = nullptr;
    // NavUpdateCreateTabbingRequest() asks for the first tab stop ("tab init", direction 0) when
    // nothing is active; a request made through SetKeyboardFocusHere() (FocusApi) is left alone.
    bool tabInit = g.NavMoveScoringItems && (g.NavMoveFlags & ImGuiNavMoveFlags_Tabbing) &&
                   !(g.NavMoveFlags & ImGuiNavMoveFlags_FocusApi) && g.NavTabbingDir == 0;
    if (tabInit && g.NavId != 0) {
        g.NavTabbingDir = +1; // counter stays -1: the focused item sets it, the next stop resolves
        g_redirected = &g;
    }
}

void finishTabbing() {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    if (g_redirected != &g)
        return;
    g_redirected = nullptr;
    // The focused item never came by as a tab stop: fall back to the first one (ImGui applies
    // NavTabbingResultFirst when the counter is 1).
    if (g.NavMoveScoringItems && g.NavMoveResultLocal.ID == 0 && g.NavTabbingCounter != 1)
        g.NavTabbingCounter = 1;
}

} // namespace zhuxue::app
