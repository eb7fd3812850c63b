#include "fields.hpp"

#include "client/app/app.hpp"
#include "client/app/keyboard.hpp"
#include "client/core/text/line_break.hpp"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace zhuxue::ui {

namespace {
int g_multilineActiveFrame = -10; // Enter belongs to a multi-line field while one is edited
ImGuiContext* g_multilineContext = nullptr; // ...of this ImGui context (frame numbers are per context)
ImGuiID g_focusedButton = 0; // the button that had keyboard focus when last drawn
ImGuiContext* g_focusedButtonContext = nullptr;
// The last frame in which a field was edited, and in which one was left after an edit (Tab, a
// click elsewhere), of the context that drew it (frame numbers are per context).
struct FrameMark {
    ImGuiContext* context = nullptr;
    int frame = -10;
    void set() { context = ImGui::GetCurrentContext(), frame = ImGui::GetFrameCount(); }
    bool now() const { return context == ImGui::GetCurrentContext() && frame == ImGui::GetFrameCount(); }
};
FrameMark g_edited, g_left;
std::string g_leftField; // the findings field of the text field left (g_left)
const ImVec4 kError(0.75f, 0.10f, 0.10f, 1.0f);
const ImVec4 kWarning(0.70f, 0.45f, 0.00f, 1.0f);
// Text wrapped to the space left on the line by the Chinese line-breaking rules (no "。" alone
// at the start of a line), drawn as one block like ImGui's own wrapped text.
void wrappedText(std::string_view text) {
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    auto lines = text::breakLines(text, ImGui::GetContentRegionAvail().x, [&](char32_t cp) {
        return font->GetCharAdvance(static_cast<ImWchar>(cp)) * scale;
    });
    std::string block;
    block.reserve(text.size() + lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i)
            block += '\n';
        block.append(lines[i]);
    }
    ImGui::TextUnformatted(block.data(), block.data() + block.size());
}
} // namespace

void dataText(app::App& app, std::string_view text) {
    app.see(text);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
}

void dataTextWrapped(app::App& app, std::string_view text) {
    app.see(text);
    wrappedText(text);
}

void codeText(app::App& app, std::string_view code, float sizePixels, float width) {
    app.see(code);
    ImFont* big = app.displayFont(sizePixels);
    if (big)
        ImGui::PushFont(big);
    else // the frame that bakes the size: the text font scaled, this once
        ImGui::SetWindowFontScale(sizePixels / ImGui::GetFont()->FontSize);
    float w = ImGui::CalcTextSize(code.data(), code.data() + code.size()).x;
    ImGui::SetCursorPosX(std::max(8.0f, (width - w) * 0.5f));
    ImGui::TextUnformatted(code.data(), code.data() + code.size());
    if (big)
        ImGui::PopFont();
    else
        ImGui::SetWindowFontScale(1.0f);
}

void dataTextDisabled(app::App& app, std::string_view text) {
    app.see(text);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopStyleColor();
}

std::string message(app::App& app, const Error& error) {
    return app.texts().current().format(error);
}

void findingsFor(app::App& app, const core::Findings& findings, std::string_view field, int minLines) {
    const float top = ImGui::GetCursorPosY();
    for (const auto& f : findings.all()) {
        if (!field.empty() && f.field != field)
            continue;
        std::string text = message(app, f.message);
        app.see(text);
        ImGui::PushStyleColor(ImGuiCol_Text, f.severity == core::Severity::Error ? kError : kWarning);
        wrappedText(text);
        ImGui::PopStyleColor();
    }
    if (field.empty())
        return;
    // The most this field's messages have needed in this window, and at least minLines, kept in
    // lines so that a change of text size keeps the same room.
    ImGuiStorage* storage = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID((std::string("##findings.") + std::string(field)).c_str());
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float used = ImGui::GetCursorPosY() - top;
    const float lines = std::max({storage->GetFloat(key, 0.0f), used / line, static_cast<float>(minLines)});
    storage->SetFloat(key, lines);
    const float keep = lines * line;
    if (keep > used) // Dummy adds the item spacing below itself
        ImGui::Dummy(ImVec2(0.0f, std::max(0.0f, keep - used - ImGui::GetStyle().ItemSpacing.y)));
}

