#include "visit_assignments.hpp"

#include <algorithm>

namespace zhuxue::store {

namespace {
bool open(const VisitAssignment& a) {
    return a.visitId.isNil();
}
} // namespace

Result<std::vector<VisitAssignment>> openVisitAssignments(Store& store, std::string_view assignee) {
    std::vector<VisitAssignment> out;
    Status st = store.forEach<VisitAssignment>([&](const VisitAssignment& a) {
        if (open(a) && a.assignee == assignee)
            out.push_back(a);
        return true;
    });
    if (!st)
        return st.error();
    std::stable_sort(out.begin(), out.end(), [](const VisitAssignment& x, const VisitAssignment& y) {
        if (x.dueDate.empty() != y.dueDate.empty())
            return y.dueDate.empty();
        return x.dueDate < y.dueDate; // ISO dates order as text
    });
    return out;
}

Result<std::vector<VisitAssignment>> openVisitAssignmentsOf(Store& store, const Uuid& studentId) {
    auto all = store.list<VisitAssignment>("student_id", studentId);
    if (!all)
        return all.error();
    std::vector<VisitAssignment> out;
    for (auto& a : *all)
        if (open(a))
            out.push_back(std::move(a));
    return out;
}

Status completeVisitAssignments(Store& store, Batch& batch, const Uuid& studentId, const Uuid& visitId,
                                const Actor& who, UnixMs nowMs) {
    auto due = openVisitAssignmentsOf(store, studentId);
    if (!due)
        return due.error();
    for (VisitAssignment a : *due) {
        a.visitId = visitId;
        a.completedMs = nowMs;
        a.completedBy = who.user;
        if (Status st = batch.save(a); !st)
            return st;
    }
    return {};
}

} // namespace zhuxue::store
