#include "queue_panel.hpp"

#include "client/app/worker.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/masking.hpp"
#include "sync/engine/device_sync_store.hpp"

#include <cstdlib>
#include <imgui.h>
#include <map>
#include <memory>

namespace zhuxue::ui {

namespace {
// What the panel says when the hall server did not answer: that it is out of reach, once, with
// what to do; any other refusal with its own reason.
std::string noticeFor(const Catalog& texts, const Error& error) {
    if (hall::QueueClient::unreachable(error))
        return texts.text("hall.panel.unreachable");
    return texts.format("hall.panel.offline", {{"reason", texts.format(error)}});
}
} // namespace

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
    store::Store* readStore = ctx.readStore; // the worker's connection
    ctx.worker->run([this, dataDir, app, readStore] {
        std::filesystem::path cfg = assetsDir() / "hall" / "windows.json";
        if (const char* env = std::getenv("ZHUXUE_HALL_CONFIG"); env && *env)
            cfg = env;
        auto hall = zhuxue::hall::loadHallConfig(cfg.string());
        auto link = hall::readHallLink(dataDir);
        // A staff device enrolled for sync (settings or zhuxue-cli enroll) uses that enrollment
        // with the hall's server too: the queue routes take the same device token.
        if (link && !link->usable() && readStore)
            if (auto c = sync::deviceCredentials(*readStore); c && !c->url.empty() && !c->token.empty())
                link = hall::HallLink{c->url, c->device, c->token, c->allowPlainHttp};
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
                m_notice = noticeFor(app->texts().current(), tickets.error());
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
                m_notice = noticeFor(app->texts().current(), r.error());
                return;
            }
            m_notice.clear();
            if (what == "next" && !r->has_value())
                m_notice = "hall.panel.empty";
            m_current = (what == "skip" || what == "transfer") ? std::nullopt : *r;
            if (!m_current || m_current->id != m_familyFor)
                closeFamily(); // the family left this window
            m_refreshedAt = -1e9; // the lists changed: fetch them again
        });
        app->wake();
    });
}

void QueuePanel::closeFamily() {
    m_details.wipe();
    m_family = Family::None;
    m_familyFor.clear();
    m_familyCode.clear();
    m_familyError.clear();
    m_knownStudent = Uuid{};
}

void QueuePanel::fetchFamily(Context& ctx, const std::string& ticketId, const std::string& code) {
    if (ticketId.empty() || !ctx.worker || !m_link.usable())
        return;
    if (ticketId == m_familyFor && m_family != Family::Failed)
        return;
    closeFamily();
    m_family = Family::Loading;
    m_familyFor = ticketId;
    m_familyCode = code;
    app::App* app = &ctx.app;
    hall::HallLink link = m_link;
    store::Store* readStore = ctx.readStore; // the worker's connection
    ctx.worker->run([this, app, link, ticketId, readStore] {
        hall::QueueClient client(link);
        auto r = client.familyDetails(ticketId);
        Uuid known;
        if (r && r->has_value() && readStore && !(*r)->studentId.empty())
            if (auto found = readStore->studentsByIdNumber((*r)->studentId); found && !found->empty())
                known = found->front().id;
        app->queue().post([this, app, ticketId, r, known]() mutable {
            if (ticketId != m_familyFor) { // staff moved on meanwhile
                if (r && r->has_value())
                    (*r)->wipe();
                return;
            }
            if (!r) {
                m_family = Family::Failed;
                m_familyError = app->texts().current().format(r.error());
            } else if (!r->has_value()) {
                m_family = Family::Missing;
            } else {
                m_family = Family::Shown;
                m_details = **r;
                (*r)->wipe();
                m_knownStudent = known;
            }
        });
        if (r && r->has_value())
            (*r)->wipe(); // the copy handed to the frame is the only one left
        app->wake();
    });
}