void helpMarker(app::App& app, const char* helpKey) {
    if (!helpKey)
        return;
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
        ImGui::TextUnformatted(app.tr(helpKey));
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

// The first frame of editing a masked field: the edit buffer (and what Esc would restore) becomes
// the real value, all of it selected as when a field is entered with Tab.
static int unmaskOnEdit(ImGuiInputTextCallbackData* data) {
    const auto& value = *static_cast<const std::string*>(data->UserData);
    data->DeleteChars(0, data->BufTextLen);
    data->InsertChars(0, value.data(), value.data() + value.size());
    data->SelectAll();
    ImGuiInputTextState& state = ImGui::GetCurrentContext()->InputTextState;
    state.InitialTextA.resize(static_cast<int>(value.size()) + 1);
    std::copy(value.c_str(), value.c_str() + value.size() + 1, state.InitialTextA.Data);
    return 0;
}

static void fieldLabel(app::App& app, const char* labelKey, const FieldOptions& options) {
    ImGui::TextUnformatted(app.tr(labelKey));
    helpMarker(app, options.helpKey);
}

bool textField(app::App& app, const char* labelKey, const char* id, std::string& value,
               const core::Findings* findings, std::string_view field, const FieldOptions& options) {
    ImGui::PushID(id);
    fieldLabel(app, labelKey, options);
    ImGui::SetNextItemWidth(options.width > 0 ? options.width : -FLT_MIN);
    std::string widgetId = std::string("##") + id;
    auto input = [&](std::string& text, ImGuiInputTextFlags flags, ImGuiInputTextCallback callback, void* data) {
        return options.hintKey ? ImGui::InputTextWithHint(widgetId.c_str(), app.tr(options.hintKey), &text,
                                                          flags, callback, data)
                               : ImGui::InputText(widgetId.c_str(), &text, flags, callback, data);
    };
    bool changed = false;
    const bool masked = options.mask && !value.empty() && ImGui::GetActiveID() != ImGui::GetID(widgetId.c_str());
    if (masked) {
        // Drawn with the masked text. A click or Tab that starts editing copies the text shown
        // into ImGui's edit buffer in this same call: the callback puts the value there instead,
        // before anything is typed or drawn.
        std::string shown = options.mask(value);
        changed = input(shown, options.flags | ImGuiInputTextFlags_CallbackAlways, unmaskOnEdit, &value);
        if (ImGui::IsItemActive()) {
            changed = shown != value;
            value = std::move(shown);
        } else {
            changed = false;
            app.see(shown);
        }
    } else {
        changed = input(value, options.flags, nullptr, nullptr);
    }
    if (options.editing)
        *options.editing = ImGui::IsItemActive();
    if (changed)
        g_edited.set();
    if (ImGui::IsItemDeactivatedAfterEdit() && !field.empty()) {
        g_left.set();
        g_leftField = field;
    }
    if (!masked || ImGui::IsItemActive())
        app.see(value); // pasted or loaded text joins the atlas too
    if (findings && !field.empty())
        findingsFor(app, *findings, field);
    ImGui::PopID();
    return changed;
}

bool multilineField(app::App& app, const char* labelKey, const char* id, std::string& value,
                    float height, const FieldOptions& options) {
    ImGui::PushID(id);
    fieldLabel(app, labelKey, options);
    std::string widgetId = std::string("##") + id;
    bool changed = ImGui::InputTextMultiline(widgetId.c_str(), &value, ImVec2(-FLT_MIN, height), options.flags);
    if (ImGui::IsItemActive() || ImGui::IsItemDeactivated()) {
        g_multilineActiveFrame = ImGui::GetFrameCount();
        g_multilineContext = ImGui::GetCurrentContext();
    }
    app.see(value);
    ImGui::PopID();
    return changed;
}

namespace {
// Keyboard focus is on the last item, with its focus frame shown (not merely clicked).
bool keyboardFocused() {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    return ImGui::IsItemFocused() && !g.NavDisableHighlight;
}

// Draws a widget as a Tab stop. ImGui hides the focus frame when Tab lands on an "inputable"
// item (it expects a text field that shows a cursor); a checkbox or button shows it, so that the
// person sees where Space will act.
template <class Draw> bool tabStop(Draw draw) {
    ImGui::PushItemFlag(ImGuiItemFlags_Inputable, true);
    bool result = draw();
    if (result && ImGui::IsItemEdited()) // a checkbox ticked, a radio chosen (not a button pressed)
        g_edited.set();
    ImGui::PopItemFlag();
    ImGuiContext& g = *ImGui::GetCurrentContext();
    if (g.NavJustMovedToId != 0 && g.NavJustMovedToId == ImGui::GetItemID()) {
        g.NavDisableHighlight = false;
        g.NavDisableMouseHover = true;
    }
    return result;
}

bool enterKeyPressed() {
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
           ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false);
}
} // namespace

