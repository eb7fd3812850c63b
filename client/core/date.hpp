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

} // namespace zhuxue::core
