#include "dashboard_screen.hpp"

#include "client/app/app.hpp"
#include "client/core/policy.hpp"
#include "client/reports/roster_source.hpp"
#include "client/reports/table.hpp"
#include "client/store/store.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "context.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace zhuxue::ui {

namespace {

std::string money(Fen fen) { return "¥" + reports::formatFen(fen); }

const ImU32 kBlue = IM_COL32(66, 120, 200, 255);
const ImU32 kGreen = IM_COL32(70, 160, 90, 255);
const ImU32 kTrack = IM_COL32(210, 215, 225, 255);

// One horizontal bar per item: label on the left, bar scaled to the largest value, the value
// written after the bar. `fraction` in [0, 1].
void barLine(const char* label, float labelWidth, float fraction, ImU32 color, const std::string& value,
             float trackFraction = -1) {
    ImGui::TextUnformatted(label);
    ImGui::SameLine(labelWidth);
    ImVec2 p = ImGui::GetCursorScreenPos();
    float avail = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("¥00,000,000.00 (100%)").x;
    avail = std::max(avail, 60.0f);
    float h = ImGui::GetTextLineHeight();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (trackFraction >= 0)
        dl->AddRectFilled(p, ImVec2(p.x + avail * trackFraction, p.y + h), kTrack, 2.0f);
    dl->AddRectFilled(p, ImVec2(p.x + std::max(2.0f, avail * fraction), p.y + h), color, 2.0f);
    ImGui::Dummy(ImVec2(avail, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
}

float labelColumn(const std::vector<std::string>& labels) {
    float w = 0;
    for (const auto& l : labels)
        w = std::max(w, ImGui::CalcTextSize(l.c_str()).x);
    return w + ImGui::GetStyle().ItemSpacing.x * 2;
}

void bars(app::App& app, const char* titleKey, const std::vector<reports::Bar>& items,
          const std::function<std::string(const std::string&)>& labelOf, bool showAmount) {
    ImGui::TextUnformatted(app.tr(titleKey));
    ImGui::Separator();
    if (items.empty()) {
        ImGui::TextDisabled("%s", app.tr("reports.dashboard.empty"));
        return;
    }
    std::vector<std::string> labels;
    int64_t max = 1;
    for (const auto& b : items) {
        labels.push_back(labelOf(b.label));
        max = std::max(max, b.count);
    }
    float lw = labelColumn(labels);
    for (size_t i = 0; i < items.size(); ++i) {
        std::string value = std::to_string(items[i].count);
        if (showAmount)
            value += "  " + money(items[i].amountFen);
        barLine(labels[i].c_str(), lw, float(items[i].count) / float(max), kBlue, value);
    }
}

void progress(app::App& app, const char* titleKey, const std::vector<reports::ProgressBar>& items) {
    ImGui::TextUnformatted(app.tr(titleKey));
    ImGui::Separator();
    if (items.empty()) {
        ImGui::TextDisabled("%s", app.tr("reports.dashboard.empty"));
        return;
    }
    std::vector<std::string> labels;
    int64_t max = 1;
    for (const auto& p : items) {
        labels.push_back(p.label.empty() ? app.tr("reports.unset") : p.label);
        max = std::max(max, p.target);
    }
    float lw = labelColumn(labels);
    for (size_t i = 0; i < items.size(); ++i) {
        const auto& p = items[i];
        int pct = p.target ? int((p.done * 100 + p.target / 2) / p.target) : 0;
        std::string value = std::to_string(p.done) + " / " + std::to_string(p.target) + " (" + std::to_string(pct) + "%)";
        barLine(labels[i].c_str(), lw, float(p.done) / float(max), kGreen, value, float(p.target) / float(max));
    }
}

void tile(app::App& app, const char* label, const std::string& value) {
    app.see(value); // data text: joins the atlas (and the driver's shown text)
    ImGui::BeginGroup();
    ImGui::TextDisabled("%s", label);
    ImGui::SetWindowFontScale(1.6f);
    ImGui::TextUnformatted(value.c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::EndGroup();
}

} // namespace

DashboardScreen::DashboardScreen() = default;

DashboardScreen::DashboardScreen(Loader loader) : m_loader(std::move(loader)) {}

DashboardScreen::~DashboardScreen() {
    m_alive->alive = false;
    if (m_worker.joinable())
        m_worker.join();
}

bool DashboardScreen::busy() const { return m_busy; }

void DashboardScreen::refresh(app::App& app) {
    if (m_busy)
        return;
    if (m_worker.joinable())
        m_worker.join(); // the previous run has already posted its result
    m_busy = true;
    m_started = true;
    Loader loader = m_loader;
    if (!loader) {
        // The worker opens its own connection: a Store is used from one thread only.
        loader = [dataDir = app.options().dataDir, texts = app.texts().zh(),
                  access = m_access]() -> Result<reports::DashboardInput> {
            auto store = store::Store::open(dataDir);
            if (!store)
                return store.error();
            (*store)->setAccess(access);
            return reports::loadDashboardInput(**store, texts);
        };
    }
    std::weak_ptr<Alive> alive = m_alive;
    m_worker = std::thread([this, &app, loader = std::move(loader), year = m_year, alive] {
        auto start = std::chrono::steady_clock::now();
        Result<reports::DashboardFigures> result = Error("reports.dashboard.error");
        auto input = loader();
        if (input)
            result = reports::computeDashboard(*input, year, todayIso());
        else
            result = input.error();
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        app.queue().post([this, alive, result = std::move(result), ms]() mutable {
            auto a = alive.lock();
            if (a && a->alive)
                accept(std::move(result), ms);
        });
        app.wake();
    });
}

void DashboardScreen::accept(Result<reports::DashboardFigures> result, double ms) {
    m_busy = false;
    m_computeMs = ms;
    if (result) {
        m_figures = std::move(*result);
        m_error.reset();
        m_newGlyphs = true;
    } else {
        m_error = result.error();
    }
}

void DashboardScreen::draw(app::App& app) {
    if (!m_started)
        refresh(app);
    if (m_newGlyphs && m_figures) {
        // Place names are data, not catalogue text: the atlas learns them when they arrive and
        // grows between frames.
        m_newGlyphs = false;
        app.fonts().require("¥0123456789,./()% ");
        for (const auto* list : {&m_figures->byTownship, &m_figures->byStatus, &m_figures->byMonth})
            for (const auto& b : *list)
                app.fonts().require(b.label);
        for (const auto* list : {&m_figures->signingByTownship, &m_figures->visitsByTownship})
            for (const auto& p : *list)
                app.fonts().require(p.label);
    }

    // Drawn inside the staff client's screen area, leaving a row for its back button; scrolls when
    // the charts are taller.
    ImGui::BeginChild("##dashboard", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 1.5f), false);

    ImGui::TextUnformatted(app.tr("reports.dashboard.title"));
    ImGui::SameLine();
    // The school year by name (全部学年, 2025-2026 学年…): the loan seasons the data can hold, from
    // the oldest policy's to next autumn's.
    auto yearName = [&](int year) {
        return year == 0 ? std::string(app.tr("reports.dashboard.all_years"))
                         : app.texts().current().format("reports.dashboard.school_year",
                                                        {{"year", std::to_string(year)},
                                                         {"next", std::to_string(year + 1)}});
    };
    const int shownYear = m_year;
    if (buttonLabelled((yearName(m_year) + "##dashboard.year").c_str()))
        ImGui::OpenPopup("##dashboard.years");
    if (ImGui::BeginPopup("##dashboard.years")) {
        const int newest = core::schoolYearOfSigning(localToday()) + 1;
        if (ImGui::Selectable((yearName(0) + "##dashboard.year.all").c_str(), m_year == 0))
            m_year = 0;
        for (int year = newest; year >= 2014; --year)
            if (ImGui::Selectable((yearName(year) + "##dashboard.year." + std::to_string(year)).c_str(), m_year == year))
                m_year = year;
        ImGui::EndPopup();
    }
    if (m_year != shownYear && !m_busy)
        refresh(app); // another year chosen: its figures at once
    ImGui::SameLine();
    ImGui::BeginDisabled(m_busy);
    if (ImGui::Button(app.tr("reports.dashboard.refresh")))
        refresh(app);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (m_busy)
        ImGui::TextDisabled("%s", app.tr("reports.dashboard.loading"));
    if (m_error)
        ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1.0f), "%s", app.texts().current().format(*m_error).c_str());
    ImGui::Separator();

