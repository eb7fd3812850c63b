#pragma once
// The compiled-in pinyin readings, generated at build time from Unihan (see
// client/core/tools/gen_pinyin_table.py). Internal to pinyin.cpp; use pinyin.hpp.
#include <cstddef>
#include <cstdint>

namespace zhuxue::text::detail {

extern const char kSyllables[];
extern const std::uint32_t kSyllableOffsets[];
extern const std::size_t kSyllableCount;

extern const std::uint32_t kCodePoints[]; // sorted
extern const std::uint16_t kPrimary[];    // syllable index of each code point's first reading
extern const std::size_t kCodePointCount;

extern const std::uint32_t kExtraCodePoints[]; // sorted: code points with more than one reading
extern const std::uint32_t kExtraStart[];      // kExtraCount + 1 offsets into kExtraReadings
extern const std::uint16_t kExtraReadings[];
extern const std::size_t kExtraCount;

} // namespace zhuxue::text::detail
