#include "loan_journey.hpp"

#include "resident_id.hpp"
#include "validation.hpp"

#include <algorithm>
#include <map>

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

    // The co-borrower read is updated when the ID number names the same person; so is any other
    // co-borrower on file with that number (a person is one record); another person is a new
    // co-borrower (the earlier one stays on the earlier applications).
    CoBorrower& c = out.coBorrower;
    const std::string typedCo = residentNumber(form.coIdNumber, today);
    const bool same = loaded.coBorrower && typedCo == residentNumber(loaded.coBorrower->idNumber, today);
    const CoBorrower* onFile = nullptr;
    if (!same && !typedCo.empty())
        for (const CoBorrower& k : loaded.coBorrowersOnFile)
            if (residentNumber(k.idNumber, today) == typedCo) {
                onFile = &k;
                break;
            }
    out.newCoBorrower = !same && !onFile;
    if (same) {
        c = *loaded.coBorrower;
        take(c.name, form.coName, shown.coName);
        take(c.relation, form.coRelation, shown.coRelation);
        if (form.coPhone != shown.coPhone)
            c.phone = mobile(form.coPhone);
        out.coBorrowerRead = *loaded.coBorrower;
    } else if (onFile) {
        // The form showed someone else: what was typed is this person's now where it differs.
        c = *onFile;
        take(c.name, form.coName, onFile->name);
        take(c.relation, form.coRelation, onFile->relation);
        if (mobile(form.coPhone) != onFile->phone)
            c.phone = mobile(form.coPhone);
        out.coBorrowerRead = *onFile;
    } else {
        c.id = newUuidV7();
        c.name = form.coName;
        c.relation = form.coRelation;
        c.phone = mobile(form.coPhone);
    }
    c.county = s.county;
    c.studentId = s.id;
    if (out.newCoBorrower || (same && form.coIdNumber != shown.coIdNumber)) {
        auto id = checkResidentId(form.coIdNumber, today);
        c.idNumber = id.id ? id.id->number : form.coIdNumber;
        if (id.id)
            c.birthDate = id.id->birthDate.iso();
    }
    return out;
}

// ---- The family's history -------------------------------------------------------------------

namespace {
bool ended(const LoanApplication& a) {
    return a.status == LoanStatus::Rejected || a.status == LoanStatus::Withdrawn;
}
} // namespace

LoanSoFar loanSoFar(const std::vector<LoanApplication>& applications, const std::vector<Contract>& contracts) {
    LoanSoFar out;
    for (const Contract& k : contracts) {
        auto a = std::find_if(applications.begin(), applications.end(),
                              [&](const LoanApplication& x) { return x.id == k.applicationId; });
        auto signed_ = Date::parse(k.signingDate);
        if (a == applications.end() || ended(*a) || a->kind == ApplicationKind::PreApplication || !signed_)
            continue;
        out.loans.push_back({*a, k, *signed_});
        out.borrowedFen += k.amountFen;
    }
    std::stable_sort(out.loans.begin(), out.loans.end(),
                     [](const LoanOnFile& x, const LoanOnFile& y) { return x.signingDate < y.signingDate; });
    return out;
}

ApplicationKind journeyFor(const std::vector<LoanApplication>& applications, const std::vector<Contract>& contracts) {
    return loanSoFar(applications, contracts).loans.empty() ? ApplicationKind::FirstLoan : ApplicationKind::Renewal;
}

std::optional<LoanApplication> openPreApplication(const std::vector<LoanApplication>& applications) {
    std::optional<LoanApplication> best;
    for (const LoanApplication& a : applications)
        if (a.kind == ApplicationKind::PreApplication && a.status == LoanStatus::PreApplication &&
            (!best || a.schoolYear > best->schoolYear ||
             (a.schoolYear == best->schoolYear && a.createdMs > best->createdMs)))
            best = a;
    return best;
}

LoanApplication fromPreApplication(const LoanApplication& pre, LoanApplication confirmed) {
    confirmed.id = pre.id;
    confirmed.county = pre.county;
    confirmed.createdMs = pre.createdMs;
    confirmed.status = LoanStatus::PreApplication;
    if (confirmed.notes.empty())
        confirmed.notes = pre.notes;
    return confirmed;
}

