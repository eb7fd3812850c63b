#pragma once
// Pinyin search keys for Chinese text, from readings compiled in at build time out of Unihan
// (Debian's unicode-data package). Used by the store's search so that "zs", "zhangsan" and
// "zhang" find 张三. Readings are ASCII without tones; ü is written v (lv for 吕, nv for 女), as
// typed with a pinyin input method.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::text {

struct PinyinOptions {
    // The text is a person's name: the first character (or a compound surname such as 尉迟)
    // takes its surname reading first: 单 shan, 曾 zeng, 解 xie, 区 ou, 仇 qiu, ...
    bool personalName = true;
    // Polyphones multiply: at most this many full readings (and as many initials) are produced,
    // the likeliest first (fewest departures from each character's customary reading).
    std::size_t maxCombinations = 16;
};

// Search keys for utf8: first every full-pinyin string ("zhangsan"), then every initials string
// ("zs"), without duplicates. ASCII letters and digits are kept (lower-cased) in both; other
// characters without a reading (punctuation, the middle dot in 阿卜杜拉·艾买提) are skipped.
// Empty when nothing in the text has a reading. Invalid UTF-8 bytes are skipped.
std::vector<std::string> pinyinKeys(std::string_view utf8, const PinyinOptions& options = {});

// The readings of one character, customary first; empty when Unihan has none.
std::vector<std::string_view> pinyinReadings(char32_t cp);

// The customary reading of each character, joined ("秭归" → "zigui"; no surname rule): for
// sorting and display. Characters without a reading are kept as they are.
std::string pinyinSortKey(std::string_view utf8);

} // namespace zhuxue::text
