#pragma once
// The raw material of the demo county: people's names (rare characters included, some outside
// the BMP), invented township and village names, schools, universities and majors.
// Township and village names are inventions (演示数据，乡镇村为虚构); county names and codes are
// real, from the compiled GB/T 2260 table.
#include "client/core/records.hpp"
#include "client/store/demo/demo_rng.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::demo {

inline constexpr std::string_view kDemoNotice = "演示数据，乡镇村为虚构";

struct Township {
    std::string name;
    std::vector<std::string> villages;
};

// 8-14 invented townships (镇/乡) of 6-16 villages each; distinct names, the same for a seed.
std::vector<Township> inventTownships(DemoRng& rng);

// "王𪚥", "欧阳晓燕", ...: a surname (weighted by frequency, polyphone surnames such as 单 曾 解
// and compound ones included) and a one- or two-character given name; about one in a hundred names
// has a rare character, a third of those outside the BMP.
std::string personName(DemoRng& rng, Gender gender);
// A given name only, for a sibling or parent sharing the family name.
std::string givenName(DemoRng& rng, Gender gender);
std::string surname(DemoRng& rng);

struct University {
    std::string_view name;
    StudyLevel level;
};
const std::vector<University>& universities();
// A major and its programme length (学制) for a study level.
std::pair<std::string_view, int> major(DemoRng& rng, StudyLevel level);
// The county's high schools, named after it ("秭归县第一中学", ...).
std::vector<std::string> highSchools(std::string_view countyName);

// An 11-digit mobile number on a common carrier prefix.
std::string mobile(DemoRng& rng);
// A 19-digit UnionPay card number (62...) with a valid Luhn digit.
std::string bankCard(DemoRng& rng);

} // namespace zhuxue::demo
