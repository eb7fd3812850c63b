#pragma once
// A family with every field of every record filled in (no field at its empty default), and a
// snapshot of every record field of a store, for the property "a journey saved without touching
// anything changes no field; changing one field changes exactly that field" (issue 27: a home
// visit erased the members' ID numbers it did not show). Header-only.
#include "client/store/record_schema.hpp"
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

namespace zhuxue::test {

struct FullFamily {
    Student student;
    Household household;
    HouseholdMember father, mother, self; // `self`: the student recorded as a member (本人)
    CoBorrower coBorrower;
    LoanApplication application;
    HardshipAssessment assessment;
};

// Saves it through `s` (consents of the student and the co-borrower first). Every value differs
// from its record's default, so a field written blank or reset would show in a snapshot.
inline FullFamily seedFullFamily(store::Store& s, const std::string& name = "向秭归") {
    const store::Actor who{"seed"};
    const std::string county = "420527";
    FullFamily f;
    Household& h = f.household;
    h.id = newUuidV7();
    h.county = county;
    h.township = "茅坪镇";
    h.village = "秭归村";
    h.address = "茅坪镇秭归村3组12号";
    h.annualIncomeFen = 4'200'000; // not the members' sum: also the grandparents' pension
    h.priorityGroups = {"城乡低保"};
    h.notes = "村委会核实";
    Student& st = f.student;
    st.id = newUuidV7();
    st.county = county;
    st.name = name;
    st.idNumber = "420527200803151227";
    st.gender = Gender::Female;
    st.birthDate = "2008-03-15";
    st.ethnicity = "土家族";
    st.phone = "13907170001";
    st.householdId = h.id;
    st.township = h.township;
    st.village = h.village;
    st.address = h.address;
    st.highSchool = "秭归县第一中学";
    st.university = "武汉大学";
    st.major = "临床医学";
    st.studyLevel = StudyLevel::Undergraduate;
    st.enrollmentYear = 2024;
    st.programYears = 5;
    st.notes = "高三预申请";
    auto member = [&](HouseholdMember& m, const char* mname, const char* relation, int born, const char* id,
                      const char* job, Fen income, const char* health, bool able, bool school) {
        m.id = newUuidV7();
        m.county = county;
        m.householdId = h.id;
        m.name = mname;
        m.relation = relation;
        m.birthYear = born;
        m.idNumber = id;
        m.occupation = job;
        m.annualIncomeFen = income;
        m.health = health;
        m.ableToWork = able;
        m.inSchool = school;
    };
    member(f.father, "向建国", "父亲", 1975, "11010519491231002X", "务农", 1'800'000, "腰伤", false, true);
    member(f.mother, "覃桂英", "母亲", 1978, "34052419800101001X", "外出务工", 1'200'050, "慢性病", false, true);
    member(f.self, name.c_str(), "本人", 2008, "420527200803151227", "学生", 100, "良好", false, true);
    CoBorrower& c = f.coBorrower;
    c.id = newUuidV7();
    c.county = county;
    c.studentId = st.id;
    c.name = f.father.name;
    c.idNumber = f.father.idNumber;
    c.birthDate = "1949-12-31";
    c.relation = "父亲";
    c.phone = "13907170002";
    c.address = "宜昌市务工宿舍";
    LoanApplication& a = f.application;
    a.id = newUuidV7();
    a.county = county;
    a.studentId = st.id;
    a.coBorrowerId = c.id;
    a.kind = ApplicationKind::FirstLoan;
    a.status = LoanStatus::Applied;
    a.schoolYear = 2024;
    a.amountFen = 1'600'000;
    a.tuitionFen = 580'000;
    a.accommodationFen = 120'000;
    a.remainingStudyYears = 5;
    a.termYears = 20;
    a.renewalMode = RenewalMode::Online;
    a.proxySigned = true;
    a.createdMs = 1'720'000'000'000;
    a.notes = "首贷";
    HardshipAssessment& x = f.assessment;
    x.id = newUuidV7();
    x.county = county;
    x.studentId = st.id;
    x.schoolYear = 2024;
    x.formId = "hardship.county_standard";
    x.formVersion = 1;
    x.answersJson = R"({"income_band":"low"})";
    x.score = 61.5;
    x.level = HardshipLevel::Fairly;
    x.priorityGroups = {"城乡低保"};
    x.commitmentSigned = true;
    x.status = AssessmentStatus::Submitted;

    consentStudent(s, county, st.id);
    consentCoBorrower(s, county, st.id, c.id);
    store::Batch b = s.batch(who);
    Status ok = b.save(h);
    for (const HouseholdMember* m : {&f.father, &f.mother, &f.self})
        if (ok)
            ok = b.save(*m);
    if (ok)
        ok = b.save(st);
    if (ok)
        ok = b.save(c);
    if (ok)
        ok = b.save(a);
    if (ok)
        ok = b.save(x);
    if (ok)
        ok = b.commit();
    REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? std::string() : ok.error().key + " " + ok.error().detail));
    return f;
}

// Every field of every record in the store: (table, record id, field) -> value as JSON text.
using RecordSnapshot = std::map<std::tuple<std::string, std::string, std::string>, std::string>;

template <class R> void snapshotType(store::Store& s, RecordSnapshot& out) {
    const store::TableSpec& t = store::tableSpec(store::recordTypeOf<R>());
    auto st = s.forEach<R>([&](const R& r) {
        const store::FieldValues v = store::toValues(r);
        for (std::size_t i = 0; i < v.size(); ++i)
            out[{std::string(t.table), r.id.str(), std::string(t.fields[i].name)}] = v[i].dump();
        return true;
    });
    REQUIRE(st.ok());
}

inline RecordSnapshot snapshotRecords(store::Store& s) {
    RecordSnapshot out;
    snapshotType<Student>(s, out);
    snapshotType<Household>(s, out);
    snapshotType<HouseholdMember>(s, out);
    snapshotType<CoBorrower>(s, out);
    snapshotType<LoanApplication>(s, out);
    snapshotType<StatusChange>(s, out);
    snapshotType<Contract>(s, out);
    snapshotType<MaterialsChecklist>(s, out);
    snapshotType<HardshipAssessment>(s, out);
    snapshotType<DemocraticReview>(s, out);
    snapshotType<HomeVisit>(s, out);
    snapshotType<Attachment>(s, out);
    snapshotType<PostLoanEvent>(s, out);
    snapshotType<Consent>(s, out);
    snapshotType<VisitAssignment>(s, out);
    return out;
}

// The fields of records present in `before` whose value is not the same in `after`, as
// "table.field" (records only in `after` are new: not listed). Empty: nothing that was stored
// changed.
inline std::multiset<std::string> changedFields(const RecordSnapshot& before, const RecordSnapshot& after) {
    std::multiset<std::string> out;
    for (const auto& [key, value] : before) {
        auto it = after.find(key);
        if (it == after.end() || it->second != value)
            out.insert(std::get<0>(key) + "." + std::get<2>(key));
    }
    return out;
}

} // namespace zhuxue::test
