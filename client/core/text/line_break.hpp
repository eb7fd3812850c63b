#pragma once
// Where a paragraph of Chinese (and mixed Chinese and Latin) text is broken into lines, by the
// usual Chinese rules (标点禁则): a line may break between any two Chinese characters and at
// spaces, never inside a Latin word or number that fits on a line, never before closing
// punctuation (，。、；：？！）》」” …) and never after opening punctuation (（《「“). When the
// character that does not fit may not start a line, the character before it moves down with it,
// so a lone "。" never sits on a line of its own. Pure function, no fonts: widths come from the
// caller.
#include <functional>
#include <string_view>
#include <vector>

namespace zhuxue::text {

// Lines of `text` no wider than maxWidth (a single unbreakable piece wider than that gets a line
// of its own and is cut only where nothing else is possible). '\n' always ends a line. Spaces at
// a break are dropped. The lines are views into `text`.
std::vector<std::string_view> breakLines(std::string_view text, float maxWidth,
                                         const std::function<float(char32_t)>& advance);

bool mayNotStartLine(char32_t cp); // closing punctuation
bool mayNotEndLine(char32_t cp);   // opening punctuation

} // namespace zhuxue::text
