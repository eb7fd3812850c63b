// The kiosk's steps, one question per screen, each with a large way back.
#include "client/core/resident_id.hpp"
#include "client/core/validation.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/masking.hpp"
#include "keypad.hpp"
#include "kiosk_client.hpp"

#include <chrono>
#include <cstdio>
#include <imgui.h>
#include <imgui_stdlib.h>

namespace zhuxue::ui::kiosk {

namespace {

core::Date today() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&now, &tm);
    return core::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

std::string yuan(core::Fen fen) {
    return std::to_string(fen / 100);
}

std::string monthDay(const core::MonthDay& md, const std::string& lang) {
    char buf[32];
    if (lang == "en")
        std::snprintf(buf, sizeof buf, "%02d-%02d", md.month, md.day);
    else
        std::snprintf(buf, sizeof buf, "%d月%d日", md.month, md.day);
    return buf;
}

const ImVec4 kRed(0.75f, 0.10f, 0.10f, 1.0f);
const ImVec4 kGreen(0.05f, 0.45f, 0.15f, 1.0f);

} // namespace

bool KioskClient::bigButton(const char* labelKey, const char* id, float width) {
    std::string label = std::string(m_app.tr(labelKey)) + "##" + id;
    return buttonLabelled(label.c_str(), ImVec2(width, 84));
}

void KioskClient::navigation(bool showNext, bool nextEnabled) {
    ImGui::Dummy(ImVec2(0, 12));
    ImGui::Separator();
    if (bigButton("kiosk.back", "kiosk.back", 300))
        back();
    if (showNext) {
        ImGui::SameLine(ImGui::GetWindowWidth() - 316);
        if (!nextEnabled)
            ImGui::BeginDisabled();
        bool pressed = bigButton("kiosk.next", "kiosk.next", 300);
        if (!nextEnabled)
            ImGui::EndDisabled();
        if (pressed && nextEnabled)
            next();
    }
}

void KioskClient::drawStep() {
    switch (step()) {
    case Step::Choose: return drawChoose();
    case Step::Card: return drawCard();
    case Step::EligLocal:
        return drawQuestion("kiosk.elig.q_local", "kiosk.yes", "kiosk.no", true, "kiosk.elig.not_local");
    case Step::EligAdmitted:
        return drawQuestion("kiosk.elig.q_admitted", "kiosk.yes", "kiosk.no", true, "kiosk.elig.not_admitted");
    case Step::EligOtherLoan:
        return drawQuestion("kiosk.elig.q_other_loan", "kiosk.elig.q_other_loan_yes", "kiosk.elig.q_other_loan_no",
                            false, "kiosk.elig.other_loan");
    case Step::Consent: return drawConsent();
    case Step::StudentName: return drawName("kiosk.field.student_name", m_draft.studentName);
    case Step::StudentId: return drawNumber("kiosk.field.student_id", m_draft.studentId, true, false);
    case Step::StudentPhone: return drawNumber("kiosk.field.student_phone", m_draft.studentPhone, false, false);
    case Step::CoName: return drawName("kiosk.field.co_name", m_draft.coName);
    case Step::CoId: return drawNumber("kiosk.field.co_id", m_draft.coId, true, true);
    case Step::CoPhone: return drawNumber("kiosk.field.co_phone", m_draft.coPhone, false, true);
    case Step::Materials: return drawMaterials();
    case Step::Take: return drawTake();
    case Step::Township: return drawTownship();
    case Step::Slot: return drawSlot();
    case Step::Ticket: return drawTicket();
    }
}

void KioskClient::drawChoose() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.choose.question"));
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Dummy(ImVec2(0, 8));
    ImGui::BeginDisabled(!m_ready); // a moment after start, while the policy and hall load
    for (const char* s : {"first_loan", "renewal", "repayment", "enquiry"}) {
        std::string key = std::string("kiosk.choose.") + s;
        std::string id = std::string("kiosk.choose.") + s;
        std::string label = std::string(m_app.tr(key)) + "##" + id;
        if (buttonLabelled(label.c_str(), ImVec2(-FLT_MIN, 110)))
            startService(s);
    }
    ImGui::EndDisabled();
}

