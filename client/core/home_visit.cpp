#include "home_visit.hpp"

#include "date.hpp"
#include "money.hpp"
#include "resident_id.hpp"

#include <algorithm>

namespace zhuxue::core {

namespace {
std::string incomeText(Fen f) {
    return formatMoney(f, {.grouping = false, .alwaysCents = false});
}

Fen incomeOf(const std::string& text) {
    if (text.empty())
        return 0;
    auto f = parseMoney(text);
    return f ? *f : 0;
}

int birthYearOf(const std::string& text) {
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos)
        return 0;
    return std::stoi(text);
}

const HouseholdMember* findMember(const std::vector<HouseholdMember>& members, const Uuid& id) {
    for (const auto& m : members)
        if (m.id == id)
            return &m;
    return nullptr;
}
} // namespace

bool isTheStudent(const HouseholdMember& m, const Student& s) {
    if (!m.idNumber.empty() && !s.idNumber.empty())
        return normalizeResidentId(m.idNumber) == normalizeResidentId(s.idNumber);
    return m.relation == "本人" && m.name == s.name;
}

VisitMemberRow memberRow(const HouseholdMember& m) {
    return {m.id,         m.name,         m.relation,       m.birthYear ? std::to_string(m.birthYear) : "",
            m.occupation, incomeText(m.annualIncomeFen), m.health, m.ableToWork, m.inSchool};
}

VisitForm visitFormFor(const VisitFamily& family, const IsoDate& today, const std::string& visitor) {
    VisitForm f;
    f.date = today;
    f.visitors = visitor;
    f.address = family.student.address;
    for (const auto& m : family.members)
        if (!isTheStudent(m, family.student))
            f.members.push_back(memberRow(m));
    return f;
}

std::vector<std::string> splitVisitors(std::string_view text) {
    static constexpr std::string_view kWide = "，";
    std::vector<std::string> out;
    for (std::size_t from = 0; from <= text.size();) {
        std::size_t comma = text.find(',', from), wide = text.find(kWide, from);
        std::size_t cut = std::min(comma, wide);
        std::string one(text.substr(from, cut == std::string_view::npos ? std::string_view::npos : cut - from));
        one.erase(0, one.find_first_not_of(' '));
        one.erase(one.find_last_not_of(' ') + 1);
        if (!one.empty())
            out.push_back(std::move(one));
        if (cut == std::string_view::npos)
            break;
        from = cut + (cut == wide ? kWide.size() : 1);
    }
    return out;
}

Fen perCapitaIncome(const std::vector<VisitMemberRow>& rows) {
    Fen total = 0;
    for (const auto& r : rows)
        total += incomeOf(r.income);
    return divideRounded(total, static_cast<Fen>(rows.size()) + 1, Rounding::HalfUp);
}

Findings checkVisitForm(const VisitForm& form) {
    Findings f;
    if (!Date::parse(form.date))
        f.error("visit.date", Error("validation.date.invalid", {{"value", form.date}}));
    if (splitVisitors(form.visitors).empty())
        f.error("visit.visitors", Error("ui.visit.need_visitor"));
    for (std::size_t i = 0; i < form.members.size(); ++i) {
        std::string field = "members[" + std::to_string(i) + "]";
        const auto& m = form.members[i];
        if (m.name.empty())
            f.error(field, Error("ui.visit.member_name", {{"row", std::to_string(i + 1)}}));
        if (!m.income.empty())
            if (auto r = parseMoney(m.income); !r)
                f.error(field, r.error());
        if (!m.birthYear.empty() && birthYearOf(m.birthYear) == 0)
            f.error(field, Error("ui.visit.birth_year", {{"row", std::to_string(i + 1)}}));
    }
    return f;
}

VisitSave planHomeVisit(const VisitFamily& loaded, const VisitForm& form, bool incomesWithheld) {
    VisitSave out;
    const Student& s0 = loaded.student;
    out.student = s0;
    out.newHousehold = !loaded.household;
    if (loaded.household) {
        out.household = *loaded.household;
    } else {
        out.household.id = newUuidV7();
        out.household.county = s0.county;
        out.household.township = s0.township;
        out.household.village = s0.village;
        out.household.address = form.address;
    }
    Household& h = out.household;
    out.student.householdId = h.id;
    if (form.address != s0.address) { // typed: the family's address, both copies
        out.student.address = form.address;
        h.address = form.address;
    }

    // Each row: the member it was read from with the cells the person changed, or a new member.
    const VisitForm shown = visitFormFor(loaded, form.date, form.visitors);
    bool incomesChanged = out.newHousehold;
    for (const auto& row : form.members) {
        const HouseholdMember* was = row.id.isNil() ? nullptr : findMember(loaded.members, row.id);
        HouseholdMember m;
        VisitMemberRow before;
        if (was) {
            m = *was;
            before = memberRow(*was);
        } else {
            m.id = row.id.isNil() ? newUuidV7() : row.id;
            m.county = s0.county;
            m.householdId = h.id;
        }
        if (row.name != before.name)
            m.name = row.name;
        if (row.relation != before.relation)
            m.relation = row.relation;
        if (row.birthYear != before.birthYear)
            m.birthYear = birthYearOf(row.birthYear);
        if (row.occupation != before.occupation)
            m.occupation = row.occupation;
        if (incomeOf(row.income) != incomeOf(before.income)) {
            m.annualIncomeFen = incomeOf(row.income);
            incomesChanged = true;
        }
        if (row.health != before.health)
            m.health = row.health;
        if (row.ableToWork != before.ableToWork)
            m.ableToWork = row.ableToWork;
        if (row.inSchool != before.inSchool)
            m.inSchool = row.inSchool;
        out.members.push_back(std::move(m));
    }
    for (const auto& r : shown.members) // a row taken off the table
        incomesChanged = incomesChanged || std::none_of(form.members.begin(), form.members.end(),
                                                        [&](const VisitMemberRow& f) { return f.id == r.id; });
    const bool incomesKnown = out.newHousehold || !incomesWithheld;
    if (incomesChanged && incomesKnown) {
        Fen total = 0;
        for (const auto& r : form.members)
            total += incomeOf(r.income);
        h.annualIncomeFen = total;
    }

    HomeVisit& v = out.visit;
    v.id = newUuidV7();
    v.county = s0.county;
    v.studentId = s0.id;
    v.householdId = h.id;
    v.visitDate = form.date;
    v.method = form.method;
    v.visitors = splitVisitors(form.visitors);
    v.peoplePresent = form.present;
    v.address = form.address;
    v.householdSize = static_cast<int>(form.members.size()) + 1;
    v.perCapitaIncomeFen = incomesKnown ? perCapitaIncome(form.members) : 0;
    v.observations = form.observations;
    v.recommendedLevel = form.level;
    return out;
}

} // namespace zhuxue::core
