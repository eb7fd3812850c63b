#pragma once
// The first loan (首贷) and renewal (续贷) journey's people: the student and the co-borrower as
// the form shows them, and what saving the form makes of the records it read. As for the home
// visit (home_visit.hpp), a record the journey read is never rebuilt from the form: the loaded
// record is copied and only the fields whose text the person changed (or the kiosk filled in)
// are put into it; the store writes the difference (store::Store::update).
#include "date.hpp"
#include "records.hpp"

#include <optional>
#include <string>

namespace zhuxue::core {

// What the journey read: the student when it started from a family page, and the co-borrower of
// the student's latest application (prefilled for a renewal).
struct LoanPeopleLoaded {
    std::optional<Student> student;
    std::optional<CoBorrower> coBorrower;
};

// The form's fields about the people, as text typed.
struct LoanPeopleForm {
    std::string name, idNumber, phone, township, village, highSchool, address;
    std::string university, major, programYears = "4";
    int level = 0; // 0 undergraduate, 1 vocational, 2 postgraduate
    std::string coName, coRelation, coIdNumber, coPhone;
};

struct LoanPeople {
    Student student;       // the loaded student with the changes, or a new one
    CoBorrower coBorrower; // the loaded co-borrower with the changes when the ID number is the same person's, else new
    bool newStudent = false, newCoBorrower = false;
};

StudyLevel studyLevelOf(int level);
// The form as the records fill it in (a student without a programme length shows 4 years).
LoanPeopleForm loanFormFor(const LoanPeopleLoaded& loaded);
// The records the form makes. The fields must have passed the journey's checks (ID numbers and
// mobiles valid, programme years a number). A changed ID number also sets the birth date and
// gender it encodes; a new student (or a first loan of one without an enrolment year) starts
// this year.
LoanPeople applyLoanForm(const LoanPeopleLoaded& loaded, const LoanPeopleForm& form, const std::string& county,
                         const Date& today, bool firstLoan);

} // namespace zhuxue::core
