#include "policy_files.hpp"

#include "client/store/paths.hpp"

#include <algorithm>

namespace zhuxue::app {

Result<core::PolicySet> loadPolicies(const std::filesystem::path& assets) {
    std::vector<core::PolicyFile> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(assets / "policy", ec)) {
        if (entry.path().extension() != ".json")
            continue;
        auto text = readTextFile(entry.path());
        if (!text)
            return text.error();
        files.push_back({entry.path().filename().string(), std::move(*text)});
    }
    if (ec)
        return Error("fs.read_failed", {{"path", (assets / "policy").string()}}, ec.message());
    std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return core::PolicySet::parse(files);
}

const core::LoanRules* LoanRulesCache::forSigningOn(const std::filesystem::path& assets, const core::Date& day) {
    if (!m_policies && !m_error) {
        if (auto p = loadPolicies(assets))
            m_policies = std::move(*p);
        else
            m_error = p.error();
    }
    if (!m_policies)
        return nullptr;
    if (!m_rules || m_day != day) {
        m_rules.reset();
        m_error.reset();
        m_day = day;
        if (auto r = m_policies->rulesFor(core::schoolYearOfSigning(day), day))
            m_rules = std::move(*r);
        else
            m_error = r.error();
    }
    return m_rules ? &*m_rules : nullptr;
}

} // namespace zhuxue::app
