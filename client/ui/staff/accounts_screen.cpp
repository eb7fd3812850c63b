#include "accounts_screen.hpp"

#include "client/app/worker.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "family_screen.hpp"

#include <imgui.h>

namespace zhuxue::ui {

namespace {
constexpr store::Role kRoles[] = {store::Role::Admin, store::Role::Staff, store::Role::Volunteer};

bool lockedNow(const store::Account& a) {
    return a.lockedUntilMs > systemNowMs();
}
} // namespace

void AccountsScreen::reload(Context& ctx) {
    if (m_loading || !ctx.worker || !ctx.accounts)
        return;
    m_loading = true;
    std::weak_ptr<int> alive = m_alive;
    store::Accounts* accounts = ctx.accounts;
    app::App* app = &ctx.app;
    ctx.worker->run([=, this] {
        auto list = accounts->list();
        app->queue().post([=, this] {
            if (alive.expired())
                return;
            m_loading = false;
            m_loaded = true;
            if (list)
                m_accounts = *list;
            else
                m_status = message(*app, list.error());
        });
        app->wake();
    });
}

void AccountsScreen::run(Context& ctx, std::function<Status(store::Accounts&)> job, const char* doneKey,
                         const std::string& user) {
    if (m_busy || !ctx.worker || !ctx.accounts)
        return;
    m_busy = true;
    m_status.clear();
    std::weak_ptr<int> alive = m_alive;
    store::Accounts* accounts = ctx.accounts;
    app::App* app = &ctx.app;
    std::string done = doneKey;
    ctx.worker->run([=, this] {
        Status st = job(*accounts);
        app->queue().post([=, this] {
            if (alive.expired())
                return;
            m_busy = false;
            if (!st) {
                m_status = message(*app, st.error());
                return;
            }
            m_status = app->texts().current().format(done, {{"user", user}});
            m_loaded = false; // read the list again
        });
        app->wake();
    });
}

void AccountsScreen::drawList(Context& ctx) {
    app::App& app = ctx.app;
    if (!ImGui::BeginTable("##accounts.list", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH))
        return;
    for (const char* col : {"ui.accounts.col_user", "ui.accounts.col_name", "ui.accounts.col_role",
                            "ui.accounts.col_state", "ui.accounts.col_last", "ui.accounts.col_actions"})
        ImGui::TableSetupColumn(app.tr(col));
    ImGui::TableHeadersRow();
    for (const auto& a : m_accounts) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        dataText(app, a.user);
        ImGui::TableNextColumn();
        dataText(app, a.displayName);
        ImGui::TableNextColumn();
        std::string role = codeText(app, "ui.role", store::toCode(a.role));
        if (a.fromServer)
            role += app.tr("ui.accounts.from_server");
        dataText(app, role);
        ImGui::TableNextColumn();
        dataText(app, app.tr(a.disabled      ? "ui.accounts.state_disabled"
                             : lockedNow(a) ? "ui.accounts.state_locked"
                                            : "ui.accounts.state_ok"));
        ImGui::TableNextColumn();
        dataText(app, a.lastSignInMs > 0 ? localTimeText(a.lastSignInMs) : std::string(app.tr("ui.accounts.never")));
        ImGui::TableNextColumn();
        const std::string id = "accounts." + a.user;
        if (lockedNow(a)) {
            if (button(app, "ui.accounts.unlock", !m_busy, (id + ".unlock").c_str())) {
                std::string user = a.user;
                run(ctx, [user](store::Accounts& acc) { return acc.unlock(user); }, "ui.accounts.unlocked", user);
            }
            ImGui::SameLine();
        }
        if (!a.fromServer && button(app, "ui.accounts.reset", !m_busy, (id + ".reset").c_str())) {
            m_resetFor = a.user;
            m_resetPassword.clear();
            m_resetPassword2.clear();
            m_findings = {};
        }
    }
    ImGui::EndTable();
}

