#pragma once
// Device settings: sync server address and enrolment code, language, large-text mode, idle lock,
// kiosk configuration. Edits are a draft until saved; saving writes settings.json atomically.
#include "context.hpp"

#include "client/core/findings.hpp"

namespace zhuxue::ui {

class SettingsScreen {
public:
    void draw(Context& ctx);

private:
    void load(Context& ctx);
    void enroll(Context& ctx);
    // A field just left holding the enrollment text (zhuxue-enroll:URL#CODE, the QR code's text)
    // fills the address and the code from it, or says what is wrong with it.
    void takeEnrollmentText(app::App& app, const std::string& field, bool& wasEditing, bool editing,
                            const char* findingField);
    bool m_loaded = false;
    std::string m_enrolledUrl, m_enrolledCounties; // what sync uses (the store's enrolment), read on opening
    std::string m_serverUrl, m_enrollmentCode, m_kioskPin, m_idleMinutes;
    bool m_largeText = false, m_kiosk = false;
    bool m_editingUrl = false, m_editingCode = false; // as of the last frame
    core::Findings m_findings;
    std::string m_status;
};

} // namespace zhuxue::ui