void KioskClient::drawCard() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.card.title"));
    ImGui::SetWindowFontScale(1.0f);
    const auto& cat = m_app.texts().current();
    const std::string& lang = m_app.settings().language;
    // A family signing today: caps of this season's school year, rate and rules of today.
    const core::Date now = today();
    std::optional<core::LoanRules> rules;
    if (m_policies)
        if (auto r = m_policies->rulesFor(core::schoolYearOfSigning(now), now))
            rules = std::move(*r);
    ImGui::BeginChild("##kiosk.card", ImVec2(0, ImGui::GetContentRegionAvail().y - 130), true);
    if (!rules) {
        dataTextWrapped(m_app, m_app.tr("kiosk.card.no_policy"));
    } else {
        const core::Policy* caps = rules->capPolicy;
        const core::Policy* p = rules->signingPolicy;
        const core::ContractRate& rate = rules->rate;
        auto line = [&](const std::string& text) {
            ImGui::Bullet();
            ImGui::SameLine();
            dataTextWrapped(m_app, text);
        };
        line(cat.format("kiosk.card.policy", {{"name", lang == "en" ? caps->nameEn : caps->nameZh}}));
        line(cat.format("kiosk.card.cap", {{"ug", yuan(caps->capUndergraduate)}, {"pg", yuan(caps->capPostgraduate)}}));
        line(cat.format("kiosk.card.minimum", {{"min", yuan(caps->minimum)}}));
        // The spread and the base as the data say (LPR − 70 bp: "比同期LPR低0.7个百分点").
        const core::BaseRateSeries* base = m_policies->baseRates().series(rate.base);
        std::string baseName = base ? (lang == "en" ? base->shortNameEn : base->shortNameZh) : rate.base;
        const char* rateKey = rate.spreadBp < 0   ? "kiosk.card.rate_below"
                              : rate.spreadBp > 0 ? "kiosk.card.rate_above"
                                                  : "kiosk.card.rate_equal";
        line(cat.format(rateKey, {{"rate", core::ratePercentText(rate.annualRateBp)},
                                  {"base_name", baseName},
                                  {"base", core::ratePercentText(rate.baseBp)},
                                  {"points", core::spreadPointsText(rate.spreadBp)}}));
        if (p->governmentInterestPercent == 100)
            line(m_app.tr("kiosk.card.subsidy"));
        line(cat.format("kiosk.card.term", {{"plus", std::to_string(p->term.plusYears)},
                                            {"max", std::to_string(p->term.maxYears)}}));
        line(cat.format("kiosk.card.grace", {{"grace", std::to_string(p->graceYears)}}));
        line(cat.format("kiosk.card.repay", {{"from", monthDay(p->repaymentWindowFrom, lang)},
                                             {"to", monthDay(p->repaymentWindowTo, lang)},
                                             {"due", monthDay(p->dueDate, lang)}}));
        if (m_draft.service == "first_loan" || m_draft.service == "renewal") {
            ImGui::Dummy(ImVec2(0, 4));
            ImGui::TextUnformatted(m_app.tr("kiosk.card.materials"));
            core::MaterialFacts facts;
            facts.type = m_draft.service == "renewal" ? core::ApplicationType::Renewal
                                                      : core::ApplicationType::FirstLoan;
            for (auto m : core::requiredMaterials(facts)) {
                ImGui::Text("    ·");
                ImGui::SameLine();
                dataTextWrapped(m_app, m_app.tr(core::materialNameKey(m)));
            }
        }
    }
    ImGui::EndChild();
    ImGui::Dummy(ImVec2(0, 4));
    if (bigButton("kiosk.back", "kiosk.back", 300))
        back();
    ImGui::SameLine(ImGui::GetWindowWidth() - 416);
    if (bigButton("kiosk.card.understood", "kiosk.next", 400))
        next();
}

