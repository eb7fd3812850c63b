#include "log_scrub.hpp"

namespace zhuxue::store::crypto {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool personArg(std::string_view key) {
    auto endsWith = [&](std::string_view s) {
        return key.size() >= s.size() && key.substr(key.size() - s.size()) == s;
    };
    return key == "name" || endsWith("_name") || key == "student" || key == "co_borrower" ||
           key == "member" || key == "user_name";
}

} // namespace

std::string scrubForLog(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        // A "+86" prefix belongs to the number that follows it.
        std::size_t start = i;
        std::size_t j = i;
        if (text[j] == '+' && text.substr(j, 3) == "+86")
            j += 3;
        if (j >= text.size() || !isDigit(text[j]) || (j == i && i > 0 && isDigit(text[i - 1]))) {
            out += text[i++];
            continue;
        }
        // The run: digits, single '-' or ' ' between digits, optionally a final X/x.
        std::string digits;
        std::size_t end = j;
        while (end < text.size()) {
            if (isDigit(text[end])) {
                digits += text[end++];
            } else if ((text[end] == '-' || text[end] == ' ') && end + 1 < text.size() &&
                       isDigit(text[end + 1]) && !digits.empty()) {
                ++end;
            } else {
                break;
            }
        }
        bool idTail = end < text.size() && (text[end] == 'X' || text[end] == 'x') &&
                      digits.size() == 17;
        if (idTail) {
            digits += 'X';
            ++end;
        }
        std::string_view core = digits;
        if (core.substr(0, 2) == "86" && text.substr(start, 3) != "+86" && core.size() == 13)
            core.remove_prefix(2);
        if (core.substr(0, 4) == "0086" && core.size() == 15)
            core.remove_prefix(4);
        const bool mobile = core.size() == 11 && core[0] == '1' && core[1] >= '3' && core[1] <= '9';
        const bool longNumber = digits.size() >= 15 && digits.size() <= 19;
        if (mobile || longNumber) {
            out += kScrubbed;
        } else {
            out.append(text.substr(start, end - start));
        }
        i = end;
    }
    return out;
}

Error scrubForLog(const Error& error) {
    Error e = error;
    for (auto& [key, value] : e.args)
        value = personArg(key) ? std::string(kScrubbed) : scrubForLog(value);
    e.detail = scrubForLog(e.detail);
    return e;
}

} // namespace zhuxue::store::crypto
