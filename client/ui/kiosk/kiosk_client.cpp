#include "kiosk_client.hpp"

#include <sodium.h>

#include "client/app/policy_files.hpp"
#include "client/core/ids.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "keypad.hpp"
#include "ticket_pdf.hpp"

#include <cstdlib>
#include <ctime>
#include <imgui.h>
#include <imgui_internal.h>

namespace zhuxue::ui::kiosk {

namespace {

void wipeString(std::string& s) {
    std::fill(s.begin(), s.end(), '\0');
    s.clear();
    s.shrink_to_fit();
}

std::filesystem::path hallConfigFile() {
    if (const char* env = std::getenv("ZHUXUE_HALL_CONFIG"); env && *env)
        return env;
    return assetsDir() / "hall" / "windows.json";
}

} // namespace

void KioskDraft::wipe() {
    for (std::string* s : {&service, &studentName, &studentId, &studentPhone, &coName, &coId, &coPhone, &township,
                           &consentVersion, &consentLanguage, &consentSha256})
        wipeString(*s);
    studentConsentMs = coConsentMs = 0;
}

bool KioskDraft::empty() const {
    return service.empty() && studentName.empty() && studentId.empty() && studentPhone.empty() &&
           coName.empty() && coId.empty() && coPhone.empty() && township.empty() && consentVersion.empty() &&
           consentSha256.empty() && studentConsentMs == 0 && coConsentMs == 0;
}

// What the kiosk reads from disk before a family can go past the first step.
struct KioskClient::Loaded {
    std::optional<zhuxue::hall::HallConfig> hall;
    std::optional<core::PolicySet> policies;
    std::optional<store::ConsentText> consentText;
    hall::HallLink link;
};

KioskClient::Loaded KioskClient::load(const std::filesystem::path& dataDir) {
    Loaded out;
    if (auto h = zhuxue::hall::loadHallConfig(hallConfigFile().string()))
        out.hall = std::move(*h);
    if (auto p = app::loadPolicies(assetsDir()))
        out.policies = std::move(*p);
    if (auto c = store::loadCurrentConsentText(assetsDir()))
        out.consentText = std::move(*c);
    if (auto l = hall::readHallLink(dataDir); l && l->usable())
        out.link = *l;
    return out;
}

KioskClient::KioskClient(app::App& app, std::filesystem::path dataDir)
    : m_app(app), m_dataDir(std::move(dataDir)), m_config(KioskConfig::load(m_dataDir)),
      m_offline(m_dataDir, m_config.prefix), m_outbox(m_dataDir) {
    // The first frame comes before the files are read: they load on the worker (its first job,
    // so every later job finds them), and the choices wait for them.
    std::weak_ptr<int> alive = m_alive;
    m_worker.run([this, alive, dir = m_dataDir, url = app.settings().serverUrl,
                  code = app.settings().enrollmentCode, plainHttp = app.settings().allowPlainHttp] {
        auto loaded = std::make_shared<Loaded>(load(dir));
        bool linked = loaded->link.usable();
        m_app.queue().post([this, alive, loaded] {
            if (alive.expired())
                return;
            m_hall = std::move(loaded->hall);
            m_policies = std::move(loaded->policies);
            m_consentText = std::move(loaded->consentText);
            m_link = loaded->link;
            m_ready = true;
        });
        m_app.wake();
        if (linked || url.empty() || code.empty())
            return;
        // First start of a kiosk set up with a server and a one-time code: enrol (tickets are
        // issued locally meanwhile).
        if (auto r = hall::enrollHallDevice(dir, url, code, "自助机 kiosk", sync::DeviceRole::Kiosk,
                                             plainHttp)) {
            m_app.queue().post([this, alive, link = *r] {
                if (!alive.expired())
                    m_link = link;
            });
            m_app.wake();
        }
    });
    // Large text for people who rarely use computers.
    m_app.settings().fontSize = std::max(m_app.settings().fontSize, 34.0f);
    m_app.applyTextSize();
    ImGuiStyle& style = ImGui::GetStyle();
    style.FramePadding = ImVec2(18, 14);
    style.ItemSpacing = ImVec2(16, 16);
    style.FrameRounding = 8;
    m_path = {Step::Choose};
}

KioskClient::~KioskClient() {
    m_generation++;
    wipe();
}

std::string KioskClient::serviceName(const std::string& service) const {
    if (m_hall)
        if (const auto* s = m_hall->service(service))
            return zhuxue::hall::localName(s->name, m_app.settings().language);
    return service;
}

std::string KioskClient::windowsOf(const std::string& service) const {
    std::string out;
    if (m_hall)
        if (const auto* s = m_hall->service(service))
            for (int w : s->windows)
                out += (out.empty() ? "" : "、") + std::to_string(w);
    return out;
}

bool KioskClient::holdsNothing() const {
    return m_draft.empty() && m_findings.empty() && !m_ticket && !m_appointment && m_slots.empty() &&
           m_path.size() == 1 && !m_idEntered[0] && !m_idEntered[1] && m_pin.empty() && m_refusal.empty();
}

void KioskClient::startService(const std::string& service) {
    m_draft.service = service;
    m_path = {Step::Choose, Step::Card};
    if (service == "first_loan")
        m_path.insert(m_path.end(), {Step::EligLocal, Step::EligAdmitted, Step::EligOtherLoan});
    if (service == "first_loan" || service == "renewal" || service == "repayment")
        m_path.insert(m_path.end(), {Step::Consent, Step::StudentName, Step::StudentId, Step::StudentPhone});
    if (service == "first_loan")
        m_path.insert(m_path.end(), {Step::CoName, Step::CoId, Step::CoPhone});
    m_path.insert(m_path.end(), {Step::Materials, Step::Take});
    m_index = 1;
}

void KioskClient::go(Step s) {
    m_path.resize(m_index + 1);
    m_path.push_back(s);
    m_index = m_path.size() - 1;
    m_message.clear();
}

void KioskClient::next() {
    m_findings = {};
    m_message.clear();
    m_refusal.clear();
    if (m_index + 1 < m_path.size())
        ++m_index;
}

void KioskClient::back() {
    m_findings = {};
    m_message.clear();
    m_refusal.clear();
    if (m_index > 0)
        --m_index;
    if (m_index == 0) {
        wipe(); // back at the first question: nothing of this family stays
        return;
    }
    // Township and slot steps are branches off "take": going back drops them.
    while (m_path.size() > m_index + 1 && (m_path.back() == Step::Township || m_path.back() == Step::Slot))
        m_path.pop_back();
}

void KioskClient::wipe() {
    m_generation++;
    m_draft.wipe();
    m_findings = {};
    m_refusal.clear();
    m_idEntered[0] = m_idEntered[1] = false;
    m_ticket.reset();
    m_ticketLocal = false;
    m_detailsSealed = m_detailsLost = false;
    m_appointment.reset();
    m_slots.clear();
    m_slotDay = 0;
    m_message.clear();
    m_waiting = false;
    wipeString(m_pin);
    m_pinOpen = false;
    m_path = {Step::Choose};
    m_index = 0;
    m_wipes++;
    // ImGui keeps the text of the field being edited in its own buffer: drop that too.
    if (ImGui::GetCurrentContext()) {
        ImGuiContext& g = *ImGui::GetCurrentContext();
        std::fill(g.InputTextState.TextA.begin(), g.InputTextState.TextA.end(), '\0');
        std::fill(g.InputTextState.TextW.begin(), g.InputTextState.TextW.end(), 0);
        std::fill(g.InputTextState.InitialTextA.begin(), g.InputTextState.InitialTextA.end(), '\0');
        g.InputTextState.ClearFreeMemory();
        ImGui::ClearActiveID();
    }
}

void KioskClient::trackIdle() {
    ImGuiIO& io = ImGui::GetIO();
    double now = ImGui::GetTime();
    bool input = io.InputQueueCharacters.Size > 0 || io.MouseWheel != 0;
    for (bool down : io.MouseDown)
        input = input || down;
    for (bool down : io.KeysDown)
        input = input || down;
    if (io.MousePos.x != m_lastMouse.x || io.MousePos.y != m_lastMouse.y) {
        input = true;
        m_lastMouse = io.MousePos;
    }
    if (input || m_lastInput == 0)
        m_lastInput = now;
}

void KioskClient::drawIdleWarning(double left) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x * 0.7f, 0));
    ImGui::Begin("##kiosk.idle", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                               ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
    std::string text = m_app.texts().current().format("kiosk.idle.warning",
                                                      {{"seconds", std::to_string(static_cast<int>(left + 0.999))}});
    dataTextWrapped(m_app, text);
    ImGui::ProgressBar(static_cast<float>(left / m_config.warnSeconds), ImVec2(-FLT_MIN, 24), "");
    if (bigButton("kiosk.idle.continue", "kiosk.idle.continue", -FLT_MIN))
        m_lastInput = ImGui::GetTime();
    ImGui::End();
}