void KioskClient::drawQuestion(const char* questionKey, const char* yesKey, const char* noKey, bool yesIsGood,
                               const char* refusalKey) {
    ImGui::TextDisabled("%s", m_app.tr("kiosk.elig.title"));
    ImGui::SetWindowFontScale(1.2f);
    dataTextWrapped(m_app, m_app.tr(questionKey));
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Dummy(ImVec2(0, 12));
    float w = (ImGui::GetContentRegionAvail().x - 16) * 0.5f;
    bool yes = bigButton(yesKey, "kiosk.answer.yes", w);
    ImGui::SameLine();
    bool no = bigButton(noKey, "kiosk.answer.no", w);
    if (yes || no) {
        if (yes == yesIsGood)
            next();
        else
            m_refusal = refusalKey;
    }
    if (!m_refusal.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        dataTextWrapped(m_app, m_app.tr(m_refusal));
        ImGui::PopStyleColor();
        // Not a dead end: the family can still ask a person.
        if (bigButton("kiosk.choose.enquiry", "kiosk.to_enquiry", -FLT_MIN)) {
            startService("enquiry");
            m_index = m_path.size() - 1; // straight to taking a number
        }
    } else if (step() == Step::EligOtherLoan && !yes && !no) {
        // nothing answered yet
    }
    navigation(false);
}

void KioskClient::drawConsent() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.consent.title"));
    ImGui::SetWindowFontScale(1.0f);
    auto skipDetails = [this] { // to the materials list: details are given at the window instead
        for (std::size_t i = m_index; i < m_path.size(); ++i)
            if (m_path[i] == Step::Materials) {
                m_findings = {};
                m_message.clear();
                m_index = i;
                return;
            }
    };
    if (!m_consentText) {
        dataTextWrapped(m_app, m_app.tr("kiosk.consent.unavailable"));
        if (bigButton("kiosk.consent.decline", "kiosk.consent.decline", -FLT_MIN))
            skipDetails();
        navigation(false);
        return;
    }
    const std::string lang = m_app.settings().language == "en" ? "en" : "zh-CN";
    dataTextWrapped(m_app, m_app.tr("kiosk.consent.intro"));
    // The text takes what the buttons leave: one row of "agree" buttons, the navigation row.
    const float reserved = 84 * 2 + 16 * 4 + 12 + (m_message.empty() ? 0.0f : 60.0f);
    ImGui::BeginChild("##kiosk.consent_text", ImVec2(0, std::max(120.0f, ImGui::GetContentRegionAvail().y - reserved)),
                      true);
    dataTextWrapped(m_app, m_consentText->shownTitle(lang));
    ImGui::TextDisabled("%s", m_app.texts().current().format("kiosk.consent.version",
                                                             {{"version", m_consentText->version}}).c_str());
    dataTextWrapped(m_app, m_consentText->shown(lang));
    ImGui::EndChild();
    const float width = coBorrowerConsentNeeded() ? (ImGui::GetContentRegionAvail().x - 16) * 0.5f : -FLT_MIN;
    auto accept = [&](const char* key, const char* id, UnixMs& at) {
        std::string label = std::string(m_app.tr(key)) +
                            (at ? std::string(" [") + m_app.tr("kiosk.consent.accepted") + "]" : std::string()) + "##" + id;
        if (buttonLabelled(label.c_str(), ImVec2(width, 84))) {
            at = at ? 0 : systemNowMs();
            m_draft.consentVersion = m_consentText->version;
            m_draft.consentLanguage = lang;
            m_draft.consentSha256 = m_consentText->sha256(lang);
            m_message.clear();
        }
    };
    accept("kiosk.consent.student", "kiosk.consent.student", m_draft.studentConsentMs);
    if (coBorrowerConsentNeeded()) {
        ImGui::SameLine();
        accept("kiosk.consent.co", "kiosk.consent.co", m_draft.coConsentMs);
    }
    if (!m_message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        dataTextWrapped(m_app, m_app.tr(m_message));
        ImGui::PopStyleColor();
    }
    const bool accepted = m_draft.studentConsentMs != 0 && (!coBorrowerConsentNeeded() || m_draft.coConsentMs != 0);
    ImGui::Dummy(ImVec2(0, 12));
    ImGui::Separator();
    // Back, "I do not agree" (details then go to staff at the window), next.
    if (bigButton("kiosk.back", "kiosk.back", 300))
        back();
    ImGui::SameLine();
    if (bigButton("kiosk.consent.decline", "kiosk.consent.decline", ImGui::GetContentRegionAvail().x - 316)) {
        m_draft.studentConsentMs = m_draft.coConsentMs = 0;
        skipDetails();
        return;
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - 316);
    if (bigButton("kiosk.next", "kiosk.next", 300)) {
        if (accepted)
            next();
        else
            m_message = "kiosk.consent.needed";
    }
}

