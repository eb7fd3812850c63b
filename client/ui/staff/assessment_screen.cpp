#include "assessment_screen.hpp"

#include "client/app/form_files.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "family_screen.hpp"

#include <imgui.h>

#include <ctime>

namespace zhuxue::ui {

namespace {
double points(const core::forms::Decimal& d) {
    return static_cast<double>(d.units()) / static_cast<double>(core::forms::Decimal::fromInt(1).units());
}
} // namespace

void AssessmentScreen::choose(size_t form, const nlohmann::json& answers) {
    m_form = form;
    m_view.reset(answers);
    m_eval = core::forms::evaluateForm(m_forms[m_form], m_view.answers());
}

void AssessmentScreen::start(Context& ctx) {
    *this = AssessmentScreen{};
    m_started = true;
    m_startedFor = ctx.student;
    if (!ctx.store)
        return;
    if (auto s = ctx.store->get<Student>(ctx.student); s && *s)
        m_student = **s;
    auto forms = app::loadForms(assetsDir(), "indicator_table");
    if (!forms) {
        m_error = message(ctx.app, forms.error());
        return;
    }
    m_forms = std::move(*forms);
    if (m_forms.empty()) {
        m_error = ctx.tr("ui.assess.no_form");
        return;
    }
    // The county's standard table unless this year's draft used another one.
    size_t pick = 0;
    for (size_t i = 0; i < m_forms.size(); ++i)
        if (m_forms[i].id == "hardship.county_standard")
            pick = i;
    nlohmann::json answers = nlohmann::json::object();
    if (auto list = ctx.store->list<HardshipAssessment>("student_id", ctx.student))
        for (const auto& a : *list)
            if (a.schoolYear == localYear() && a.status == AssessmentStatus::Draft)
                for (size_t i = 0; i < m_forms.size(); ++i)
                    if (m_forms[i].id == a.formId) {
                        pick = i;
                        m_savedId = a.id;
                        m_loaded = a;
                        answers = nlohmann::json::parse(a.answersJson, nullptr, false);
                    }
    choose(pick, answers.is_discarded() ? nlohmann::json::object() : answers);
}

void AssessmentScreen::save(Context& ctx, bool submit) {
    m_status.clear();
    m_submitRefused = false;
    if (!ctx.store || !m_student)
        return;
    if (submit && !m_eval.complete()) {
        m_submitRefused = true; // said under the buttons with the count as it is now (draw)
        m_view.revealFirstError();
        return;
    }
    const auto& form = m_forms[m_form];
    // The draft read is changed where the form changed it (Store::update), never rebuilt.
    HardshipAssessment a = m_loaded.value_or(HardshipAssessment{});
    if (!m_loaded) {
        a.id = newUuidV7();
        a.county = m_student->county;
        a.studentId = m_student->id;
    }
    a.schoolYear = localYear();
    a.formId = form.id;
    a.formVersion = form.version;
    a.status = submit ? AssessmentStatus::Submitted : AssessmentStatus::Draft;
    auto fill = [&] {
        a.answersJson = m_view.answers().dump();
        a.score = points(m_eval.totalScore);
        a.level = m_eval.hardshipLevel;
        a.priorityGroups = m_eval.priorityGroups;
        a.commitmentSigned = m_eval.commitmentSigned;
    };
    fill();
    auto write = [&] { return m_loaded ? ctx.store->update(*m_loaded, a, ctx.actor()) : ctx.store->save(a, ctx.actor()); };
    Status st = write();
    if (st)
        m_loaded = a;
    // Signatures drawn on the pads become attachments of the assessment; the answer names them.
    bool signed_ = false;
    for (auto& [field, pad] : m_view.signatures()) {
        if (!st || pad.empty())
            continue;
        Attachment att;
        att.county = a.county;
        att.ownerType = RecordType::HardshipAssessment;
        att.ownerId = a.id;
        att.kind = AttachmentKind::Signature;
        att.fileName = "signature-" + field + ".png";
        att.mime = "image/png";
        auto r = ctx.store->addAttachment(att, pad.png(), ctx.actor());
        if (!r) {
            st = r.error();
            break;
        }
        m_view.setAnswer(field, r->sha256);
        pad.clear();
        signed_ = true;
    }
    if (st && signed_) {
        m_eval = core::forms::evaluateForm(form, m_view.answers());
        fill();
        st = write();
        if (st)
            m_loaded = a;
    }
    if (!st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_savedId = a.id;
    m_savedStatus = a.status;
    ++ctx.dataVersion;
    m_status = ctx.tr(submit ? "ui.assess.submitted" : "ui.assess.saved");
}

void AssessmentScreen::summary(Context& ctx) {
    app::App& app = ctx.app;
    const auto& form = m_forms[m_form];
    const std::string lang = app.settings().language == "en" ? "en" : "zh-CN";
    heading(app, "ui.assess.result");
    if (ImGui::BeginTable("##assess.groups", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        for (const auto& g : form.scoreGroups) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            dataText(app, g.label.in(lang));
            ImGui::TableNextColumn();
            auto it = m_eval.groupScores.find(g.id);
            std::string v = it == m_eval.groupScores.end() ? "0" : it->second.toString();
            if (g.max)
                v += " / " + g.max->toString();
            dataText(app, v);
        }
        ImGui::EndTable();
    }
    std::string total = m_eval.totalScore.toString();
    dataText(app, app.texts().current().format("ui.assess.total", {{"score", total}}));
    const core::forms::Level* level = m_eval.level ? form.level(*m_eval.level) : nullptr;
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.10f, 0.25f, 0.50f, 1.0f));
    dataTextWrapped(app, app.texts().current().format(
                             "ui.assess.level", {{"level", level ? level->label.in(lang) : std::string("—")}}));
    ImGui::PopStyleColor();
    if (m_eval.levelDirect) {
        const auto* groupsField = form.field("priority_groups");
        std::string groups;
        for (const auto& id : m_eval.priorityGroups) {
            const auto* o = groupsField ? groupsField->option(id) : nullptr;
            groups += (groups.empty() ? "" : "、") + (o ? o->label.in(lang) : id);
        }
        dataTextWrapped(app, app.texts().current().format("ui.assess.direct", {{"groups", groups}}));
    }
    // One count, the live one: the refused submit's message follows it too (it said 9 while the
    // live line said 7), and goes when nothing is missing.
    const std::string missing = std::to_string(m_eval.findings.errorCount());
    if (!m_eval.complete() && !m_submitRefused)
        dataTextDisabled(app, app.texts().current().format("ui.assess.missing", {{"count", missing}}));
    ImGui::Spacing();
    bool mayEdit = ctx.can(Permission::EditRecords) && m_savedStatus == AssessmentStatus::Draft;
    if (button(app, "ui.assess.save_draft", mayEdit, "assess.save"))
        save(ctx, false);
    if (button(app, "ui.assess.submit", mayEdit, "assess.submit") || (mayEdit && enterPressed()))
        save(ctx, true);
    if (m_submitRefused && !m_eval.complete())
        dataTextWrapped(app, app.texts().current().format("ui.assess.incomplete", {{"count", missing}}));
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
}

void AssessmentScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_started || !(m_startedFor == ctx.student))
        start(ctx);
    bool back = false;
    if (!m_student || m_forms.empty()) {
        dataTextWrapped(app, m_error.empty() ? app.tr("ui.family.not_found") : m_error);
        back = button(app, "ui.common.back", true, "assess.back") || escapePressed();
    } else {
        heading(app, "ui.assess.title");
        dataText(app, m_student->name + " · " + m_student->township + " " + m_student->village);
        const std::string lang = app.settings().language == "en" ? "en" : "zh-CN";
        if (m_forms.size() > 1) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
            const std::string& current = m_forms[m_form].title.in(lang);
            app.see(current);
            if (ImGui::BeginCombo("##assess.form", current.c_str())) {
                for (size_t i = 0; i < m_forms.size(); ++i) {
                    app.see(m_forms[i].title.in(lang));
                    if (ImGui::Selectable((m_forms[i].title.in(lang) + "##assess.form." + m_forms[i].id).c_str(),
                                          i == m_form) &&
                        i != m_form && m_savedStatus == AssessmentStatus::Draft)
                        choose(i, nlohmann::json::object());
                }
                ImGui::EndCombo();
            }
        }
        dataTextDisabled(app, m_forms[m_form].description.in(lang));
        float right = ImGui::GetFontSize() * 17;
        ImGui::BeginChild("##assess.form_body", ImVec2(ImGui::GetContentRegionAvail().x - right, 0), false);
        if (m_view.draw(app, m_forms[m_form], m_eval, "assess"))
            m_eval = core::forms::evaluateForm(m_forms[m_form], m_view.answers());
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("##assess.summary", ImVec2(0, 0), true);
        summary(ctx);
        ImGui::Spacing();
        back = button(app, "ui.common.back", true, "assess.back") || escapePressed();
        ImGui::EndChild();
    }
    if (back) {
        m_started = false;
        ctx.back();
    }
}

} // namespace zhuxue::ui