void KioskClient::draw() {
    trackIdle();
    bool something = !holdsNothing() || m_pinOpen;
    double idle = ImGui::GetTime() - m_lastInput;
    if (something && idle >= m_config.idleSeconds) {
        wipe();
        m_lastInput = ImGui::GetTime();
    }

    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.97f, 0.97f, 0.95f, 1.0f));
    ImGui::Begin("##kiosk", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    // Title bar: what this is, where we are, and the small staff door in the corner.
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextColored(ImVec4(0.10f, 0.25f, 0.50f, 1.0f), "%s", m_app.tr("kiosk.title"));
    ImGui::SetWindowFontScale(1.0f);
    // "Step n of N" counts the questions up to "take a number"; the township, time and ticket
    // screens after it carry no count (a total that grows as one goes on confuses people).
    std::size_t total = 0;
    while (total < m_path.size() && m_path[total] != Step::Take)
        ++total;
    if (m_index > 0 && total < m_path.size() && m_index <= total) {
        ImGui::SameLine();
        std::string stepText = m_app.texts().current().format(
            "kiosk.step", {{"n", std::to_string(m_index)}, {"total", std::to_string(total)}});
        ImGui::TextDisabled("  %s", stepText.c_str());
    }
    float staffW = ImGui::CalcTextSize(m_app.tr("kiosk.staff")).x + 40;
    ImGui::SameLine(io.DisplaySize.x - staffW - 16);
    std::string staff = std::string(m_app.tr("kiosk.staff")) + "##kiosk.staff";
    if (buttonLabelled(staff.c_str(), ImVec2(staffW, 56))) {
        m_pinOpen = true;
        m_pinWrong = false;
    }
    ImGui::Separator();
    drawStep();
    ImGui::End();
    ImGui::PopStyleColor();

    if (m_pinOpen)
        drawPin();
    if (something && idle >= m_config.idleSeconds - m_config.warnSeconds && idle < m_config.idleSeconds)
        drawIdleWarning(m_config.idleSeconds - idle);
}

