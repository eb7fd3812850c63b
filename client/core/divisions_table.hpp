#pragma once
// Layout of the generated division table (see tools/gen_divisions.py). Internal to divisions.cpp.
#include <cstddef>
#include <cstdint>

namespace zhuxue::core::detail {

struct DivisionRow {
    std::uint32_t code;     // six-digit county-level code
    std::uint16_t province; // indexes into kDivisionNames
    std::uint16_t prefecture;
    std::uint16_t county;
};

extern const char* const kDivisionNames[];
extern const DivisionRow kDivisionRows[]; // sorted by code
extern const std::size_t kDivisionRowCount;

} // namespace zhuxue::core::detail
