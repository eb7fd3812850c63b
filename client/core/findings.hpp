#pragma once
// The outcome of checking something a person entered: any number of findings, each naming the
// field it is about and carrying an i18n Error (key + args) that tells what is wrong and how to
// fix it. Errors block saving; warnings are shown and may be confirmed (an unknown division code
// on an old ID, a bank card failing the Luhn check).
#include "result.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace zhuxue::core {

enum class Severity { Error, Warning };

struct Finding {
    std::string field; // e.g. "student.id_number", "members[2].age"
    Severity severity = Severity::Error;
    zhuxue::Error message;
};

class Findings {
public:
    void error(std::string field, zhuxue::Error message) {
        m_items.push_back({std::move(field), Severity::Error, std::move(message)});
    }
    void warning(std::string field, zhuxue::Error message) {
        m_items.push_back({std::move(field), Severity::Warning, std::move(message)});
    }
    void append(const Findings& other) {
        m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
    }

    // True when nothing blocks: no errors (warnings allowed).
    bool ok() const { return errorCount() == 0; }
    bool empty() const { return m_items.empty(); }
    std::size_t errorCount() const { return count(Severity::Error); }
    std::size_t warningCount() const { return count(Severity::Warning); }
    const std::vector<Finding>& all() const { return m_items; }
    // The first finding with this message key, or nullptr.
    const Finding* find(std::string_view key) const {
        for (auto& f : m_items)
            if (f.message.key == key)
                return &f;
        return nullptr;
    }
    bool has(std::string_view key) const { return find(key) != nullptr; }

private:
    std::size_t count(Severity s) const {
        return static_cast<std::size_t>(std::count_if(
            m_items.begin(), m_items.end(), [s](const Finding& f) { return f.severity == s; }));
    }
    std::vector<Finding> m_items;
};

} // namespace zhuxue::core
