#pragma once
// Student-origin loan policy as data: one assets/policy/<year>.json per policy period (caps,
// minimum and multiple, base rate and spread, grace years, term rule, repayment window, due
// date, penalty), each with the date it takes effect. A contract is governed by the policy in
// force on its signing date, so a policy change is a data edit, never a code change.
// Callers read the files (client/core does no I/O) and pass their names and contents.
#include "date.hpp"
#include "json_fields.hpp"
#include "money.hpp"
#include "result.hpp"
#include "validation.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core {

// 本专科 (incl. 第二学士学位, 高职, 预科) or 研究生: they have different caps.
enum class StudentLevel { Undergraduate, Postgraduate };

struct Policy {
    std::string file; // where it came from, for messages
    std::string id;   // e.g. "2024"
    std::string nameZh, nameEn;
    Date effectiveFrom; // contracts signed on or after this date (until the next policy)
    std::string source; // the notice it comes from, for people checking the data
    std::vector<std::string> verify; // fields whose values still need checking against sources

    Fen capUndergraduate = 0; // annual caps
    Fen capPostgraduate = 0;
    Fen minimum = 0;  // smallest yearly amount
    Fen multiple = 0; // yearly amounts are multiples of this

    std::string baseRate; // "lpr_5y" (贷款市场报价利率) or "benchmark_5y" (基准利率, pre-2020)
    int baseRateBp = 0;      // the base rate at effectiveFrom, basis points (3.50% = 350)
    int spreadBp = 0;        // added to the base: LPR − 70 bp is -70
    int dayCountBasis = 360; // interest accrues per day at annual rate / basis

    int governmentInterestPercent = 100; // interest while studying paid by the state (财政贴息)
    MonthDay subsidyEnds{9, 1};          // ... until this day of the graduation year
    int graceYears = 0;                  // interest-only years after graduation (宽限期)
    TermRule term;                       // remaining study years + plusYears, at most maxYears
    MonthDay repaymentWindowFrom{11, 1};
    MonthDay repaymentWindowTo{12, 20};
    MonthDay dueDate{12, 20};       // yearly due date of principal and interest
    int penaltyPercentOfRate = 130; // overdue principal bears this % of the contract rate

    int contractRateBp() const { return baseRateBp + spreadBp; }
    Fen cap(StudentLevel level) const {
        return level == StudentLevel::Postgraduate ? capPostgraduate : capUndergraduate;
    }
    LoanLimits limits(StudentLevel level) const { return {cap(level), minimum, multiple}; }
};

// Parses one policy file. Errors name the file, the field and the reason (keys policy.* in
// assets/i18n/<lang>/policy.json), e.g. policy.out_of_range {file, field, min, max, value}.
Result<Policy> parsePolicy(std::string_view json, const std::string& file);

struct PolicyFile {
    std::string name; // e.g. "2024.json"
    std::string content;
};

class PolicySet {
public:
    static Result<PolicySet> parse(const std::vector<PolicyFile>& files);
    // Sorts by effectiveFrom; two policies taking effect on the same day are an error.
    static Result<PolicySet> fromPolicies(std::vector<Policy> policies);

    // The policy in force on `contractDate`: the latest whose effectiveFrom is not after it;
    // nullptr before the earliest one.
    const Policy* forDate(const Date& contractDate) const;
    // The same, or Error policy.no_policy_for_date {date, earliest} for the caller to show.
    Result<const Policy*> require(const Date& contractDate) const;
    const Policy* byId(std::string_view id) const;
    const std::vector<Policy>& all() const { return m_policies; }

private:
    std::vector<Policy> m_policies; // ascending effectiveFrom
};

} // namespace zhuxue::core
