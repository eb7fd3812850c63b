// Chinese line breaking (标点禁则) as the kiosk and staff screens wrap text: no line starts with
// closing punctuation (the kiosk's consent step once showed a lone "。" on its own line), none
// ends with opening punctuation, Latin words and numbers stay whole, '\n' is kept.
#include "client/core/text/line_break.hpp"
#include "client/core/text/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace zhuxue::text;

namespace {
// One unit per Chinese character or full-width sign, half a unit per ASCII character.
float cell(char32_t cp) { return cp < 0x80 ? 0.5f : 1.0f; }

std::vector<std::string> lines(std::string_view text, float width) {
    std::vector<std::string> out;
    for (auto l : breakLines(text, width, cell))
        out.emplace_back(l);
    return out;
}
} // namespace

TEST_CASE("a full stop that does not fit takes the character before it along") {
    // Seven cells wide: "。" does not fit after "按钮" and may not start a line: "钮。" moves down.
    auto l = lines("同意后再点按钮。", 7);
    REQUIRE(l.size() == 2);
    CHECK(l[0] == "同意后再点按");
    CHECK(l[1] == "钮。");
    for (const auto& s : lines("接下来要填写身份证号、电话等信息。请学生和共同借款人各自读完下面的说明，同意后再点自己的按钮。", 9)) {
        std::size_t pos = 0;
        auto first = decodeNext(s, pos);
        REQUIRE(first.has_value());
        CHECK_MESSAGE(!mayNotStartLine(*first), s);
    }
}

TEST_CASE("opening punctuation stays with what follows it") {
    auto l = lines("请带好户口簿（原件）", 6);
    REQUIRE(l.size() == 2);
    CHECK(l[0] == "请带好户口簿");
    CHECK(l[1] == "（原件）");
    auto m = lines("请带好户口本（原件）", 7);
    REQUIRE(m.size() == 2);
    CHECK(m[0] == "请带好户口本"); // "（" would end the line: it moves down
    CHECK(m[1] == "（原件）");
}

TEST_CASE("Latin words and numbers are not cut; spaces at a break are dropped") {
    auto l = lines("合同利率 2.80% per year", 7);
    for (const auto& s : l) {
        CHECK(s.front() != ' ');
        CHECK(s.back() != ' ');
    }
    std::string joined;
    for (const auto& s : l)
        joined += s + "|";
    CHECK(joined.find("2.80%") != std::string::npos);
    CHECK(joined.find("year") != std::string::npos);
    // A word longer than a line is cut, rather than overflow for ever.
    auto long_ = lines("abcdefghij", 2);
    CHECK(long_.size() == 3);
}

TEST_CASE("new lines are kept, blank lines too, and short text is one line") {
    CHECK(lines("一、记录\n\n二、用途", 20) == std::vector<std::string>{"一、记录", "", "二、用途"});
    CHECK(lines("好", 20) == std::vector<std::string>{"好"});
    CHECK(lines("", 20).empty());
}
