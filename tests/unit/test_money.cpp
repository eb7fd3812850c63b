// Money is integer fen parsed from decimal text, formatted back, rounded explicitly.
#include "client/core/money.hpp"

#include <doctest/doctest.h>
#include <limits>

using namespace zhuxue::core;

TEST_CASE("decimal text becomes exact fen") {
    CHECK(*parseMoney("1,234.5") == 123450);
    CHECK(*parseMoney("1234.56") == 123456);
    CHECK(*parseMoney("0.1") == 10);
    CHECK(*parseMoney("0.29") == 29); // 0.29 is not exact in binary floating point
    CHECK(*parseMoney("12000") == 1200000);
    CHECK(*parseMoney("¥16,000.00") == 1600000);
    CHECK(*parseMoney("￥ 8000元") == 800000);
    CHECK(*parseMoney(" 12.500 ") == 1250);
    CHECK(*parseMoney("-3.05") == -305);
    CHECK(*parseMoney("1,234,567.89") == 123456789);
}

TEST_CASE("malformed amounts are refused with a reason") {
    CHECK(parseMoney("").error().key == "validation.money.empty");
    CHECK(parseMoney("abc").error().key == "validation.money.not_a_number");
    CHECK(parseMoney("1.2.3").error().key == "validation.money.not_a_number");
    CHECK(parseMoney(".5").error().key == "validation.money.not_a_number");
    CHECK(parseMoney("5.").error().key == "validation.money.not_a_number");
    CHECK(parseMoney("1e3").error().key == "validation.money.not_a_number");
    CHECK(parseMoney("12,34").error().key == "validation.money.bad_grouping");
    CHECK(parseMoney("1234,567").error().key == "validation.money.bad_grouping");
    CHECK(parseMoney(",123").error().key == "validation.money.bad_grouping");
    CHECK(parseMoney("1.234").error().key == "validation.money.too_many_decimals");
    CHECK(parseMoney("1.234").error().args.at("value") == "1.234");
    CHECK(parseMoney("99999999999999999999").error().key == "validation.money.too_large");
}

TEST_CASE("fen format back to yuan text") {
    CHECK(formatMoney(123450) == "1,234.50");
    CHECK(formatMoney(5) == "0.05");
    CHECK(formatMoney(-305) == "-3.05");
    CHECK(formatMoney(2000000, {.grouping = true, .alwaysCents = false}) == "20,000");
    CHECK(formatMoney(2000050, {.grouping = false, .alwaysCents = false}) == "20000.50");
    CHECK(formatMoney(100, {.currencySign = true}) == "¥1.00");
    CHECK(formatMoney(std::numeric_limits<Fen>::min()).starts_with("-92,233,720,368,547,758."));
    for (Fen v : {0LL, 1LL, 99LL, 100LL, 123456789LL, -1LL})
        CHECK(*parseMoney(formatMoney(v)) == v);
}

TEST_CASE("rounding is explicit") {
    CHECK(divideRounded(5, 2, Rounding::HalfUp) == 3);
    CHECK(divideRounded(-5, 2, Rounding::HalfUp) == -3);
    CHECK(divideRounded(4, 3, Rounding::HalfUp) == 1);
    CHECK(divideRounded(4, 3, Rounding::Up) == 2);
    CHECK(divideRounded(5, 3, Rounding::Down) == 1);
    // balance × rate(bp) × days / (10000 × 360) without overflow at large balances
    __int128 big = static_cast<__int128>(4'000'000'000'000LL) * 280 * 365;
    CHECK(divideRounded(big, 3'600'000, Rounding::HalfUp) == 113'555'555'556LL);
    CHECK(roundToMultiple(1234567, 10000, Rounding::Up) == 1240000);
    CHECK(roundToMultiple(1234567, 10000, Rounding::Down) == 1230000);
    CHECK(roundToMultiple(1235000, 10000, Rounding::HalfUp) == 1240000);
}