void KioskClient::drawPin() {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::Begin("##kiosk.pin", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                             ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::TextUnformatted(m_app.tr("kiosk.pin.title"));
    ImGui::TextUnformatted(m_app.tr("kiosk.pin.prompt"));
    const float keyW = 110, padW = keyW * 3 + ImGui::GetStyle().ItemSpacing.x * 2;
    std::string dots;
    for (std::size_t i = 0; i < m_pin.size(); ++i)
        dots += i ? " ●" : "●";
    keypadDisplay(m_app, "##kiosk.pin.typed", dots, m_app.tr("kiosk.field.keypad_hint"), padW);
    double now = ImGui::GetTime();
    bool locked = now < m_pinLockedUntil;
    if (locked) {
        std::string t = m_app.texts().current().format(
            "kiosk.pin.locked", {{"seconds", std::to_string(static_cast<int>(m_pinLockedUntil - now) + 1)}});
        dataText(m_app, t);
    } else if (m_pinWrong) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.1f, 0.1f, 1));
        dataText(m_app, m_app.tr("kiosk.pin.wrong"));
        ImGui::PopStyleColor();
    }
    keypad(m_app, "pin", m_pin, {.allowX = false, .maxLength = 12, .keyWidth = keyW, .keyHeight = 72});
    const std::string& pin = m_app.settings().kioskPin;
    const float halfW = (padW - ImGui::GetStyle().ItemSpacing.x) / 2;
    if (!locked && bigButton("kiosk.pin.exit", "kiosk.pin.exit", halfW)) {
        if (!pin.empty() && m_pin == pin) {
            m_exitRequested = true;
            wipe();
            m_app.requestClose();
        } else {
            m_pinWrong = true;
            if (++m_pinFailures >= 5) {
                m_pinLockedUntil = now + 60;
                m_pinFailures = 0;
            }
        }
        wipeString(m_pin);
    }
    if (!locked)
        ImGui::SameLine();
    if (bigButton("kiosk.pin.cancel", "kiosk.pin.cancel", halfW)) {
        wipeString(m_pin);
        m_pinOpen = false;
        m_pinWrong = false;
    }
    ImGui::End();
}

