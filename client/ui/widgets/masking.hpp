#pragma once
// Masking by default on staff screens (issue #8): an ID number shows its first 6 and last 4
// characters, a bank card or account number its last 4. Showing a number in full is a separate,
// audited action of the screen.
#include <string>

namespace zhuxue::ui {

// "420527********0012"; shorter than 11 characters: all '*'. Empty stays empty.
std::string maskIdNumber(const std::string& id);
// "**** 1234" (digits and spaces are not counted apart); 4 characters or fewer: all '*'.
std::string maskCard(const std::string& card);

} // namespace zhuxue::ui
