#pragma once
// The few widgets every screen uses, so that (1) every piece of data text joins the font atlas
// before it is drawn (App::see), and (2) every field looks and behaves the same: label, help text
// for volunteers, inline findings with the reason and how to fix it.
#include "client/core/findings.hpp"

#include <imgui.h>

#include <string>
#include <string_view>

namespace zhuxue::app {
class App;
}

namespace zhuxue::ui {

// Data text (a name, a place, a message): joins the atlas, then drawn.
void dataText(app::App& app, std::string_view text);
void dataTextWrapped(app::App& app, std::string_view text);
void dataTextDisabled(app::App& app, std::string_view text);
// A queue number ("A023") in large type, centred in `width` (window coordinates from its left
// edge): glyphs baked at sizePixels, so it stays sharp where scaled text would blur.
void codeText(app::App& app, std::string_view code, float sizePixels, float width);
// The message of an Error in the current language.
std::string message(app::App& app, const Error& error);

struct FieldOptions {
    const char* helpKey = nullptr;   // i18n key of the help text for volunteers
    const char* hintKey = nullptr;   // i18n key of the grey hint inside an empty field
    ImGuiInputTextFlags flags = 0;
    float width = 0;                 // 0: the column width
    bool* editing = nullptr;         // when set: whether the field is being edited this frame
    // When set: the field shows mask(value) while it is not being edited (an ID number as first 6
    // + last 4, client/ui/widgets/masking.hpp) and the value itself while it is; findings and the
    // caller's value stay the real text.
    std::string (*mask)(const std::string&) = nullptr;
};

// A labelled single-line text field with id `id` (the driver finds it as "##<id>"); findings
// about `field` are shown under it, errors in red, warnings in amber. Returns true when edited.
bool textField(app::App& app, const char* labelKey, const char* id, std::string& value,
               const core::Findings* findings = nullptr, std::string_view field = {},
               const FieldOptions& options = {});
bool multilineField(app::App& app, const char* labelKey, const char* id, std::string& value,
                    float height, const FieldOptions& options = {});
// Findings about one field (or all when field is empty), each as "reason" in its colour.
// For one field, the space its messages took stays taken when they go (kept per window in ImGui's
// state storage), and at least `minLines` lines are always kept: a message that vanishes or
// appears never moves what lies below it under a hand about to click (issue #21 point 2).
void findingsFor(app::App& app, const core::Findings& findings, std::string_view field, int minLines = 0);
// A help marker "(?)" with the text as tooltip.
void helpMarker(app::App& app, const char* helpKey);
// A button that can be disabled; returns true when pressed (click, or Space/Enter while it has
// keyboard focus). Buttons, checkboxes and radio buttons made here are Tab stops like text fields
// (client/app/keyboard.hpp): Tab walks a form in drawing order, Space toggles or presses.
bool button(app::App& app, const char* labelKey, bool enabled = true, const char* id = nullptr);
// ImGui's Button with a ready label ("text##id") and size, as a Tab stop like the above (the
// kiosk's large buttons and keypad).
bool buttonLabelled(const char* label, const ImVec2& size = ImVec2(0, 0));
// A checkbox labelled with the text of labelKey, found by the driver as "##<id>".
bool checkbox(app::App& app, const char* labelKey, const char* id, bool& value);
// One choice of a radio group: value becomes option when chosen.
bool radio(app::App& app, const char* labelKey, const char* id, int& value, int option);
// ImGui's Checkbox and RadioButton with a ready label ("text##id"), as Tab stops like the above.
bool checkboxLabelled(const char* label, bool* value);
bool radioLabelled(const char* label, int* value, int option);
bool radioLabelled(const char* label, bool active);
// Whether a field, checkbox or radio made here was edited in this frame; and the findings field
// (textField's `field`) of a text field left after an edit in this frame (Tab, a click elsewhere),
// else empty. A form checks a field when it is left, and re-checks while findings show so that
// a fixed field clears as it is fixed.
bool fieldEditedThisFrame();
std::string_view fieldLeftAfterEditThisFrame();
// Gives keyboard focus to the next widget when flag is set, and clears it (a screen or a step
// just opened: its first field takes the typing).
void focusNextIf(bool& flag);
// A heading in the screen's title style.
void heading(app::App& app, const char* key);

// Enter pressed while no multi-line field is edited and no button has keyboard focus (Enter then
// presses that button): Enter continues. Esc, also from a text field (which keeps what was typed;
// client/app/keyboard.hpp): goes back.
bool enterPressed();
bool escapePressed();

} // namespace zhuxue::ui