bool buttonLabelled(const char* label, const ImVec2& size) {
    bool pressed = tabStop([&] { return ImGui::Button(label, size); });
    const bool enabled = !(ImGui::GetItemFlags() & ImGuiItemFlags_Disabled);
    if (enabled && keyboardFocused()) {
        g_focusedButton = ImGui::GetItemID();
        g_focusedButtonContext = ImGui::GetCurrentContext();
        pressed = pressed || enterKeyPressed();
    }
    return pressed && enabled;
}

bool button(app::App& app, const char* labelKey, bool enabled, const char* id) {
    std::string label = app.tr(labelKey);
    if (id)
        label += std::string("##") + id;
    if (!enabled)
        ImGui::BeginDisabled();
    bool pressed = buttonLabelled(label.c_str());
    if (!enabled)
        ImGui::EndDisabled();
    return pressed && enabled;
}

bool fieldEditedThisFrame() {
    return g_edited.now();
}

std::string_view fieldLeftAfterEditThisFrame() {
    return g_left.now() ? std::string_view(g_leftField) : std::string_view();
}

bool checkboxLabelled(const char* label, bool* value) {
    return tabStop([&] { return ImGui::Checkbox(label, value); });
}

bool radioLabelled(const char* label, int* value, int option) {
    return tabStop([&] { return ImGui::RadioButton(label, value, option); });
}

bool radioLabelled(const char* label, bool active) {
    return tabStop([&] { return ImGui::RadioButton(label, active); });
}

bool checkbox(app::App& app, const char* labelKey, const char* id, bool& value) {
    std::string label = std::string(app.tr(labelKey)) + "##" + id;
    return checkboxLabelled(label.c_str(), &value);
}

bool radio(app::App& app, const char* labelKey, const char* id, int& value, int option) {
    std::string label = std::string(app.tr(labelKey)) + "##" + id;
    return radioLabelled(label.c_str(), &value, option);
}

void focusNextIf(bool& flag) {
    if (!flag)
        return;
    ImGui::SetKeyboardFocusHere();
    flag = false;
}

void heading(app::App& app, const char* key) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.10f, 0.25f, 0.50f, 1.0f));
    ImGui::TextUnformatted(app.tr(key));
    ImGui::PopStyleColor();
    ImGui::Separator();
}

bool enterPressed() {
    // Enter in a single-line field both leaves the field and continues; in a multi-line field it
    // is a new line.
    // (A frame number of another ImGui context, e.g. an earlier window in the same process, says
    // nothing about this one: its frames count from 0 again.)
    int frame = ImGui::GetFrameCount();
    bool multiline = g_multilineContext == ImGui::GetCurrentContext() &&
                     g_multilineActiveFrame >= frame - 1 && g_multilineActiveFrame <= frame;
    // A button with keyboard focus takes Enter itself (button()).
    ImGuiContext& g = *ImGui::GetCurrentContext();
    bool onButton = g_focusedButtonContext == &g && g.NavId != 0 && g.NavId == g_focusedButton &&
                    !g.NavDisableHighlight;
    return !multiline && !onButton && enterKeyPressed();
}

bool escapePressed() { return app::escapePressed(); }

} // namespace zhuxue::ui
