#include "review_screen.hpp"

#include "client/core/money.hpp"
#include "client/ui/widgets/fields.hpp"
#include "family_screen.hpp"

#include <imgui.h>

#include <ctime>

namespace zhuxue::ui {

namespace {
const char* const kRoles[] = {"county", "township", "village", "class"};
const HardshipLevel kLevels[] = {HardshipLevel::Special, HardshipLevel::Fairly, HardshipLevel::General,
                                 HardshipLevel::None};

int levelIndex(HardshipLevel l) {
    for (int i = 0; i < 4; ++i)
        if (kLevels[i] == l)
            return i;
    return 3;
}

std::optional<int> count(const std::string& s) {
    if (s.empty())
        return 0;
    if (s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(s);
}

struct Loaded {
    std::vector<ReviewScreen::AppRow> apps;
    std::vector<ReviewScreen::AssessmentRow> assessments;
    std::string error;
};
} // namespace

void ReviewScreen::reload(Context& ctx) {
    m_loadedVersion = ctx.dataVersion;
    if (!ctx.readStore || !ctx.worker)
        return;
    m_loading = true;
    store::Store* db = ctx.readStore;
    app::App* app = &ctx.app;
    ctx.worker->run([=, this] {
        auto loaded = std::make_shared<Loaded>();
        auto nameOf = [&](const Uuid& id) {
            auto s = db->get<Student>(id);
            return s && *s ? (*s)->name : std::string("?");
        };
        Status st = db->forEach<LoanApplication>([&](const LoanApplication& a) {
            if (a.status == LoanStatus::Applied)
                loaded->apps.push_back({a, {}});
            return true;
        });
        if (st)
            st = db->forEach<HardshipAssessment>([&](const HardshipAssessment& a) {
                if (a.status == AssessmentStatus::Submitted)
                    loaded->assessments.push_back({a, {}});
                return true;
            });
        for (auto& r : loaded->apps)
            r.student = nameOf(r.application.studentId);
        for (auto& r : loaded->assessments)
            r.student = nameOf(r.assessment.studentId);
        if (!st)
            loaded->error = message(*app, st.error());
        app->queue().post([=, this] {
            m_loading = false;
            m_apps = std::move(loaded->apps);
            m_assessments = std::move(loaded->assessments);
            m_error = loaded->error;
            if (m_selectedApp >= static_cast<int>(m_apps.size()))
                m_selectedApp = -1;
            if (m_selectedAssessment >= static_cast<int>(m_assessments.size()))
                m_selectedAssessment = -1;
        });
        app->wake();
    });
}

void ReviewScreen::decide(Context& ctx, const AppRow& row, LoanStatus to) {
    m_status.clear();
    if (m_reason.find_first_not_of(" ") == std::string::npos) {
        m_status = ctx.tr("ui.review.need_reason");
        return;
    }
    Status st = ctx.store->changeStatus(row.application.id, to, m_reason, ctx.actor());
    if (!st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_status = ctx.app.texts().current().format(
        "ui.review.decided", {{"name", row.student}, {"status", codeText(ctx.app, "ui.status", toCode(to))}});
    m_reason.clear();
    m_selectedApp = -1;
    ++ctx.dataVersion;
}

void ReviewScreen::drawApplication(Context& ctx, const AppRow& row) {
    app::App& app = ctx.app;
    const LoanApplication& a = row.application;
    dataText(app, row.student + " · " + std::to_string(a.schoolYear) + " " + codeText(app, "ui.kind", toCode(a.kind)));
    dataText(app, app.texts().current().format(
                      "ui.review.app_line",
                      {{"amount", core::formatMoney(a.amountFen, {.currencySign = true})},
                       {"term", std::to_string(a.termYears)},
                       {"status", codeText(app, "ui.status", toCode(a.status))}}));
    bool may = ctx.can(Permission::DecideReviews);
    textField(app, "ui.review.reason", "review.reason", m_reason, nullptr, {}, {.helpKey = "ui.review.reason_help"});
    if (button(app, "ui.review.pass", may, "review.pass"))
        decide(ctx, row, LoanStatus::MaterialsChecked);
    ImGui::SameLine();
    if (button(app, "ui.review.refuse", may, "review.refuse"))
        decide(ctx, row, LoanStatus::Rejected);
    ImGui::SameLine();
    if (button(app, "ui.review.open_family", true, "review.open_family"))
        ctx.openFamily(a.studentId);
    if (!may)
        dataTextDisabled(app, app.tr("ui.review.staff_only"));
}

void ReviewScreen::drawAssessment(Context& ctx, const AssessmentRow& row) {
    app::App& app = ctx.app;
    const HardshipAssessment& a = row.assessment;
    // A submitted assessment's score is withheld from volunteers by the store (access.hpp).
    std::string score = ctx.store && ctx.store->withholds(RecordType::HardshipAssessment, "score") &&
                                a.status != AssessmentStatus::Draft
                            ? std::string(app.tr("ui.common.staff_only"))
                            : std::to_string(static_cast<int>(a.score + 0.5));
    dataText(app, app.texts().current().format(
                      "ui.review.assessment_line",
                      {{"name", row.student}, {"year", std::to_string(a.schoolYear)}, {"score", score},
                       {"level", codeText(app, "ui.level", toCode(a.level))}}));
    if (!a.priorityGroups.empty() && ctx.can(Permission::SeeIncomes))
        dataTextDisabled(app, app.tr("ui.review.direct"));
    // The entries so far.
    if (ImGui::BeginTable("##review.entries", 5, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* k : {"ui.review.role", "ui.review.reviewer", "ui.review.recommended", "ui.review.votes",
                              "ui.review.opinion"})
            ImGui::TableSetupColumn(app.tr(k));
        ImGui::TableHeadersRow();
        for (const auto& e : m_entries) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            dataText(app, codeText(app, "ui.review.roles", e.role));
            ImGui::TableNextColumn();
            dataText(app, e.reviewer);
            ImGui::TableNextColumn();
            dataText(app, codeText(app, "ui.level", toCode(e.recommendedLevel)));
            ImGui::TableNextColumn();
            ImGui::Text("%d / %d", e.votesFor, e.votesAgainst);
            ImGui::TableNextColumn();
            dataText(app, e.opinion);
        }
        ImGui::EndTable();
    }
    bool may = ctx.can(Permission::DecideReviews);
    ImGui::Spacing();
    ImGui::TextUnformatted(app.tr("ui.review.new_entry"));
    for (int i = 0; i < 4; ++i) {
        if (i)
            ImGui::SameLine();
        radioLabelled((codeText(app, "ui.review.roles", kRoles[i]) + "##review.role." + kRoles[i]).c_str(), &m_role, i);
    }
    textField(app, "ui.review.reviewer", "review.reviewer", m_reviewer, nullptr, {}, {.helpKey = "ui.review.reviewer_help"});
    ImGui::TextUnformatted(app.tr("ui.review.recommended"));
    for (int i = 0; i < 4; ++i) {
        if (i)
            ImGui::SameLine();
        radioLabelled((codeText(app, "ui.level", toCode(kLevels[i])) + "##review.entry_level." +
                            std::string(toCode(kLevels[i])))
                               .c_str(),
                           &m_entryLevel, i);
    }
    textField(app, "ui.review.votes_for", "review.votes_for", m_votesFor, nullptr, {},
              {.flags = ImGuiInputTextFlags_CharsDecimal, .width = 100});
    textField(app, "ui.review.votes_against", "review.votes_against", m_votesAgainst, nullptr, {},
              {.flags = ImGuiInputTextFlags_CharsDecimal, .width = 100});
    textField(app, "ui.review.opinion", "review.opinion", m_opinion);
    if (button(app, "ui.review.add_entry", may, "review.add_entry")) {
        m_status.clear();
        auto yes = count(m_votesFor), no = count(m_votesAgainst);
        if (m_reviewer.find_first_not_of(" ") == std::string::npos)
            m_status = ctx.tr("ui.review.need_reviewer");
        else if (!yes || !no)
            m_status = ctx.tr("ui.review.bad_votes");
        else {
            DemocraticReview e;
            e.id = newUuidV7();
            e.county = a.county;
            e.assessmentId = a.id;
            e.reviewer = m_reviewer;
            e.role = kRoles[m_role];
            e.date = todayIso();
            e.recommendedLevel = kLevels[m_entryLevel];
            e.votesFor = *yes;
            e.votesAgainst = *no;
            e.opinion = m_opinion;
            if (Status st = ctx.store->save(e, ctx.actor()); !st)
                m_status = message(app, st.error());
            else {
                m_entries.push_back(e);
                m_reviewer.clear();
                m_opinion.clear();
                m_votesFor.clear();
                m_votesAgainst.clear();
                m_status = ctx.tr("ui.review.entry_saved");
            }
        }
    }

    ImGui::Separator();
    ImGui::TextUnformatted(app.tr("ui.review.final_level"));
    for (int i = 0; i < 4; ++i) {
        if (i)
            ImGui::SameLine();
        radioLabelled((codeText(app, "ui.level", toCode(kLevels[i])) + "##review.final." +
                            std::string(toCode(kLevels[i])))
                               .c_str(),
                           &m_finalLevel, i);
    }
    textField(app, "ui.review.reason", "review.reason", m_reason, nullptr, {}, {.helpKey = "ui.review.reason_help"});
    if (button(app, "ui.review.confirm", may, "review.confirm")) {
        m_status.clear();
        if (m_reason.find_first_not_of(" ") == std::string::npos)
            m_status = ctx.tr("ui.review.need_reason");
        else if (m_entries.empty())
            m_status = ctx.tr("ui.review.need_entry");
        else {
            HardshipAssessment next = a;
            next.level = kLevels[m_finalLevel];
            next.status = AssessmentStatus::Reviewed;
            Status st = ctx.store->update(a, next, ctx.actor()); // level and status, nothing else
            if (st) // the reason goes to the audit trail with who and when
                st = ctx.store->audit("review", RecordType::HardshipAssessment, a.id, a.county,
                                      std::string("level ") + std::string(toCode(a.level)) + " -> " +
                                          std::string(toCode(next.level)) + ": " + m_reason,
                                      ctx.actor());
            if (!st)
                m_status = message(app, st.error());
            else {
                m_status = app.texts().current().format(
                    "ui.review.confirmed", {{"name", row.student}, {"level", codeText(app, "ui.level", toCode(next.level))}});
                m_reason.clear();
                m_selectedAssessment = -1;
                ++ctx.dataVersion;
            }
        }
    }
    if (!may)
        dataTextDisabled(app, app.tr("ui.review.staff_only"));
}

void ReviewScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (m_loadedVersion != ctx.dataVersion && !m_loading)
        reload(ctx);
    heading(app, "ui.review.title");
    if (!m_error.empty())
        dataTextWrapped(app, m_error);
    float listWidth = ImGui::GetFontSize() * 18;
    ImGui::BeginChild("##review.lists", ImVec2(listWidth, -ImGui::GetFrameHeightWithSpacing() * 2), true);
    // Two lists of hundreds each in a county: one tab each, with its count, instead of one scroll
    // where the assessments start below the last application.
    if (ImGui::BeginTabBar("##review.tabs")) {
        std::string appsTab = app.texts().current().format("ui.review.tab_applications", {{"count", std::to_string(m_apps.size())}}) +
                              "###review.tab.applications";
        app.see(appsTab);
        if (ImGui::BeginTabItem(appsTab.c_str())) {
            ImGui::BeginChild("##review.apps_list");
            for (size_t i = 0; i < m_apps.size(); ++i) {
                const auto& r = m_apps[i];
                app.see(r.student);
                if (ImGui::Selectable((r.student + " · " + codeText(app, "ui.kind", toCode(r.application.kind)) +
                                       "##review.app." + std::to_string(i))
                                          .c_str(),
                                      m_selectedApp == static_cast<int>(i))) {
                    m_selectedApp = static_cast<int>(i);
                    m_selectedAssessment = -1;
                    m_reason.clear();
                    m_status.clear();
                }
            }
            if (m_apps.empty())
                ImGui::TextDisabled("%s", app.tr(m_loading ? "ui.common.working" : "ui.common.none"));
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        std::string assessTab = app.texts().current().format("ui.review.tab_assessments",
                                                             {{"count", std::to_string(m_assessments.size())}}) +
                                "###review.tab.assessments";
        app.see(assessTab);
        if (ImGui::BeginTabItem(assessTab.c_str())) {
            ImGui::BeginChild("##review.assessments_list");
            for (size_t i = 0; i < m_assessments.size(); ++i) {
                const auto& r = m_assessments[i];
                app.see(r.student);
                if (ImGui::Selectable((r.student + " · " + codeText(app, "ui.level", toCode(r.assessment.level)) +
                                       "##review.assessment." + std::to_string(i))
                                          .c_str(),
                                      m_selectedAssessment == static_cast<int>(i))) {
                    m_selectedAssessment = static_cast<int>(i);
                    m_selectedApp = -1;
                    m_reason.clear();
                    m_status.clear();
                    m_finalLevel = levelIndex(r.assessment.level);
                    m_entryLevel = m_finalLevel;
                    m_entries.clear();
                    if (ctx.store) // a handful of rows by an indexed parent id
                        if (auto e = ctx.store->list<DemocraticReview>("assessment_id", r.assessment.id))
                            m_entries = std::move(*e);
                }
            }
            if (m_assessments.empty())
                ImGui::TextDisabled("%s", app.tr(m_loading ? "ui.common.working" : "ui.common.none"));
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##review.detail", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 2), true);
    // What the last action did (or why it was refused), where the eyes are: above the file and
    // its buttons, not under the lists.
    if (!m_status.empty()) {
        dataTextWrapped(app, m_status);
        ImGui::Separator();
    }
    if (m_selectedApp >= 0 && ctx.store)
        drawApplication(ctx, m_apps[static_cast<size_t>(m_selectedApp)]);
    else if (m_selectedAssessment >= 0 && ctx.store)
        drawAssessment(ctx, m_assessments[static_cast<size_t>(m_selectedAssessment)]);
    else
        dataTextDisabled(app, app.tr("ui.review.pick"));
    ImGui::EndChild();
    if (button(app, "ui.common.back", true, "review.back") || escapePressed())
        ctx.back();
}

} // namespace zhuxue::ui
