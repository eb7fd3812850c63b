#include "form_view.hpp"

#include "client/app/app.hpp"
#include "fields.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

namespace zhuxue::ui {

using core::forms::FieldDef;
using core::forms::FieldType;
using core::forms::FormDefinition;
using core::forms::FormEvaluation;
using nlohmann::json;

namespace {
std::string lang(app::App& app) { return app.settings().language == "en" ? "en" : "zh-CN"; }

const std::string& text(app::App& app, const core::forms::LocalText& t) { return t.in(lang(app)); }

// The value as typed text: strings as they are, numbers as written, fen as yuan.
std::string asText(const FieldDef& f, const json& v) {
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_integer() && f.type == FieldType::Money)
        return core::forms::Decimal::fromFen(v.get<Fen>()).toString();
    if (v.is_number())
        return v.dump();
    return {};
}

// Data text from the form (labels, options): joins the atlas before ImGui draws it.
const char* seen(app::App& app, const std::string& s) {
    app.see(s);
    return s.c_str();
}
} // namespace

void FormView::reset(const json& answers) {
    m_answers = answers.is_object() ? answers : json::object();
    m_buffers.clear();
    m_pads.clear();
}

bool FormView::textInput(app::App& app, const FieldDef& f, json& answers, const std::string& path,
                         const std::string& id, float width) {
    auto it = m_buffers.find(path);
    if (it == m_buffers.end())
        it = m_buffers.emplace(path, answers.contains(f.id) ? asText(f, answers[f.id]) : std::string()).first;
    std::string& buf = it->second;
    ImGui::SetNextItemWidth(width);
    ImGuiInputTextFlags flags = f.type == FieldType::Number || f.type == FieldType::Money
                                    ? ImGuiInputTextFlags_CharsDecimal
                                    : ImGuiInputTextFlags_None;
    bool changed = ImGui::InputText(("##" + id).c_str(), &buf, flags);
    app.see(buf);
    if (changed) {
        if (buf.empty())
            answers.erase(f.id);
        else
            answers[f.id] = buf; // numbers and money are read from text (forms accept both)
    }
    return changed;
}

namespace {
// An error about this field or, for a repeat group, about one of its rows.
bool hasErrorAt(const core::Findings& findings, const std::string& path) {
    for (const auto& f : findings.all())
        if (f.severity == core::Severity::Error &&
            (f.field == path || (f.field.size() > path.size() && f.field.compare(0, path.size(), path) == 0 &&
                                 f.field[path.size()] == '[')))
            return true;
    return false;
}
} // namespace

