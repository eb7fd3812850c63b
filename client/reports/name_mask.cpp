#include "name_mask.hpp"

#include "table.hpp"

namespace zhuxue::reports {

std::string maskName(std::string_view name, NameMask mask) {
    if (mask == NameMask::None)
        return std::string(name);
    std::u32string cps = decodeUtf8(name);
    if (cps.size() <= 1)
        return std::string(name);
    std::u32string out;
    out.push_back(cps.front());
    if (cps.size() == 2) {
        out.push_back(U'*');
    } else {
        out.append(cps.size() - 2, U'*');
        out.push_back(cps.back());
    }
    return encodeUtf8(out);
}

} // namespace zhuxue::reports
