#pragma once
// Administrative division codes (GB/T 2260): province (2 digits) + prefecture (2) + county (2).
// The county-level list, current and historical (3,377 codes with names), comes from Debian's
// python3-stdnum (stdnum/cn/loc.dat) and is compiled in at build time. A resident ID keeps the
// code of the place that issued it even after divisions change, so lookups include codes that no
// longer exist; a code missing here may still be genuine (the list is not complete), which is why
// callers warn rather than reject.
#include <cstddef>
#include <optional>
#include <string_view>

namespace zhuxue::core {

enum class DivisionLevel { Province, Prefecture, County };

struct Division {
    unsigned code = 0; // e.g. 420527
    DivisionLevel level = DivisionLevel::County;
    std::string_view province;   // 湖北省
    std::string_view prefecture; // 宜昌市 (empty for a province-level code)
    std::string_view county;     // 秭归县 (empty above county level)
};

// Looks up a six-digit code. "420527" → county; "420500" → prefecture when counties under it are
// known; "420000" → province likewise. Nullopt for anything else, including malformed input.
std::optional<Division> lookupDivision(std::string_view code);
bool isKnownDivision(std::string_view code);
// Number of county-level codes in the compiled table.
std::size_t divisionCount();

} // namespace zhuxue::core
