#include "masking.hpp"

namespace zhuxue::ui {

std::string maskIdNumber(const std::string& id) {
    if (id.size() < 11)
        return std::string(id.size(), '*');
    return id.substr(0, 6) + std::string(id.size() - 10, '*') + id.substr(id.size() - 4);
}

std::string maskCard(const std::string& card) {
    std::string digits;
    for (char c : card)
        if (c != ' ' && c != '-')
            digits += c;
    if (digits.empty())
        return {};
    if (digits.size() <= 4)
        return std::string(digits.size(), '*');
    return "**** " + digits.substr(digits.size() - 4);
}

} // namespace zhuxue::ui
