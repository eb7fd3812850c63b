#include "client/core/text/utf8.hpp"

namespace zhuxue::text {

std::optional<char32_t> decodeNext(std::string_view s, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    std::size_t len;
    char32_t cp;
    char32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++pos; // a stray continuation byte, C0/C1 or F5..FF: never valid
        return std::nullopt;
    }
    std::size_t i = 1;
    for (; i < len; ++i) {
        if (pos + i >= s.size() || (byte(pos + i) & 0xC0) != 0x80)
            break;
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    }
    if (i < len) {
        pos += i; // skip the lead and the continuation bytes that belonged to it
        return std::nullopt;
    }
    pos += len;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return std::nullopt;
    return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = kReplacementChar;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string encodeUtf8(char32_t cp) {
    std::string out;
    appendUtf8(out, cp);
    return out;
}

std::size_t firstInvalidUtf8(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        // ASCII runs are the common case in CSV files: skip them quickly.
        if (static_cast<unsigned char>(s[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const std::size_t start = pos;
        if (!decodeNext(s, pos))
            return start;
    }
    return std::string_view::npos;
}

bool isValidUtf8(std::string_view s) {
    return firstInvalidUtf8(s) == std::string_view::npos;
}

std::size_t countCodePoints(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t pos = 0; pos < s.size(); ++n)
        decodeNext(s, pos);
    return n;
}

std::vector<char32_t> toCodePoints(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();)
        out.push_back(decodeNext(s, pos).value_or(kReplacementChar));
    return out;
}

std::string fromCodePoints(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size() * 3);
    for (char32_t cp : cps)
        appendUtf8(out, cp);
    return out;
}

bool isHan(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK Unified Ideographs
           (cp >= 0x3400 && cp <= 0x4DBF) ||   // Extension A
           (cp >= 0xF900 && cp <= 0xFAFF) ||   // Compatibility Ideographs
           (cp >= 0x20000 && cp <= 0x3134F) || // Extensions B-H and supplements, planes 2-3
           cp == 0x3007;                       // 〇, used in names and dates
}

bool isSpaceLike(char32_t cp) {
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
           cp == 0xFEFF;
}

namespace {
template <class F> std::string mapCodePoints(std::string_view s, F&& f) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t start = pos;
        auto cp = decodeNext(s, pos);
        if (!cp) {
            out.append(s.substr(start, pos - start));
            continue;
        }
        f(out, *cp, s.substr(start, pos - start));
    }
    return out;
}

char32_t narrow(char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return cp - 0xFF01 + 0x21;
    if (cp == 0x3000)
        return ' ';
    return cp;
}
} // namespace

std::string normaliseWidth(std::string_view s) {
    return mapCodePoints(s, [](std::string& out, char32_t cp, std::string_view bytes) {
        char32_t n = narrow(cp);
        if (n == cp)
            out.append(bytes);
        else
            appendUtf8(out, n);
    });
}

std::string compactNumberInput(std::string_view s) {
    return mapCodePoints(s, [](std::string& out, char32_t cp, std::string_view bytes) {
        char32_t n = narrow(cp);
        if (isSpaceLike(n) || n == '-' || (n >= 0x2010 && n <= 0x2015) || n == 0x2212)
            return;
        if (n == cp)
            out.append(bytes);
        else
            appendUtf8(out, n);
    });
}

std::string_view trimSpace(std::string_view s) {
    std::size_t begin = 0;
    while (begin < s.size()) {
        std::size_t pos = begin;
        auto cp = decodeNext(s, pos);
        if (!cp || !isSpaceLike(*cp))
            break;
        begin = pos;
    }
    std::size_t end = s.size();
    while (end > begin) {
        // step back to the start of the last code point
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 &&
               end - start < 4)
            --start;
        std::size_t pos = start;
        auto cp = decodeNext(s, pos);
        if (!cp || pos != end || !isSpaceLike(*cp))
            break;
        end = start;
    }
    return s.substr(begin, end - begin);
}

} // namespace zhuxue::text
