#pragma once
// Resident identity card numbers (居民身份证号码), GB 11643-1999:
//   6-digit address code (GB/T 2260) + birth date YYYYMMDD + 3-digit sequence (odd = male)
//   + check character, ISO 7064 MOD 11-2 over the first 17 digits.
// Legacy 15-digit numbers (first-generation cards, 1984-2004): address code + YYMMDD (19YY)
// + 3-digit sequence, no check character; they still appear in old records.
#include "date.hpp"
#include "divisions.hpp"
#include "findings.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace zhuxue::core {

enum class Sex { Male, Female };

struct ResidentId {
    std::string number;  // normalized: 18 characters, check character 'X' upper-case; or the
                         // 15 digits of a legacy number when it was not converted
    bool legacy = false; // the input had 15 digits
    Date birthDate;
    Sex sex = Sex::Male;
    std::string divisionCode;         // first six digits
    std::optional<Division> division; // nullopt: code not in the compiled list (a warning)
};

struct ResidentIdCheck {
    std::optional<ResidentId> id; // set when there is no error (warnings allowed)
    Findings findings;
};

struct ResidentIdOptions {
    bool acceptLegacy = true;   // accept 15-digit numbers (old records)
    bool convertLegacy = false; // when accepted, return the 18-digit form in `number`
};

// Checks a typed number. `today` bounds the birth date; `field` names the field in findings.
// Spaces inside are tolerated (people copy "110105 19491231 002X"); a lower-case x is accepted;
// full-width digits and Ｘ/ｘ from a Chinese input method count as their ASCII forms. A first
// two digits that are no province (00, 99...) is an error; an unknown county code a warning.
ResidentIdCheck checkResidentId(std::string_view input, const Date& today,
                                const ResidentIdOptions& options = {},
                                const std::string& field = "id_number");

// The check character for the first 17 digits (must be 17 ASCII digits): '0'-'9' or 'X'.
char residentIdCheckChar(std::string_view first17);

// 15-digit legacy number → 18 digits: insert "19" before the year and append the check char.
// Error validation.id.legacy_format when the input is not 15 digits.
Result<std::string> convertLegacyId(std::string_view id15);

// Folds full-width forms to ASCII, strips spaces and dashes, upper-cases a trailing x; does not
// validate.
std::string normalizeResidentId(std::string_view input);

} // namespace zhuxue::core
