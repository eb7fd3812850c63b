#pragma once
// Student-origin loan policy as data: one assets/policy/<year>.json per policy period (caps,
// minimum and multiple, which base rate and the spread, grace years, term rule, repayment
// window, due date, penalty), each with the date it takes effect, and one dated table of the
// base rates themselves (assets/policy/base_rates.json: the PBoC 5-year benchmark and the 5-year
// LPR, each change with its date and source). A policy change or a new LPR is a data edit,
// never a code change.
//
// Which date decides what (issue #20):
//   - the cap follows the school year of the loan (caps change "自某年秋季学期起"): the policy in
//     force on 1 September of that school year (forSchoolYear);
//   - the rate follows the signing date: the policy in force that day gives the base series and
//     the spread, the table gives the base's value that day (rateOn). The contract keeps the
//     result (Contract::annualRateBp, spreadBp, policyId), so later data never changes it;
//   - grace years and the term rule follow the signing date too (forDate).
// Callers read the files (client/core does no I/O) and pass their names and contents.
#include "date.hpp"
#include "json_fields.hpp"
#include "money.hpp"
#include "records.hpp"
#include "result.hpp"
#include "validation.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core {

// 本专科 (incl. 第二学士学位, 高职, 预科) or 研究生: they have different caps.
enum class StudentLevel { Undergraduate, Postgraduate };

// How a contract's rate follows its base after signing (rate.repricing in a policy file).
//   - Fixed: the signing rate for the whole term.
//   - January1: the PBoC's rule for loans over a year (and the student-loan contracts that follow
//     it): after a change of the base, the rate is set again on the next 1 January, to the base
//     in force that day plus the contract's own spread (issue #20 point 7; the source is general
//     knowledge of the rule, listed under `verify` in the policy files until checked).
enum class Repricing { Fixed, January1 };

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

    std::string baseRate; // "lpr_5y" (贷款市场报价利率) or "benchmark_5y" (基准利率, pre-2020):
                          // a series of BaseRates; its value comes from the signing date
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
    Repricing repricing = Repricing::Fixed; // rate.repricing: "fixed" or "january_1"

    Fen cap(StudentLevel level) const {
        return level == StudentLevel::Postgraduate ? capPostgraduate : capUndergraduate;
    }
    LoanLimits limits(StudentLevel level) const { return {cap(level), minimum, multiple}; }
};

// Parses one policy file. Errors name the file, the field and the reason (keys policy.* in
// assets/i18n/<lang>/policy.json), e.g. policy.out_of_range {file, field, min, max, value}.
Result<Policy> parsePolicy(std::string_view json, const std::string& file);

// ---- Base rates ---------------------------------------------------------------------------
// One value of a base rate series and the day it took effect (the PBoC's announced date for a
// benchmark change; the LPR's publication day, the 20th or the next working day).
struct BaseRateChange {
    Date since;
    int bp = 0;         // 4.90% = 490
    std::string source; // the announcement it comes from
};

struct BaseRateSeries {
    std::string id; // "benchmark_5y", "lpr_5y"
    std::string nameZh, nameEn;           // "5年期以上贷款市场报价利率（LPR）"
    std::string shortNameZh, shortNameEn; // "LPR", as the policy texts say "比同期LPR低…"
    std::vector<BaseRateChange> changes;  // ascending `since`, no two on one day
};

class BaseRates {
public:
    static constexpr const char* kFileName = "base_rates.json";
    // Errors as for policy files (policy.*), naming the file and the field, e.g.
    // "series.lpr_5y.changes[3].since" for changes out of order.
    static Result<BaseRates> parse(std::string_view json, const std::string& file);

    const BaseRateSeries* series(std::string_view id) const;
    // The value in force on `date`: the last change not after it. Error policy.no_base_rate
    // {series, date, earliest} before the first change or for an unknown series.
    Result<BaseRateChange> at(std::string_view series, const Date& date) const;
    const std::vector<BaseRateSeries>& all() const { return m_series; }

private:
    std::vector<BaseRateSeries> m_series;
};

// The contract rate from `from` on (a repricing day), and whether it is an estimate: a 1 January
// after the day the plan was made takes the base known that day, since later bases are unknown.
struct RateStep {
    Date from;
    int annualRateBp = 0;
    bool projected = false;
};

// The rate of one contract as signed: stored on the Contract (annual rate, spread, policy id).
struct ContractRate {
    std::string policyId; // the policy in force on the signing date
    std::string base;     // its series, e.g. "lpr_5y"
    Date baseSince;       // when the base's value took effect
    int baseBp = 0;       // the base on the signing date: 5-year LPR 3.60% on 2024-11-05
    int spreadBp = 0;     // the policy's spread: -70
    int annualRateBp = 0; // base + spread: 290 (2.90%)
};

