#include "decimal.hpp"

#include <limits>

namespace zhuxue::core::forms {

namespace {
// Keeps headroom so that ten-thousandths of any money amount in fen fit comfortably.
constexpr __int128 kMaxUnits = std::numeric_limits<std::int64_t>::max() / 4;

// Half-up (away from zero) quotient in 128 bits; den > 0.
__int128 divRound(__int128 num, __int128 den) {
    __int128 q = num / den, r = num % den;
    if (r < 0)
        r = -r;
    if (2 * r >= den)
        q += num < 0 ? -1 : 1;
    return q;
}

std::optional<Decimal> checked(__int128 units) {
    if (units > kMaxUnits || units < -kMaxUnits)
        return std::nullopt;
    return Decimal::fromUnits(static_cast<std::int64_t>(units));
}
} // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    auto dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() || (dot != std::string_view::npos && frac.empty()))
        return std::nullopt;
    auto digits = [](std::string_view d) {
        return d.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (!digits(whole) || !digits(frac))
        return std::nullopt;
    if (frac.size() > 4) {
        if (frac.substr(4).find_first_not_of('0') != std::string_view::npos)
            return std::nullopt;
        frac = frac.substr(0, 4);
    }
    __int128 units = 0;
    for (char c : whole) {
        units = units * 10 + (c - '0');
        if (units > kMaxUnits)
            return std::nullopt;
    }
    units *= kScale;
    std::int64_t f = 0;
    for (size_t i = 0; i < 4; ++i)
        f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
    units += f;
    return checked(negative ? -units : units);
}

std::string Decimal::toString() const {
    const bool negative = m_units < 0;
    unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(m_units)
                                    : static_cast<unsigned long long>(m_units);
    std::string out = (negative ? "-" : "") + std::to_string(u / kScale);
    unsigned long long frac = u % kScale;
    if (frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, 4 - f.size(), '0');
        while (f.back() == '0')
            f.pop_back();
        out += "." + f;
    }
    return out;
}

std::optional<Decimal> add(Decimal a, Decimal b) {
    return checked(static_cast<__int128>(a.m_units) + b.m_units);
}
std::optional<Decimal> subtract(Decimal a, Decimal b) {
    return checked(static_cast<__int128>(a.m_units) - b.m_units);
}
std::optional<Decimal> multiply(Decimal a, Decimal b) {
    return checked(divRound(static_cast<__int128>(a.m_units) * b.m_units, Decimal::kScale));
}
std::optional<Decimal> divide(Decimal a, Decimal b) {
    if (b.m_units == 0)
        return std::nullopt;
    __int128 num = static_cast<__int128>(a.m_units) * Decimal::kScale;
    __int128 den = b.m_units;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    return checked(divRound(num, den));
}

Decimal Decimal::rounded(int digits) const {
    if (digits >= 4)
        return *this;
    std::int64_t step = 1;
    for (int i = digits < 0 ? 0 : digits; i < 4; ++i)
        step *= 10;
    return fromUnits(divideRounded(m_units, step, Rounding::HalfUp) * step);
}

} // namespace zhuxue::core::forms
