#include "divisions.hpp"

#include "divisions_table.hpp"

#include <algorithm>

namespace zhuxue::core {

namespace {
using detail::DivisionRow;

const DivisionRow* begin() {
    return detail::kDivisionRows;
}
const DivisionRow* end() {
    return detail::kDivisionRows + detail::kDivisionRowCount;
}

// First row with code >= `code`.
const DivisionRow* lowerBound(unsigned code) {
    return std::lower_bound(begin(), end(), code,
                            [](const DivisionRow& r, unsigned c) { return r.code < c; });
}
} // namespace

std::optional<Division> lookupDivision(std::string_view text) {
    if (text.size() != 6 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    unsigned code = 0;
    for (char c : text)
        code = code * 10 + static_cast<unsigned>(c - '0');

    auto name = [](std::uint16_t i) { return std::string_view(detail::kDivisionNames[i]); };
    const DivisionRow* row = lowerBound(code);
    if (row != end() && row->code == code)
        return Division{code, DivisionLevel::County, name(row->province), name(row->prefecture),
                        name(row->county)};
    // A prefecture (xxyy00) or province (xx0000) code: known when a county under it is.
    unsigned span = code % 10000 == 0 ? 10000 : (code % 100 == 0 ? 100 : 0);
    if (span == 0 || code % 1000000 == 0 || row == end() || row->code >= code + span)
        return std::nullopt;
    if (span == 10000)
        return Division{code, DivisionLevel::Province, name(row->province), {}, {}};
    return Division{
        code, DivisionLevel::Prefecture, name(row->province), name(row->prefecture), {}};
}

bool isKnownDivision(std::string_view code) {
    return lookupDivision(code).has_value();
}

std::size_t divisionCount() {
    return detail::kDivisionRowCount;
}

} // namespace zhuxue::core
