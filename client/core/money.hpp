#pragma once
// Money is an integer number of fen (分, 1/100 yuan), never floating point. Amounts typed by
// people are parsed from their decimal text ("1,234.5" → 123450 fen), so no binary rounding
// ever enters; arithmetic that must round (interest, per-capita shares) says how, explicitly.
#include "result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace zhuxue::core {

using Fen = std::int64_t;

constexpr Fen yuan(std::int64_t y) {
    return y * 100;
}

// Accepts an optional sign, an optional leading ¥/￥ and trailing 元, digits with optional
// thousands separators (every group of three, as in "12,345"), and up to two decimals.
// Errors (keys in validation.json): validation.money.empty, .not_a_number, .bad_grouping,
// .too_many_decimals (args: value), .too_large.
Result<Fen> parseMoney(std::string_view text);

struct MoneyFormat {
    bool grouping = true;      // "12,345.00" rather than "12345.00"
    bool alwaysCents = true;   // "12.00" rather than "12"
    bool currencySign = false; // "¥12.00"
};
std::string formatMoney(Fen fen, MoneyFormat format = {});

// Rounding of a quotient, spelled out at every call site.
enum class Rounding {
    HalfUp, // 四舍五入: halves go away from zero (banks' rule for interest in fen)
    Down,   // toward zero
    Up,     // away from zero
};
// numerator / denominator rounded as asked; denominator must be positive. Uses 128-bit
// intermediates so balance × rate × days does not overflow.
Fen divideRounded(__int128 numerator, __int128 denominator, Rounding rounding);

// Rounds `amount` to a multiple of `multiple` (> 0) in the given direction.
Fen roundToMultiple(Fen amount, Fen multiple, Rounding rounding);

} // namespace zhuxue::core
