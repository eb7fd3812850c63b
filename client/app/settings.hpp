#pragma once
// The device's settings: a plain struct with defaults plus load/save (as TracyConfig), kept in
// <data dir>/settings.json. Unknown keys are ignored so an older client reads a newer file.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>

namespace zhuxue::app {

struct Settings {
    std::string language = "zh-CN"; // "zh-CN" or "en"
    std::string serverUrl;           // empty: not connected to a server yet
    std::string enrollmentCode;      // one-time code from the county admin that enrols the device
    float fontSize = 20.0f;
    bool largeText = false;          // 大字模式: 1.5x text
    bool kiosk = false;
    int idleLockSeconds = 600;       // lock the staff client after this long without input
    std::string kioskPin;            // staff PIN to leave kiosk mode (empty: kiosk cannot start)
    // "allow_plain_http": enrol over plain http:// to a host off this machine. Set by hand in
    // settings.json, never from a screen: only for a local network that truly has no TLS.
    bool allowPlainHttp = false;

    float effectiveFontSize() const { return largeText ? fontSize * 1.5f : fontSize; }

    static Result<Settings> load(const std::filesystem::path& file);
    // Writes atomically (temp file, fsync, rename) so a crash never leaves half a file.
    Status save(const std::filesystem::path& file) const;
};

} // namespace zhuxue::app
