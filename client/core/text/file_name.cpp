#include "file_name.hpp"
#include "utf8.hpp"

#include <cctype>

namespace zhuxue::text {

std::string fileNamePart(std::string_view text, std::size_t maxBytes) {
    std::string out;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t start = pos;
        auto cp = decodeNext(text, pos);
        std::string piece;
        if (!cp || *cp < 0x20 || *cp == 0x7f)
            piece = "_";
        else if (*cp < 0x80)
            piece = (std::isalnum(static_cast<unsigned char>(*cp)) || *cp == '-' || *cp == '_')
                        ? std::string(1, static_cast<char>(*cp))
                        : std::string("_");
        else
            piece = std::string(text.substr(start, pos - start));
        if (out.size() + piece.size() > maxBytes)
            break;
        out += piece;
    }
    return out.empty() ? std::string("_") : out;
}

} // namespace zhuxue::text
