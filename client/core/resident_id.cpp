#include "resident_id.hpp"

#include "text/utf8.hpp"

#include <string>

namespace zhuxue::core {

namespace {
// ISO 7064 MOD 11-2 weights are 2^(17-i) mod 11 for positions i = 0..16.
constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

// The oldest birth year we take as real; earlier ones are typing mistakes in practice.
constexpr int kEarliestBirthYear = 1900;

bool allDigits(std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
}

int number(std::string_view s) {
    int v = 0;
    for (char c : s)
        v = v * 10 + (c - '0');
    return v;
}

// Province-level codes of GB/T 2260 (the first two digits of every address code): 11-15 north,
// 21-23 north-east, 31-37 east, 41-46 central-south, 50-54 south-west, 61-65 north-west, 71
// Taiwan, 81 Hong Kong, 82 Macao. 83 is the address code GB 11643-style numbers on 港澳台居民居住证
// use for Taiwan residents (国办发〔2018〕81号 rules: 810000 / 820000 / 830000). Any other prefix
// (00, 10, 99...) cannot be on a real card, unlike an unknown county code, which may be an old one.
bool isProvinceCode(int p) {
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
           (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
           p == 81 || p == 82 || p == 83;
}

std::string countChars(std::string_view s) {
    // Count code points, not bytes, so "１２３" (full-width) reports 3.
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return std::to_string(n);
}
} // namespace

std::string normalizeResidentId(std::string_view input) {
    // A Chinese input method in full-width mode types "４２０５２７…Ｘ": fold to ASCII first.
    std::string out = text::compactNumberInput(input);
    if (!out.empty() && out.back() == 'x')
        out.back() = 'X';
    return out;
}

char residentIdCheckChar(std::string_view first17) {
    int sum = 0;
    for (size_t i = 0; i < 17 && i < first17.size(); ++i)
        sum += (first17[i] - '0') * kWeights[i];
    return kCheckChars[sum % 11];
}

Result<std::string> convertLegacyId(std::string_view id15) {
    std::string s = normalizeResidentId(id15);
    if (s.size() != 15 || !allDigits(s))
        return Error("validation.id.legacy_format", {{"value", std::string(id15)}});
    std::string out = s.substr(0, 6) + "19" + s.substr(6);
    out += residentIdCheckChar(out);
    return out;
}

ResidentIdCheck checkResidentId(std::string_view input, const Date& today,
                                const ResidentIdOptions& options, const std::string& field) {
    ResidentIdCheck result;
    Findings& f = result.findings;
    const std::string s = normalizeResidentId(input);
    if (s.empty()) {
        f.error(field, Error("validation.id.empty"));
        return result;
    }
    const bool legacy = s.size() == 15;
    if (s.size() != 18 && !legacy) {
        f.error(field, Error("validation.id.length", {{"length", countChars(s)}}));
        return result;
    }
    if (legacy && !options.acceptLegacy) {
        f.error(field, Error("validation.id.legacy_not_accepted"));
        return result;
    }
    // Every position but the 18th is a digit; name the first wrong one.
    const size_t digitCount = legacy ? 15 : 17;
    for (size_t i = 0; i < digitCount; ++i)
        if (s[i] < '0' || s[i] > '9') {
            f.error(field, Error("validation.id.not_digit", {{"position", std::to_string(i + 1)}}));
            return result;
        }
    if (!legacy && !(s[17] == 'X' || (s[17] >= '0' && s[17] <= '9'))) {
        f.error(field, Error("validation.id.last_char"));
        return result;
    }

    if (!isProvinceCode(number(s.substr(0, 2)))) {
        f.error(field, Error("validation.id.province_unknown", {{"code", s.substr(0, 2)}}));
        return result;
    }

    const std::string birthText = legacy ? "19" + s.substr(6, 6) : s.substr(6, 8);
    const std::string birthShown =
        birthText.substr(0, 4) + "-" + birthText.substr(4, 2) + "-" + birthText.substr(6, 2);
    auto birth = Date::make(number(birthText.substr(0, 4)), number(birthText.substr(4, 2)),
                            number(birthText.substr(6, 2)));
    if (!birth || birth->year < kEarliestBirthYear)
        f.error(field, Error("validation.id.birth_date", {{"value", birthShown}}));
    else if (*birth > today)
        f.error(field, Error("validation.id.birth_future", {{"value", birthShown}}));

    if (!legacy) {
        const char expected = residentIdCheckChar(s);
        if (s[17] != expected)
            f.error(field, Error("validation.id.checksum", {{"expected", std::string(1, expected)},
                                                            {"actual", std::string(1, s[17])}}));
    }
    if (!f.ok())
        return result;

    ResidentId id;
    id.legacy = legacy;
    id.number = s;
    if (legacy && options.convertLegacy)
        id.number = *convertLegacyId(s);
    id.birthDate = *birth;
    // Sequence code: odd for men, even for women (17th character, or the 15th of a legacy number).
    id.sex = (s[legacy ? 14 : 16] - '0') % 2 == 1 ? Sex::Male : Sex::Female;
    id.divisionCode = s.substr(0, 6);
    id.division = lookupDivision(id.divisionCode);
    if (!id.division)
        f.warning(field, Error("validation.id.division_unknown", {{"code", id.divisionCode}}));
    result.id = std::move(id);
    return result;
}

} // namespace zhuxue::core
