#pragma once
// One person on a roster: what the store's queries hand to the roster builder. Flat on purpose
// (the builder groups, sorts and counts), with the sensitive fields kept apart so a public
// roster can be checked against them by name.
#include "client/core/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zhuxue::reports {

struct RosterRow {
    // Where: the grouping levels, outermost first.
    std::string county;   // county name, e.g. "秭归县"
    std::string countyCode; // GB/T 2260, e.g. "420527" (audit entries name it)
    std::string township; // 乡镇
    std::string village;  // 村（社区）
    std::string school;   // school or unit
    std::string grade;    // 年级, e.g. "高三" or "2025级"
    std::string className; // 班级

    std::string name;
    std::string studentKey; // the student's record id: counts people (a student has a row per
                            // application), never printed
    IsoDate birthDate; // decides the under-14 rule of public notices
    std::string programme; // 资助项目, e.g. "生源地信用助学贷款", "国家助学金"
    int year = 0;          // school year (autumn), e.g. 2025
    std::string status;    // LoanStatus code (toCode) or the programme's own status code
    HardshipLevel level = HardshipLevel::None;
    Fen amountFen = 0;

    // Loan progress (pre-application and daily contract rosters).
    bool preApplied = false;
    bool contractSigned = false;
    IsoDate signingDate;
    std::string contractNumber;
    ApplicationKind applicationKind = ApplicationKind::PreApplication;
    int termYears = 0;
    bool signedByProxy = false;

    // Sensitive (PIPL): never on a public roster.
    std::string idNumber;
    std::string address;
    std::string phone;
    std::string bankAccount;
    std::optional<Fen> incomeFen;
    std::vector<std::string> priorityGroups;
    std::string health;
    std::string narrative;
    std::string photo;
};

// Which rows a roster covers; an empty field matches everything.
struct RosterFilter {
    int year = 0;
    std::string programme;
    std::vector<std::string> statuses; // status codes
    std::optional<HardshipLevel> level;
    std::string township;
    std::string school;
    IsoDate signingDate; // the daily contract roster's day
};

bool matches(const RosterFilter& filter, const RosterRow& row);

} // namespace zhuxue::reports
