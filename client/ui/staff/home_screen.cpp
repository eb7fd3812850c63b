#include "home_screen.hpp"

#include "queue_panel.hpp"

#include "client/core/post_loan_due.hpp"
#include "client/core/version.hpp"
#include "client/store/visit_assignments.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "sync/engine/sync_engine.hpp"

#include <imgui.h>

#include <ctime>
#include <set>

namespace zhuxue::ui {

const char* syncStateKey(sync::SyncState state) {
    switch (state) {
    case sync::SyncState::NotConfigured: return "sync.state.not_configured";
    case sync::SyncState::Idle: return "sync.state.idle";
    case sync::SyncState::Syncing: return "sync.state.syncing";
    case sync::SyncState::Offline: return "sync.state.offline";
    case sync::SyncState::Error: return "sync.state.error";
    case sync::SyncState::WaitingForSignIn: return "sync.state.waiting_sign_in";
    }
    return "sync.state.not_configured";
}

namespace {
std::string formatTime(int64_t t, const app::App& app) {
    if (t == 0)
        return app.tr("sync.never");
    return localTimeText(t * 1000);
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

void HomeScreen::countWork(Context& ctx) {
    double now = ImGui::GetTime();
    const std::string user = ctx.account ? ctx.account->user : std::string();
    // Saved here (dataVersion), pulled by sync (pulledTotal), or a minute old: count again.
    const int64_t pulled = ctx.board ? ctx.board->snapshot().pulledTotal : 0;
    if (!ctx.readStore || !ctx.worker || m_counting ||
        (m_countedVersion == ctx.dataVersion && m_countedPulled == pulled && m_countedFor == user &&
         now - m_countedAt < 60.0))
        return;
    if (m_countedFor != user)
        m_work.reset(); // another person's tasks are not shown, not even for a frame
    m_counting = true;
    m_countedVersion = ctx.dataVersion;
    m_countedPulled = pulled;
    m_countedFor = user;
    m_countedAt = now;
    const std::string today = todayIso();
    store::Store* db = ctx.readStore;
    app::App* app = &ctx.app;
    const int year = localYear();
    ctx.worker->run([=, this] {
        Work w;
        std::set<std::string> visited;
        (void)db->forEach<HomeVisit>([&](const HomeVisit& v) {
            visited.insert(v.studentId.str());
            return true;
        });
        (void)db->forEach<HardshipAssessment>([&](const HardshipAssessment& a) {
            w.awaitingReview += a.status == AssessmentStatus::Submitted;
            w.visitsDue += a.schoolYear == year && a.status != AssessmentStatus::Draft &&
                           a.level != HardshipLevel::None && !visited.count(a.studentId.str());
            return true;
        });
        // Reminders are counted in people, as the post-loan lists show them: a borrower with a
        // loan each school year is one person to remind.
        std::set<std::string> toRemind;
        (void)db->forEach<LoanApplication>([&](const LoanApplication& a) {
            w.awaitingReview += a.status == LoanStatus::Applied;
            if (!core::postLoanDueMayApply(a.status) || toRemind.count(a.studentId.str()))
                return true;
            auto s = db->get<Student>(a.studentId);
            const bool known = s && *s;
            if (core::postLoanDue(a.status, known ? (*s)->enrollmentYear : 0, known ? (*s)->programYears : 0, year))
                toRemind.insert(a.studentId.str());
            return true;
        });
        w.remindersDue = static_cast<int>(toRemind.size());
        if (auto mine = store::openVisitAssignments(*db, user); mine && !user.empty())
            for (const auto& a : *mine) {
                auto s = db->get<Student>(a.studentId);
                w.tasks.push_back({a.studentId, s && *s ? (*s)->name : std::string(), a.dueDate,
                                   !a.dueDate.empty() && a.dueDate < today});
            }
        app->queue().post([=, this] {
            m_counting = false;
            m_work = w;
        });
        app->wake();
    });
}

void HomeScreen::draw(Context& ctx) {
    refresh(ctx);
    countWork(ctx);
    app::App& app = ctx.app;
    ImGui::TextDisabled("%s %s", app.tr("app.version"), kVersion);
    ImGui::TextWrapped("%s", app.tr("app.tagline"));
    ImGui::Spacing();

    if (ImGui::BeginTable("##home.columns", 3, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        heading(app, "ui.home.start");
        bool focus = ctx.entered; // Enter (or Space) on arrival opens the search
        focusNextIf(focus);
        if (button(app, "ui.nav.search", true, "home.search"))
            ctx.go(ScreenId::Search);
        if (ctx.can(Permission::EditRecords) || ctx.can(Permission::SignContracts) ||
            (ctx.account && ctx.account->role == store::Role::Volunteer)) {
            if (button(app, "ui.nav.first_loan", ctx.store != nullptr, "home.first_loan")) {
                ctx.student = Uuid{};
                ctx.go(ScreenId::FirstLoan);
            }
        }
        if (button(app, "ui.nav.calculator", true, "home.calculator"))
            ctx.go(ScreenId::Calculator);
        if (button(app, "ui.nav.dashboard", ctx.store != nullptr, "home.dashboard"))
            ctx.go(ScreenId::Dashboard);
        if (button(app, "ui.nav.post_loan", ctx.store != nullptr, "home.post_loan"))
            ctx.go(ScreenId::PostLoan);
        if (button(app, "ui.nav.review", ctx.store != nullptr, "home.review"))
            ctx.go(ScreenId::Review);
        if (button(app, "ui.nav.settings", true, "home.settings"))
            ctx.go(ScreenId::Settings);

        ImGui::TableNextColumn();
        heading(app, "ui.home.my_work");
        if (m_work) {
            auto work = [&](const char* key, int n, ScreenId to, const char* id) {
                std::string text = app.texts().current().format(key, {{"count", std::to_string(n)}});
                app.see(text);
                std::string label = text + "##" + id;
                if (ImGui::Selectable(label.c_str(), false) && ctx.store)
                    ctx.go(to);
            };
            // Home visits given to me: each opens the visit form for that family.
            dataText(app, app.texts().current().format("ui.home.tasks", {{"count", std::to_string(m_work->tasks.size())}}));
            for (std::size_t i = 0; i < m_work->tasks.size(); ++i) {
                const auto& t = m_work->tasks[i];
                std::string text = app.texts().current().format(t.overdue ? "ui.home.task_overdue" : "ui.home.task",
                                                                {{"name", t.name}, {"date", t.dueDate}});
                app.see(text);
                if (t.overdue)
                    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.10f, 0.10f, 1.0f));
                bool open = buttonLabelled((text + "##home.task." + std::to_string(i)).c_str());
                if (t.overdue)
                    ImGui::PopStyleColor();
                if (open && ctx.store) {
                    ctx.student = t.studentId;
                    ctx.go(ScreenId::HomeVisit);
                }
            }
            work("ui.home.work_visits", m_work->visitsDue, ScreenId::Review, "home.work.visits");
            work("ui.home.work_review", m_work->awaitingReview, ScreenId::Review, "home.work.review");
            work("ui.home.work_reminders", m_work->remindersDue, ScreenId::PostLoan, "home.work.reminders");
        } else {
            ImGui::TextDisabled("%s", app.tr("ui.common.working"));
        }
        ImGui::Spacing();
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
            // Attachments (photos, signatures) whose file has not travelled yet.
            if (status.blobsPendingUp > 0)
                row(app.tr("sync.blobs_up"), std::to_string(status.blobsPendingUp));
            if (status.blobsPendingDown > 0)
                row(app.tr("sync.blobs_down"), std::to_string(status.blobsPendingDown));
            if (!status.lastErrorKey.empty())
                row(app.tr("ui.home.last_error"), app.tr(status.lastErrorKey));
            ImGui::EndTable();
        }
        // A round now (before leaving a village with a signal, say), not at the next timer.
        const bool enrolled = status.state != sync::SyncState::NotConfigured;
        const bool busy = status.state == sync::SyncState::Syncing || status.state == sync::SyncState::WaitingForSignIn;
        if (button(app, "sync.ui.sync_now", ctx.sync != nullptr && enrolled && !busy, "home.sync_now"))
            ctx.sync->requestSync();
        ImGui::SameLine();
        if (button(app, "ui.nav.conflicts", ctx.store != nullptr, "home.conflicts"))
            ctx.go(ScreenId::Conflicts);
        ImGui::EndTable();
    }
    drawQueuePanel(ctx); // the hall queue's "call next" (queue_panel.hpp)
}

} // namespace zhuxue::ui
