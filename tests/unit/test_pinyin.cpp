// Pinyin search keys: what a staff member types (zs, zhangsan) must lead to the name.
#include "client/core/text/pinyin.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace zhuxue::text;

namespace {
bool contains(const std::vector<std::string>& keys, const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}
} // namespace

TEST_CASE("a common name gives its full pinyin and its initials") {
    auto keys = pinyinKeys("张三");
    REQUIRE(keys.size() == 2);
    CHECK(keys[0] == "zhangsan");
    CHECK(keys[1] == "zs");
}

TEST_CASE("place names: 秭归 reads zigui, 长阳 changyang") {
    CHECK(pinyinSortKey("秭归") == "zigui");
    CHECK(pinyinKeys("秭归", {.personalName = false})[0] == "zigui");
    auto keys = pinyinKeys("长阳", {.personalName = false});
    CHECK(keys[0] == "changyang");
    CHECK(contains(keys, "zhangyang")); // the other reading of 长 is still searchable
    CHECK(contains(keys, "cy"));
}

TEST_CASE("surnames take their surname reading first") {
    CHECK(pinyinKeys("单田芳")[0] == "shantianfang");
    CHECK(pinyinKeys("曾国藩")[0] == "zengguofan");
    CHECK(pinyinKeys("解缙")[0] == "xiejin");
    CHECK(pinyinKeys("区小明")[0] == "ouxiaoming");
    CHECK(pinyinKeys("仇英")[0] == "qiuying");
    CHECK(pinyinKeys("尉迟恭")[0] == "yuchigong");
    // the same character inside a given name keeps its customary reading first
    CHECK(pinyinKeys("李单")[0] == "lidan");
    // and without the name rule, 单 reads dan first
    CHECK(pinyinKeys("单", {.personalName = false})[0] == "dan");
}

TEST_CASE("polyphones expand, capped, likeliest first") {
    auto keys = pinyinKeys("曾乐");
    CHECK(keys[0] == "zengle");
    CHECK(contains(keys, "zengyue"));
    CHECK(contains(keys, "zy"));
    CHECK(contains(keys, "zl"));
    // a long string full of polyphones stays within the cap
    auto many =
        pinyinKeys("长长长长长长长长长长长长", {.personalName = false, .maxCombinations = 5});
    std::size_t full =
        std::count_if(many.begin(), many.end(), [](auto& k) { return k.size() > 12; });
    CHECK(full == 5);
    CHECK(many.size() <= 10);
    CHECK(many[0] == "changchangchangchangchangchangchangchangchangchangchangchang");
}

TEST_CASE("rare characters, including outside the BMP") {
    CHECK(pinyinKeys("䶮")[0] == "yan");               // U+4DAE, extension A (刘䶮)
    CHECK(pinyinKeys("王𪚥")[0] == "wangzhe");         // U+2A6A5, extension B
    CHECK(pinyinKeys("\xF0\xA0\x80\x80").size() >= 1); // U+20000 has a Hanyu Da Zidian reading
    CHECK(pinyinReadings(U'\U0002A6A5') == std::vector<std::string_view>{"zhe"});
    CHECK(pinyinReadings(U'a').empty());
}

TEST_CASE("ü is written v, as a pinyin input method types it") {
    CHECK(pinyinKeys("吕女")[0] == "lvnv");
}

TEST_CASE("ASCII and punctuation inside a name") {
    auto keys = pinyinKeys("阿卜杜拉·艾买提");
    CHECK(keys[0] == "abudulaaimaiti");
    CHECK(contains(keys, "abdlamt"));
    auto cls = pinyinKeys("高三(2)班", {.personalName = false});
    CHECK(cls[0] == "gaosan2ban");
    CHECK(contains(cls, "gs2b"));
    CHECK(pinyinKeys("ＡＢ张")[0] == "abzhang"); // full-width letters are read as ASCII
}

TEST_CASE("nothing readable gives no keys; invalid UTF-8 is skipped, never crashes") {
    CHECK(pinyinKeys("").empty());
    CHECK(pinyinKeys("·—").empty());
    CHECK(pinyinKeys("张\xFF\xC0三")[0] == "zhangsan");
    CHECK(pinyinKeys("\xE5\xBC").empty()); // a truncated character has no reading
}
