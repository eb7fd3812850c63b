#include "settings_screen.hpp"

#include "client/ui/widgets/fields.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "sync/protocol/enrollment.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>

namespace zhuxue::ui {

void SettingsScreen::load(Context& ctx) {
    const app::Settings& s = ctx.app.settings();
    m_enrolledUrl.clear();
    m_enrolledCounties.clear();
    // A device enrolled with `zhuxue-cli enroll` (or before settings kept the address) has the
    // server only in its store: that is the address sync uses, so that is the one shown.
    if (ctx.store)
        if (auto c = sync::deviceCredentials(*ctx.store); c && c->enrolled()) {
            m_enrolledUrl = c->url;
            for (const auto& county : c->counties)
                m_enrolledCounties += (m_enrolledCounties.empty() ? "" : ",") + county;
        }
    m_serverUrl = s.serverUrl.empty() ? m_enrolledUrl : s.serverUrl;
    m_enrollmentCode = s.enrollmentCode;
    m_kioskPin = s.kioskPin;
    m_idleMinutes = std::to_string(s.idleLockSeconds / 60);
    m_largeText = s.largeText;
    m_kiosk = s.kiosk;
    m_loaded = true;
}

namespace {
bool allDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
} // namespace

void SettingsScreen::takeEnrollmentText(app::App& app, const std::string& field, bool& wasEditing,
                                        bool editing, const char* findingField) {
    bool left = wasEditing && !editing;
    wasEditing = editing;
    std::string text = field;
    text.erase(0, text.find_first_not_of(" \t\r\n"));
    text.erase(text.find_last_not_of(" \t\r\n") + 1);
    if (!left || !sync::isEnrollmentText(text))
        return;
    auto link = sync::parseEnrollmentText(text);
    m_findings = {};
    m_status.clear();
    if (!link) {
        m_findings.error(findingField, link.error());
        return;
    }
    m_serverUrl = link->url;
    m_enrollmentCode = link->code;
    m_status = message(app, Error("ui.settings.enrollment_text_read", {{"url", link->url}}));
}

// Trades the code for a token on the sync worker (never on this thread); the answer comes back
// through the main-thread queue. Unsynced records are kept whatever happens.
void SettingsScreen::enroll(Context& ctx) {
    app::App& app = ctx.app;
    std::string url = m_serverUrl, code = m_enrollmentCode;
    url.erase(0, url.find_first_not_of(" \t"));
    url.erase(url.find_last_not_of(" \t/") + 1);
    code.erase(0, code.find_first_not_of(" \t"));
    code.erase(code.find_last_not_of(" \t") + 1);
    if (url.empty() || code.empty()) {
        m_status = app.tr("sync.ui.need_url_code");
        return;
    }
    m_status = app.tr("sync.ui.enrolling");
    ctx.sync->requestEnroll(url, code, "", [&app, &ctx, this, url](Result<sync::SyncCredentials> r) {
        app.queue().post([&app, &ctx, this, url, r = std::move(r)] {
            if (!r) {
                m_status = message(app, r.error());
                return;
            }
            std::string counties;
            for (const auto& c : r->counties)
                counties += (counties.empty() ? "" : ",") + c;
            if (!r->counties.empty())
                ctx.county = r->counties.front();
            m_enrollmentCode.clear(); // a code works once
            m_serverUrl = url;
            m_enrolledUrl = url;
            m_enrolledCounties = counties;
            app.settings().serverUrl = url;
            app.settings().enrollmentCode.clear();
            (void)app.saveSettings();
            m_status = message(app, Error("sync.ui.enrolled", {{"counties", counties}}));
        });
    }, app.settings().allowPlainHttp);
}

void SettingsScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_loaded || ctx.entered)
        load(ctx);
    bool mayChange = ctx.can(Permission::ChangeSettings);
    heading(app, "ui.settings.title");
    dataTextWrapped(app, m_enrolledUrl.empty()
                             ? std::string(app.tr("ui.settings.not_enrolled"))
                             : app.texts().current().format("ui.settings.enrolled",
                                                            {{"url", m_enrolledUrl}, {"counties", m_enrolledCounties}}));

    // Language and text size apply at once: they are about reading this screen.
    ImGui::TextUnformatted(app.tr("ui.settings.language"));
    bool zh = app.settings().language != "en";
    int lang = zh ? 0 : 1;
    bool focus = ctx.entered;
    focusNextIf(focus);
    if (radio(app, "lang.zh_CN", "settings.lang_zh", lang, 0) && !zh) {
        app.setLanguage("zh-CN");
        (void)app.saveSettings();
    }
    ImGui::SameLine();
    if (radio(app, "lang.en", "settings.lang_en", lang, 1) && zh) {
        app.setLanguage("en");
        (void)app.saveSettings();
    }
    if (checkbox(app, "ui.settings.large_text", "settings.large_text", m_largeText)) {
        app.settings().largeText = m_largeText;
        app.applyTextSize();
        (void)app.saveSettings();
    }
    helpMarker(app, "ui.settings.large_text_help");
    ImGui::Spacing();

    if (!mayChange) {
        dataTextWrapped(app, app.tr("ui.settings.admin_only"));
        if (button(app, "ui.common.back", true, "settings.back") || escapePressed())
            ctx.back();
        return;
    }
    // Who may sign in on this device: make staff and volunteer accounts, lift lockouts.
    if (ctx.can(Permission::ManageAccounts) && button(app, "ui.accounts.open", ctx.accounts != nullptr, "settings.accounts"))
        ctx.go(ScreenId::Accounts);
    ImGui::Spacing();
    bool editingUrl = false, editingCode = false;
    FieldOptions url{.helpKey = "ui.settings.server_help", .hintKey = "ui.settings.server_hint", .editing = &editingUrl};
    textField(app, "ui.settings.server", "settings.server", m_serverUrl, &m_findings, "server", url);
    // Before the code field is drawn: Tab into it shows the code just read.
    takeEnrollmentText(app, m_serverUrl, m_editingUrl, editingUrl, "server");
    textField(app, "ui.settings.enrollment_code", "settings.enrollment", m_enrollmentCode, &m_findings,
              "enrollment", {.helpKey = "ui.settings.enrollment_help", .editing = &editingCode});
    takeEnrollmentText(app, m_enrollmentCode, m_editingCode, editingCode, "enrollment");
    if (ctx.sync && button(app, "sync.ui.enroll", true, "settings.enroll"))
        enroll(ctx);
    textField(app, "ui.settings.idle_minutes", "settings.idle", m_idleMinutes, &m_findings, "idle",
              {.helpKey = "ui.settings.idle_help", .flags = ImGuiInputTextFlags_CharsDecimal, .width = 120});
    ImGui::Spacing();
    checkbox(app, "ui.settings.kiosk", "settings.kiosk", m_kiosk);
    helpMarker(app, "ui.settings.kiosk_help");
    textField(app, "ui.settings.kiosk_pin", "settings.kiosk_pin", m_kioskPin, &m_findings, "kiosk_pin",
              {.helpKey = "ui.settings.kiosk_pin_help",
               .flags = ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal, .width = 160});
    ImGui::Spacing();

    bool save = button(app, "ui.common.save", true, "settings.save") || enterPressed();
    ImGui::SameLine();
    if (button(app, "ui.common.back", true, "settings.back") || escapePressed())
        ctx.back();
    if (save) {
        m_findings = {};
        m_status.clear();
        std::string url = m_serverUrl;
        url.erase(0, url.find_first_not_of(" \t"));
        url.erase(url.find_last_not_of(" \t/") + 1);
        if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
            m_findings.error("server", Error("ui.settings.bad_server", {{"value", url}}));
        if (!allDigits(m_idleMinutes) || std::stoi(m_idleMinutes) < 1 || std::stoi(m_idleMinutes) > 240)
            m_findings.error("idle", Error("ui.settings.bad_idle"));
        if (m_kiosk && (m_kioskPin.size() < 4 || !allDigits(m_kioskPin)))
            m_findings.error("kiosk_pin", Error("ui.settings.bad_pin"));
        if (m_findings.ok()) {
            app::Settings& s = app.settings();
            s.serverUrl = url;
            s.enrollmentCode = m_enrollmentCode;
            s.idleLockSeconds = std::stoi(m_idleMinutes) * 60;
            s.kiosk = m_kiosk;
            s.kioskPin = m_kioskPin;
            m_serverUrl = url;
            auto st = app.saveSettings();
            m_status = st ? app.tr("ui.settings.saved") : message(app, st.error());
        }
    }
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
}

} // namespace zhuxue::ui