int remainingStudyYears(const Student& student, int schoolYear) {
    const int years = student.programYears > 0 ? student.programYears : 4;
    if (student.enrollmentYear <= 0 || student.enrollmentYear >= schoolYear)
        return years;
    return std::clamp(student.enrollmentYear + years - schoolYear, 1, years);
}

Date graduationDate(int schoolYear, int remainingYears) {
    return {schoolYear + remainingYears, 6, 30};
}

Date expectedDisbursement(const Date& signingDate) {
    return Date::fromDayNumber(signingDate.dayNumber() + 30);
}

int offeredTermYears(const LoanSoFar& soFar, const Date& signingDate, int remainingYears, const TermRule& rule) {
    int term = maxLoanTermYears(std::max(1, remainingYears), rule);
    if (const LoanOnFile* running = soFar.running()) {
        // Whole years from this signing to the running contract's end: the same day and month.
        int toEnd = running->end().year - signingDate.year;
        if (signingDate.plusYears(toEnd) > running->end())
            --toEnd;
        if (toEnd >= 1)
            term = std::min(term, toEnd);
    }
    return term;
}

Result<LoanTerms> termsOfLoan(const PolicySet& policies, const LoanOnFile& loan, const Date& graduation,
                              const Date& knownOn) {
    auto policy = policies.require(loan.signingDate);
    if (!policy)
        return policy.error();
    auto rate = policies.rateOf(loan.contract);
    if (!rate)
        return rate.error();
    const int grace = loan.application.graceYears >= 0 ? loan.application.graceYears : (*policy)->graceYears;
    return withRepricings(loanTermsFromPolicy(**policy, *rate,
                                              {{expectedDisbursement(loan.signingDate), loan.contract.amountFen}},
                                              loan.signingDate, loan.contract.termYears, graduation, grace),
                          policies, *rate, knownOn);
}

Result<Schedule> wholeLoanSchedule(const std::vector<LoanTerms>& parts) {
    if (parts.empty())
        return Error("loan_calculator.no_disbursement");
    std::vector<Schedule> each;
    for (const LoanTerms& t : parts) {
        auto s = computeSchedule(t);
        if (!s)
            return s.error();
        each.push_back(std::move(*s));
    }
    Schedule whole = each.front();
    whole.years.clear();
    whole.totalPrincipal = whole.totalGovernmentInterest = whole.totalStudentInterest = whole.totalStudentPays = 0;
    std::map<int, ScheduleYear> byYear;
    for (const Schedule& s : each) {
        whole.subsidyEnd = std::min(whole.subsidyEnd, s.subsidyEnd);
        whole.termEnd = std::max(whole.termEnd, s.termEnd);
        whole.firstPrincipalYear = std::min(whole.firstPrincipalYear, s.firstPrincipalYear);
        whole.totalPrincipal += s.totalPrincipal;
        whole.totalGovernmentInterest += s.totalGovernmentInterest;
        whole.totalStudentInterest += s.totalStudentInterest;
        whole.totalStudentPays += s.totalStudentPays;
        for (const ScheduleYear& y : s.years) {
            auto [it, fresh] = byYear.try_emplace(y.year, y);
            if (fresh)
                continue;
            ScheduleYear& row = it->second;
            row.days = std::max(row.days, y.days);
            row.phase = std::max(row.phase, y.phase);
            row.balanceStart += y.balanceStart;
            row.disbursed += y.disbursed;
            row.governmentInterest += y.governmentInterest;
            row.studentInterest += y.studentInterest;
            row.principal += y.principal;
            row.balanceEnd += y.balanceEnd;
            if (row.rateBp != y.rateBp)
                row.rateBp = 0; // the contracts run at different rates this year
            row.rateProjected = row.rateProjected || y.rateProjected;
        }
        whole.repriced = whole.repriced || s.repriced;
    }
    // A part whose rows end earlier still owes nothing in the later years; one that starts later
    // had its balance at 0 before: the sums above are the whole loan's.
    for (auto& [year, row] : byYear)
        whole.years.push_back(row);
    return whole;
}

} // namespace zhuxue::core
