#pragma once
// Text files from schools arrive as UTF-8 (with or without BOM), as GB18030/GBK (what Excel
// and WPS save as "CSV" on a Chinese Windows), or as UTF-16 ("Unicode text"). This turns any of
// them into UTF-8, converting with glibc's iconv.
#include "client/core/result.hpp"

#include <string>
#include <string_view>

namespace zhuxue::import {

struct DecodedText {
    std::string text;     // UTF-8, without a BOM
    std::string encoding; // "UTF-8", "UTF-8 BOM", "UTF-16LE", "UTF-16BE" or "GB18030"
};

// Error key import.encoding.unknown (args: row, the line of the first byte no encoding accepts)
// when the bytes are neither UTF-8 nor GB18030.
Result<DecodedText> decodeText(std::string_view bytes);

// Converts with iconv; error key import.encoding.unknown with the offending line.
Result<std::string> convertToUtf8(std::string_view bytes, const char* fromEncoding);

} // namespace zhuxue::import