void KioskClient::drawName(const char* promptKey, std::string& value) {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr(promptKey));
    ImGui::SetWindowFontScale(1.0f);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint("##kiosk.name", m_app.tr("kiosk.field.name_hint"), &value);
    m_app.see(value);
    if (!m_message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        dataTextWrapped(m_app, m_app.tr(m_message));
        ImGui::PopStyleColor();
    }
    ImGui::Dummy(ImVec2(0, 12));
    if (bigButton("kiosk.back", "kiosk.back", 300))
        back();
    ImGui::SameLine(ImGui::GetWindowWidth() - 316);
    if (bigButton("kiosk.next", "kiosk.next", 300) || enterPressed()) {
        // Trim what an input method may leave around the name; keep every character inside.
        auto b = value.find_first_not_of(" \t");
        auto e = value.find_last_not_of(" \t");
        value = b == std::string::npos ? std::string() : value.substr(b, e - b + 1);
        if (value.empty())
            m_message = "kiosk.field.empty_name";
        else
            next();
    }
}

bool KioskClient::validateNumber(bool isId, bool coBorrower) {
    m_findings = {};
    std::string& value = isId ? (coBorrower ? m_draft.coId : m_draft.studentId)
                              : (coBorrower ? m_draft.coPhone : m_draft.studentPhone);
    if (!isId) {
        m_findings = core::checkMobile(value, "number");
        if (!m_findings.ok())
            return false;
        if (auto n = core::normalizeMobile(value))
            value = *n;
        return true;
    }
    auto check = core::checkResidentId(value, today(), {.acceptLegacy = false}, "number");
    m_findings = check.findings;
    if (!check.id)
        return false;
    value = check.id->number;
    if (coBorrower) {
        core::CoBorrowerFacts facts;
        facts.type = m_draft.service == "renewal" ? core::ApplicationType::Renewal : core::ApplicationType::FirstLoan;
        facts.signingDate = today();
        facts.coBorrowerBirthDate = check.id->birthDate;
        facts.coBorrowerIdNumber = value;
        facts.studentIdNumber = m_draft.studentId;
        auto more = core::checkCoBorrower(facts);
        m_findings.append(more);
        if (!more.ok())
            return false;
    }
    return true;
}

void KioskClient::drawNumber(const char* promptKey, std::string& value, bool isId, bool coBorrower) {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr(promptKey));
    ImGui::SetWindowFontScale(1.0f);
    bool& entered = m_idEntered[coBorrower ? 1 : 0];
    if (isId && entered) {
        // Once entered, an ID number is only ever shown masked; changing it means typing it again.
        std::string t = m_app.texts().current().format("kiosk.field.entered", {{"masked", maskIdNumber(value)}});
        dataText(m_app, t);
        if (bigButton("kiosk.field.reenter", "kiosk.reenter", 400)) {
            std::fill(value.begin(), value.end(), '\0');
            value.clear();
            entered = false;
        }
        navigation(true);
        return;
    }
    keypadDisplay(m_app, "##kiosk.number", value, m_app.tr("kiosk.field.keypad_hint"));
    findingsFor(m_app, m_findings, "number");
    // Four rows of keys and the shorter "clear" row share what the back/next row leaves; when
    // an error message takes room, the gaps between the rows shrink before the keys do, so every
    // label stays whole and the buttons stay on the screen.
    float avail = ImGui::GetContentRegionAvail().y - 130;
    const float minKey = ImGui::GetFontSize() + ImGui::GetStyle().FramePadding.y * 2;
    float gap = ImGui::GetStyle().ItemSpacing.y;
    float keyH = (avail - 5 * gap) / 4.8f;
    if (keyH < minKey) {
        keyH = minKey;
        gap = std::max(6.0f, (avail - 4.8f * minKey) / 5);
    }
    keyH = std::min(keyH, 90.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, gap));
    bool typed =
        keypad(m_app, "kiosk", value, {.allowX = isId, .maxLength = isId ? 18u : 11u, .keyWidth = 150, .keyHeight = keyH});
    ImGui::PopStyleVar();
    if (typed)
        m_findings = {};
    ImGui::Dummy(ImVec2(0, 4));
    if (bigButton("kiosk.back", "kiosk.back", 300))
        back();
    ImGui::SameLine(ImGui::GetWindowWidth() - 316);
    if (bigButton("kiosk.next", "kiosk.next", 300)) {
        if (validateNumber(isId, coBorrower)) {
            if (isId)
                entered = true;
            auto warnings = m_findings;
            next();
            (void)warnings;
        }
    }
}

