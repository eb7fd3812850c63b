#include "texts.hpp"

#include "client/store/paths.hpp"

namespace zhuxue::app {

Result<std::unique_ptr<Texts>> Texts::load(const std::filesystem::path& assets) {
    auto t = std::make_unique<Texts>();
    for (auto [lang, target] : {std::pair{"zh-CN", &t->m_zh}, std::pair{"en", &t->m_en}}) {
        auto file = assets / "i18n" / (std::string(lang) + ".json");
        auto text = readTextFile(file);
        if (!text)
            return text.error();
        auto cat = Catalog::fromJson(*text, lang);
        if (!cat)
            return Error(cat.error().key, {{"path", file.string()}}, cat.error().detail);
        *target = std::move(*cat);
    }
    t->m_en.setFallback(&t->m_zh);
    t->m_current = &t->m_zh;
    return t;
}

} // namespace zhuxue::app
