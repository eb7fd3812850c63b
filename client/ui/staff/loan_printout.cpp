#include "loan_printout.hpp"

#include "client/core/divisions.hpp"
#include "client/core/money.hpp"
#include "client/ui/widgets/masking.hpp"

#include <algorithm>

namespace zhuxue::ui {

namespace {

const char* phaseKey(core::SchedulePhase phase) {
    switch (phase) {
    case core::SchedulePhase::Study:
        return "ui.calc.phase_study";
    case core::SchedulePhase::Graduation:
        return "ui.calc.phase_graduation";
    case core::SchedulePhase::Grace:
        return "ui.calc.phase_grace";
    default:
        return "ui.calc.phase_repayment";
    }
}

} // namespace

std::string planRateText(app::App& app, const core::ScheduleYear& year) {
    if (year.rateBp == 0) // a whole loan's year whose contracts run at different rates
        return app.tr("ui.calc.rate_per_contract");
    std::string rate = core::ratePercentText(year.rateBp);
    return year.rateProjected ? app.texts().current().format("ui.calc.rate_estimated", {{"rate", rate}}) : rate;
}

std::string planRepricingNote(app::App& app, const core::Schedule& s, const core::PolicySet& policies,
                              const core::ContractRate& rate, const core::Date& today) {
    if (!s.repriced)
        return {};
    const auto& texts = app.texts().current();
    const core::BaseRateSeries* series = policies.baseRates().series(rate.base);
    const bool en = app.settings().language == "en";
    std::string baseName = series ? (en ? series->shortNameEn : series->shortNameZh) : rate.base;
    const char* key = rate.spreadBp < 0   ? "ui.calc.repricing_below"
                      : rate.spreadBp > 0 ? "ui.calc.repricing_above"
                                          : "ui.calc.repricing_equal";
    std::string note = texts.format(key, {{"base_name", baseName}, {"points", core::spreadPointsText(rate.spreadBp)}});
    auto projected = std::find_if(s.years.begin(), s.years.end(), [](const auto& y) { return y.rateProjected; });
    auto base = policies.baseRates().at(rate.base, today);
    if (projected != s.years.end() && base)
        note += texts.format("ui.calc.repricing_estimate", {{"year", std::to_string(projected->year)},
                                                            {"base_name", baseName},
                                                            {"base", core::ratePercentText(base->bp)}});
    return note;
}

reports::Table loanPrintoutTable(app::App& app, const LoanPrintout& p) {
    const auto& texts = app.texts().current();
    reports::Table t;
    t.title = app.tr("ui.loan.summary_title");
    auto division = core::lookupDivision(p.county);
    std::string place = division ? std::string(division->prefecture) + std::string(division->county) : p.county;
    t.county = texts.format("ui.loan.printout_office", {{"county", place}});
    t.subtitle = app.tr("ui.loan.contract_number") + std::string("：") + p.contractNumber;
    auto fact = [&](const char* key, const std::string& value) {
        return app.tr(key) + std::string("：") + value;
    };
    auto money = [](core::Fen f) { return core::formatMoney(f, {.currencySign = true}); };
    t.preface = {
        fact("ui.loan.student_name", p.studentName) + "　" + fact("ui.loan.id_number", maskIdNumber(p.studentIdNumber)),
        fact("ui.loan.university", p.university) + "　" + fact("ui.loan.major", p.major),
        fact("ui.loan.co_name", p.coName) + "　" + fact("ui.loan.co_relation", p.coRelation),
        texts.format("ui.loan.printout_terms", {{"amount", money(p.amountPerYearFen)},
                                                {"term", std::to_string(p.termYears)},
                                                {"date", p.signingDate}}),
        fact("ui.loan.contract_number", p.contractNumber) + "　" +
            fact("ui.loan.certificate_code", p.certificateCode),
    };
    if (p.earlierFen > 0 && p.schedule)
        t.preface.push_back(texts.format("ui.loan.whole_loan",
                                         {{"earlier", money(p.earlierFen)},
                                          {"now", money(p.schedule->totalPrincipal - p.earlierFen)},
                                          {"total", money(p.schedule->totalPrincipal)}}));
    using reports::ColumnType;
    t.columns = {{app.tr("ui.calc.year"), ColumnType::Integer},
                 {app.tr("ui.loan.printout_due"), ColumnType::Date},
                 {app.tr("ui.calc.phase"), ColumnType::Text},
                 {app.tr("ui.calc.rate"), ColumnType::Text},
                 {app.tr("ui.calc.disbursed"), ColumnType::MoneyFen},
                 {app.tr("ui.calc.state_interest"), ColumnType::MoneyFen},
                 {app.tr("ui.calc.interest"), ColumnType::MoneyFen},
                 {app.tr("ui.calc.principal"), ColumnType::MoneyFen},
                 {app.tr("ui.calc.student_pays"), ColumnType::MoneyFen},
                 {app.tr("ui.calc.balance"), ColumnType::MoneyFen}};
    if (!p.schedule) {
        t.footnotes.push_back(app.tr("ui.loan.printout_no_plan"));
        return t;
    }
    const core::Schedule& s = *p.schedule;
    core::Fen lent = 0;
    for (const auto& y : s.years) {
        lent += y.disbursed;
        t.rows.push_back({reports::RowKind::Data, 0,
                          {int64_t(y.year), y.dueDate.iso(), std::string(app.tr(phaseKey(y.phase))),
                           planRateText(app, y),
                           int64_t(y.disbursed), int64_t(y.governmentInterest), int64_t(y.studentInterest),
                           int64_t(y.principal), int64_t(y.studentPays()), int64_t(y.balanceEnd)}});
    }
    t.rows.push_back({reports::RowKind::Total, 0,
                      {std::string(app.tr("ui.loan.printout_total")), std::monostate{}, std::monostate{},
                       std::monostate{},
                       int64_t(lent), int64_t(s.totalGovernmentInterest), int64_t(s.totalStudentInterest),
                       int64_t(s.totalPrincipal), int64_t(s.totalStudentPays), std::monostate{}}});
    t.footnotes.push_back(texts.format("ui.calc.summary", {{"subsidy_end", s.subsidyEnd.iso()},
                                                          {"first_year", std::to_string(s.firstPrincipalYear)},
                                                          {"end", s.termEnd.iso()}}));
    if (!p.repricingNote.empty())
        t.footnotes.push_back(p.repricingNote);
    t.footnotes.push_back(app.tr("ui.loan.printout_note"));
    return t;
}

} // namespace zhuxue::ui
