#pragma once
// The keys every screen shares, applied around each frame by App::frame():
//
// Esc goes back. Screens ask escapePressed(); ImGui would spend an Esc pressed in a text field on
// reverting what was typed there since the field was entered, so while a text field is being
// edited the key goes to the screens only (what was typed stays in the form's draft).
//
// Tab order across every kind of field, not only text. Dear ImGui 1.86 moves Tab between
// "inputable" items only and, whenever no text field is being edited, starts again from the first
// one: after a checkbox, a radio button, a button, or a text field left with Enter, Tab jumped
// back to the top of the form. Here Tab continues from the item that has keyboard focus. Widgets
// become tab stops with ImGuiItemFlags_Inputable (client/ui/widgets/fields.hpp does that for
// checkboxes, radio buttons and buttons).
namespace zhuxue::app {

// Between the input update and ImGui::NewFrame(): notes an Esc press, hides it from a text field.
void takeEscape();
// Esc was pressed for this frame.
bool escapePressed();
// Right after ImGui::NewFrame(): a Tab pressed while an item has focus continues from it.
void continueTabbingFromFocus();
// Right before ImGui::Render(): when the focused item was no tab stop (or is gone), Tab starts
// from the first one, as ImGui would have.
void finishTabbing();

} // namespace zhuxue::app
