#pragma once
// Partly masked names for public notices, where a county chooses it: 张三丰 → 张*丰,
// 张三 → 张*, 欧阳娜娜 → 欧**娜. Works on code points, so a surname or given name outside the
// BMP (𪚥) is kept or masked whole, never cut in half.
#include <string>
#include <string_view>

namespace zhuxue::reports {

enum class NameMask {
    None,   // 张三丰
    Middle, // 张*丰, 张* (two characters keep the surname only)
};

std::string maskName(std::string_view name, NameMask mask);

} // namespace zhuxue::reports