void KioskClient::drawMaterials() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.materials.title"));
    ImGui::SetWindowFontScale(1.0f);
    if (m_draft.service == "first_loan" || m_draft.service == "renewal") {
        core::MaterialFacts facts;
        facts.type = m_draft.service == "renewal" ? core::ApplicationType::Renewal : core::ApplicationType::FirstLoan;
        for (auto m : core::requiredMaterials(facts)) {
            ImGui::Bullet();
            ImGui::SameLine();
            dataTextWrapped(m_app, m_app.tr(core::materialNameKey(m)));
        }
    } else if (m_draft.service == "repayment") {
        dataTextWrapped(m_app, m_app.tr("kiosk.materials.repayment"));
    } else {
        dataTextWrapped(m_app, m_app.tr("kiosk.materials.enquiry"));
    }
    navigation(true);
}

void KioskClient::drawTake() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.take.title"));
    ImGui::SetWindowFontScale(1.0f);
    dataText(m_app, serviceName(m_draft.service));
    ImGui::Dummy(ImVec2(0, 12));
    if (m_waiting)
        ImGui::BeginDisabled();
    if (buttonLabelled((std::string(m_app.tr("kiosk.take.now")) + "##kiosk.take.now").c_str(), ImVec2(-FLT_MIN, 110)))
        takeNumber();
    if (m_hall && !m_hall->townships.empty() && m_draft.service != "enquiry" &&
        buttonLabelled((std::string(m_app.tr("kiosk.take.book")) + "##kiosk.take.book").c_str(), ImVec2(-FLT_MIN, 110)))
        go(Step::Township);
    if (m_waiting) {
        ImGui::EndDisabled();
        ImGui::TextUnformatted(m_app.tr("kiosk.take.busy"));
    }
    if (!m_message.empty())
        dataTextWrapped(m_app, m_app.tr(m_message));
    navigation(false);
}

void KioskClient::drawTownship() {
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextUnformatted(m_app.tr("kiosk.book.township"));
    ImGui::SetWindowFontScale(1.0f);
    // The navigation row below needs its gap, line, spacing and button (navigation()).
    const float navigationHeight = 12 + 1 + 84 + ImGui::GetStyle().ItemSpacing.y * 4;
    ImGui::BeginChild("##kiosk.townships", ImVec2(0, ImGui::GetContentRegionAvail().y - navigationHeight));
    int col = 0;
    float w = (ImGui::GetContentRegionAvail().x - 32) / 3;
    for (const auto& t : m_hall->townships) {
        std::string name = zhuxue::hall::localName(t.name, m_app.settings().language);
        m_app.see(name);
        if (col++ % 3)
            ImGui::SameLine();
        if (buttonLabelled((name + "##kiosk.township." + t.code).c_str(), ImVec2(w, 90))) {
            m_draft.township = t.code;
            go(Step::Slot);
            loadSlots();
        }
    }
    ImGui::EndChild();
    navigation(false);
}