void KioskClient::takeNumber() {
    if (m_waiting || !m_hall)
        return;
    const auto* svc = m_hall->service(m_draft.service);
    if (!svc)
        return;
    m_waiting = true;
    m_message.clear();
    uint64_t gen = m_generation;
    std::string service = m_draft.service, township = m_draft.township, letter = svc->prefix;
    hall::HallLink link = m_link;
    m_worker.run([this, gen, service, township, letter, link, details = detailsJson()]() mutable {
        hall::QueueClient client(link);
        int64_t now = systemNowMs();
        std::string id = newUuidV7().str();
        auto r = client.issue(id, service, township);
        bool local = false;
        if (!r && hall::QueueClient::unreachable(r.error())) {
            r = m_offline.issue(service, letter, township, now, localDayText(now));
            local = true;
        } else if (r) {
            m_offline.reconcile(client); // the server is back: hand in what was issued offline
        }
        bool hadDetails = !details.empty();
        bool sealed = r && sealDetails(details, r->id, r->code, local ? nullptr : &client);
        if (!sealed)
            sodium_memzero(details.data(), details.size());
        m_app.queue().post([this, gen, r, local, hadDetails, sealed] {
            if (gen != m_generation)
                return;
            m_waiting = false;
            if (!r) {
                m_message = r.error().key;
                return;
            }
            m_ticket = *r;
            m_ticketLocal = local;
            m_detailsSealed = sealed;
            m_detailsLost = hadDetails && !sealed;
            go(Step::Ticket);
        });
        m_app.wake();
    });
}

std::string KioskClient::detailsJson() const {
    const KioskDraft& d = m_draft;
    if (d.studentName.empty() && d.studentId.empty() && d.coName.empty())
        return {};
    nlohmann::json j{{"service", d.service},
                     {"township", d.township},
                     {"student", {{"name", d.studentName}, {"id_number", d.studentId}, {"phone", d.studentPhone}}},
                     {"consent", {{"version", d.consentVersion},
                                  {"language", d.consentLanguage},
                                  {"text_sha256", d.consentSha256},
                                  {"student_at", d.studentConsentMs},
                                  {"co_borrower_at", d.coConsentMs}}},
                     {"submitted_at", systemNowMs()}};
    if (!d.coName.empty() || !d.coId.empty())
        j["co_borrower"] = {{"name", d.coName}, {"id_number", d.coId}, {"phone", d.coPhone}};
    return j.dump();
}

// Worker thread. Seals the details with the ticket's or appointment's id and number, keeps only
// the sealed bytes on disk, and hands in everything pending when the server answers. The
// plaintext is wiped whatever happens.
bool KioskClient::sealDetails(std::string& details, const std::string& id, const std::string& code,
                              hall::QueueClient* online) {
    if (details.empty())
        return false;
    auto j = nlohmann::json::parse(details, nullptr, false);
    sodium_memzero(details.data(), details.size());
    if (!j.is_object())
        return false;
    j["ticket_id"] = id;
    j["code"] = code;
    std::string plain = j.dump();
    j = nullptr;
    std::string key = m_outbox.sealKey(online);
    bool kept = m_outbox.add(newUuidV7().str(), plain, key).ok(); // wipes plain
    if (kept && online)
        m_outbox.flush(*online);
    return kept;
}

