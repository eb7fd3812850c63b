#include "client/store/import/sheet.hpp"

#include <algorithm>

namespace zhuxue::import {

bool SheetRow::blank() const {
    return std::all_of(cells.begin(), cells.end(), [](const Cell& c) { return c.text.empty(); });
}

std::string columnLetters(std::size_t column) {
    std::string out;
    for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26)
        out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
    return out;
}

std::size_t columnFromReference(std::string_view ref) {
    std::size_t n = 0, letters = 0;
    for (char ch : ref) {
        if (ch >= 'a' && ch <= 'z')
            ch = static_cast<char>(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z')
            break;
        n = n * 26 + static_cast<std::size_t>(ch - 'A' + 1);
        if (++letters > 3)
            return std::string_view::npos; // Excel stops at XFD (16384 columns)
    }
    if (letters == 0 || n > 16384)
        return std::string_view::npos;
    return n - 1;
}

} // namespace zhuxue::import
