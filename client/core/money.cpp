#include "money.hpp"

#include <limits>

namespace zhuxue::core {

namespace {
constexpr std::string_view kYuanSigns[] = {"¥", "￥"};
constexpr std::string_view kYuanSuffix = "元";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}
} // namespace

Result<Fen> parseMoney(std::string_view input) {
    const std::string value(input);
    std::string_view s = trim(input);
    if (s.empty())
        return Error("validation.money.empty");
    bool negative = false;
    if (s.front() == '-' || s.front() == '+') {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    for (auto sign : kYuanSigns)
        if (s.starts_with(sign))
            s = trim(s.substr(sign.size()));
    if (s.ends_with(kYuanSuffix))
        s = trim(s.substr(0, s.size() - kYuanSuffix.size()));
    if (s.empty())
        return Error("validation.money.not_a_number", {{"value", value}});

    std::string_view whole = s, frac;
    if (auto dot = s.find('.'); dot != std::string_view::npos) {
        whole = s.substr(0, dot);
        frac = s.substr(dot + 1);
        if (frac.empty() || frac.find_first_not_of("0123456789") != std::string_view::npos)
            return Error("validation.money.not_a_number", {{"value", value}});
    }
    if (whole.empty())
        return Error("validation.money.not_a_number", {{"value", value}});

    // Thousands separators, if any, must sit every three digits counted from the right.
    std::string digits;
    if (whole.find(',') != std::string_view::npos) {
        size_t groupLen = 0;
        bool first = true;
        size_t start = 0;
        while (start <= whole.size()) {
            size_t comma = whole.find(',', start);
            size_t end = comma == std::string_view::npos ? whole.size() : comma;
            groupLen = end - start;
            if ((first && (groupLen < 1 || groupLen > 3)) || (!first && groupLen != 3))
                return Error("validation.money.bad_grouping", {{"value", value}});
            digits.append(whole.substr(start, groupLen));
            first = false;
            if (comma == std::string_view::npos)
                break;
            start = comma + 1;
        }
    } else {
        digits.assign(whole);
    }
    if (digits.find_first_not_of("0123456789") != std::string::npos)
        return Error("validation.money.not_a_number", {{"value", value}});

    // Extra decimals are accepted only when they are zeros ("12.500" is 12.50).
    if (frac.size() > 2) {
        if (frac.substr(2).find_first_not_of('0') != std::string_view::npos)
            return Error("validation.money.too_many_decimals", {{"value", value}});
        frac = frac.substr(0, 2);
    }
    std::string cents(frac);
    cents.resize(2, '0');

    constexpr Fen kMax = std::numeric_limits<Fen>::max() / 100 - 1;
    Fen yuanPart = 0;
    for (char c : digits) {
        if (yuanPart > (kMax - (c - '0')) / 10)
            return Error("validation.money.too_large", {{"value", value}});
        yuanPart = yuanPart * 10 + (c - '0');
    }
    Fen fen = yuanPart * 100 + (cents[0] - '0') * 10 + (cents[1] - '0');
    return negative ? -fen : fen;
}

std::string formatMoney(Fen fen, MoneyFormat format) {
    const bool negative = fen < 0;
    // Work in unsigned so the most negative value formats too.
    unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(fen)
                                            : static_cast<unsigned long long>(fen);
    std::string whole = std::to_string(magnitude / 100);
    unsigned cents = static_cast<unsigned>(magnitude % 100);
    if (format.grouping)
        for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3)
            whole.insert(static_cast<size_t>(i), ",");
    std::string out = negative ? "-" : "";
    if (format.currencySign)
        out += "¥";
    out += whole;
    if (format.alwaysCents || cents != 0) {
        out += '.';
        out += static_cast<char>('0' + cents / 10);
        out += static_cast<char>('0' + cents % 10);
    }
    return out;
}

Fen divideRounded(__int128 numerator, __int128 denominator, Rounding rounding) {
    const bool negative = numerator < 0;
    __int128 n = negative ? -numerator : numerator;
    __int128 q = n / denominator, r = n % denominator;
    switch (rounding) {
    case Rounding::HalfUp:
        if (2 * r >= denominator)
            ++q;
        break;
    case Rounding::Up:
        if (r != 0)
            ++q;
        break;
    case Rounding::Down:
        break;
    }
    return static_cast<Fen>(negative ? -q : q);
}

Fen roundToMultiple(Fen amount, Fen multiple, Rounding rounding) {
    return divideRounded(amount, multiple, rounding) * multiple;
}

} // namespace zhuxue::core
