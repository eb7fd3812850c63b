#include "queue_panel.hpp"

#include "client/app/worker.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"

#include <cstdlib>
#include <imgui.h>
#include <map>
#include <memory>

namespace zhuxue::ui {

namespace {

constexpr double kRefreshSeconds = 5.0;

std::string serviceName(const std::optional<zhuxue::hall::HallConfig>& hall, const std::string& id,
                        const std::string& lang) {
    if (hall)
        if (const auto* s = hall->service(id))
            return zhuxue::hall::localName(s->name, lang);
    return id;
}

std::string townshipName(const std::optional<zhuxue::hall::HallConfig>& hall, const std::string& code,
                         const std::string& lang) {
    if (hall)
        if (const auto* t = hall->township(code))
            return zhuxue::hall::localName(t->name, lang);
    return code;
}

} // namespace

void drawQueuePanel(Context& ctx) {
    // One panel per staff client; a new client at the same address (tests) starts afresh.
    static std::map<Context*, std::pair<app::App*, std::unique_ptr<QueuePanel>>> panels;
    auto& slot = panels[&ctx];
    if (!slot.second || slot.first != &ctx.app)
        slot = {&ctx.app, std::make_unique<QueuePanel>()};
    slot.second->draw(ctx);
}

void QueuePanel::load(Context& ctx) {
    if (m_loading || !ctx.worker)
        return;
    m_loading = true;
    std::filesystem::path dataDir = ctx.dataDir;
    app::App* app = &ctx.app;
    ctx.worker->run([this, dataDir, app] {
        std::filesystem::path cfg = assetsDir() / "hall" / "windows.json";
        if (const char* env = std::getenv("ZHUXUE_HALL_CONFIG"); env && *env)
            cfg = env;
        auto hall = zhuxue::hall::loadHallConfig(cfg.string());
        auto link = hall::readHallLink(dataDir);
        app->queue().post([this, hall, link] {
            m_loading = false;
            m_loaded = true;
            if (hall) {
                m_hall = *hall;
                auto ws = m_hall->windows();
                if (m_window == 0 && !ws.empty())
                    m_window = ws.front();
            }
            if (link)
                m_link = *link;
        });
        app->wake();
    });
}

void QueuePanel::refresh(Context& ctx) {
    if (m_refreshing || !m_link.usable() || !ctx.worker)
        return;
    m_refreshing = true;
    m_refreshedAt = ImGui::GetTime();
    app::App* app = &ctx.app;
    hall::HallLink link = m_link;
    int window = m_window;
    ctx.worker->run([this, app, link, window] {
        hall::QueueClient client(link);
        auto tickets = client.tickets();
        auto appts = client.appointments();
        app->queue().post([this, tickets, appts, window, app] {
            m_refreshing = false;
            if (window != m_window)
                return; // the window changed meanwhile: the next refresh is for the new one
            if (!tickets) {
                m_notice = app->texts().current().format("hall.panel.offline",
                                                        {{"reason", app->texts().current().format(tickets.error())}});
                return;
            }
            if (m_notice.rfind("hall.", 0) != 0)
                m_notice.clear();
            m_waiting.clear();
            m_current.reset();
            for (const auto& t : *tickets) {
                if (t.status == "waiting")
                    m_waiting.push_back(t);
                else if (t.status == "called" && t.window == window)
                    m_current = t;
            }
            if (appts)
                m_appointments = *appts;
        });
        app->wake();
    });
}

void QueuePanel::act(Context& ctx, const std::string& what, int to) {
    if (m_busy || !ctx.worker)
        return;
    m_busy = true;
    app::App* app = &ctx.app;
    hall::HallLink link = m_link;
    int window = m_window;
    ctx.worker->run([this, app, link, window, what, to] {
        hall::QueueClient client(link);
        auto r = client.act(window, what, to);
        app->queue().post([this, r, what, app] {
            m_busy = false;
            if (!r) {
                m_notice = app->texts().current().format("hall.panel.offline",
                                                        {{"reason", app->texts().current().format(r.error())}});
                return;
            }
            m_notice.clear();
            if (what == "next" && !r->has_value())
                m_notice = "hall.panel.empty";
            m_current = (what == "skip" || what == "transfer") ? std::nullopt : *r;
            m_refreshedAt = -1e9; // the lists changed: fetch them again
        });
        app->wake();
    });
}

void QueuePanel::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_loaded) {
        load(ctx);
        return;
    }
    ImGui::Spacing();
    if (!ImGui::CollapsingHeader((std::string(app.tr("hall.panel.title")) + "##queue").c_str()))
        return;
    if (!m_link.usable()) {
        dataTextWrapped(app, app.tr("hall.panel.not_linked"));
        return;
    }
    if (ImGui::GetTime() - m_refreshedAt > kRefreshSeconds)
        refresh(ctx);
    const std::string& lang = app.settings().language;
    std::vector<int> windows = m_hall ? m_hall->windows() : std::vector<int>{};

    ImGui::TextUnformatted(app.tr("hall.panel.my_window"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
    if (ImGui::BeginCombo("##queue.window", std::to_string(m_window).c_str())) {
        for (int w : windows)
            if (ImGui::Selectable(std::to_string(w).c_str(), w == m_window) && w != m_window) {
                m_window = w;
                m_current.reset();
                m_refreshedAt = -1e9;
            }
        ImGui::EndCombo();
    }
    if (m_current) {
        dataText(app, app.texts().current().format(
                          "hall.panel.current",
                          {{"code", m_current->code}, {"service", serviceName(m_hall, m_current->service, lang)}}));
        if (m_current->calls > 1) {
            ImGui::SameLine();
            dataTextDisabled(app, app.texts().current().format("hall.panel.called_times",
                                                               {{"n", std::to_string(m_current->calls)}}));
        }
    }
    else
        dataTextDisabled(app, app.tr("hall.panel.none"));

    if (button(app, "hall.panel.next", !m_busy, "queue.next"))
        act(ctx, "next");
    ImGui::SameLine();
    if (button(app, "hall.panel.recall", !m_busy && m_current.has_value(), "queue.recall"))
        act(ctx, "recall");
    ImGui::SameLine();
    if (button(app, "hall.panel.skip", !m_busy && m_current.has_value(), "queue.skip"))
        act(ctx, "skip");
    ImGui::SameLine();
    if (m_transferTo == m_window || m_transferTo == 0)
        for (int w : windows)
            if (w != m_window) {
                m_transferTo = w;
                break;
            }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
    if (ImGui::BeginCombo("##queue.transfer_to", std::to_string(m_transferTo).c_str())) {
        for (int w : windows)
            if (w != m_window && ImGui::Selectable(std::to_string(w).c_str(), w == m_transferTo))
                m_transferTo = w;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (button(app, "hall.panel.transfer", !m_busy && m_current.has_value(), "queue.transfer"))
        act(ctx, "transfer", m_transferTo);
    if (!m_notice.empty())
        dataTextWrapped(app, m_notice.rfind("hall.", 0) == 0 ? std::string(app.tr(m_notice)) : m_notice);

    ImGui::Separator();
    ImGui::TextUnformatted(app.tr("hall.panel.waiting"));
    std::string line;
    for (const auto& t : m_waiting)
        line += (line.empty() ? "" : "  ") + t.code;
    dataTextWrapped(app, line.empty() ? std::string("-") : line);

    ImGui::Separator();
    ImGui::TextUnformatted(app.tr("hall.panel.today"));
    if (m_appointments.empty())
        dataTextDisabled(app, app.tr("hall.panel.no_appointments"));
    for (const auto& a : m_appointments)
        dataText(app, app.texts().current().format(
                          "hall.panel.appointment",
                          {{"time", a.time}, {"code", a.code}, {"service", serviceName(m_hall, a.service, lang)},
                           {"township", townshipName(m_hall, a.township, lang)}}));
}

} // namespace zhuxue::ui
