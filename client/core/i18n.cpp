#include "i18n.hpp"

#include <nlohmann/json.hpp>

namespace zhuxue {

namespace {
void flatten(const nlohmann::json& node, const std::string& prefix,
             std::map<std::string, std::string, std::less<>>& out) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object())
            flatten(*it, key, out);
        else if (it->is_string())
            out[key] = it->get<std::string>();
    }
}
} // namespace

Result<Catalog> Catalog::fromJson(std::string_view json, std::string lang) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return Error("i18n.invalid", {{"lang", lang}}, "catalogue is not a JSON object");
    Catalog c;
    c.m_lang = std::move(lang);
    flatten(doc, "", c.m_entries);
    return c;
}

Catalog Catalog::fromEntries(std::map<std::string, std::string> entries, std::string lang) {
    Catalog c;
    c.m_lang = std::move(lang);
    for (auto& [k, v] : entries)
        c.m_entries.emplace(k, std::move(v));
    return c;
}

bool Catalog::has(std::string_view key) const {
    return m_entries.find(key) != m_entries.end() || (m_fallback && m_fallback->has(key));
}

const std::string& Catalog::text(std::string_view key) const {
    if (auto it = m_entries.find(key); it != m_entries.end())
        return it->second;
    if (m_fallback && m_fallback->has(key))
        return m_fallback->text(key);
    thread_local std::string missing;
    missing.assign(key);
    return missing;
}

std::string fillPlaceholders(std::string_view pattern,
                             const std::map<std::string, std::string>& args) {
    std::string out;
    out.reserve(pattern.size());
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            size_t end = pattern.find('}', i);
            if (end != std::string_view::npos) {
                std::string name(pattern.substr(i + 1, end - i - 1));
                if (auto it = args.find(name); it != args.end()) {
                    out += it->second;
                    i = end;
                    continue;
                }
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string Catalog::format(std::string_view key,
                            const std::map<std::string, std::string>& args) const {
    return fillPlaceholders(text(key), args);
}

std::string Catalog::format(const Error& error) const { return format(error.key, error.args); }

} // namespace zhuxue
