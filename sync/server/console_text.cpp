#include "console_text.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace zhuxue::sync::server {

// Defined in the generated console_catalogue.cpp (sync/server/CMakeLists.txt).
extern const char* const kConsoleCatalogueZh[];
extern const char* const kConsoleCatalogueEn[];

namespace {

Catalog load(const char* const* files, const std::string& lang) {
    std::map<std::string, std::string> entries;
    for (const char* const* f = files; *f; ++f) {
        auto part = Catalog::fromJson(*f, lang);
        if (!part) { // a build-time file: the tests read every one, so this is a build defect
            std::fprintf(stderr, "zhuxue-server: embedded %s catalogue: %s\n", lang.c_str(),
                         part.error().detail.c_str());
            std::abort();
        }
        for (const auto& [k, v] : part->entries())
            entries[k] = v;
    }
    return Catalog::fromEntries(std::move(entries), lang);
}

std::string consoleKey(const Catalog& c, std::string_view key) {
    std::string own = "server.console." + std::string(key);
    if (c.has(own))
        return own;
    return c.has(key) ? std::string(key) : std::string();
}

} // namespace

const Catalog& consoleCatalog(std::string_view lang) {
    static const Catalog zh = load(kConsoleCatalogueZh, "zh-CN");
    static const Catalog en = load(kConsoleCatalogueEn, "en");
    return lang == "zh-CN" ? zh : en;
}

bool hasConsoleText(std::string_view key) {
    return !consoleKey(consoleCatalog("zh-CN"), key).empty() &&
           !consoleKey(consoleCatalog("en"), key).empty();
}

std::string consoleText(const Error& error) {
    const Catalog& zh = consoleCatalog("zh-CN");
    const Catalog& en = consoleCatalog("en");
    const std::string zhKey = consoleKey(zh, error.key), enKey = consoleKey(en, error.key);
    if (zhKey.empty() || enKey.empty())
        return error.detail + " (" + error.key + ")";
    // Each language's {reason}: the text of the reason's own key when the error names one.
    auto inLanguage = [&](const Catalog& c, const std::string& key) {
        std::map<std::string, std::string> args = error.args;
        if (auto r = args.find("reason_key"); r != args.end() && c.has(r->second))
            args["reason"] = c.format(r->second, args);
        return c.format(key, args);
    };
    std::string out = inLanguage(zh, zhKey) + " " + inLanguage(en, enKey) + " (" + error.key + ")";
    // A console-only text stands for an error whose cause is technical (SQLite's or
    // PostgreSQL's words): that cause follows once, on its own line.
    if (zhKey != error.key && !error.detail.empty())
        out += "\n  详情 detail: " + error.detail;
    return out;
}

} // namespace zhuxue::sync::server
