#include "client/core/text/pinyin.hpp"

#include "client/core/text/pinyin_table.hpp"
#include "client/core/text/utf8.hpp"

#include <algorithm>
#include <queue>
#include <set>
#include <utility>

namespace zhuxue::text {

namespace {

std::string_view syllable(std::uint16_t index) {
    return std::string_view(detail::kSyllables + detail::kSyllableOffsets[index]);
}

// Surnames read differently from the character's customary reading. Hand-written from common
// knowledge of 百家姓 usage; each entry only reorders (or adds) a reading, nothing is removed.
struct Surname {
    std::u32string_view chars;
    std::string_view readings[2];
};
constexpr Surname kSurnames[] = {
    // compound surnames first: they win over a single-character match
    {U"尉迟", {"yu", "chi"}},  {U"万俟", {"mo", "qi"}},
    {U"单于", {"chan", "yu"}}, {U"长孙", {"zhang", "sun"}},
    {U"澹台", {"tan", "tai"}}, {U"乐正", {"yue", "zheng"}},
    {U"单", {"shan"}},         {U"曾", {"zeng"}},
    {U"解", {"xie"}},          {U"区", {"ou"}},
    {U"仇", {"qiu"}},          {U"朴", {"piao"}},
    {U"查", {"zha"}},          {U"盖", {"ge"}},
    {U"缪", {"miao"}},         {U"覃", {"qin"}},
    {U"召", {"shao"}},         {U"繁", {"po"}},
    {U"员", {"yun"}},          {U"翟", {"zhai"}},
    {U"黑", {"he"}},           {U"种", {"chong"}},
    {U"秘", {"bi"}},           {U"隗", {"wei"}},
    {U"牟", {"mu"}},           {U"宓", {"mi"}},
    {U"折", {"she"}},          {U"句", {"gou"}},
    {U"谌", {"chen"}},         {U"冼", {"xian"}},
    {U"洗", {"xian"}},         {U"阚", {"kan"}},
    {U"那", {"na"}},           {U"晟", {"cheng"}},
    {U"柏", {"bai"}},          {U"藏", {"zang"}},
    {U"祭", {"zhai"}},         {U"佴", {"nai"}},
    {U"乐", {"yue"}},          {U"重", {"chong"}},
    {U"尉", {"wei"}},          {U"长", {"chang"}},
    {U"蔚", {"yu"}},           {U"都", {"du"}},
    {U"行", {"xing"}},         {U"角", {"jue"}},
    {U"薄", {"bo"}},           {U"石", {"shi"}},
    {U"沈", {"shen"}},         {U"华", {"hua"}},
    {U"任", {"ren"}},          {U"纪", {"ji"}},
    {U"过", {"guo"}},          {U"叶", {"ye"}},
    {U"贾", {"jia"}},          {U"相", {"xiang"}},
    {U"卜", {"bu"}},           {U"和", {"he"}},
    {U"车", {"che"}},          {U"燕", {"yan"}},
    {U"郇", {"huan"}},
};

// Characters whose Unihan customary reading (kMandarin) is the rarer one in names and places:
// 长 is zhang in kMandarin, but chang in 长阳, 长江, 长春 and most given names.
struct Preferred {
    char32_t cp;
    std::string_view reading;
};
constexpr Preferred kPreferred[] = {{U'长', "chang"}};

// One position of the text: either a character's readings or a literal ASCII run.
struct Slot {
    std::vector<std::string_view> readings; // Han: readings, customary first
    std::string literal;                    // ASCII letters/digits, lower-cased
};

char32_t narrowAscii(char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp = cp - 0xFF01 + 0x21;
    if (cp >= 'A' && cp <= 'Z')
        cp = cp - 'A' + 'a';
    return cp;
}

bool isAsciiAlnum(char32_t cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
}

void preferFirst(std::vector<std::string_view>& readings, std::string_view wanted) {
    auto it = std::find(readings.begin(), readings.end(), wanted);
    if (it == readings.end())
        readings.insert(readings.begin(), wanted);
    else
        std::rotate(readings.begin(), it, it + 1);
}

std::vector<Slot> slotsOf(std::string_view utf8, bool personalName) {
    std::vector<char32_t> cps;
    for (std::size_t pos = 0; pos < utf8.size();)
        if (auto cp = decodeNext(utf8, pos))
            cps.push_back(narrowAscii(*cp));

    std::vector<Slot> slots;
    bool firstHan = true;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const char32_t cp = cps[i];
        if (isAsciiAlnum(cp)) {
            if (slots.empty() || slots.back().literal.empty())
                slots.emplace_back();
            slots.back().literal += static_cast<char>(cp);
            continue;
        }
        auto readings = pinyinReadings(cp);
        if (readings.empty()) {
            if (!slots.empty() && !slots.back().literal.empty())
                slots.emplace_back(); // a separator ends the ASCII run
            continue;
        }
        if (personalName && firstHan) {
            firstHan = false;
            const Surname* surname = nullptr;
            for (const Surname& s : kSurnames) {
                const std::size_t n = s.chars.size();
                if (i + n <= cps.size() &&
                    std::equal(s.chars.begin(), s.chars.end(), cps.begin() + i)) {
                    surname = &s;
                    break;
                }
            }
            if (surname) {
                for (std::size_t k = 0; k < surname->chars.size(); ++k) {
                    auto r = pinyinReadings(cps[i + k]);
                    preferFirst(r, surname->readings[k]);
                    slots.push_back(Slot{std::move(r), {}});
                }
                i += surname->chars.size() - 1;
                continue;
            }
        }
        firstHan = false;
        slots.push_back(Slot{std::move(readings), {}});
    }
    std::erase_if(slots, [](const Slot& s) { return s.readings.empty() && s.literal.empty(); });
    return slots;
}

// The likeliest combinations of readings: best-first by how many steps away from the customary
// readings they are (sum of the chosen indices), ties broken left to right.
std::vector<std::vector<std::uint8_t>> bestCombinations(const std::vector<Slot>& slots,
                                                        std::size_t cap) {
    using Choice = std::vector<std::uint8_t>;
    auto cost = [](const Choice& c) {
        unsigned sum = 0;
        for (auto v : c)
            sum += v;
        return sum;
    };
    auto worse = [&](const Choice& a, const Choice& b) {
        const unsigned ca = cost(a), cb = cost(b);
        return ca != cb ? ca > cb : a > b;
    };
    std::priority_queue<Choice, std::vector<Choice>, decltype(worse)> queue(worse);
    std::set<Choice> seen;
    Choice start(slots.size(), 0);
    queue.push(start);
    seen.insert(start);
    std::vector<Choice> out;
    while (!queue.empty() && out.size() < cap) {
        Choice c = queue.top();
        queue.pop();
        for (std::size_t i = 0; i < c.size(); ++i) {
            const std::size_t options = slots[i].literal.empty() ? slots[i].readings.size() : 1;
            if (c[i] + 1u >= options || c[i] == 255)
                continue;
            Choice next = c;
            ++next[i];
            if (seen.insert(next).second)
                queue.push(std::move(next));
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

std::vector<std::string_view> pinyinReadings(char32_t cp) {
    std::vector<std::string_view> out;
    const auto* begin = detail::kCodePoints;
    const auto* end = begin + detail::kCodePointCount;
    const auto* it = std::lower_bound(begin, end, static_cast<std::uint32_t>(cp));
    if (it == end || *it != cp)
        return out;
    out.push_back(syllable(detail::kPrimary[it - begin]));
    const auto* xbegin = detail::kExtraCodePoints;
    const auto* xend = xbegin + detail::kExtraCount;
    const auto* x = std::lower_bound(xbegin, xend, static_cast<std::uint32_t>(cp));
    if (x != xend && *x == cp) {
        const std::size_t k = x - xbegin;
        for (auto r = detail::kExtraStart[k]; r < detail::kExtraStart[k + 1]; ++r)
            out.push_back(syllable(detail::kExtraReadings[r]));
    }
    for (const Preferred& p : kPreferred)
        if (p.cp == cp)
            preferFirst(out, p.reading);
    return out;
}

std::vector<std::string> pinyinKeys(std::string_view utf8, const PinyinOptions& options) {
    const std::vector<Slot> slots = slotsOf(utf8, options.personalName);
    std::vector<std::string> out;
    if (slots.empty() || options.maxCombinations == 0)
        return out;
    const auto combos = bestCombinations(slots, options.maxCombinations);
    std::vector<std::string> initials;
    for (const auto& choice : combos) {
        std::string full, init;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (!slots[i].literal.empty()) {
                full += slots[i].literal;
                init += slots[i].literal;
            } else {
                std::string_view r = slots[i].readings[choice[i]];
                full += r;
                init += r.front();
            }
        }
        if (std::find(out.begin(), out.end(), full) == out.end())
            out.push_back(std::move(full));
        if (std::find(initials.begin(), initials.end(), init) == initials.end())
            initials.push_back(std::move(init));
    }
    for (auto& i : initials)
        if (std::find(out.begin(), out.end(), i) == out.end())
            out.push_back(std::move(i));
    return out;
}

std::string pinyinSortKey(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size() * 2);
    for (std::size_t pos = 0; pos < utf8.size();) {
        const std::size_t start = pos;
        auto cp = decodeNext(utf8, pos);
        if (!cp)
            continue;
        auto readings = pinyinReadings(*cp);
        if (!readings.empty()) {
            out += readings.front();
        } else {
            const char32_t n = narrowAscii(*cp);
            if (n != *cp)
                appendUtf8(out, n);
            else
                out.append(utf8.substr(start, pos - start));
        }
    }
    return out;
}

} // namespace zhuxue::text
