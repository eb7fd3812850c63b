#include "sign_in_screen.hpp"

#include "client/app/startup_trace.hpp"
#include "client/core/ids.hpp"
#include "client/ui/widgets/fields.hpp"

#include <imgui.h>

#include <chrono>

namespace zhuxue::ui {

void SignInScreen::lockFor(const std::string& user, ScreenId screen, std::vector<ScreenId> history,
                           std::string why) {
    m_user = user;
    m_lockedScreen = screen;
    m_lockedHistory = std::move(history);
    m_password.clear();
    m_locked = true;
    m_error = std::move(why);
}

void SignInScreen::submit(Context& ctx) {
    if (m_busy || !ctx.accounts)
        return;
    m_busy = true;
    m_error.clear();
    std::weak_ptr<int> alive = m_alive;
    store::Accounts* accounts = ctx.accounts;
    app::App* app = &ctx.app;
    Context* c = &ctx;
    ctx.worker->run([=, this, user = m_user, password = m_password] {
        auto result = accounts->signIn(user, password, systemNowMs());
        app->queue().post([=, this] {
            if (alive.expired())
                return;
            m_busy = false;
            m_password.clear();
            if (!result) {
                m_error = message(*app, result.error());
                return;
            }
            c->account = *result;
            app::startupMark("signed in");
            c->history.clear();
            c->screen = ScreenId::Home;
            if (m_locked && result->user == user) { // back to the work the lock interrupted
                c->screen = m_lockedScreen;
                c->history = std::move(m_lockedHistory);
            }
            m_locked = false;
        });
        app->wake();
    });
}

void SignInScreen::createFirstAdmin(Context& ctx) {
    if (m_busy)
        return;
    if (m_password != m_password2) {
        m_error = ctx.tr("ui.signin.passwords_differ");
        return;
    }
    m_busy = true;
    m_error.clear();
    std::weak_ptr<int> alive = m_alive;
    store::Accounts* accounts = ctx.accounts;
    app::App* app = &ctx.app;
    ctx.worker->run([=, this, user = m_user, name = m_displayName, password = m_password] {
        auto st = accounts->create(user, name, store::Role::Admin, password);
        app->queue().post([=, this] {
            if (alive.expired())
                return;
            m_busy = false;
            if (!st) {
                m_error = message(*app, st.error());
                return;
            }
            m_password2.clear();
            m_error = app->tr("ui.signin.admin_created");
        });
        app->wake();
    });
}

void SignInScreen::draw(Context& ctx) {
    bool firstRun = ctx.accounts && !ctx.accounts->anyAccount();
    float width = std::min(520.0f, ImGui::GetContentRegionAvail().x);
    ImGui::SetCursorPosX(std::max(0.0f, (ImGui::GetWindowWidth() - width) * 0.5f));
    ImGui::BeginChild("##signin", ImVec2(width, 0), false);
    heading(ctx.app, firstRun ? "ui.signin.first_admin_title" : m_locked ? "ui.signin.locked_title" : "ui.signin.title");
    if (firstRun)
        dataTextWrapped(ctx.app, ctx.tr("ui.signin.first_admin_help"));
    if (!ctx.accounts) {
        dataTextWrapped(ctx.app, ctx.tr("ui.signin.no_accounts_db"));
        ImGui::EndChild();
        return;
    }
    if (ImGui::IsWindowAppearing()) // after the idle lock the name is fixed: the password takes the keys
        ImGui::SetKeyboardFocusHere(m_locked ? 1 : 0);
    textField(ctx.app, "ui.signin.user", "signin.user", m_user, nullptr, {},
              {.helpKey = "ui.signin.user_help", .flags = m_locked ? ImGuiInputTextFlags_ReadOnly : 0});
    if (firstRun)
        textField(ctx.app, "ui.signin.display_name", "signin.display_name", m_displayName);
    textField(ctx.app, "ui.signin.password", "signin.password", m_password, nullptr, {},
              {.helpKey = firstRun ? "ui.signin.password_rule" : nullptr, .flags = ImGuiInputTextFlags_Password});
    if (firstRun)
        textField(ctx.app, "ui.signin.password_again", "signin.password2", m_password2, nullptr, {},
                  {.flags = ImGuiInputTextFlags_Password});
    ImGui::Spacing();
    bool ready = !m_user.empty() && !m_password.empty() && !m_busy;
    if (firstRun) {
        if (button(ctx.app, "ui.signin.create_admin", ready, "create_admin") || (ready && enterPressed()))
            createFirstAdmin(ctx);
    } else if (button(ctx.app, "ui.signin.submit", ready, "signin") || (ready && enterPressed())) {
        submit(ctx);
    }
    if (m_busy) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", ctx.tr("ui.common.working"));
    }
    if (!m_error.empty())
        dataTextWrapped(ctx.app, m_error);
    // Whoever shuts the laptop here should know that changes have not reached the server yet:
    // they go once someone signs in and the server answers. (A count of the outbox, no record.)
    if (double now = ImGui::GetTime(); ctx.store && now - m_pendingAt > 3.0) {
        m_pendingAt = now;
        if (auto n = ctx.store->pendingCount())
            m_pending = *n;
    }
    if (m_pending > 0) {
        ImGui::Spacing();
        dataTextWrapped(ctx.app, ctx.app.texts().current().format("ui.signin.pending", {{"count", std::to_string(m_pending)}}));
    }
    ImGui::EndChild();
}

} // namespace zhuxue::ui