void QueuePanel::drawFamily(Context& ctx) {
    if (m_family == Family::None)
        return;
    app::App& app = ctx.app;
    const auto& texts = app.texts().current();
    ImGui::Separator();
    ImGui::TextUnformatted(app.tr("hall.panel.family_title"));
    switch (m_family) {
    case Family::None: break;
    case Family::Loading:
        dataTextDisabled(app, texts.format("hall.panel.family_loading", {{"code", m_familyCode}}));
        break;
    case Family::Missing:
        dataTextWrapped(app, texts.format("hall.panel.family_none", {{"code", m_familyCode}}));
        break;
    case Family::Failed:
        dataTextWrapped(app, texts.format("hall.panel.family_failed", {{"code", m_familyCode}, {"reason", m_familyError}}));
        break;
    case Family::Shown: {
        const hall::FamilyDetails& d = m_details;
        // Phone numbers only for staff, as in lists; ID numbers masked as on every staff screen.
        auto phone = [&](const std::string& p) {
            return p.empty() ? std::string("-")
                             : ctx.can(Permission::SeeIncomes) ? p : std::string(app.tr("ui.common.staff_only"));
        };
        dataTextWrapped(app, texts.format("hall.panel.family_student", {{"name", d.studentName},
                                                                        {"id", maskIdNumber(d.studentId)},
                                                                        {"phone", phone(d.studentPhone)}}));
        if (!d.coName.empty() || !d.coId.empty())
            dataTextWrapped(app, texts.format("hall.panel.family_co", {{"name", d.coName},
                                                                       {"id", maskIdNumber(d.coId)},
                                                                       {"phone", phone(d.coPhone)}}));
        const std::string& lang = app.settings().language;
        if (!d.township.empty())
            dataText(app, texts.format("hall.panel.family_township",
                                       {{"township", townshipName(m_hall, d.township, lang)}}));
        if (!m_knownStudent.isNil())
            dataTextDisabled(app, app.tr("hall.panel.family_existing"));
        bool renewal = d.service == "renewal";
        if ((renewal || d.service == "first_loan") &&
            button(app, renewal ? "hall.panel.start_renewal" : "hall.panel.start_first_loan",
                   ctx.store != nullptr && ctx.can(Permission::EditRecords), "queue.start_loan")) {
            // Chinese names of the township, as staff would type them.
            ctx.loanPrefill = LoanPrefill{renewal,      d.studentName, d.studentId, d.studentPhone,
                                          d.township.empty() ? std::string() : townshipName(m_hall, d.township, "zh-CN"),
                                          d.coName,     d.coId,        d.coPhone};
            ctx.student = m_knownStudent;
            ctx.go(ScreenId::FirstLoan);
        }
        ImGui::SameLine();
        break;
    }
    }
    if (button(app, "hall.panel.family_close", true, "queue.family_close"))
        closeFamily();
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
        // Enrolled meanwhile (settings screen, zhuxue-cli enroll, the hall link file)? Look
        // again on the worker now and then: no restart needed to start calling numbers.
        if (!m_loading && ImGui::GetTime() - m_linkCheckedAt > kRefreshSeconds) {
            m_linkCheckedAt = ImGui::GetTime();
            load(ctx);
        }
        dataTextWrapped(app, app.tr("hall.panel.not_linked"));
        return;
    }
    if (ImGui::GetTime() - m_refreshedAt > kRefreshSeconds)
        refresh(ctx);
    const std::string& lang = app.settings().language;
    std::vector<int> windows = m_hall ? m_hall->windows() : std::vector<int>{};

    // One click per window (a hall has a handful), "##queue.window.N" for the driver.
    ImGui::TextUnformatted(app.tr("hall.panel.my_window"));
    for (int w : windows) {
        ImGui::SameLine();
        std::string label = std::to_string(w) + "##queue.window." + std::to_string(w);
        if (ImGui::RadioButton(label.c_str(), w == m_window) && w != m_window) {
            m_window = w;
            m_current.reset();
            m_refreshedAt = -1e9;
        }
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
    if (m_current && m_current->id != m_autoFetchedFor) {
        m_autoFetchedFor = m_current->id; // called (or found called at start): show who it is
        fetchFamily(ctx, m_current->id, m_current->code);
    }
    drawFamily(ctx);

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
    for (const auto& a : m_appointments) {
        ImGui::PushID(a.id.c_str());
        if (button(app, "hall.panel.open_appointment", !m_busy, "queue.appointment"))
            fetchFamily(ctx, a.id, a.code);
        ImGui::PopID();
        ImGui::SameLine();
        dataText(app, app.texts().current().format(
                          "hall.panel.appointment",
                          {{"time", a.time}, {"code", a.code}, {"service", serviceName(m_hall, a.service, lang)},
                           {"township", townshipName(m_hall, a.township, lang)}}));
    }
}

} // namespace zhuxue::ui
