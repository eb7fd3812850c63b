#include "visit_assign_panel.hpp"

#include "client/core/date.hpp"
#include "client/store/visit_assignments.hpp"
#include "client/ui/widgets/fields.hpp"
#include "family_screen.hpp"

#include <imgui.h>

#include <algorithm>

namespace zhuxue::ui {

void VisitAssignPanel::load(Context& ctx, const Student& student) {
    m_open.clear();
    m_error.clear();
    if (!(student.id == m_statusFor))
        m_status.clear(); // "assigned to …" was about the family before (issue #21 point 7)
    if (auto open = store::openVisitAssignmentsOf(*ctx.store, student.id))
        m_open = std::move(*open);
    else
        m_error = message(ctx.app, open.error());
    if (m_due.empty()) // two weeks ahead unless staff change it
        if (auto today = core::Date::parse(todayIso()))
            m_due = core::Date::fromDayNumber(today->dayNumber() + 14).iso();
    m_accounts.clear();
    m_names.clear();
    if (ctx.accounts) {
        if (auto all = ctx.accounts->list()) {
            for (auto& a : *all) {
                if (!a.displayName.empty())
                    m_names[a.user] = a.displayName; // who assigned, by name
                if (!a.disabled && ctx.can(Permission::AssignVisits))
                    m_accounts.push_back(std::move(a));
            }
            std::sort(m_accounts.begin(), m_accounts.end(),
                      [](const store::Account& x, const store::Account& y) { return x.user < y.user; });
        } else {
            m_error = message(ctx.app, all.error());
        }
    }
    if (m_to >= static_cast<int>(m_accounts.size()))
        m_to = -1;
}

void VisitAssignPanel::assign(Context& ctx, const Student& student) {
    m_findings = {};
    m_status.clear();
    if (m_to < 0)
        m_findings.error("assign.to", Error("ui.assign.need_assignee"));
    auto due = core::Date::parse(m_due);
    if (!due)
        m_findings.error("assign.due", Error("validation.date.invalid", {{"value", m_due}}));
    else if (due->iso() < todayIso())
        m_findings.error("assign.due", Error("ui.assign.due_past", {{"date", m_due}, {"today", todayIso()}}));
    if (!m_findings.ok())
        return;
    const store::Account& to = m_accounts[static_cast<std::size_t>(m_to)];
    VisitAssignment a;
    a.id = newUuidV7();
    a.county = student.county;
    a.studentId = student.id;
    a.assignee = to.user;
    a.assigneeName = to.displayName;
    a.dueDate = due->iso();
    a.assignedBy = ctx.actor().user;
    a.assignedMs = systemNowMs();
    if (Status st = ctx.store->save(a, ctx.actor()); !st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_status = ctx.app.texts().current().format("ui.assign.done", {{"name", to.displayName}, {"date", a.dueDate}});
    m_statusFor = student.id;
    m_to = -1;
    ++ctx.dataVersion; // the page reloads; sync pushes it
}

std::string VisitAssignPanel::nameOf(const std::string& user) const {
    auto it = m_names.find(user);
    return it == m_names.end() ? user : it->second;
}

void VisitAssignPanel::draw(Context& ctx, const Student& student) {
    app::App& app = ctx.app;
    if (!ImGui::CollapsingHeader(app.tr("ui.assign.title"), ImGuiTreeNodeFlags_DefaultOpen))
        return;
    const std::string today = todayIso();
    for (const auto& a : m_open) {
        const bool overdue = !a.dueDate.empty() && a.dueDate < today;
        if (overdue)
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.10f, 0.10f, 1.0f));
        dataText(app, app.texts().current().format(overdue ? "ui.assign.line_overdue" : "ui.assign.line",
                                                   {{"name", a.assigneeName.empty() ? a.assignee : a.assigneeName},
                                                    {"date", a.dueDate},
                                                    {"by", nameOf(a.assignedBy)}}));
        if (overdue)
            ImGui::PopStyleColor();
    }
    if (m_open.empty())
        dataTextDisabled(app, app.tr("ui.assign.none"));
    if (!m_error.empty())
        dataTextWrapped(app, m_error);
    if (!ctx.can(Permission::AssignVisits) || !ctx.store)
        return;
    ImGui::TextUnformatted(app.tr("ui.assign.to"));
    helpMarker(app, "ui.assign.to_help");
    for (std::size_t i = 0; i < m_accounts.size(); ++i) {
        const auto& a = m_accounts[i];
        std::string label = app.texts().current().format(
                                "ui.assign.account",
                                {{"name", a.displayName.empty() ? a.user : a.displayName},
                                 {"role", codeText(app, "ui.role", store::toCode(a.role))}}) +
                            "##family.assign_to." + a.user;
        app.see(label);
        if (i % 4)
            ImGui::SameLine();
        radioLabelled(label.c_str(), &m_to, static_cast<int>(i));
    }
    findingsFor(app, m_findings, "assign.to");
    textField(app, "ui.assign.due", "family.assign_due", m_due, &m_findings, "assign.due",
              {.helpKey = "ui.assign.due_help", .width = 160});
    if (button(app, "ui.assign.button", true, "family.assign"))
        assign(ctx, student);
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
}

} // namespace zhuxue::ui
