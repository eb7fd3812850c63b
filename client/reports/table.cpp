#include "table.hpp"

namespace zhuxue::reports {

std::string formatFen(int64_t fen, bool thousands) {
    bool negative = fen < 0;
    // Work in unsigned so INT64_MIN does not overflow on negation.
    uint64_t abs = negative ? uint64_t(0) - uint64_t(fen) : uint64_t(fen);
    // Built backwards, digit by digit, then reversed.
    char buf[40];
    size_t n = 0;
    buf[n++] = char('0' + abs % 10);
    buf[n++] = char('0' + (abs / 10) % 10);
    buf[n++] = '.';
    uint64_t yuan = abs / 100;
    int digits = 0;
    do {
        if (thousands && digits > 0 && digits % 3 == 0)
            buf[n++] = ',';
        buf[n++] = char('0' + yuan % 10);
        yuan /= 10;
        ++digits;
    } while (yuan > 0);
    if (negative)
        buf[n++] = '-';
    std::string out(buf, n);
    return std::string(out.rbegin(), out.rend());
}

std::string cellText(const Cell& cell, ColumnType type, bool thousands) {
    if (std::holds_alternative<std::string>(cell))
        return std::get<std::string>(cell);
    if (std::holds_alternative<int64_t>(cell)) {
        int64_t v = std::get<int64_t>(cell);
        return type == ColumnType::MoneyFen ? formatFen(v, thousands) : std::to_string(v);
    }
    return {};
}

std::u32string decodeUtf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + size_t(len) > s.size()) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        bool ok = true;
        for (int k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + size_t(k)]);
            if ((cc & 0xC0) != 0x80) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += size_t(len);
    }
    return out;
}

std::string encodeUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (char32_t cp : text) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

namespace {
bool isWide(char32_t cp) {
    // East Asian Wide and Fullwidth blocks that occur in names, places and our labels.
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}
} // namespace

int displayWidth(std::string_view utf8) {
    int w = 0;
    for (char32_t cp : decodeUtf8(utf8))
        w += isWide(cp) ? 2 : 1;
    return w;
}

} // namespace zhuxue::reports
