#pragma once
// Text typed by people (a contract number, a name) made safe as one part of a file name: it can
// never name another directory ("../", "/", "\"), a hidden file, or carry control characters.
#include <string>
#include <string_view>

namespace zhuxue::text {

// Keeps ASCII letters and digits, '-' and '_', and every non-ASCII character (Chinese is a fine
// file name); any other byte, and each invalid UTF-8 sequence, becomes '_'. At most `maxBytes`
// bytes, cut at a character boundary; "_" when nothing is left.
std::string fileNamePart(std::string_view text, std::size_t maxBytes = 100);

} // namespace zhuxue::text
