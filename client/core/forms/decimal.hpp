#pragma once
// Exact decimal numbers for form answers and scores: a 64-bit count of ten-thousandths, so money
// (yuan with two decimals), areas and weights like 0.5 are exact. Sums and differences are exact;
// products and quotients round half-up to 4 decimals. Any result out of range, and division by
// zero, is "no value" (nullopt): a per-capita income of a household with no members is unknown,
// not infinite.
#include "client/core/money.hpp"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhuxue::core::forms {

class Decimal {
public:
    static constexpr std::int64_t kScale = 10000;

    constexpr Decimal() = default;
    static constexpr Decimal fromInt(std::int64_t v) { return fromUnits(v * kScale); }
    static constexpr Decimal fromUnits(std::int64_t units) {
        Decimal d;
        d.m_units = units;
        return d;
    }
    static Decimal fromFen(Fen fen) { return fromUnits(fen * (kScale / 100)); }
    // "12", "-3.5", "0.0001"; more than 4 decimals only when the extra ones are zeros.
    static std::optional<Decimal> parse(std::string_view text);

    std::int64_t units() const { return m_units; }
    Fen toFen(Rounding rounding = Rounding::HalfUp) const {
        return divideRounded(m_units, kScale / 100, rounding);
    }
    bool isZero() const { return m_units == 0; }
    std::string toString() const; // shortest exact form: "12", "3.5", "-0.25"

    auto operator<=>(const Decimal&) const = default;

    friend std::optional<Decimal> add(Decimal a, Decimal b);
    friend std::optional<Decimal> subtract(Decimal a, Decimal b);
    friend std::optional<Decimal> multiply(Decimal a, Decimal b);
    friend std::optional<Decimal> divide(Decimal a, Decimal b);
    // Rounds half-up to `digits` decimals (0-4).
    Decimal rounded(int digits) const;

private:
    std::int64_t m_units = 0;
};

} // namespace zhuxue::core::forms