    if (!m_figures) {
        ImGui::EndChild();
        return;
    }
    const reports::DashboardFigures& f = *m_figures;

    const Catalog& texts = app.texts().current();
    // Headline figures first: what a director asks for before anything else.
    float tileW = ImGui::GetContentRegionAvail().x / 4;
    tile(app, app.tr("reports.dashboard.applications"),
         texts.format("reports.dashboard.people_applications",
                      {{"people", std::to_string(f.people)}, {"applications", std::to_string(f.applications)}}));
    ImGui::SameLine(tileW);
    tile(app, app.tr("reports.dashboard.amount"), money(f.amountFen));
    ImGui::SameLine(tileW * 2);
    int signPct = f.preApplied ? int((f.preAppliedSigned * 100 + f.preApplied / 2) / f.preApplied) : 0;
    tile(app, app.tr("reports.dashboard.signing_rate"),
         std::to_string(f.preAppliedSigned) + " / " + std::to_string(f.preApplied) + " (" + std::to_string(signPct) + "%)");
    ImGui::SameLine(tileW * 3);
    tile(app, app.tr("reports.dashboard.visits_done"),
         std::to_string(f.visitsDone) + " / " + std::to_string(f.visitsAssigned));
    ImGui::Separator();

    auto plain = [&](const std::string& s) { return s.empty() ? texts.text("reports.unset") : s; };
    auto status = [&](const std::string& code) {
        std::string key = "reports.status." + code;
        return texts.has(key) ? texts.text(key) : code;
    };
    if (ImGui::BeginTable("##dash", 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_PadOuterX)) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        bars(app, "reports.dashboard.by_township", f.byTownship, plain, true);
        ImGui::TableNextColumn();
        bars(app, "reports.dashboard.by_status", f.byStatus, status, false);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Spacing();
        progress(app, "reports.dashboard.signing_by_township", f.signingByTownship);
        ImGui::TableNextColumn();
        ImGui::Spacing();
        bars(app, "reports.dashboard.by_month", f.byMonth, plain, true);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Spacing();
        progress(app, "reports.dashboard.visits_by_township", f.visitsByTownship);
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

} // namespace zhuxue::ui
