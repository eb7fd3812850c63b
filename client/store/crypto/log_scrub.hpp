#pragma once
// The logging seam's filter: text bound for a log (stderr of the CLI, which cron and systemd keep)
// has resident ID numbers, bank card numbers and mobile numbers replaced by a marker, and the
// arguments of an Error that name a person are dropped before the message is formatted.
#include "client/core/result.hpp"

#include <string>
#include <string_view>

namespace zhuxue::store::crypto {

inline constexpr std::string_view kScrubbed = "[已隐去 redacted]";

// Replaces every run of 15-19 digits (an ID number, possibly ending in X, or a card) and every
// mobile number (11 digits from 13-19, also written 138-0000-0000 or 138 0000 0000, with or
// without +86) by kScrubbed. Other numbers (dates, amounts, counts, county codes) stay.
std::string scrubForLog(std::string_view text);

// A copy of the error fit for a log: args whose name says they hold a person's name
// ("name", "*_name", "student", "co_borrower", "member") become kScrubbed, every other arg and
// the detail are passed through scrubForLog.
Error scrubForLog(const Error& error);

} // namespace zhuxue::store::crypto
