#pragma once
// The loan calculator on its own (a family at the consultation desk, before any file exists):
// amount per year, remaining study years, graduation date and term, with the rate and rules of the
// policy in force, give the schedule year by year and the totals the student and the state pay.
// From tuition and accommodation it advises an amount and a term (DOMAIN §2, "给出合理的贷款额度和
// 期限建议"). Nothing is saved.
#include "context.hpp"

#include "client/app/policy_files.hpp"
#include "client/core/findings.hpp"
#include "client/core/loan_calculator.hpp"

namespace zhuxue::ui {

class CalculatorScreen {
public:
    void draw(Context& ctx);
    const std::optional<core::Schedule>& schedule() const { return m_schedule; }

private:
    // Caps of this season's school year, rules and rate of a signing today (core::LoanRules).
    const core::LoanRules* rules(Context& ctx);
    void recompute(Context& ctx);
    void drawSchedule(Context& ctx);

    app::LoanRulesCache m_rules;
    std::string m_policyError;
    std::string m_amount, m_years = "4", m_graduation, m_term, m_grace, m_tuition, m_accommodation;
    std::string m_signing; // YYYY-MM-DD; empty: today
    int m_level = 0; // 0 undergraduate, 1 postgraduate, 2 vocational (高职, the undergraduate cap)
    std::string m_inputs; // what the schedule was computed from
    std::optional<core::Schedule> m_schedule;
    std::string m_repricingNote; // how the plan's rate moves after signing (planRepricingNote)
    std::optional<core::LoanAdvice> m_advice;
    core::Findings m_findings;
};

} // namespace zhuxue::ui
