#include "settings.hpp"

#include "client/store/paths.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace zhuxue::app {
namespace fs = std::filesystem;

Result<Settings> Settings::load(const fs::path& file) {
    Settings s;
    std::error_code ec;
    if (!fs::exists(file, ec))
        return s;
    auto text = readTextFile(file);
    if (!text)
        return text.error();
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error("settings.invalid", {{"path", file.string()}}, "not a JSON object");
    s.language = j.value("language", s.language);
    s.serverUrl = j.value("server_url", s.serverUrl);
    s.enrollmentCode = j.value("enrollment_code", s.enrollmentCode);
    s.kioskPin = j.value("kiosk_pin", s.kioskPin);
    s.fontSize = j.value("font_size", s.fontSize);
    s.largeText = j.value("large_text", s.largeText);
    s.kiosk = j.value("kiosk", s.kiosk);
    s.allowPlainHttp = j.value("allow_plain_http", s.allowPlainHttp);
    s.idleLockSeconds = j.value("idle_lock_seconds", s.idleLockSeconds);
    if (s.language != "zh-CN" && s.language != "en")
        s.language = "zh-CN";
    if (s.idleLockSeconds < 60 || s.idleLockSeconds > 24 * 3600)
        s.idleLockSeconds = 600;
    if (s.fontSize < 12.0f || s.fontSize > 48.0f)
        s.fontSize = 20.0f;
    return s;
}

Status Settings::save(const fs::path& file) const {
    nlohmann::json j = {{"language", language},       {"server_url", serverUrl},
                        {"font_size", fontSize},      {"large_text", largeText},
                        {"kiosk", kiosk},             {"idle_lock_seconds", idleLockSeconds},
                        {"enrollment_code", enrollmentCode}, {"kiosk_pin", kioskPin}};
    if (allowPlainHttp) // written only when set, so it never appears by accident
        j["allow_plain_http"] = true;
    if (auto st = writeFileDurably(file, j.dump(2) + "\n"); !st)
        return Error("settings.save_failed", {{"path", file.string()}}, st.error().detail);
    return {};
}

} // namespace zhuxue::app
