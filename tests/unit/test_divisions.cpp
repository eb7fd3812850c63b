// The division-code table compiled in from python3-stdnum's loc.dat.
#include "client/core/divisions.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <string>

using namespace zhuxue::core;

TEST_CASE("the whole county-level list is compiled in") {
    // Count the source file's code lines independently of the generator.
    std::ifstream in("/usr/lib/python3/dist-packages/stdnum/cn/loc.dat");
    REQUIRE(in);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] >= '0' && line[0] <= '9')
            ++lines;
    CHECK(lines > 3000);
    CHECK(divisionCount() == lines);
}

TEST_CASE("county codes give province, prefecture and county names") {
    auto zigui = lookupDivision("420527");
    REQUIRE(zigui);
    CHECK(zigui->level == DivisionLevel::County);
    CHECK(zigui->province == "湖北省");
    CHECK(zigui->prefecture == "宜昌市");
    CHECK(zigui->county == "秭归县");
    CHECK(lookupDivision("110105")->county == "朝阳区");
}

TEST_CASE("historical codes are known: an ID keeps the code of the place that issued it") {
    auto chongwen = lookupDivision("110103"); // 崇文区, merged into 东城区 in 2010
    REQUIRE(chongwen);
    CHECK(chongwen->county == "崇文区");
}

TEST_CASE("prefecture and province codes are known when counties under them are") {
    auto yichang = lookupDivision("420500");
    REQUIRE(yichang);
    CHECK(yichang->level == DivisionLevel::Prefecture);
    CHECK(yichang->prefecture == "宜昌市");
    CHECK(yichang->county.empty());
    auto hubei = lookupDivision("420000");
    REQUIRE(hubei);
    CHECK(hubei->level == DivisionLevel::Province);
    CHECK(hubei->province == "湖北省");
}

TEST_CASE("unknown or malformed codes are not known") {
    CHECK_FALSE(isKnownDivision("340524"));
    CHECK_FALSE(isKnownDivision("999999"));
    CHECK_FALSE(isKnownDivision("000000"));
    CHECK_FALSE(isKnownDivision("990000"));
    CHECK_FALSE(isKnownDivision("42052"));
    CHECK_FALSE(isKnownDivision("4205271"));
    CHECK_FALSE(isKnownDivision("42O527"));
}
