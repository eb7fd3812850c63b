#pragma once
// The UI's two catalogues (zh-CN first, en falling back to it) and the current language.
#include "client/core/i18n.hpp"

#include <filesystem>
#include <memory>

namespace zhuxue::app {

class Texts {
public:
    // Loads assets/i18n/zh-CN.json and en.json.
    static Result<std::unique_ptr<Texts>> load(const std::filesystem::path& assets);

    void setLanguage(const std::string& lang) { m_current = lang == "en" ? &m_en : &m_zh; }
    const Catalog& current() const { return *m_current; }
    const Catalog& zh() const { return m_zh; }
    const Catalog& en() const { return m_en; }
    // Shorthand for the current language's text; the pointer stays valid for the process.
    const char* tr(std::string_view key) const { return m_current->text(key).c_str(); }

private:
    Catalog m_zh, m_en;
    const Catalog* m_current = &m_zh;
};

} // namespace zhuxue::app
