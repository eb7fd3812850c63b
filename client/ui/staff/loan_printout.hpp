#pragma once
// The receipt a family takes home after signing (办理回执): who borrows, with whom, how much,
// the contract number and 受理证明 校验码, then the repayment plan year by year with its totals.
// Built here from the first-loan screen's facts and the catalogue's texts; written as an A4 PDF
// by the reports writer, on the worker.
#include "client/app/app.hpp"
#include "client/core/loan_calculator.hpp"
#include "client/reports/table.hpp"

#include <optional>
#include <string>

namespace zhuxue::ui {

struct LoanPrintout {
    std::string county; // division code of the aid office, named in the page header
    std::string studentName, studentIdNumber; // the ID number is printed masked
    std::string university, major;
    std::string coName, coRelation;
    core::Fen amountPerYearFen = 0;
    int termYears = 0;
    std::string contractNumber, certificateCode, signingDate;
    std::optional<core::Schedule> schedule; // the plan shown on the amount step, if any
    std::string repricingNote;              // planRepricingNote of that plan, printed under it
    core::Fen earlierFen = 0; // a renewal: borrowed on earlier contracts (the plan is the whole loan's)
};

reports::Table loanPrintoutTable(app::App& app, const LoanPrintout& p);

// Plan texts shared by the calculator, the loan screen and the receipt.
// A year's rate: "2.90%", or "约 2.90%" when it is an estimate (its 1 January is still to come),
// or 各合同不同 on a whole loan's year whose contracts run at different rates.
std::string planRateText(app::App& app, const core::ScheduleYear& year);
// The line under a repriced plan: the rate is set again each 1 January from the base and the
// contract's spread, and from which year the figures use today's base. Empty when not repriced.
std::string planRepricingNote(app::App& app, const core::Schedule& s, const core::PolicySet& policies,
                              const core::ContractRate& rate, const core::Date& today);

} // namespace zhuxue::ui
