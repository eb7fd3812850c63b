#include "line_break.hpp"

#include "utf8.hpp"

namespace zhuxue::text {

namespace {

// Characters set one per cell in Chinese text: a line may break on either side of them.
bool isWide(char32_t cp) {
    return cp >= 0x2E80 || (cp >= 0x2014 && cp <= 0x2026); // CJK, full-width forms; — ‘ ’ “ ” …
}

struct Glyph {
    std::size_t at, end; // bytes
    char32_t cp;
};

} // namespace

bool mayNotStartLine(char32_t cp) {
    switch (cp) {
    case U'，': case U'。': case U'、': case U'；': case U'：': case U'？': case U'！': case U'）':
    case U'》': case U'」': case U'』': case U'】': case U'〉': case U'”': case U'’': case U'…':
    case U'％': case U'·': case U'～': case U'〕': case U'］': case U'｝':
    case U',': case U'.': case U';': case U':': case U'?': case U'!': case U')': case U']':
    case U'}': case U'%':
        return true;
    default:
        return false;
    }
}

bool mayNotEndLine(char32_t cp) {
    switch (cp) {
    case U'（': case U'《': case U'「': case U'『': case U'【': case U'〈': case U'“': case U'‘':
    case U'〔': case U'［': case U'｛': case U'(': case U'[': case U'{':
        return true;
    default:
        return false;
    }
}

std::vector<std::string_view> breakLines(std::string_view text, float maxWidth,
                                         const std::function<float(char32_t)>& advance) {
    std::vector<std::string_view> lines;
    std::vector<Glyph> line; // glyphs of the line being filled
    float width = 0;
    auto emit = [&](std::size_t count) { // the first `count` glyphs become a line
        std::size_t n = count;
        while (n > 0 && line[n - 1].cp == U' ')
            --n; // spaces at the break are dropped
        if (n > 0)
            lines.push_back(text.substr(line[0].at, line[n - 1].end - line[0].at));
        else
            lines.push_back(text.substr(line.empty() ? 0 : line[0].at, 0));
        line.erase(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(count));
        while (!line.empty() && line[0].cp == U' ')
            line.erase(line.begin());
        width = 0;
        for (const auto& g : line)
            width += advance(g.cp);
    };
    // Whether a line may start at glyph i of the current line (between i-1 and i).
    auto breakBefore = [&](std::size_t i) {
        char32_t prev = line[i - 1].cp, cp = line[i].cp;
        if (mayNotStartLine(cp) || mayNotEndLine(prev))
            return false;
        return prev == U' ' || cp == U' ' || isWide(prev) || isWide(cp);
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t at = pos;
        char32_t cp = decodeNext(text, pos).value_or(kReplacementChar);
        if (cp == U'\n') {
            if (line.empty())
                lines.push_back(text.substr(at, 0));
            else
                emit(line.size());
            continue;
        }
        line.push_back({at, pos, cp});
        width += advance(cp);
        if (width <= maxWidth || line.size() < 2)
            continue;
        // The last glyph does not fit: break at the latest place the rules allow.
        std::size_t cut = 0;
        for (std::size_t i = line.size() - 1; i > 0; --i)
            if (breakBefore(i)) {
                cut = i;
                break;
            }
        emit(cut > 0 ? cut : line.size() - 1); // nothing allowed: cut the piece before this glyph
    }
    if (!line.empty())
        emit(line.size());
    return lines;
}

} // namespace zhuxue::text
