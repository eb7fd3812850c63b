#include "policy.hpp"

#include <algorithm>

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
        p.baseRateBp = static_cast<int>(r.integer("base_bp", 1, 2000).value_or(0));
        r.date("base_since", false);
        p.spreadBp = static_cast<int>(r.integer("spread_bp", -500, 500).value_or(0));
        p.dayCountBasis = static_cast<int>(r.integer("day_count_basis", 360, 365).value_or(360));
        if (!r.failed() && p.dayCountBasis != 360 && p.dayCountBasis != 365)
            r.fail("day_count_basis", "bad_value", {{"value", std::to_string(p.dayCountBasis)}});
        if (!r.failed() && p.contractRateBp() <= 0)
            r.fail("spread_bp", "bad_value", {{"value", std::to_string(p.spreadBp)}});
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

Result<PolicySet> PolicySet::parse(const std::vector<PolicyFile>& files) {
    std::vector<Policy> policies;
    for (const auto& f : files) {
        auto p = parsePolicy(f.content, f.name);
        if (!p)
            return p.error();
        policies.push_back(std::move(*p));
    }
    return fromPolicies(std::move(policies));
}

Result<PolicySet> PolicySet::fromPolicies(std::vector<Policy> policies) {
    if (policies.empty())
        return Error("policy.none");
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

const Policy* PolicySet::byId(std::string_view id) const {
    for (const auto& p : m_policies)
        if (p.id == id)
            return &p;
    return nullptr;
}

} // namespace zhuxue::core
