#include "policy.hpp"

#include <algorithm>
#include <optional>

namespace zhuxue::core {

namespace {
constexpr int kPolicyFormat = 1;
constexpr std::int64_t kMaxFen = yuan(1'000'000); // no yearly cap is near ¥1m: catches typos
constexpr const char* kPrefix = "policy";

// Nested objects report their own absolute field paths, so their errors pass through as is.
Status readText(JsonFields& top, const std::string& key, std::string& zh, std::string& en) {
    if (const auto* obj = top.object(key)) {
        JsonFields t(*obj, top.file(), top.fieldPath(key), kPrefix);
        zh = t.string("zh-CN").value_or("");
        en = t.string("en").value_or("");
        return t.finish();
    }
    return {};
}
} // namespace

Result<Policy> parsePolicy(std::string_view json, const std::string& file) {
    auto doc = parseJsonObject(json, file, kPrefix);
    if (!doc)
        return doc.error();
    Policy p;
    p.file = file;
    JsonFields top(*doc, file, "", kPrefix);
    top.integer("policy_format", kPolicyFormat, kPolicyFormat);
    p.id = top.string("id").value_or("");
    if (auto s = readText(top, "name", p.nameZh, p.nameEn); !s)
        return s.error();
    if (auto d = top.date("effective_from"))
        p.effectiveFrom = *d;
    p.source = top.string("source").value_or("");
    if (const auto* verify = top.array("verify", false)) {
        for (const auto& v : *verify) {
            if (!v.is_string()) {
                top.fail("verify", "wrong_type", {{"expected", "string"}});
                break;
            }
            p.verify.push_back(v.get<std::string>());
        }
    }

    if (const auto* caps = top.object("annual_cap_fen")) {
        JsonFields c(*caps, file, "annual_cap_fen", kPrefix);
        p.capUndergraduate = c.integer("undergraduate", 1, kMaxFen).value_or(0);
        p.capPostgraduate = c.integer("postgraduate", 1, kMaxFen).value_or(0);
        if (auto s = c.finish(); !s)
            return s.error();
    }
    p.minimum = top.integer("minimum_fen", 1, kMaxFen).value_or(0);
    p.multiple = top.integer("multiple_fen", 1, kMaxFen).value_or(1);

    if (const auto* rate = top.object("rate")) {
        JsonFields r(*rate, file, "rate", kPrefix);
        if (auto base = r.string("base")) {
            if (*base != "lpr_5y" && *base != "benchmark_5y")
                r.fail("base", "bad_value", {{"value", *base}});
            p.baseRate = *base;
        }
        p.spreadBp = static_cast<int>(r.integer("spread_bp", -500, 500).value_or(0));
        if (auto repricing = r.string("repricing", false)) {
            if (*repricing == "january_1")
                p.repricing = Repricing::January1;
            else if (*repricing != "fixed")
                r.fail("repricing", "bad_value", {{"value", *repricing}});
        }
        p.dayCountBasis = static_cast<int>(r.integer("day_count_basis", 360, 365).value_or(360));
        if (!r.failed() && p.dayCountBasis != 360 && p.dayCountBasis != 365)
            r.fail("day_count_basis", "bad_value", {{"value", std::to_string(p.dayCountBasis)}});
        if (auto s = r.finish(); !s)
            return s.error();
    }

    if (const auto* study = top.object("while_studying")) {
        JsonFields s(*study, file, "while_studying", kPrefix);
        p.governmentInterestPercent =
            static_cast<int>(s.integer("government_interest_percent", 0, 100).value_or(100));
        if (auto md = s.monthDay("subsidy_ends"))
            p.subsidyEnds = *md;
        if (auto st = s.finish(); !st)
            return st.error();
    }
    p.graceYears = static_cast<int>(top.integer("grace_years", 0, 10).value_or(0));

    if (const auto* term = top.object("term")) {
        JsonFields t(*term, file, "term", kPrefix);
        p.term.plusYears = static_cast<int>(t.integer("remaining_years_plus", 1, 30).value_or(0));
        p.term.maxYears = static_cast<int>(t.integer("max_years", 1, 40).value_or(0));
        if (auto s = t.finish(); !s)
            return s.error();
    }

    if (const auto* window = top.object("repayment")) {
        JsonFields w(*window, file, "repayment", kPrefix);
        if (auto md = w.monthDay("window_from"))
            p.repaymentWindowFrom = *md;
        if (auto md = w.monthDay("window_to"))
            p.repaymentWindowTo = *md;
        if (auto md = w.monthDay("due_date"))
            p.dueDate = *md;
        p.penaltyPercentOfRate =
            static_cast<int>(w.integer("penalty_percent_of_rate", 100, 300).value_or(130));
        if (!w.failed() && p.repaymentWindowTo < p.repaymentWindowFrom)
            w.fail("window_to", "bad_value", {{"value", "window ends before it starts"}});
        if (!w.failed() && (p.dueDate < p.repaymentWindowFrom || p.repaymentWindowTo < p.dueDate))
            w.fail("due_date", "bad_value", {{"value", "outside the repayment window"}});
        if (auto s = w.finish(); !s)
            return s.error();
    }

    if (auto s = top.finish(); !s)
        return s.error();
    // Cross-field rules, named after the field a person would fix.
    auto bad = [&](const char* field, std::string why) -> Error {
        return Error("policy.bad_value", {{"file", file}, {"field", field}, {"value", why}});
    };
    if (p.capPostgraduate < p.capUndergraduate)
        return bad("annual_cap_fen.postgraduate", "below the undergraduate cap");
    if (p.minimum > p.capUndergraduate)
        return bad("minimum_fen", "above the undergraduate cap");
    if (p.minimum % p.multiple != 0 || p.capUndergraduate % p.multiple != 0 ||
        p.capPostgraduate % p.multiple != 0)
        return bad("multiple_fen", "minimum and caps must be multiples of it");
    if (p.id.empty())
        return bad("id", "empty");
    return p;
}

Result<BaseRates> BaseRates::parse(std::string_view json, const std::string& file) {
    auto doc = parseJsonObject(json, file, kPrefix);
    if (!doc)
        return doc.error();
    BaseRates rates;
    JsonFields top(*doc, file, "", kPrefix);
    top.integer("base_rates_format", kPolicyFormat, kPolicyFormat);
    top.string("source");
    if (const auto* all = top.object("series")) {
        JsonFields seriesFields(*all, file, "series", kPrefix);
        for (const auto& [id, value] : all->items()) {
            BaseRateSeries series;
            series.id = id;
            const auto* obj = seriesFields.object(id);
            if (!obj)
                break;
            JsonFields sf(*obj, file, seriesFields.fieldPath(id), kPrefix);
            if (auto st = readText(sf, "name", series.nameZh, series.nameEn); !st)
                return st.error();
            if (auto st = readText(sf, "short_name", series.shortNameZh, series.shortNameEn); !st)
                return st.error();
            if (const auto* changes = sf.array("changes")) {
                for (size_t i = 0; i < changes->size(); ++i) {
                    const std::string path = sf.fieldPath("changes") + "[" + std::to_string(i) + "]";
                    if (!(*changes)[i].is_object())
                        return Error("policy.wrong_type", {{"file", file}, {"field", path}, {"expected", "object"}});
                    JsonFields c((*changes)[i], file, path, kPrefix);
                    BaseRateChange change;
                    if (auto d = c.date("since"))
                        change.since = *d;
                    change.bp = static_cast<int>(c.integer("bp", 1, 2000).value_or(0));
                    change.source = c.string("source").value_or("");
                    if (!c.failed() && change.source.empty())
                        c.fail("source", "bad_value", {{"value", "every base rate names its announcement"}});
                    if (!c.failed() && !series.changes.empty() && change.since <= series.changes.back().since)
                        c.fail("since", "bad_value",
                               {{"value", change.since.iso() + " is not after " + series.changes.back().since.iso()}});
                    if (auto st = c.finish(); !st)
                        return st.error();
                    series.changes.push_back(std::move(change));
                }
                if (series.changes.empty())
                    sf.fail("changes", "bad_value", {{"value", "empty"}});
            }
            if (auto st = sf.finish(); !st)
                return st.error();
            rates.m_series.push_back(std::move(series));
        }
        if (auto st = seriesFields.finish(); !st)
            return st.error();
    }
    if (auto st = top.finish(); !st)
        return st.error();
    return rates;
}

const BaseRateSeries* BaseRates::series(std::string_view id) const {
    for (const auto& s : m_series)
        if (s.id == id)
            return &s;
    return nullptr;
}

Result<BaseRateChange> BaseRates::at(std::string_view id, const Date& date) const {
    const BaseRateSeries* s = series(id);
    std::string earliest = s && !s->changes.empty() ? s->changes.front().since.iso() : std::string();
    if (s) {
        auto it = std::upper_bound(s->changes.begin(), s->changes.end(), date,
                                   [](const Date& d, const BaseRateChange& c) { return d < c.since; });
        if (it != s->changes.begin())
            return *std::prev(it);
    }
    return Error("policy.no_base_rate", {{"series", std::string(id)}, {"date", date.iso()}, {"earliest", earliest}});
}

Result<PolicySet> PolicySet::parse(const std::vector<PolicyFile>& files) {
    std::vector<Policy> policies;
    std::optional<BaseRates> rates;
    for (const auto& f : files) {
        if (f.name == BaseRates::kFileName) {
            auto r = BaseRates::parse(f.content, f.name);
            if (!r)
                return r.error();
            rates = std::move(*r);
            continue;
        }
        auto p = parsePolicy(f.content, f.name);
        if (!p)
            return p.error();
        policies.push_back(std::move(*p));
    }
    if (!rates && !policies.empty())
        return Error("policy.no_base_rates", {{"file", BaseRates::kFileName}});
    return fromPolicies(std::move(policies), rates ? std::move(*rates) : BaseRates{});
}

Result<PolicySet> PolicySet::fromPolicies(std::vector<Policy> policies, BaseRates rates) {
    if (policies.empty())
        return Error("policy.none");
    // Every policy can price a contract from its first day.
    for (const auto& p : policies) {
        auto base = rates.at(p.baseRate, p.effectiveFrom);
        if (!base)
            return Error("policy.bad_value", {{"file", p.file},
                                              {"field", "rate.base"},
                                              {"value", std::string(BaseRates::kFileName) + " has no " + p.baseRate +
                                                            " rate on " + p.effectiveFrom.iso()}});
        if (base->bp + p.spreadBp <= 0)
            return Error("policy.bad_value", {{"file", p.file},
                                              {"field", "rate.spread_bp"},
                                              {"value", "base + spread is not above 0"}});
    }
    std::sort(policies.begin(), policies.end(),
              [](const Policy& a, const Policy& b) { return a.effectiveFrom < b.effectiveFrom; });
    for (size_t i = 1; i < policies.size(); ++i) {
        if (policies[i].effectiveFrom == policies[i - 1].effectiveFrom)
            return Error("policy.same_start", {{"file", policies[i].file},
                                               {"other", policies[i - 1].file},
                                               {"date", policies[i].effectiveFrom.iso()}});
    }
    for (size_t i = 0; i < policies.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (policies[i].id == policies[j].id)
                return Error("policy.duplicate_id", {{"file", policies[i].file},
                                                     {"other", policies[j].file},
                                                     {"id", policies[i].id}});
    PolicySet set;
    set.m_policies = std::move(policies);
    set.m_rates = std::move(rates);
    return set;
}

const Policy* PolicySet::forDate(const Date& contractDate) const {
    auto it = std::upper_bound(m_policies.begin(), m_policies.end(), contractDate,
                               [](const Date& d, const Policy& p) { return d < p.effectiveFrom; });
    return it == m_policies.begin() ? nullptr : &*std::prev(it);
}

Result<const Policy*> PolicySet::require(const Date& contractDate) const {
    if (const Policy* p = forDate(contractDate))
        return p;
    return Error("policy.no_policy_for_date",
                 {{"date", contractDate.iso()},
                  {"earliest",
                   m_policies.empty() ? std::string() : m_policies.front().effectiveFrom.iso()}});
}

Result<const Policy*> PolicySet::forSchoolYear(int schoolYear) const {
    auto start = Date::make(schoolYear, 9, 1);
    if (!start)
        return Error("policy.no_policy_for_date", {{"date", std::to_string(schoolYear)},
                                                   {"earliest", m_policies.empty() ? std::string()
                                                                                   : m_policies.front().effectiveFrom.iso()}});
    return require(*start);
}

Result<ContractRate> PolicySet::rateOn(const Date& signingDate) const {
    auto policy = require(signingDate);
    if (!policy)
        return policy.error();
    const Policy& p = **policy;
    auto base = m_rates.at(p.baseRate, signingDate);
    if (!base)
        return base.error();
    ContractRate r;
    r.policyId = p.id;
    r.base = p.baseRate;
    r.baseSince = base->since;
    r.baseBp = base->bp;
    r.spreadBp = p.spreadBp;
    r.annualRateBp = base->bp + p.spreadBp;
    return r;
}

Result<LoanRules> PolicySet::rulesFor(int schoolYear, const Date& signingDate) const {
    auto cap = forSchoolYear(schoolYear);
    if (!cap)
        return cap.error();
    auto signing = require(signingDate);
    if (!signing)
        return signing.error();
    auto rate = rateOn(signingDate);
    if (!rate)
        return rate.error();
    return LoanRules{*cap, *signing, std::move(*rate)};
}

Result<ContractRate> PolicySet::rateOf(const Contract& contract) const {
    auto signing = Date::parse(contract.signingDate);
    if (!signing)
        return Error("validation.date.invalid", {{"value", contract.signingDate}});
    if (contract.annualRateBp <= 0)
        return rateOn(*signing);
    ContractRate r;
    r.policyId = contract.policyId;
    r.spreadBp = contract.spreadBp;
    r.annualRateBp = contract.annualRateBp;
    r.baseBp = contract.annualRateBp - contract.spreadBp;
    if (const Policy* p = byId(contract.policyId))
        r.base = p->baseRate;
    if (auto base = m_rates.at(r.base, *signing); base && base->bp == r.baseBp)
        r.baseSince = base->since; // only when the table still says what was signed
    return r;
}

Result<std::vector<RateStep>> PolicySet::repricings(const ContractRate& rate, const Date& signingDate,
                                                    int throughYear, const Date& knownOn) const {
    std::vector<RateStep> steps;
    const Policy* policy = byId(rate.policyId);
    if (!policy)
        policy = forDate(signingDate);
    if (!policy || policy->repricing == Repricing::Fixed || rate.base.empty())
        return steps;
    int current = rate.annualRateBp;
    for (int year = signingDate.year + 1; year <= throughYear; ++year) {
        const Date day{year, 1, 1};
        const bool projected = knownOn < day;
        auto base = m_rates.at(rate.base, projected ? knownOn : day);
        if (!base)
            return base.error();
        const int bp = base->bp + rate.spreadBp;
        if (bp != current || (projected && (steps.empty() || !steps.back().projected)))
            steps.push_back({day, bp, projected});
        current = bp;
    }
    return steps;
}

Status recordContractRate(const PolicySet& policies, Contract& contract) {
    auto signing = Date::parse(contract.signingDate);
    if (!signing)
        return Error("validation.date.invalid", {{"value", contract.signingDate}});
    auto rate = policies.rateOn(*signing);
    if (!rate)
        return rate.error();
    contract.annualRateBp = rate->annualRateBp;
    contract.spreadBp = rate->spreadBp;
    contract.policyId = rate->policyId;
    return {};
}

int schoolYearOfSigning(const Date& date) {
    return date.month >= 7 ? date.year : date.year - 1;
}

std::string ratePercentText(int bp) {
    const char* sign = bp < 0 ? "-" : "";
    bp = bp < 0 ? -bp : bp;
    return sign + std::to_string(bp / 100) + "." + (bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100) + "%";
}

std::string spreadPointsText(int bp) {
    bp = bp < 0 ? -bp : bp;
    std::string text = std::to_string(bp / 100);
    if (bp % 100 != 0) {
        std::string frac = (bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100);
        if (frac.back() == '0')
            frac.pop_back();
        text += "." + frac;
    }
    return text;
}

const Policy* PolicySet::byId(std::string_view id) const {
    for (const auto& p : m_policies)
        if (p.id == id)
            return &p;
    return nullptr;
}

} // namespace zhuxue::core
