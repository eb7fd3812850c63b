#pragma once
// Reads assets/policy/*.json into a PolicySet (client/core does no I/O itself).
#include "client/core/policy.hpp"

#include <filesystem>
#include <optional>

namespace zhuxue::app {

Result<core::PolicySet> loadPolicies(const std::filesystem::path& assets);

// For the screens that price a loan signed today (first loan, calculator): the files read once,
// the rules of a loan signed on a day (caps of its school year, rules and rate of that day)
// worked out again only when the day changes.
class LoanRulesCache {
public:
    LoanRulesCache() = default;
    // The rules point into the policies held here: moving keeps them (the vector's storage moves
    // along), a copy would not.
    LoanRulesCache(const LoanRulesCache&) = delete;
    LoanRulesCache& operator=(const LoanRulesCache&) = delete;
    LoanRulesCache(LoanRulesCache&&) = default;
    LoanRulesCache& operator=(LoanRulesCache&&) = default;

    // nullptr when the files cannot be read or give no rules for that day; error() says why.
    const core::LoanRules* forSigningOn(const std::filesystem::path& assets, const core::Date& day);
    const std::optional<Error>& error() const { return m_error; }
    const core::PolicySet* policies() const { return m_policies ? &*m_policies : nullptr; }

private:
    std::optional<core::PolicySet> m_policies;
    std::optional<core::LoanRules> m_rules;
    core::Date m_day;
    std::optional<Error> m_error;
};

} // namespace zhuxue::app