void AccountsScreen::drawReset(Context& ctx) {
    app::App& app = ctx.app;
    if (m_resetFor.empty())
        return;
    ImGui::Spacing();
    dataText(app, app.texts().current().format("ui.accounts.reset_title", {{"user", m_resetFor}}));
    FieldOptions secret{.helpKey = "ui.accounts.password_help", .flags = ImGuiInputTextFlags_Password};
    textField(app, "ui.signin.password", "accounts.reset_password", m_resetPassword, &m_findings, "reset", secret);
    textField(app, "ui.signin.password_again", "accounts.reset_password2", m_resetPassword2, &m_findings,
              "reset2", {.flags = ImGuiInputTextFlags_Password});
    if (button(app, "ui.accounts.reset_save", !m_busy, "accounts.reset_save")) {
        m_findings = {};
        if (m_resetPassword != m_resetPassword2) {
            m_findings.error("reset2", Error("ui.signin.passwords_differ"));
        } else {
            std::string user = m_resetFor, password = m_resetPassword;
            run(ctx, [user, password](store::Accounts& acc) { return acc.setPassword(user, password); },
                "ui.accounts.reset_done", user);
            m_resetFor.clear();
            m_resetPassword.clear();
            m_resetPassword2.clear();
        }
    }
    ImGui::SameLine();
    if (button(app, "ui.common.cancel", true, "accounts.reset_cancel"))
        m_resetFor.clear();
}

void AccountsScreen::drawNew(Context& ctx) {
    app::App& app = ctx.app;
    ImGui::Spacing();
    heading(app, "ui.accounts.new");
    textField(app, "ui.signin.user", "accounts.user", m_user, &m_findings, "user", {.helpKey = "ui.accounts.user_help"});
    textField(app, "ui.accounts.name", "accounts.name", m_name, &m_findings, "name");
    ImGui::TextUnformatted(app.tr("ui.accounts.col_role"));
    for (int i = 0; i < 3; ++i) {
        ImGui::SameLine();
        radio(app, (std::string("ui.role.") + std::string(store::toCode(kRoles[i]))).c_str(),
              (std::string("accounts.role.") + std::string(store::toCode(kRoles[i]))).c_str(), m_role, i);
    }
    helpMarker(app, "ui.accounts.role_help");
    FieldOptions secret{.helpKey = "ui.accounts.password_help", .flags = ImGuiInputTextFlags_Password};
    textField(app, "ui.signin.password", "accounts.password", m_password, &m_findings, "password", secret);
    textField(app, "ui.signin.password_again", "accounts.password2", m_password2, &m_findings, "password2",
              {.flags = ImGuiInputTextFlags_Password});
    if (button(app, "ui.accounts.create", !m_busy, "accounts.create")) {
        m_findings = {};
        auto blank = [](const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; };
        if (blank(m_user))
            m_findings.error("user", Error("ui.loan.required", {{"field", app.tr("ui.signin.user")}}));
        if (blank(m_name))
            m_findings.error("name", Error("ui.loan.required", {{"field", app.tr("ui.accounts.name")}}));
        if (m_password != m_password2)
            m_findings.error("password2", Error("ui.signin.passwords_differ"));
        if (m_findings.ok()) {
            std::string user = m_user, name = m_name, password = m_password;
            store::Role role = kRoles[m_role];
            run(ctx, [=](store::Accounts& acc) { return acc.create(user, name, role, password); },
                "ui.accounts.created", user);
            m_password.clear();
            m_password2.clear();
            m_user.clear();
            m_name.clear();
        }
    }
}

void AccountsScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    heading(app, "ui.accounts.title");
    if (!ctx.can(Permission::ManageAccounts) || !ctx.accounts) {
        dataTextWrapped(app, app.tr("ui.accounts.admin_only"));
        if (button(app, "ui.common.back", true, "accounts.back") || escapePressed())
            ctx.back();
        return;
    }
    if (ctx.entered)
        m_loaded = false;
    if (!m_loaded)
        reload(ctx);
    if (!m_status.empty()) {
        dataTextWrapped(app, m_status);
        ImGui::Separator();
    }
    if (m_busy)
        ImGui::TextDisabled("%s", app.tr("ui.common.working"));
    drawList(ctx);
    drawReset(ctx);
    drawNew(ctx);
    ImGui::Spacing();
    if (button(app, "ui.common.back", true, "accounts.back") || escapePressed())
        ctx.back();
}

} // namespace zhuxue::ui
