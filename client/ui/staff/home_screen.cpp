#include "home_screen.hpp"
#include "queue_panel.hpp"

#include "client/core/version.hpp"
#include "client/ui/widgets/fields.hpp"

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

std::int64_t countOf(const store::StoreStats& s, RecordType type) {
    for (auto& [t, n] : s.records)
        if (t == type)
            return n;
    return 0;
}
} // namespace

void HomeScreen::refresh(Context& ctx) {
    // Counting rows is quick (a few COUNT(*) on indexed tables); done every few seconds only.
    double now = ImGui::GetTime();
    if (!ctx.store || now - m_refreshedAt < 5.0)
        return;
    m_refreshedAt = now;
    if (auto s = ctx.store->stats())
        m_stats = *s;
}

void HomeScreen::draw(Context& ctx) {
    refresh(ctx);
    app::App& app = ctx.app;
    ImGui::TextDisabled("%s %s", app.tr("app.version"), kVersion);
    ImGui::TextWrapped("%s", app.tr("app.tagline"));
    ImGui::Spacing();

    if (ImGui::BeginTable("##home.columns", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        heading(app, "ui.home.start");
        if (button(app, "ui.nav.search", true, "home.search"))
            ctx.go(ScreenId::Search);
        if (ctx.can(Permission::EditRecords) || ctx.can(Permission::SignContracts) ||
            (ctx.account && ctx.account->role == store::Role::Volunteer)) {
            if (button(app, "ui.nav.first_loan", ctx.store != nullptr, "home.first_loan")) {
                ctx.student = Uuid{};
                ctx.go(ScreenId::FirstLoan);
            }
        }
        if (button(app, "ui.nav.settings", true, "home.settings"))
            ctx.go(ScreenId::Settings);

        ImGui::Spacing();
        heading(app, "ui.home.my_work");
        if (m_stats) {
            ImGui::Text("%s: %lld", app.tr("ui.home.students"),
                        static_cast<long long>(countOf(*m_stats, RecordType::Student)));
            ImGui::Text("%s: %lld", app.tr("ui.home.applications"),
                        static_cast<long long>(countOf(*m_stats, RecordType::LoanApplication)));
            ImGui::Text("%s: %lld", app.tr("ui.home.visits"),
                        static_cast<long long>(countOf(*m_stats, RecordType::HomeVisit)));
        } else if (!ctx.store) {
            dataTextWrapped(app, message(app, ctx.storeError));
        }

        ImGui::TableNextColumn();
        heading(app, "sync.title");
        sync::SyncStatus status = ctx.board ? ctx.board->snapshot() : sync::SyncStatus{};
        if (m_stats) { // the store knows its own outbox, conflicts and quarantine
            status.pendingChanges = m_stats->pendingChanges;
            status.conflicts = m_stats->openConflicts;
            status.quarantined = m_stats->quarantined;
        }
        if (ImGui::BeginTable("##sync", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) {
            auto row = [&](const char* label, const std::string& value) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(label);
                ImGui::TableNextColumn();
                dataText(app, value);
            };
            row(app.tr("sync.state.label"), app.tr(syncStateKey(status.state)));
            row(app.tr("sync.server"), status.serverUrl.empty() ? app.tr("sync.no_server") : status.serverUrl);
            row(app.tr("sync.last_success"), formatTime(status.lastSuccess, app));
            row(app.tr("sync.pending"), std::to_string(status.pendingChanges));
            row(app.tr("sync.conflicts"), std::to_string(status.conflicts));
            row(app.tr("sync.quarantined"), std::to_string(status.quarantined));
            if (!status.lastErrorKey.empty())
                row(app.tr("ui.home.last_error"), app.tr(status.lastErrorKey));
            ImGui::EndTable();
        }
        ImGui::EndTable();
    }
    drawQueuePanel(ctx); // the hall queue's "call next" (queue_panel.hpp)
}

} // namespace zhuxue::ui
