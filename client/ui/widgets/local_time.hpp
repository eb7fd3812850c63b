#pragma once
// Times as the person at the screen reads them: the computer's local time zone (a county office
// sets China Standard Time), "2026-12-06" and "2026-12-06 14:03".
#include "client/core/date.hpp"
#include "client/core/records.hpp"

#include <string>

namespace zhuxue::ui {

std::string localDayText(UnixMs ms);
std::string localTimeText(UnixMs ms);
// The local calendar year now, and today's date.
int localYear();
core::Date localToday();

} // namespace zhuxue::ui
