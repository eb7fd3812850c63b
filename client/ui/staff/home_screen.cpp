#include "home_screen.hpp"

#include "client/app/app.hpp"
#include "client/core/version.hpp"

#include <imgui.h>

#include <ctime>

namespace zhuxue::ui {

const char* syncStateKey(sync::SyncState state) {
    switch (state) {
    case sync::SyncState::NotConfigured: return "sync.state.not_configured";
    case sync::SyncState::Idle: return "sync.state.idle";
    case sync::SyncState::Syncing: return "sync.state.syncing";
    case sync::SyncState::Offline: return "sync.state.offline";
    case sync::SyncState::Error: return "sync.state.error";
    }
    return "sync.state.not_configured";
}

namespace {
std::string formatTime(int64_t t, const app::App& app) {
    if (t == 0)
        return app.tr("sync.never");
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}
} // namespace

void HomeScreen::draw(app::App& app, const sync::SyncStatus& status) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("##home", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);

    ImGui::TextUnformatted(app.tr("app.title"));
    ImGui::SameLine();
    ImGui::TextDisabled("%s %s", app.tr("app.version"), kVersion);
    ImGui::SameLine(ImGui::GetContentRegionMax().x - 220);
    bool zh = app.settings().language != "en";
    if (ImGui::RadioButton(app.tr("lang.zh_CN"), zh) && !zh) {
        app.setLanguage("zh-CN");
        app.saveSettings();
    }
    ImGui::SameLine();
    if (ImGui::RadioButton(app.tr("lang.en"), !zh) && zh) {
        app.setLanguage("en");
        app.saveSettings();
    }
    ImGui::TextWrapped("%s", app.tr("app.tagline"));
    ImGui::Separator();

    ImGui::TextUnformatted(app.tr("sync.title"));
    if (ImGui::BeginTable("##sync", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) {
        auto row = [](const char* label, const std::string& value) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(label);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(value.c_str());
        };
        row(app.tr("sync.state.label"), app.tr(syncStateKey(status.state)));
        row(app.tr("sync.server"), status.serverUrl.empty() ? app.tr("sync.no_server") : status.serverUrl);
        row(app.tr("sync.last_success"), formatTime(status.lastSuccess, app));
        row(app.tr("sync.pending"), std::to_string(status.pendingChanges));
        row(app.tr("sync.conflicts"), std::to_string(status.conflicts));
        row(app.tr("sync.quarantined"), std::to_string(status.quarantined));
        ImGui::EndTable();
    }
    ImGui::End();
}

} // namespace zhuxue::ui
