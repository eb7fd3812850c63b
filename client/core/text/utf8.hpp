#pragma once
// UTF-8 helpers: strict decoding (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), encoding, counting, and clean-up of what people type or paste into ID and phone
// fields (full-width digits from a Chinese input method, ideographic spaces, dashes).
// Pure functions, no locale.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at pos and moves pos past it. On an invalid sequence returns
// nullopt and moves pos past the offending bytes (at least one), so a loop always ends.
std::optional<char32_t> decodeNext(std::string_view s, std::size_t& pos);

// Appends the UTF-8 form of cp; surrogates and values above U+10FFFF become U+FFFD.
void appendUtf8(std::string& out, char32_t cp);
std::string encodeUtf8(char32_t cp);

bool isValidUtf8(std::string_view s);
// Byte offset of the first invalid sequence, or std::string_view::npos when s is valid.
std::size_t firstInvalidUtf8(std::string_view s);

// Number of code points (an invalid sequence counts as one).
std::size_t countCodePoints(std::string_view s);
// The code points of s; invalid sequences become U+FFFD.
std::vector<char32_t> toCodePoints(std::string_view s);
std::string fromCodePoints(const std::vector<char32_t>& cps);

// CJK unified ideographs (BMP blocks, extension A and the supplementary planes 2 and 3) and
// compatibility ideographs: the characters a Chinese name is made of.
bool isHan(char32_t cp);
// Whitespace as it appears in pasted text: ASCII, NBSP, U+2000-U+200B, ideographic space, BOM.
bool isSpaceLike(char32_t cp);

// Full-width ASCII forms (U+FF01-U+FF5E, e.g. "１３８" or "ｘ") become ASCII and the ideographic
// space U+3000 a plain space; everything else, Chinese included, is kept byte for byte.
// Invalid sequences are kept as they are, so validation can still point at them.
std::string normaliseWidth(std::string_view s);
// For ID numbers, phones and bank cards as typed: normaliseWidth, then drop whitespace of every
// kind and dashes ("138-0000 0000", "４２０５２７…"). Letters keep their case.
std::string compactNumberInput(std::string_view s);
// Drops space-like characters (see isSpaceLike) at both ends.
std::string_view trimSpace(std::string_view s);

} // namespace zhuxue::text
