#pragma once
// Figures for the staff dashboard: counts and amounts by township, status and month,
// pre-applied against signed, home visits done against assigned. Pure computation over rows the
// store's queries produced, so it runs on a worker thread and is tested without a window.
#include "roster_row.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace zhuxue::reports {

// One planned home visit: assigned when the record exists, done once it has a visit date that
// is not in the future.
struct VisitFact {
    std::string township;
    int year = 0; // 0 = not yet dated
    IsoDate visitDate;
};

struct DashboardInput {
    std::vector<RosterRow> rows;
    std::vector<VisitFact> visits;
};

struct Bar {
    std::string label; // township name, status code or "YYYY-MM"
    int64_t count = 0;
    Fen amountFen = 0;
};

struct ProgressBar {
    std::string label;
    int64_t target = 0; // pre-applied, or visits assigned
    int64_t done = 0;   // signed, or visits done
};

struct DashboardFigures {
    int year = 0;
    int64_t people = 0;       // students with an application (a row without a student key: one each)
    int64_t applications = 0; // applications: a student with loans in several years has several
    Fen amountFen = 0;
    std::vector<Bar> byTownship; // largest count first
    std::vector<Bar> byStatus;   // in life-cycle order
    std::vector<Bar> byMonth;    // signed contracts per signing month, in calendar order
    int64_t preApplied = 0, preAppliedSigned = 0, signedTotal = 0;
    std::vector<ProgressBar> signingByTownship; // pre-applied (target) vs signed among them (done)
    int64_t visitsAssigned = 0, visitsDone = 0;
    std::vector<ProgressBar> visitsByTownship;
};

// year 0 = every year. `today` decides which visits count as done.
DashboardFigures computeDashboard(const DashboardInput& input, int year, const IsoDate& today);

} // namespace zhuxue::reports
