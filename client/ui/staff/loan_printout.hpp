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
    core::Fen earlierFen = 0; // a renewal: borrowed on earlier contracts (the plan is the whole loan's)
};

reports::Table loanPrintoutTable(app::App& app, const LoanPrintout& p);

} // namespace zhuxue::ui
