#include "roster_source.hpp"

#include "client/core/divisions.hpp"

#include <unordered_map>
#include <unordered_set>

namespace zhuxue::reports {

namespace {

template <class R> Status collect(store::Store& store, std::vector<R>& out) {
    return store.forEach<R>([&](const R& r) {
        out.push_back(r);
        return true;
    });
}

std::string countyName(const std::string& code) {
    auto d = core::lookupDivision(code);
    return d && !d->county.empty() ? std::string(d->county) : code;
}

std::string gradeOf(const Student& s) {
    return s.enrollmentYear > 0 ? std::to_string(s.enrollmentYear) + "级" : std::string();
}

struct Loaded {
    std::unordered_map<Uuid, Student> students;
    std::unordered_map<Uuid, Household> households;
    // Latest assessment per student (highest school year; later rows win a tie).
    std::unordered_map<Uuid, HardshipAssessment> assessments;
    std::vector<HardshipAssessment> allAssessments;
    std::unordered_map<Uuid, Contract> contracts; // by application id
    std::unordered_set<Uuid> preApplied;          // application ids that went through 预申请
    std::vector<LoanApplication> applications;
};

Result<Loaded> load(store::Store& store, bool withAssessments) {
    Loaded l;
    std::vector<Student> students;
    std::vector<Household> households;
    std::vector<Contract> contracts;
    std::vector<StatusChange> changes;
    for (Status st : {collect(store, students), collect(store, households), collect(store, contracts),
                      collect(store, changes), collect(store, l.applications),
                      collect(store, l.allAssessments)})
        if (!st)
            return st.error();
    for (auto& s : students)
        l.students.emplace(s.id, std::move(s));
    for (auto& h : households)
        l.households.emplace(h.id, std::move(h));
    for (auto& c : contracts)
        l.contracts[c.applicationId] = std::move(c);
    for (const auto& c : changes)
        if (c.from == LoanStatus::PreApplication)
            l.preApplied.insert(c.applicationId);
    for (const auto& a : l.allAssessments) {
        auto it = l.assessments.find(a.studentId);
        if (it == l.assessments.end() || a.schoolYear >= it->second.schoolYear)
            l.assessments[a.studentId] = a;
    }
    if (!withAssessments)
        l.allAssessments.clear();
    return l;
}

RosterRow personRow(const Loaded& l, const Student& s) {
    RosterRow r;
    r.county = countyName(s.county);
    r.countyCode = s.county;
    r.township = s.township;
    r.village = s.village;
    r.school = s.university.empty() ? s.highSchool : s.university;
    r.grade = gradeOf(s);
    r.name = s.name;
    r.studentKey = s.id.str();
    r.birthDate = s.birthDate;
    r.idNumber = s.idNumber;
    r.address = s.address;
    r.phone = s.phone;
    if (auto h = l.households.find(s.householdId); h != l.households.end()) {
        r.incomeFen = h->second.annualIncomeFen;
        r.priorityGroups = h->second.priorityGroups;
    }
    if (auto a = l.assessments.find(s.id); a != l.assessments.end()) {
        r.level = a->second.level;
        if (!a->second.priorityGroups.empty())
            r.priorityGroups = a->second.priorityGroups;
    }
    return r;
}

std::vector<RosterRow> loanRows(const Loaded& l, const Catalog& texts) {
    const std::string programme = texts.text("reports.programme.student_loan");
    std::vector<RosterRow> rows;
    rows.reserve(l.applications.size());
    for (const auto& app : l.applications) {
        auto s = l.students.find(app.studentId);
        if (s == l.students.end())
            continue; // an application whose student has not synced yet
        RosterRow r = personRow(l, s->second);
        r.programme = programme;
        r.year = app.schoolYear;
        r.status = std::string(toCode(app.status));
        r.amountFen = app.amountFen;
        r.applicationKind = app.kind;
        r.preApplied = app.kind == ApplicationKind::PreApplication || l.preApplied.count(app.id) > 0;
        bool ended = app.status == LoanStatus::Rejected || app.status == LoanStatus::Withdrawn;
        if (auto c = l.contracts.find(app.id); c != l.contracts.end() && !ended) {
            const Contract& k = c->second;
            r.contractSigned = true;
            r.signingDate = k.signingDate;
            r.contractNumber = k.contractNumber;
            r.termYears = k.termYears;
            r.signedByProxy = k.signedByProxy;
            r.bankAccount = k.settlementAccount;
            if (k.amountFen > 0)
                r.amountFen = k.amountFen;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

} // namespace

Result<std::vector<RosterRow>> loadRosterRows(store::Store& store, const Catalog& texts) {
    // Rosters are built to leave the device: only an access level that may export reads them.
    if (auto st = store.requireExport(); !st)
        return st.error();
    auto l = load(store, true);
    if (!l)
        return l.error();
    std::vector<RosterRow> rows = loanRows(*l, texts);
    const std::string hardship = texts.text("reports.programme.hardship");
    for (const auto& a : l->allAssessments) {
        auto s = l->students.find(a.studentId);
        if (s == l->students.end())
            continue;
        RosterRow r = personRow(*l, s->second);
        r.programme = hardship;
        r.year = a.schoolYear;
        r.status = std::string(toCode(a.status));
        r.level = a.level; // this assessment's level, not the latest one
        if (!a.priorityGroups.empty())
            r.priorityGroups = a.priorityGroups;
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<DashboardInput> loadDashboardInput(store::Store& store, const Catalog& texts) {
    auto l = load(store, false);
    if (!l)
        return l.error();
    DashboardInput in;
    in.rows = loanRows(*l, texts);
    auto st = store.forEach<HomeVisit>([&](const HomeVisit& v) {
        VisitFact f;
        if (auto s = l->students.find(v.studentId); s != l->students.end())
            f.township = s->second.township;
        f.visitDate = v.visitDate;
        f.year = v.visitDate.size() >= 4 ? std::atoi(v.visitDate.substr(0, 4).c_str()) : 0;
        in.visits.push_back(std::move(f));
        return true;
    });
    if (!st)
        return st.error();
    return in;
}

} // namespace zhuxue::reports