void KioskClient::drawSlot() {
    if (m_waiting) {
        ImGui::TextUnformatted(m_app.tr("kiosk.book.loading"));
    } else if (!m_slots.empty()) {
        ImGui::TextUnformatted(m_app.tr("kiosk.book.day"));
        for (std::size_t i = 0; i < m_slots.size() && i < 6; ++i) {
            if (i)
                ImGui::SameLine();
            bool chosen = static_cast<int>(i) == m_slotDay;
            if (chosen)
                ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.45f, 0.80f, 1));
            std::string label = m_slots[i].day.substr(5) + "##kiosk.day." + m_slots[i].day;
            if (buttonLabelled(label.c_str(), ImVec2(150, 72)))
                m_slotDay = static_cast<int>(i);
            if (chosen)
                ImGui::PopStyleColor();
        }
        ImGui::TextUnformatted(m_app.tr("kiosk.book.time"));
        const auto& day = m_slots[static_cast<std::size_t>(m_slotDay)];
        int col = 0;
        for (const auto& [time, left] : day.times) {
            std::string label = m_app.texts().current().format("kiosk.book.left", {{"time", time}, {"left", std::to_string(left)}}) +
                                "##kiosk.time." + time;
            if (col++ % 4)
                ImGui::SameLine();
            if (left <= 0)
                ImGui::BeginDisabled();
            if (buttonLabelled(label.c_str(), ImVec2(260, 72)) && left > 0)
                book(day.day, time);
            if (left <= 0)
                ImGui::EndDisabled();
        }
    }
    if (!m_message.empty()) {
        dataTextWrapped(m_app, m_app.tr(m_message));
        if (m_message == "kiosk.book.offline" || m_message == "kiosk.book.none")
            if (bigButton("kiosk.take.now", "kiosk.take.now", -FLT_MIN))
                takeNumber();
    }
    navigation(false);
}

void KioskClient::drawTicket() {
    const auto& cat = m_app.texts().current();
    ImGuiIO& io = ImGui::GetIO();
    bool appt = !m_ticket && m_appointment;
    ImGui::SetWindowFontScale(1.2f);
    ImGui::TextColored(kGreen, "%s", m_app.tr(appt ? "kiosk.ticket.appointment" : "kiosk.ticket.title"));
    ImGui::SetWindowFontScale(1.0f);
    std::string code = m_ticket ? m_ticket->code : m_appointment ? m_appointment->code : "";
    std::string service = m_ticket ? m_ticket->service : m_appointment ? m_appointment->service : m_draft.service;
    ImGui::TextUnformatted(m_app.tr(appt ? "kiosk.ticket.appointment_code" : "kiosk.ticket.number"));
    codeText(m_app, code, ImGui::GetFontSize() * 4, io.DisplaySize.x);
    dataText(m_app, serviceName(service));
    std::string windows = windowsOf(service);
    if (appt)
        dataTextWrapped(m_app, cat.format("kiosk.ticket.appointment_when", {{"day", m_appointment->day},
                                                                            {"time", m_appointment->time},
                                                                            {"windows", windows}}));
    else
        dataTextWrapped(m_app, cat.format("kiosk.ticket.window", {{"windows", windows}}));
    if (m_ticketLocal)
        ImGui::TextDisabled("%s", m_app.tr("kiosk.ticket.offline_note"));
    if (m_detailsSealed)
        dataTextWrapped(m_app, m_app.tr("kiosk.ticket.details_sent"));
    else if (m_detailsLost)
        dataTextWrapped(m_app, m_app.tr("kiosk.ticket.details_tell_staff"));
    ImGui::Dummy(ImVec2(0, 12));
    if (!m_config.printer.empty() && bigButton("kiosk.ticket.print", "kiosk.ticket.print", 400))
        printTicket();
    if (!m_message.empty())
        dataTextWrapped(m_app, m_app.tr(m_message));
    ImGui::Dummy(ImVec2(0, 12));
    if (bigButton("kiosk.ticket.done", "kiosk.ticket.done", -FLT_MIN))
        wipe();
}

} // namespace zhuxue::ui::kiosk
