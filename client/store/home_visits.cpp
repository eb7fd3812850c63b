#include "home_visits.hpp"

#include "visit_assignments.hpp"

namespace zhuxue::store {

Result<core::VisitFamily> loadVisitFamily(Store& store, const Uuid& studentId) {
    auto s = store.get<Student>(studentId);
    if (!s)
        return s.error();
    if (!*s)
        return Error("store.not_found", {{"id", studentId.str()}});
    core::VisitFamily f;
    f.student = std::move(**s);
    if (f.student.householdId.isNil())
        return f;
    auto h = store.get<Household>(f.student.householdId);
    if (!h)
        return h.error();
    f.household = std::move(*h);
    auto ms = store.list<HouseholdMember>("household_id", f.student.householdId);
    if (!ms)
        return ms.error();
    f.members = std::move(*ms);
    return f;
}

Status saveHomeVisit(Store& store, const Actor& who, const core::VisitFamily& loaded, const core::VisitSave& plan,
                     std::span<const Attachment> attachments, UnixMs nowMs) {
    Batch batch = store.batch(who);
    Status st = loaded.household && loaded.household->id == plan.household.id
                    ? batch.update(*loaded.household, plan.household)
                    : batch.save(plan.household);
    if (st)
        st = batch.update(loaded.student, plan.student);
    for (const auto& m : plan.members) {
        if (!st)
            break;
        const HouseholdMember* was = nullptr;
        for (const auto& l : loaded.members)
            if (l.id == m.id)
                was = &l;
        st = was ? batch.update(*was, m) : batch.save(m);
    }
    if (st)
        st = batch.save(plan.visit);
    for (const auto& a : attachments)
        if (st)
            st = batch.save(a);
    if (st) // the family's home-visit assignments (家访任务) are done by this visit
        st = completeVisitAssignments(store, batch, plan.student.id, plan.visit.id, who, nowMs);
    if (st)
        st = batch.commit();
    return st;
}

} // namespace zhuxue::store
