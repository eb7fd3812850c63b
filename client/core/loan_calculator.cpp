#include "loan_calculator.hpp"

#include "validation.hpp"

#include <algorithm>

namespace zhuxue::core {

LoanTerms loanTermsFromPolicy(const Policy& policy, const ContractRate& rate,
                              std::vector<Disbursement> disbursements, const Date& signingDate,
                              int termYears, const Date& graduationDate, int graceYears) {
    LoanTerms t;
    t.disbursements = std::move(disbursements);
    t.signingDate = signingDate;
    t.termYears = termYears;
    t.graduationDate = graduationDate;
    t.annualRateBp = rate.annualRateBp;
    t.graceYears = graceYears;
    t.dayCountBasis = policy.dayCountBasis;
    t.governmentInterestPercent = policy.governmentInterestPercent;
    t.subsidyEnds = policy.subsidyEnds;
    t.dueDate = policy.dueDate;
    return t;
}

Result<LoanTerms> withRepricings(LoanTerms terms, const PolicySet& policies, const ContractRate& rate,
                                 const Date& knownOn) {
    auto steps = policies.repricings(rate, terms.signingDate,
                                     terms.signingDate.plusYears(std::max(terms.termYears, 0)).year, knownOn);
    if (!steps)
        return steps.error();
    terms.repricings = std::move(*steps);
    return terms;
}

std::vector<Disbursement> yearlyDisbursements(const Date& first, const std::vector<Fen>& amounts) {
    std::vector<Disbursement> out;
    for (size_t i = 0; i < amounts.size(); ++i)
        out.push_back({first.plusYears(static_cast<int>(i)), amounts[i]});
    return out;
}

Result<Schedule> computeSchedule(const LoanTerms& t) {
    if (t.disbursements.empty())
        return Error("loan_calculator.no_disbursement");
    for (size_t i = 0; i < t.disbursements.size(); ++i) {
        const auto& d = t.disbursements[i];
        if (d.amount <= 0)
            return Error("loan_calculator.bad_amount", {{"date", d.date.iso()}});
        if (d.date < t.signingDate || d.date >= t.graduationDate ||
            (i > 0 && d.date < t.disbursements[i - 1].date))
            return Error("loan_calculator.order", {{"date", d.date.iso()},
                                                   {"signing", t.signingDate.iso()},
                                                   {"graduation", t.graduationDate.iso()}});
    }
    if (t.annualRateBp <= 0 || t.annualRateBp >= 10000 ||
        (t.dayCountBasis != 360 && t.dayCountBasis != 365) || t.governmentInterestPercent < 0 ||
        t.governmentInterestPercent > 100 || t.graceYears < 0 || t.termYears <= 0)
        return Error("loan_calculator.bad_terms");
    for (size_t i = 0; i < t.repricings.size(); ++i) {
        const RateStep& step = t.repricings[i];
        if (step.annualRateBp <= 0 || step.annualRateBp >= 10000 || step.from <= t.signingDate ||
            (i > 0 && step.from <= t.repricings[i - 1].from))
            return Error("loan_calculator.bad_terms");
    }

    Schedule s;
    s.repriced = !t.repricings.empty();
    s.subsidyEnd = t.subsidyEnds.inYear(t.graduationDate.year);
    s.termEnd = t.signingDate.plusYears(t.termYears);
    s.firstPrincipalYear = t.graduationDate.year + t.graceYears;
    // The last due date that falls within the term.
    int lastDueYear = s.termEnd.year;
    if (s.termEnd < t.dueDate.inYear(lastDueYear))
        --lastDueYear;
    if (lastDueYear < s.firstPrincipalYear)
        return Error("loan_calculator.term_too_short",
                     {{"term_end", s.termEnd.iso()},
                      {"first_principal_year", std::to_string(s.firstPrincipalYear)}});

    for (const auto& d : t.disbursements)
        s.totalPrincipal += d.amount;
    const int repaymentYears = lastDueYear - s.firstPrincipalYear + 1;
    const Fen instalment = s.totalPrincipal / repaymentYears; // remainder goes to the last one

    const __int128 denominator = static_cast<__int128>(10000) * t.dayCountBasis;
    Date periodStart = t.disbursements.front().date;
    int firstDueYear = periodStart.year;
    if (t.dueDate.inYear(firstDueYear) <= periodStart)
        ++firstDueYear;

    Fen balance = 0;
    size_t next = 0;      // next disbursement to take in
    size_t nextStep = 0;  // next repricing day
    int rateBp = t.annualRateBp;
    bool projected = false;
    for (int year = firstDueYear; year <= lastDueYear; ++year) {
        ScheduleYear row;
        row.year = year;
        row.dueDate = t.dueDate.inYear(year);
        row.balanceStart = balance;
        row.days = daysBetween(periodStart, row.dueDate);

        // Σ balance × days × rate, split at disbursements, at the subsidy end and at repricing days.
        __int128 stateSum = 0, studentSum = 0;
        for (Date cursor = periodStart; cursor < row.dueDate;) {
            while (next < t.disbursements.size() && t.disbursements[next].date <= cursor) {
                balance += t.disbursements[next].amount;
                row.disbursed += t.disbursements[next].amount;
                ++next;
            }
            while (nextStep < t.repricings.size() && t.repricings[nextStep].from <= cursor) {
                rateBp = t.repricings[nextStep].annualRateBp;
                projected = t.repricings[nextStep].projected;
                ++nextStep;
            }
            Date until = row.dueDate;
            if (next < t.disbursements.size() && t.disbursements[next].date < until)
                until = t.disbursements[next].date;
            if (nextStep < t.repricings.size() && t.repricings[nextStep].from < until)
                until = t.repricings[nextStep].from;
            if (cursor < s.subsidyEnd && s.subsidyEnd < until)
                until = s.subsidyEnd;
            const __int128 weighted = static_cast<__int128>(balance) * daysBetween(cursor, until) * rateBp;
            (cursor < s.subsidyEnd ? stateSum : studentSum) += weighted;
            cursor = until;
        }
        row.rateBp = rateBp;
        row.rateProjected = projected;
        const Fen subsidised = divideRounded(stateSum, denominator, Rounding::HalfUp);
        row.governmentInterest = divideRounded(
            static_cast<__int128>(subsidised) * t.governmentInterestPercent, 100, Rounding::HalfUp);
        row.studentInterest =
            (subsidised - row.governmentInterest) + divideRounded(studentSum, denominator, Rounding::HalfUp);

        if (year >= s.firstPrincipalYear)
            row.principal = year == lastDueYear ? balance : std::min(instalment, balance);
        balance -= row.principal;
        row.balanceEnd = balance;

        if (year >= s.firstPrincipalYear)
            row.phase = SchedulePhase::Repayment;
        else if (row.dueDate <= s.subsidyEnd)
            row.phase = SchedulePhase::Study;
        else if (periodStart < s.subsidyEnd)
            row.phase = SchedulePhase::Graduation;
        else
            row.phase = SchedulePhase::Grace;

        s.totalGovernmentInterest += row.governmentInterest;
        s.totalStudentInterest += row.studentInterest;
        s.years.push_back(row);
        periodStart = row.dueDate;
    }
    s.totalStudentPays = s.totalPrincipal + s.totalStudentInterest;
    return s;
}

LoanAdvice adviseLoan(Fen tuition, Fen accommodation, int remainingStudyYears, StudentLevel level,
                      const LoanRules& rules) {
    const Policy& policy = *rules.capPolicy;
    LoanAdvice a;
    a.need = std::max<Fen>(0, tuition) + std::max<Fen>(0, accommodation);
    a.termYears = maxLoanTermYears(std::max(1, remainingStudyYears), rules.signingPolicy->term);
    if (a.need == 0)
        return a;
    const Fen cap = policy.cap(level);
    a.amount = roundToMultiple(a.need, policy.multiple, Rounding::Up);
    if (a.amount > cap) {
        a.amount = cap;
        a.capped = true;
        a.uncovered = a.need - cap;
    }
    if (a.amount < policy.minimum) {
        a.amount = policy.minimum;
        a.raisedToMinimum = true;
    }
    return a;
}

std::vector<Error> adviceNotes(const LoanAdvice& advice, StudentLevel level, const LoanRules& rules) {
    const Policy& policy = *rules.capPolicy;
    const TermRule& term = rules.signingPolicy->term;
    auto yuanText = [](Fen f) { return formatMoney(f, {.grouping = true, .alwaysCents = false}); };
    std::vector<Error> notes;
    if (advice.capped)
        notes.emplace_back(
            "loan_calculator.advice.capped",
            std::map<std::string, std::string>{{"need", yuanText(advice.need)},
                                               {"cap", yuanText(policy.cap(level))},
                                               {"uncovered", yuanText(advice.uncovered)}});
    if (advice.raisedToMinimum)
        notes.emplace_back(
            "loan_calculator.advice.raised_to_minimum",
            std::map<std::string, std::string>{{"need", yuanText(advice.need)},
                                               {"minimum", yuanText(policy.minimum)}});
    notes.emplace_back(
        "loan_calculator.advice.term",
        std::map<std::string, std::string>{{"term", std::to_string(advice.termYears)},
                                           {"plus", std::to_string(term.plusYears)},
                                           {"max", std::to_string(term.maxYears)}});
    return notes;
}

std::string_view repaymentMethodKey(RepaymentMethod method) {
    switch (method) {
    case RepaymentMethod::EqualPrincipal:
        return "loan_calculator.method.equal_principal";
    }
    return {};
}

std::string_view schedulePhaseKey(SchedulePhase phase) {
    switch (phase) {
    case SchedulePhase::Study:
        return "loan_calculator.phase.study";
    case SchedulePhase::Graduation:
        return "loan_calculator.phase.graduation";
    case SchedulePhase::Grace:
        return "loan_calculator.phase.grace";
    case SchedulePhase::Repayment:
        return "loan_calculator.phase.repayment";
    }
    return {};
}

} // namespace zhuxue::core
