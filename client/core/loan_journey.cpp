#include "loan_journey.hpp"

#include "resident_id.hpp"
#include "validation.hpp"

namespace zhuxue::core {

namespace {
int levelOf(StudyLevel l) {
    return l == StudyLevel::Postgraduate ? 2 : l == StudyLevel::Vocational ? 1 : 0;
}

// The number as stored (normalised, 'X' upper-case) when it is valid, else as typed.
std::string residentNumber(const std::string& typed, const Date& today) {
    auto id = checkResidentId(typed, today);
    return id.id ? id.id->number : typed;
}

std::string mobile(const std::string& typed) {
    return normalizeMobile(typed).value_or(typed);
}
} // namespace

StudyLevel studyLevelOf(int level) {
    return level == 2 ? StudyLevel::Postgraduate : level == 1 ? StudyLevel::Vocational : StudyLevel::Undergraduate;
}

LoanPeopleForm loanFormFor(const LoanPeopleLoaded& loaded) {
    LoanPeopleForm f;
    if (const auto& s = loaded.student) {
        f.name = s->name;
        f.idNumber = s->idNumber;
        f.phone = s->phone;
        f.township = s->township;
        f.village = s->village;
        f.highSchool = s->highSchool;
        f.address = s->address;
        f.university = s->university;
        f.major = s->major;
        f.level = levelOf(s->studyLevel);
        if (s->programYears > 0)
            f.programYears = std::to_string(s->programYears);
    }
    if (const auto& c = loaded.coBorrower) {
        f.coName = c->name;
        f.coRelation = c->relation;
        f.coIdNumber = c->idNumber;
        f.coPhone = c->phone;
    }
    return f;
}

LoanPeople applyLoanForm(const LoanPeopleLoaded& loaded, const LoanPeopleForm& form, const std::string& county,
                         const Date& today, bool firstLoan) {
    const LoanPeopleForm shown = loanFormFor(loaded);
    LoanPeople out;
    Student& s = out.student;
    out.newStudent = !loaded.student;
    if (loaded.student) {
        s = *loaded.student;
    } else {
        s.id = newUuidV7();
        s.county = county;
    }
    auto take = [](std::string& field, const std::string& typed, const std::string& was) {
        if (typed != was)
            field = typed;
    };
    take(s.name, form.name, shown.name);
    if (form.idNumber != shown.idNumber) {
        auto id = checkResidentId(form.idNumber, today);
        s.idNumber = id.id ? id.id->number : form.idNumber;
        if (id.id) {
            s.birthDate = id.id->birthDate.iso();
            s.gender = id.id->sex == Sex::Female ? Gender::Female : Gender::Male;
        }
    }
    if (form.phone != shown.phone)
        s.phone = mobile(form.phone);
    take(s.township, form.township, shown.township);
    take(s.village, form.village, shown.village);
    take(s.highSchool, form.highSchool, shown.highSchool);
    take(s.address, form.address, shown.address);
    take(s.university, form.university, shown.university);
    take(s.major, form.major, shown.major);
    if (form.level != shown.level || out.newStudent || s.studyLevel == StudyLevel::Unknown)
        s.studyLevel = studyLevelOf(form.level);
    if (form.programYears != shown.programYears || s.programYears == 0)
        s.programYears = std::stoi(form.programYears);
    if (s.enrollmentYear == 0 && (out.newStudent || firstLoan))
        s.enrollmentYear = today.year;

    // The co-borrower read is updated when the ID number names the same person; another person
    // is a new co-borrower (the earlier one stays on the earlier applications).
    CoBorrower& c = out.coBorrower;
    const bool same = loaded.coBorrower && residentNumber(form.coIdNumber, today) ==
                                               residentNumber(loaded.coBorrower->idNumber, today);
    out.newCoBorrower = !same;
    if (same) {
        c = *loaded.coBorrower;
        take(c.name, form.coName, shown.coName);
        take(c.relation, form.coRelation, shown.coRelation);
        if (form.coPhone != shown.coPhone)
            c.phone = mobile(form.coPhone);
    } else {
        c.id = newUuidV7();
        c.name = form.coName;
        c.relation = form.coRelation;
        c.phone = mobile(form.coPhone);
    }
    c.county = s.county;
    c.studentId = s.id;
    if (!same || form.coIdNumber != shown.coIdNumber) {
        auto id = checkResidentId(form.coIdNumber, today);
        c.idNumber = id.id ? id.id->number : form.coIdNumber;
        if (id.id)
            c.birthDate = id.id->birthDate.iso();
    }
    return out;
}

} // namespace zhuxue::core
