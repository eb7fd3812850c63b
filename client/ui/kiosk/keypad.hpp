#pragma once
// An on-screen number pad for ID card and phone numbers: big keys for fingers (≥ 48 px), so a
// family never needs the hardware keyboard. Names go through the system input method instead.
#include <string>

namespace zhuxue::app {
class App;
}

namespace zhuxue::ui::kiosk {

struct KeypadOptions {
    bool allowX = false;      // the last character of a resident ID may be X
    std::size_t maxLength = 18;
    float keyWidth = 120, keyHeight = 80;
};

// Draws the pad under the current cursor and edits value; ids "##kp0".."##kp9", "##kpX",
// "##kp.delete", "##kp.clear" (for the driver). Returns true when value changed.
bool keypad(app::App& app, const char* id, std::string& value, const KeypadOptions& options = {});

// The box above the pad with what was typed, large on white (people check it against the card
// digit by digit); while it is empty, `hint` in grey, so the box never reads as a blank gap.
// `width` 0: the whole row.
void keypadDisplay(app::App& app, const char* id, const std::string& shown, const char* hint, float width = 0);

} // namespace zhuxue::ui::kiosk
