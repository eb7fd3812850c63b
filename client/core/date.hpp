#pragma once
// A calendar date (proleptic Gregorian), the only time unit the domain rules need: birth dates,
// contract signing, graduation, due dates. Pure value type; "today" is always passed in by the
// caller so every rule stays testable.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace zhuxue::core {

struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;

    auto operator<=>(const Date&) const = default;

    // Parses "YYYY-MM-DD" (exactly that shape); nullopt when malformed or not a real day.
    static std::optional<Date> parse(std::string_view text);
    // Nullopt when the day does not exist (2023-02-29, month 13, ...).
    static std::optional<Date> make(int year, int month, int day);

    std::string iso() const; // "YYYY-MM-DD"
    // Days since 1970-01-01 (negative before); lets callers count days between two dates.
    long long dayNumber() const;
    static Date fromDayNumber(long long days);
    // The same month and day `years` later; 29 Feb becomes 28 Feb in a common year (the rule
    // Chinese civil law uses for a birthday that does not exist that year).
    Date plusYears(int years) const;
};

bool isLeapYear(int year);
int daysInMonth(int year, int month);
bool isValidDate(int year, int month, int day);
long long daysBetween(const Date& from, const Date& to); // to - from
// Full years of age on `on` for someone born on `birth` (the birthday itself counts).
int ageOn(const Date& birth, const Date& on);
// Whether someone born on `birth` is 满`years`周岁 on `on`, counted as the Civil Code counts a
// period: 民法典 art. 201 (开始的当日不计入，自下一日开始计算) and art. 202 (到期月的对应日为期间
// 的最后一日；没有对应日的，月末日为期间的最后一日). The period of `years` years runs from the day
// after the birth date to the `years`-th birthday (28 Feb for a 29 Feb birth in a common year),
// so the age is reached the day after that birthday: born 2011-09-10, 满14周岁 from 2025-09-11;
// on 2025-09-10 (the 14th birthday) not yet. Same reading as 最高人民法院《关于审理未成年人刑事
// 案件具体应用法律若干问题的解释》(法释〔2006〕1号) art. 2: 从周岁生日的第二天起算.
bool hasCompletedYears(const Date& birth, const Date& on, int years);

} // namespace zhuxue::core
