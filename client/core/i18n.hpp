#pragma once
// The message catalogue: user-facing text lives in assets/i18n/<lang>.json, Chinese first.
// A message may hold {name} placeholders filled from Error::args or explicit arguments.
#include "result.hpp"

#include <map>
#include <string>
#include <string_view>

namespace zhuxue {

class Catalog {
public:
    // Parses a flat or nested JSON object of strings; nested keys join with '.'.
    static Result<Catalog> fromJson(std::string_view json, std::string lang);
    static Catalog fromEntries(std::map<std::string, std::string> entries, std::string lang);

    const std::string& lang() const { return m_lang; }
    // The text for key, or the key itself when missing (so a gap is visible, never blank).
    const std::string& text(std::string_view key) const;
    bool has(std::string_view key) const;
    std::string format(std::string_view key, const std::map<std::string, std::string>& args) const;
    std::string format(const Error& error) const;
    // Falls back to another catalogue for keys this one lacks (en falls back to zh-CN).
    void setFallback(const Catalog* fallback) { m_fallback = fallback; }
    const std::map<std::string, std::string, std::less<>>& entries() const { return m_entries; }

private:
    std::string m_lang;
    std::map<std::string, std::string, std::less<>> m_entries;
    const Catalog* m_fallback = nullptr;
};

std::string fillPlaceholders(std::string_view pattern,
                             const std::map<std::string, std::string>& args);

} // namespace zhuxue
