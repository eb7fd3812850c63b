// The message catalogues: both languages say the same things, placeholders are filled.
#include "client/core/i18n.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;

namespace {
Catalog load(const char* lang) {
    auto text = readTextFile(assetsDir() / "i18n" / (std::string(lang) + ".json"));
    REQUIRE_MESSAGE(text.ok(), "cannot read catalogue ", lang);
    auto cat = Catalog::fromJson(*text, lang);
    REQUIRE(cat.ok());
    return *cat;
}
} // namespace

TEST_CASE("zh-CN and en have the same keys") {
    Catalog zh = load("zh-CN"), en = load("en");
    for (auto& [k, v] : zh.entries())
        CHECK_MESSAGE(en.entries().count(k), "en lacks ", k);
    for (auto& [k, v] : en.entries())
        CHECK_MESSAGE(zh.entries().count(k), "zh-CN lacks ", k);
}

TEST_CASE("placeholders are filled from error arguments") {
    auto cat = Catalog::fromJson(R"({"a":{"b":"选项 {option} 需要一个值"}})", "zh-CN");
    REQUIRE(cat.ok());
    CHECK(cat->format(Error("a.b", {{"option", "--port"}})) == "选项 --port 需要一个值");
    CHECK(cat->text("no.such.key") == "no.such.key");
}

TEST_CASE("English falls back to Chinese for a missing key, never to blank") {
    auto zh = Catalog::fromJson(R"({"x":"中文"})", "zh-CN");
    auto en = Catalog::fromJson(R"({})", "en");
    en->setFallback(&*zh);
    CHECK(en->text("x") == "中文");
}

TEST_CASE("a malformed catalogue is an error, not a crash") {
    CHECK_FALSE(Catalog::fromJson("{not json", "en").ok());
    CHECK_FALSE(Catalog::fromJson("[1,2]", "en").ok());
}
