#pragma once
// Roster rows for the reports tests and benchmarks: a small hand-made county whose figures the
// tests check by hand, and a generated one of any size. Townships, villages and schools are
// plausible inventions (not real divisions); ID numbers carry valid check digits in shape only
// where a test needs them.
#include "client/reports/roster_row.hpp"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace zhuxue::test {

inline reports::RosterRow rosterRow(std::string township, std::string village, std::string school,
                                    std::string name, std::string birth, Fen amount,
                                    std::string programme = "家庭经济困难学生认定") {
    reports::RosterRow r;
    r.county = "秭归县";
    r.township = std::move(township);
    r.village = std::move(village);
    r.school = std::move(school);
    r.grade = "高三";
    r.className = "2班";
    r.name = std::move(name);
    r.birthDate = std::move(birth);
    r.programme = std::move(programme);
    r.year = 2025;
    r.status = "reviewed"; // an assessment whose review is finished (a public notice lists it)
    r.level = HardshipLevel::Fairly;
    r.amountFen = amount;
    r.idNumber = "42052719950101" + std::to_string(1000 + amount % 9000).substr(0, 4);
    r.address = r.township + r.village + "三组 18 号";
    r.phone = "13907170000";
    r.bankAccount = "6217000010001234567";
    r.incomeFen = 1234500;
    r.priorityGroups = {"城乡低保"};
    r.health = "母亲长期患病";
    r.narrative = "父亲务农，家中三人上学";
    return r;
}

// A generated county: `n` rows over 12 townships, 5 villages each, 3 schools per township.
inline std::vector<reports::RosterRow> generatedRows(size_t n, unsigned seed = 7) {
    static const char* townships[] = {"茅坪镇", "归州镇", "屈原镇", "水田坝乡", "泄滩乡", "梅家河乡",
                                      "磨坪乡", "郭家坝镇", "杨林桥镇", "九畹溪镇", "两河口镇", "沙镇溪镇"};
    static const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "欧阳", "𪚥"};
    static const char* given[] = {"一", "子涵", "浩然", "欣怡", "梓萱", "宇轩", "龘", "秭", "俊杰", "雨桐"};
    static const char* programmes[] = {"家庭经济困难学生认定", "生源地信用助学贷款", "免学费"};
    static const char* statuses[] = {"pre_application", "applied", "contract_pre_signed", "disbursed"};
    std::mt19937 rng(seed);
    std::vector<reports::RosterRow> rows;
    rows.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        size_t t = rng() % 12;
        std::string township = townships[t];
        std::string village = township.substr(0, township.size() - 3) + std::to_string(rng() % 5 + 1) + "村";
        std::string school = township.substr(0, township.size() - 3) + (rng() % 3 == 0 ? "初级中学" : "中心学校");
        std::string name = std::string(surnames[rng() % 12]) + given[rng() % 10] + given[rng() % 10];
        char birth[16];
        std::snprintf(birth, sizeof birth, "%04u-%02u-%02u", 2005 + unsigned(rng() % 8), 1 + unsigned(rng() % 12),
                      1 + unsigned(rng() % 28));
        auto r = rosterRow(township, village, school, name, birth, Fen(100000 + (rng() % 100) * 10000),
                           programmes[rng() % 3]);
        r.status = statuses[rng() % 4];
        r.level = HardshipLevel(1 + rng() % 3);
        bool loan = r.programme == std::string("生源地信用助学贷款");
        r.preApplied = loan && rng() % 4 != 0;
        r.contractSigned = loan && (r.status == std::string("contract_pre_signed") || r.status == std::string("disbursed"));
        if (r.contractSigned) {
            char date[16];
            std::snprintf(date, sizeof date, "2025-%02u-%02u", 7 + unsigned(rng() % 3), 1 + unsigned(rng() % 28));
            r.signingDate = date;
            r.contractNumber = "4205272025" + std::to_string(100000 + i);
            r.applicationKind = rng() % 3 ? ApplicationKind::FirstLoan : ApplicationKind::Renewal;
            r.termYears = 15 + int(rng() % 6);
        }
        r.grade = std::string("高") + (rng() % 2 ? "二" : "三");
        r.className = std::to_string(1 + rng() % 8) + "班";
        rows.push_back(std::move(r));
    }
    return rows;
}

} // namespace zhuxue::test
