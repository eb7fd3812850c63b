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

// "110105********002X": the first 6 and last 4 characters stay, the rest become '*'.
std::string maskIdNumber(const std::string& id);
// "138****5678".
std::string maskPhone(const std::string& phone);

} // namespace zhuxue::ui::kiosk