void KioskClient::loadSlots() {
    m_waiting = true;
    m_slots.clear();
    m_message.clear();
    uint64_t gen = m_generation;
    std::string township = m_draft.township;
    hall::HallLink link = m_link;
    m_worker.run([this, gen, township, link] {
        hall::QueueClient client(link);
        auto r = client.slots(township);
        m_app.queue().post([this, gen, r] {
            if (gen != m_generation)
                return;
            m_waiting = false;
            if (!r) {
                m_message = hall::QueueClient::unreachable(r.error()) ? "kiosk.book.offline" : r.error().key;
                return;
            }
            m_slots = *r;
            m_slotDay = 0;
            if (m_slots.empty())
                m_message = "kiosk.book.none";
        });
        m_app.wake();
    });
}

void KioskClient::book(const std::string& day, const std::string& time) {
    if (m_waiting)
        return;
    m_waiting = true;
    m_message.clear();
    uint64_t gen = m_generation;
    std::string service = m_draft.service, township = m_draft.township;
    hall::HallLink link = m_link;
    m_worker.run([this, gen, service, township, day, time, link, details = detailsJson()]() mutable {
        hall::QueueClient client(link);
        auto r = client.book(newUuidV7().str(), service, township, day, time);
        bool hadDetails = !details.empty();
        bool sealed = r && sealDetails(details, r->id, r->code, &client);
        if (!sealed)
            sodium_memzero(details.data(), details.size());
        m_app.queue().post([this, gen, r, hadDetails, sealed] {
            if (gen != m_generation)
                return;
            m_waiting = false;
            if (!r) {
                m_message = r.error().key == "hall.error.slot_full" ? "kiosk.book.full"
                            : hall::QueueClient::unreachable(r.error()) ? "kiosk.book.offline"
                                                                         : r.error().key;
                if (r.error().key == "hall.error.slot_full")
                    loadSlots();
                return;
            }
            m_appointment = *r;
            m_detailsSealed = sealed;
            m_detailsLost = hadDetails && !sealed;
            go(Step::Ticket);
        });
        m_app.wake();
    });
}

void KioskClient::printTicket() {
    if (m_config.printer.empty() || m_waiting)
        return;
    TicketText text;
    text.title = m_app.tr("kiosk.ticket.pdf_title");
    const auto& cat = m_app.texts().current();
    std::string windows = windowsOf(m_draft.service);
    if (m_ticket) {
        text.code = m_ticket->code;
        text.lines.push_back(serviceName(m_ticket->service));
        text.lines.push_back(cat.format("kiosk.ticket.window", {{"windows", windows}}));
        text.lines.push_back(cat.format("kiosk.ticket.pdf_issued", {{"time", localTimeText(m_ticket->issuedAt)}}));
        if (m_ticketLocal)
            text.lines.push_back(m_app.tr("kiosk.ticket.offline_note"));
    } else if (m_appointment) {
        text.code = m_appointment->code;
        text.lines.push_back(serviceName(m_appointment->service));
        text.lines.push_back(cat.format("kiosk.ticket.appointment_when",
                                        {{"day", m_appointment->day}, {"time", m_appointment->time}, {"windows", windows}}));
    } else {
        return;
    }
    std::filesystem::path dir = m_dataDir / "tickets";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::filesystem::path file = dir / (text.code + ".pdf");
    m_waiting = true;
    uint64_t gen = m_generation;
    std::string printer = m_config.printer;
    m_worker.run([this, gen, text, file, printer] {
        Status st = writeTicketPdf(file, text);
        if (st)
            st = kiosk::printTicket(file, printer);
        m_app.queue().post([this, gen, st, file] {
            if (gen != m_generation)
                return;
            m_waiting = false;
            m_lastPdf = file;
            m_message = st ? "kiosk.ticket.printed" : "kiosk.ticket.print_failed";
        });
        m_app.wake();
    });
}

} // namespace zhuxue::ui::kiosk