bool FormView::drawField(app::App& app, const FieldDef& f, const FormEvaluation& ev, json& answers,
                         const std::string& path, const std::string& id, bool inTable) {
    bool changed = false;
    if (m_revealError && !inTable && hasErrorAt(ev.findings, path)) {
        // The field's top near the top of the view, its label and the red note below it visible.
        ImGui::SetScrollFromPosY(ImGui::GetCursorScreenPos().y - ImGui::GetWindowPos().y, 0.1f);
        m_revealError = false;
    }
    if (!inTable) {
        if (f.type == FieldType::Note) {
            ImGui::Spacing();
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.10f, 0.25f, 0.50f, 1.0f));
            dataTextWrapped(app, text(app, f.label));
            ImGui::PopStyleColor();
            if (!f.help.empty())
                dataTextDisabled(app, text(app, f.help));
            return false;
        }
        std::string label = text(app, f.label);
        if (f.required)
            label += " *";
        dataText(app, label);
        if (!f.help.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("(?)");
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
                dataText(app, text(app, f.help));
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        }
        if (auto s = ev.fieldScores.find(path); s != ev.fieldScores.end()) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s", app.texts().current().format("ui.assess.points", {{"points", s->second.toString()}}).c_str());
        }
    }
    float width = inTable ? -FLT_MIN : ImGui::GetFontSize() * 12;
    if (f.computed) {
        std::string shown = "—";
        if (ev.values.contains(f.id) && !inTable)
            shown = f.type == FieldType::Money && ev.values[f.id].is_number_integer()
                        ? core::forms::Decimal::fromFen(ev.values[f.id].get<Fen>()).rounded(2).toString()
                        : asText(f, ev.values[f.id]);
        if (inTable)
            ImGui::TextDisabled("%s", shown.c_str());
        else
            dataTextDisabled(app, app.texts().current().format("ui.assess.computed", {{"value", shown}}));
    } else {
        switch (f.type) {
        case FieldType::SingleChoice:
            if (inTable) {
                std::string current = answers.contains(f.id) && answers[f.id].is_string() ? answers[f.id].get<std::string>() : "";
                const auto* o = f.option(current);
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (ImGui::BeginCombo(("##" + id).c_str(), o ? seen(app, text(app, o->label)) : "")) {
                    for (const auto& opt : f.options)
                        if (ImGui::Selectable((text(app, opt.label) + "##" + id + "." + opt.id).c_str(), &opt == o)) {
                            answers[f.id] = opt.id;
                            changed = true;
                        }
                    ImGui::EndCombo();
                }
                for (const auto& opt : f.options)
                    app.see(text(app, opt.label));
            } else {
                for (const auto& opt : f.options) {
                    bool on = answers.contains(f.id) && answers[f.id] == opt.id;
                    std::string l = text(app, opt.label);
                    if (opt.score)
                        l += "（" + opt.score->toString() + "）";
                    app.see(l);
                    if (radioLabelled((l + "##" + id + "." + opt.id).c_str(), on) && !on) {
                        answers[f.id] = opt.id;
                        changed = true;
                    }
                }
            }
            break;
        case FieldType::MultipleChoice: {
            json& arr = answers[f.id];
            if (!arr.is_array())
                arr = json::array();
            for (const auto& opt : f.options) {
                bool on = std::find(arr.begin(), arr.end(), opt.id) != arr.end();
                std::string l = text(app, opt.label);
                app.see(l);
                if (checkboxLabelled((l + "##" + id + "." + opt.id).c_str(), &on)) {
                    json next = json::array();
                    for (const auto& o2 : f.options) // keep the form's order
                        if (o2.id == opt.id ? on : std::find(arr.begin(), arr.end(), o2.id) != arr.end())
                            next.push_back(o2.id);
                    arr = std::move(next);
                    changed = true;
                }
            }
            if (arr.empty())
                answers.erase(f.id);
            break;
        }
        case FieldType::Repeat: {
            json& rows = answers[f.id];
            if (!rows.is_array())
                rows = json::array();
            int remove = -1;
            if (ImGui::BeginTable(("##" + id).c_str(), static_cast<int>(f.fields.size()) + 1,
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
                for (const auto& sub : f.fields)
                    ImGui::TableSetupColumn(seen(app, text(app, sub.label)));
                ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
                ImGui::TableHeadersRow();
                for (size_t r = 0; r < rows.size(); ++r) {
                    ImGui::TableNextRow();
                    std::string rowPath = path + "[" + std::to_string(r) + "]";
                    for (const auto& sub : f.fields) {
                        ImGui::TableNextColumn();
                        changed |= drawField(app, sub, ev, rows[r], rowPath + "." + sub.id,
                                             id + "[" + std::to_string(r) + "]." + sub.id, true);
                    }
                    ImGui::TableNextColumn();
                    if (ImGui::SmallButton((std::string(app.tr("ui.visit.remove")) + "##" + id + "[" +
                                            std::to_string(r) + "].remove")
                                               .c_str()))
                        remove = static_cast<int>(r);
                }
                ImGui::EndTable();
            }
            for (size_t r = 0; r < rows.size(); ++r)
                for (const auto& sub : f.fields)
                    findingsFor(app, ev.findings, path + "[" + std::to_string(r) + "]." + sub.id);
            if (remove >= 0) {
                rows.erase(static_cast<size_t>(remove));
                // Typed text is kept by row: drop the rows' buffers so they re-read the answers.
                for (auto it = m_buffers.begin(); it != m_buffers.end();)
                    it = it->first.rfind(path + "[", 0) == 0 ? m_buffers.erase(it) : std::next(it);
                changed = true;
            }
            if (static_cast<int>(rows.size()) < f.maxCount &&
                ImGui::Button((std::string(app.tr("ui.assess.add_row")) + "##" + id + ".add").c_str())) {
                rows.push_back(json::object());
                changed = true;
            }
            break;
        }
        case FieldType::Signature: {
            auto& pad = m_pads[f.id];
            if (answers.contains(f.id) && pad.empty())
                ImGui::TextDisabled("%s", app.tr("ui.assess.signed"));
            if (pad.draw(id.c_str(), ImVec2(ImGui::GetFontSize() * 16, ImGui::GetFontSize() * 5)))
                changed = true;
            ImGui::SameLine();
            if (ImGui::Button((std::string(app.tr("ui.visit.clear")) + "##" + id + ".clear").c_str())) {
                pad.clear();
                changed = true;
            }
            break;
        }
        case FieldType::Photo:
            ImGui::TextDisabled("%s", app.tr("ui.assess.photo_on_visit"));
            break;
        case FieldType::Note: break;
        case FieldType::Text:
        case FieldType::Number:
        case FieldType::Money:
        case FieldType::Date:
            changed = textInput(app, f, answers, path, id, width);
            break;
        }
    }
    // One line is always kept for the field's message ("这一项必须填写" and the like), so the
    // fields below stay where the eye last saw them whether it shows or not.
    if (!inTable && f.type != FieldType::Repeat)
        findingsFor(app, ev.findings, path, f.computed ? 0 : 1);
    return changed;
}

bool FormView::draw(app::App& app, const FormDefinition& form, const FormEvaluation& ev, const std::string& prefix) {
    bool changed = false;
    for (const auto& f : form.fields) {
        if (!ev.relevant(f.id)) {
            // A field that stops counting forgets its typed text, so it is not saved by mistake.
            if (m_answers.contains(f.id) && !f.computed) {
                m_answers.erase(f.id);
                m_buffers.erase(f.id);
                changed = true;
            }
            continue;
        }
        ImGui::PushID(f.id.c_str());
        changed |= drawField(app, f, ev, m_answers, f.id, prefix + "." + f.id, false);
        ImGui::PopID();
        ImGui::Spacing();
    }
    return changed;
}

} // namespace zhuxue::ui
