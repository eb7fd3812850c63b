#include "texts.hpp"

#include "client/store/catalog_files.hpp"

namespace zhuxue::app {

Result<std::unique_ptr<Texts>> Texts::load(const std::filesystem::path& assets) {
    auto t = std::make_unique<Texts>();
    for (auto [lang, target] : {std::pair{"zh-CN", &t->m_zh}, std::pair{"en", &t->m_en}}) {
        auto cat = loadCatalog(assets, lang);
        if (!cat)
            return cat.error();
        *target = std::move(*cat);
    }
    t->m_en.setFallback(&t->m_zh);
    t->m_current = &t->m_zh;
    return t;
}

} // namespace zhuxue::app
