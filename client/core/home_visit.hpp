#pragma once
// The home visit (家访) journey's rules, without I/O: the form a family's records fill in, its
// checks, and what saving it writes. Saving never rebuilds a record from the form: each record
// the visit read is copied and only the form's fields that the person changed are put into the
// copy, so a field the form does not show (a member's ID number, the student's phone) keeps its
// value; the store then writes the difference (store::Store::update).
#include "findings.hpp"
#include "records.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core {

// The family as the visit read it from the store.
struct VisitFamily {
    Student student;
    std::optional<Household> household;   // none when the student is not linked to one yet
    std::vector<HouseholdMember> members; // the household's members (the student's own row too)
};

// One row of the members table, as typed. `id` names the member it was read from (nil: added on
// this visit).
struct VisitMemberRow {
    Uuid id;
    std::string name, relation, birthYear, occupation, income, health;
    bool ableToWork = true, inSchool = false;
};

struct VisitForm {
    IsoDate date;
    VisitMethod method = VisitMethod::InPerson;
    std::string visitors; // "甲，乙" or "a, b"
    std::string present;
    std::string address;
    std::vector<VisitMemberRow> members; // the others: the student is counted once, as "plus one"
    std::string observations;
    HardshipLevel level = HardshipLevel::None;
};

// A member row of the student him- or herself: the same ID number, or relation "本人" with the
// student's name (lists from the demo county and some schools record the student as a member).
bool isTheStudent(const HouseholdMember& m, const Student& s);
VisitMemberRow memberRow(const HouseholdMember& m);
// The form as the family's records fill it in, dated `today`, `visitor` (the signed-in person)
// as the first visitor.
VisitForm visitFormFor(const VisitFamily& family, const IsoDate& today, const std::string& visitor);
// "甲，乙" / "a, b" -> each name, trimmed; empty names dropped.
std::vector<std::string> splitVisitors(std::string_view text);
// Income per head of the rows plus the student (rows whose income does not parse count 0).
Fen perCapitaIncome(const std::vector<VisitMemberRow>& rows);
// Date, at least one visitor, each row named, incomes and birth years that parse. Fields:
// visit.date, visit.visitors, members[i].
Findings checkVisitForm(const VisitForm& form);

// What one save writes. `household`, `student` and each member read from the store are the
// loaded records with the person's changes; the others are new.
struct VisitSave {
    Household household;
    bool newHousehold = false;
    Student student;
    std::vector<HouseholdMember> members;
    HomeVisit visit; // new, id made here
};
// The form must pass checkVisitForm. `incomesWithheld`: the person does not see stored incomes
// (a volunteer): the household's income and the visit's income per head are left for staff
// unless the household is new. The household's income follows the members' only when an income
// was typed, a member added or removed (or the household is new). The address typed is the
// student's and the household's when it was changed (or the household is new).
VisitSave planHomeVisit(const VisitFamily& loaded, const VisitForm& form, bool incomesWithheld);

} // namespace zhuxue::core
