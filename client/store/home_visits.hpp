#pragma once
// The home visit's store operations (the journey's rules are client/core/home_visit.hpp): read the
// family a visit starts from, and save what the visit wrote in one transaction.
#include "client/core/home_visit.hpp"
#include "store.hpp"

#include <span>

namespace zhuxue::store {

// The student, the household and its members as the visit reads them (store.not_found when the
// student is not on this device).
Result<core::VisitFamily> loadVisitFamily(Store& store, const Uuid& studentId);

// One transaction: the household, the student and each member the visit read updated field by
// field from `loaded` to `plan` (Store::update: only what the person changed is written, onto what
// is stored now), a new household and new members created, the visit and its attachment records
// (their files stored already: Store::storeAttachmentFile) saved, and the family's open visit
// assignments completed by this visit. All of it or nothing.
Status saveHomeVisit(Store& store, const Actor& who, const core::VisitFamily& loaded, const core::VisitSave& plan,
                     std::span<const Attachment> attachments, UnixMs nowMs);

} // namespace zhuxue::store