// The school year (autumn year: 2024 = 2024-2025) a loan signed on `date` is for: the loan
// season runs from July for the coming autumn (DOMAIN §2: mostly July to September), so a
// signing from 1 July is for that year's autumn, one from January to June for the school year
// that began the autumn before. 2024-08-20 → 2024; 2025-03-10 → 2024.
int schoolYearOfSigning(const Date& date);

class PolicySet;

// Everything that governs one loan: the caps of its school year, the rules and rate of its
// signing date (see the top of this file).
struct LoanRules {
    const Policy* capPolicy = nullptr;     // in force on 1 Sept of the school year: caps, minimum, multiple
    const Policy* signingPolicy = nullptr; // in force on the signing date: term rule, grace, repayment
    ContractRate rate;                     // base on the signing date + the signing policy's spread
    LoanLimits limits(StudentLevel level) const { return capPolicy->limits(level); }
    Fen cap(StudentLevel level) const { return capPolicy->cap(level); }
};

struct PolicyFile {
    std::string name; // e.g. "2024.json", or "base_rates.json" for the base rate table
    std::string content;
};

class PolicySet {
public:
    // The policy files and base_rates.json (required). Each policy's base series must have a
    // value on its effectiveFrom (policy.no_base_rate names the policy file).
    static Result<PolicySet> parse(const std::vector<PolicyFile>& files);
    // Sorts by effectiveFrom; two policies taking effect on the same day are an error.
    static Result<PolicySet> fromPolicies(std::vector<Policy> policies, BaseRates rates);

    // The policy in force on `contractDate`: the latest whose effectiveFrom is not after it;
    // nullptr before the earliest one.
    const Policy* forDate(const Date& contractDate) const;
    // The same, or Error policy.no_policy_for_date {date, earliest} for the caller to show.
    Result<const Policy*> require(const Date& contractDate) const;
    // The policy whose caps apply to the loan of a school year (autumn year, 2024 = 2024-2025):
    // the one in force on 1 September of that year.
    Result<const Policy*> forSchoolYear(int schoolYear) const;
    // The contract rate for a signing date: the policy in force that day, its base series'
    // value that day, plus its spread. Worked examples (tests/unit/test_policy.cpp):
    // 2019-08-20 → 2015 policy, benchmark 4.90%, no spread → 4.90%; 2024-11-05 → 2024 policy,
    // LPR 3.60% (since 2024-10-21) − 70 bp → 2.90%.
    Result<ContractRate> rateOn(const Date& signingDate) const;
    // Caps by the school year, rules and rate by the signing date.
    Result<LoanRules> rulesFor(int schoolYear, const Date& signingDate) const;
    // The rate of a recorded contract: as stored when it was signed; for a contract recorded
    // before rates were stored (annualRateBp 0), the data for its signing date.
    Result<ContractRate> rateOf(const Contract& contract) const;
    // The repricing days of a contract signed on `signingDate` at `rate`, through 1 January of
    // `throughYear`: one step on each 1 January whose rate differs from the year before (none
    // for a Fixed policy). The base on a 1 January after `knownOn` is the one known on `knownOn`
    // (projected). Worked example (tests/unit/test_loan_calculator.cpp): signed 2023-08-20 at
    // 3.60% (LPR 4.20% − 60 bp), known on 2025-06-01 → 2025-01-01 3.00% (LPR 3.60%),
    // 2026-01-01 2.90% projected (LPR 3.50%).
    Result<std::vector<RateStep>> repricings(const ContractRate& rate, const Date& signingDate,
                                             int throughYear, const Date& knownOn) const;
    const Policy* byId(std::string_view id) const;
    const std::vector<Policy>& all() const { return m_policies; }
    const BaseRates& baseRates() const { return m_rates; }

private:
    std::vector<Policy> m_policies; // ascending effectiveFrom
    BaseRates m_rates;
};

// Fixes the rate of a contract being recorded from its signing date (rateOn): annual rate,
// spread and policy id go on the record, so later data never reprices it.
Status recordContractRate(const PolicySet& policies, Contract& contract);

// "2.90%" from 290: the way rates are written on cards, screens and receipts.
std::string ratePercentText(int bp);
// "0.7" from -70 / 70: a spread in percentage points as the policy texts write it (低0.7个百分点).
std::string spreadPointsText(int bp);

} // namespace zhuxue::core
