#include "dashboard.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace zhuxue::reports {

namespace {
int statusRank(const std::string& code) {
    // Unknown codes (another programme's statuses) sort after the loan life cycle.
    for (int i = 0; i <= int(LoanStatus::Withdrawn); ++i)
        if (toCode(LoanStatus(i)) == code)
            return i;
    return 1000;
}
} // namespace

DashboardFigures computeDashboard(const DashboardInput& input, int year, const IsoDate& today) {
    DashboardFigures f;
    f.year = year;
    std::unordered_map<std::string, Bar> townships, statuses;
    std::map<std::string, Bar> months; // "YYYY-MM" sorts as text
    std::unordered_map<std::string, ProgressBar> signing, visits;
    std::unordered_set<std::string> students;

    for (const RosterRow& r : input.rows) {
        if (year && r.year != year)
            continue;
        ++f.applications;
        if (r.studentKey.empty() || students.insert(r.studentKey).second)
            ++f.people;
        f.amountFen += r.amountFen;
        Bar& t = townships[r.township];
        ++t.count;
        t.amountFen += r.amountFen;
        Bar& s = statuses[r.status];
        ++s.count;
        s.amountFen += r.amountFen;
        if (r.contractSigned) {
            ++f.signedTotal;
            if (r.signingDate.size() >= 7) {
                Bar& m = months[r.signingDate.substr(0, 7)];
                ++m.count;
                m.amountFen += r.amountFen;
            }
        }
        if (r.preApplied) {
            ++f.preApplied;
            ProgressBar& p = signing[r.township];
            ++p.target;
            if (r.contractSigned) {
                ++f.preAppliedSigned;
                ++p.done;
            }
        }
    }
    for (const VisitFact& v : input.visits) {
        if (year && v.year && v.year != year) // a visit not yet dated counts in every year
            continue;
        ++f.visitsAssigned;
        ProgressBar& p = visits[v.township];
        ++p.target;
        if (!v.visitDate.empty() && v.visitDate <= today) {
            ++f.visitsDone;
            ++p.done;
        }
    }

    auto collect = [](auto& map, auto& out) {
        out.reserve(map.size());
        for (auto& [label, bar] : map) {
            bar.label = label;
            out.push_back(bar);
        }
    };
    collect(townships, f.byTownship);
    std::sort(f.byTownship.begin(), f.byTownship.end(), [](const Bar& a, const Bar& b) {
        return a.count != b.count ? a.count > b.count : a.label < b.label;
    });
    collect(statuses, f.byStatus);
    std::sort(f.byStatus.begin(), f.byStatus.end(), [](const Bar& a, const Bar& b) {
        int ra = statusRank(a.label), rb = statusRank(b.label);
        return ra != rb ? ra < rb : a.label < b.label;
    });
    collect(months, f.byMonth);
    auto byTarget = [](const ProgressBar& a, const ProgressBar& b) {
        return a.target != b.target ? a.target > b.target : a.label < b.label;
    };
    collect(signing, f.signingByTownship);
    std::sort(f.signingByTownship.begin(), f.signingByTownship.end(), byTarget);
    collect(visits, f.visitsByTownship);
    std::sort(f.visitsByTownship.begin(), f.visitsByTownship.end(), byTarget);
    return f;
}

} // namespace zhuxue::reports
