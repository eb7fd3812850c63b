// The message catalogues: both languages say the same things, placeholders are filled.
#include "client/core/i18n.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace zhuxue;

namespace {
Catalog load(const char* lang) {
    auto cat = loadCatalog(assetsDir(), lang);
    REQUIRE_MESSAGE(cat.ok(), "cannot read catalogue ", lang);
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

TEST_CASE("every module's texts load, and a key defined in two files is refused") {
    zhuxue::test::TempDir dir;
    std::filesystem::create_directories(dir / "i18n" / "en");
    std::ofstream(dir / "i18n" / "en" / "a.json") << R"({"x": {"y": "one"}})";
    std::ofstream(dir / "i18n" / "en" / "b.json") << R"({"x.y": "two"})";
    auto cat = loadCatalog(dir.path(), "en");
    REQUIRE_FALSE(cat.ok());
    CHECK(cat.error().key == "i18n.duplicate_key");
    CHECK(cat.error().args.at("key") == "x.y");
}

TEST_CASE("a malformed catalogue is an error, not a crash") {
    CHECK_FALSE(Catalog::fromJson("{not json", "en").ok());
    CHECK_FALSE(Catalog::fromJson("[1,2]", "en").ok());
}
