#include "search_screen.hpp"

#include "client/app/startup_trace.hpp"
#include "client/ui/widgets/fields.hpp"

#include <imgui.h>

namespace zhuxue::ui {

void SearchScreen::ask(Context& ctx) {
    m_asked = m_query;
    uint64_t seq = ++*m_latest;
    if (m_query.empty() || !m_readStore) {
        m_results.clear();
        return;
    }
    ++m_inFlight;
    auto latest = m_latest;
    store::Store* db = m_readStore;
    app::App* app = &ctx.app;
    ctx.worker->run([=, this, query = m_query] {
        // A newer keystroke already replaced this query: skip the work, just report back.
        std::optional<Result<std::vector<store::SearchHit>>> hits;
        if (latest->load() == seq)
            hits = db->search(query, 50);
        app->queue().post([=, this, hits = std::move(hits)] {
            --m_inFlight;
            if (!hits || latest->load() != seq)
                return;
            if (*hits) {
                m_results = hits->value();
                m_error.clear();
                if (!m_answered) { // the start-up trace ends with the first search a person ran
                    m_answered = true;
                    std::string what = "first search answered (" + std::to_string(m_results.size()) + " hits)";
                    app::startupMark(what.c_str());
                }
            } else {
                m_error = message(*app, hits->error());
            }
        });
        app->wake();
    });
}

void SearchScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    heading(app, "ui.search.title");
    bool focus = ctx.entered;
    focusNextIf(focus);
    textField(app, "ui.search.query", "search.query", m_query, nullptr, {},
              {.helpKey = "ui.search.help", .hintKey = "ui.search.hint"});
    if (m_query != m_asked)
        ask(ctx);
    if (m_inFlight > 0)
        ImGui::TextDisabled("%s", app.tr("ui.common.working"));
    else if (!m_query.empty())
        dataTextDisabled(app, app.texts().current().format("ui.search.count", {{"n", std::to_string(m_results.size())}}));
    if (!m_error.empty())
        dataTextWrapped(app, m_error);

    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    if (ImGui::BeginTable("##search.results", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y - 50))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(app.tr("ui.search.col_name"));
        ImGui::TableSetupColumn(app.tr("ui.search.col_place"));
        ImGui::TableSetupColumn(app.tr("ui.search.col_school"));
        ImGui::TableSetupColumn(app.tr("ui.search.col_id_tail"), ImGuiTableColumnFlags_WidthFixed, 90);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(m_results.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const auto& hit = m_results[static_cast<size_t>(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                app.see(hit.name);
                ImGui::PushID(i);
                if (ImGui::Selectable(hit.name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
                    ctx.openFamily(hit.studentId);
                ImGui::PopID();
                ImGui::TableNextColumn();
                dataText(app, hit.township + " " + hit.village);
                ImGui::TableNextColumn();
                dataText(app, hit.school);
                ImGui::TableNextColumn();
                dataText(app, hit.idTail);
            }
        }
        ImGui::EndTable();
    }
    if (enterPressed() && !m_results.empty())
        ctx.openFamily(m_results.front().studentId);
    if (button(app, "ui.common.back", true, "search.back") || escapePressed())
        ctx.back();
}

} // namespace zhuxue::ui
