#include "calculator_screen.hpp"
#include "loan_printout.hpp"

#include "client/app/policy_files.hpp"
#include "client/core/validation.hpp"
#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"

#include <imgui.h>

#include <ctime>

namespace zhuxue::ui {

namespace {
std::optional<int> whole(const std::string& s, int min, int max) {
    if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    int v = std::stoi(s);
    return v >= min && v <= max ? std::optional<int>(v) : std::nullopt;
}

std::string money(Fen f) { return core::formatMoney(f, {.currencySign = true}); }

const char* phaseKey(core::SchedulePhase p) {
    switch (p) {
    case core::SchedulePhase::Study: return "ui.calc.phase_study";
    case core::SchedulePhase::Graduation: return "ui.calc.phase_graduation";
    case core::SchedulePhase::Grace: return "ui.calc.phase_grace";
    case core::SchedulePhase::Repayment: return "ui.calc.phase_repayment";
    }
    return "ui.calc.phase_study";
}
} // namespace

const core::LoanRules* CalculatorScreen::rules(Context& ctx) {
    // The rules in force on the signing date (a valid one typed, else today).
    auto signing = m_signing.empty() ? std::nullopt : core::Date::parse(m_signing);
    const core::LoanRules* r = m_rules.forSigningOn(assetsDir(), signing.value_or(localToday()));
    if (!r && m_rules.error() && m_policyError.empty())
        m_policyError = message(ctx.app, *m_rules.error());
    return r;
}

void CalculatorScreen::recompute(Context& ctx) {
    std::string inputs = m_amount + "|" + m_years + "|" + m_graduation + "|" + m_term + "|" + m_grace + "|" +
                         m_tuition + "|" + m_accommodation + "|" + m_signing + "|" + std::to_string(m_level);
    if (inputs == m_inputs)
        return;
    m_inputs = inputs;
    m_schedule.reset();
    m_advice.reset();
    m_findings = {};
    const core::LoanRules* r = rules(ctx);
    if (!r)
        return;
    const core::TermRule& termRule = r->signingPolicy->term;
    auto level = m_level == 1 ? core::StudentLevel::Postgraduate : core::StudentLevel::Undergraduate;
    auto years = whole(m_years, 1, 8);
    if (!years) {
        m_findings.error("years", Error("ui.calc.bad_years"));
        return;
    }
    // A plan for a contract signed on another day (families ask in July about August) is worked
    // out from that day: the policy, the term and the first payment follow it.
    std::optional<core::Date> signing = m_signing.empty() ? localToday() : core::Date::parse(m_signing);
    if (!signing) {
        m_findings.error("signing", Error("validation.date.invalid", {{"value", m_signing}}));
        return;
    }
    const core::Date now = *signing;
    if (!m_tuition.empty()) {
        auto tuition = core::parseMoney(m_tuition);
        auto room = core::parseMoney(m_accommodation.empty() ? "0" : m_accommodation);
        if (tuition && room)
            m_advice = core::adviseLoan(*tuition, *room, *years, level, *r);
        else
            m_findings.error("fees", tuition ? room.error() : tuition.error());
    }
    if (m_amount.empty())
        return;
    auto amount = core::parseMoney(m_amount);
    if (!amount) {
        m_findings.error("amount", amount.error());
        return;
    }
    m_findings.append(core::checkLoanAmount(*amount, r->limits(level), "amount"));
    // Grace years: the borrower's choice, the policy's longest when left empty.
    const int maxGrace = r->signingPolicy->graceYears;
    int grace = maxGrace;
    if (!m_grace.empty()) {
        auto g = whole(m_grace, 0, 10);
        if (!g) {
            m_findings.error("grace", Error("validation.loan.grace_years", {{"grace", m_grace}, {"max", std::to_string(maxGrace)}}));
            return;
        }
        grace = *g;
        m_findings.append(core::checkGraceYears(grace, maxGrace, "grace"));
    }
    int maxTerm = core::maxLoanTermYears(*years, termRule);
    int term = maxTerm;
    if (!m_term.empty()) {
        auto t = whole(m_term, 1, 40);
        if (!t) {
            m_findings.error("term", Error("ui.calc.bad_term"));
            return;
        }
        term = *t;
        m_findings.append(core::checkLoanTerm(term, *years, grace, termRule, "term"));
    }
    std::optional<core::Date> graduation = m_graduation.empty() ? core::Date::make(now.year + *years, 6, 30)
                                                                : core::Date::parse(m_graduation);
    if (!graduation) {
        m_findings.error("graduation", Error("validation.date.invalid", {{"value", m_graduation}}));
        return;
    }
    if (!m_findings.ok())
        return;
    // Money reaches the school about a month after signing, then once a year.
    core::Date first = core::Date::fromDayNumber(now.dayNumber() + 30);
    auto terms = core::loanTermsFromPolicy(*r->signingPolicy, r->rate,
                                           core::yearlyDisbursements(first, std::vector<Fen>(*years, *amount)), now, term,
                                           *graduation, grace);
    // Rates after signing: each 1 January from the base known then, today's base for years to come.
    const core::Date today = localToday();
    auto repriced = core::withRepricings(std::move(terms), *m_rules.policies(), r->rate, today);
    if (!repriced) {
        m_findings.error("schedule", repriced.error());
        return;
    }
    if (auto s = core::computeSchedule(*repriced)) {
        m_schedule = *s;
        m_repricingNote = planRepricingNote(ctx.app, *s, *m_rules.policies(), r->rate, today);
    } else {
        m_findings.error("schedule", s.error());
    }
}

void CalculatorScreen::drawSchedule(Context& ctx) {
    app::App& app = ctx.app;
    const core::Schedule& s = *m_schedule;
    if (ImGui::BeginTable("##calc.totals", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) {
        auto cell = [&](const char* key, Fen v) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", app.tr(key));
            dataText(app, money(v));
        };
        cell("ui.calc.total_principal", s.totalPrincipal);
        cell("ui.calc.total_state", s.totalGovernmentInterest);
        cell("ui.calc.total_student_interest", s.totalStudentInterest);
        cell("ui.calc.total_student", s.totalStudentPays);
        ImGui::EndTable();
    }
    dataTextWrapped(app, app.texts().current().format(
                             "ui.calc.summary", {{"subsidy_end", s.subsidyEnd.iso()},
                                                 {"first_year", std::to_string(s.firstPrincipalYear)},
                                                 {"end", s.termEnd.iso()}}));
    if (!m_repricingNote.empty())
        dataTextWrapped(app, m_repricingNote);
    const char* cols[] = {"ui.calc.year",      "ui.calc.phase",     "ui.calc.rate",         "ui.calc.disbursed",
                          "ui.calc.state_interest", "ui.calc.interest", "ui.calc.principal", "ui.calc.student_pays",
                          "ui.calc.balance"};
    if (ImGui::BeginTable("##calc.schedule", 9,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH |
                              ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() * 1.5f))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* k : cols)
            ImGui::TableSetupColumn(app.tr(k));
        ImGui::TableHeadersRow();
        for (const auto& y : s.years) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%d", y.year);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(app.tr(phaseKey(y.phase)));
            ImGui::TableNextColumn();
            dataText(app, planRateText(app, y));
            for (Fen v : {y.disbursed, y.governmentInterest, y.studentInterest, y.principal, y.studentPays(), y.balanceEnd}) {
                ImGui::TableNextColumn();
                dataText(app, money(v)); // figures go through see(), as the totals do
            }
        }
        ImGui::EndTable();
    }
}

void CalculatorScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    heading(app, "ui.calc.title");
    const core::LoanRules* r = rules(ctx);
    bool back = false;
    if (!r) {
        dataTextWrapped(app, app.texts().current().format("ui.loan.no_policy", {{"detail", m_policyError}}));
    } else {
        auto level = m_level == 1 ? core::StudentLevel::Postgraduate : core::StudentLevel::Undergraduate;
        int years = whole(m_years, 1, 8).value_or(4);
        dataTextWrapped(app, app.texts().current().format(
                                 "ui.loan.policy_line",
                                 {{"policy", app.settings().language == "en" ? r->capPolicy->nameEn : r->capPolicy->nameZh},
                                  {"cap", money(r->cap(level))},
                                  {"min", money(r->capPolicy->minimum)},
                                  {"max_term", std::to_string(core::maxLoanTermYears(years, r->signingPolicy->term))},
                                  {"rate", core::ratePercentText(r->rate.annualRateBp)},
                                  {"grace", std::to_string(r->signingPolicy->graceYears)}}));
        float w = ImGui::GetFontSize() * 9;
        if (ImGui::BeginTable("##calc.inputs", 4, ImGuiTableFlags_SizingStretchSame)) {
            ImGui::TableNextColumn();
            radioLabelled((std::string(app.tr("ui.level_study.undergraduate")) + "##calc.undergraduate").c_str(), &m_level, 0);
            // 高职（专科） as the loan form offers it: the undergraduate cap (DOMAIN §2: 本专科).
            radioLabelled((std::string(app.tr("ui.level_study.vocational")) + "##calc.vocational").c_str(), &m_level, 2);
            radioLabelled((std::string(app.tr("ui.level_study.postgraduate")) + "##calc.postgraduate").c_str(), &m_level, 1);
            ImGui::TableNextColumn();
            bool focus = ctx.entered; // the years take the first keys; the level is a Shift+Tab away
            focusNextIf(focus);
            textField(app, "ui.calc.years", "calc.years", m_years, &m_findings, "years",
                      {.helpKey = "ui.loan.remaining_years_help", .flags = ImGuiInputTextFlags_CharsDecimal, .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.tuition", "calc.tuition", m_tuition, &m_findings, "fees",
                      {.helpKey = "ui.loan.tuition_help", .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.accommodation", "calc.accommodation", m_accommodation, nullptr, {}, {.width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.amount", "calc.amount", m_amount, &m_findings, "amount",
                      {.helpKey = "ui.loan.amount_help", .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.term", "calc.term", m_term, &m_findings, "term",
                      {.helpKey = "ui.calc.term_help", .hintKey = "ui.calc.term_hint",
                       .flags = ImGuiInputTextFlags_CharsDecimal, .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.grace", "calc.grace", m_grace, &m_findings, "grace",
                      {.helpKey = "ui.calc.grace_help", .hintKey = "ui.calc.grace_hint",
                       .flags = ImGuiInputTextFlags_CharsDecimal, .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.graduation", "calc.graduation", m_graduation, &m_findings, "graduation",
                      {.helpKey = "ui.calc.graduation_help", .hintKey = "ui.calc.graduation_hint", .width = w});
            ImGui::TableNextColumn();
            textField(app, "ui.calc.signing", "calc.signing", m_signing, &m_findings, "signing",
                      {.helpKey = "ui.calc.signing_help", .hintKey = "ui.calc.signing_hint", .width = w});
            ImGui::EndTable();
        }
        recompute(ctx);
        if (m_advice && m_advice->amount > 0) {
            std::string advice = app.texts().current().format(
                "ui.loan.advice", {{"amount", money(m_advice->amount)}, {"term", std::to_string(m_advice->termYears)}});
            for (const auto& note : core::adviceNotes(*m_advice, level, *r))
                advice += " " + message(app, note);
            dataTextWrapped(app, advice);
            if (button(app, "ui.loan.use_advice", true, "calc.use_advice")) {
                m_amount = core::formatMoney(m_advice->amount, {.grouping = false, .alwaysCents = false});
                m_term = std::to_string(m_advice->termYears);
                recompute(ctx);
            }
        }
        findingsFor(app, m_findings, "schedule");
        if (m_schedule)
            drawSchedule(ctx);
        else
            dataTextDisabled(app, app.tr("ui.calc.enter_amount"));
    }
    back = button(app, "ui.common.back", true, "calc.back") || escapePressed();
    if (back)
        ctx.back();
}

} // namespace zhuxue::ui
