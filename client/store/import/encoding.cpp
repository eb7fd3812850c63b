#include "client/store/import/encoding.hpp"

#include "client/core/text/utf8.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iconv.h>

namespace zhuxue::import {

namespace {
std::string lineOf(std::string_view bytes, std::size_t offset) {
    return std::to_string(
        1 + std::count(bytes.begin(), bytes.begin() + std::min(offset, bytes.size()), '\n'));
}
} // namespace

Result<std::string> convertToUtf8(std::string_view bytes, const char* fromEncoding) {
    iconv_t cd = iconv_open("UTF-8", fromEncoding);
    if (cd == reinterpret_cast<iconv_t>(-1))
        return Error("import.encoding.unsupported", {{"encoding", fromEncoding}},
                     std::strerror(errno));
    std::string out;
    out.resize(bytes.size() * 3 / 2 + 16);
    char* in = const_cast<char*>(bytes.data()); // iconv's interface is not const-correct
    std::size_t inLeft = bytes.size();
    std::size_t used = 0;
    while (true) {
        char* dst = out.data() + used;
        std::size_t outLeft = out.size() - used;
        const std::size_t rc = iconv(cd, inLeft ? &in : nullptr, &inLeft, &dst, &outLeft);
        used = out.size() - outLeft;
        if (rc != static_cast<std::size_t>(-1) && inLeft == 0)
            break;
        if (rc == static_cast<std::size_t>(-1) && errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        // EILSEQ (a byte sequence that is not in this encoding) or EINVAL (cut off at the end)
        const std::size_t offset = bytes.size() - inLeft;
        iconv_close(cd);
        return Error("import.encoding.unknown", {{"row", lineOf(bytes, offset)}},
                     std::string(fromEncoding) + " conversion failed at byte " +
                         std::to_string(offset));
    }
    iconv_close(cd);
    out.resize(used);
    return out;
}

Result<DecodedText> decodeText(std::string_view bytes) {
    auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
    if (starts("\xEF\xBB\xBF")) {
        bytes.remove_prefix(3);
        if (std::size_t bad = text::firstInvalidUtf8(bytes); bad != std::string_view::npos)
            return Error("import.encoding.unknown", {{"row", lineOf(bytes, bad)}},
                         "invalid UTF-8 after a UTF-8 BOM");
        return DecodedText{std::string(bytes), "UTF-8 BOM"};
    }
    for (auto [bom, name] : {std::pair{std::string_view("\xFF\xFE", 2), "UTF-16LE"},
                             std::pair{std::string_view("\xFE\xFF", 2), "UTF-16BE"}}) {
        if (starts(bom)) {
            auto text = convertToUtf8(bytes.substr(2), name);
            if (!text)
                return text.error();
            return DecodedText{std::move(*text), name};
        }
    }
    if (text::isValidUtf8(bytes))
        return DecodedText{std::string(bytes), "UTF-8"};
    // Not UTF-8: what a Chinese Excel or WPS writes as "CSV" is GBK, a subset of GB18030.
    auto text = convertToUtf8(bytes, "GB18030");
    if (!text)
        return text.error();
    return DecodedText{std::move(*text), "GB18030"};
}

} // namespace zhuxue::import
