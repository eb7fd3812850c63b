#pragma once
// The first loan's and renewal's store operation (the journey's rules for the people are
// client/core/loan_journey.hpp; the screen is client/ui/staff/first_loan_screen.cpp).
#include "client/core/loan_journey.hpp"
#include "store.hpp"

#include <string_view>

namespace zhuxue::store {

// The reasons the journeys write on a status change, as catalogue keys (store.status_note.* in
// assets/i18n): the history shows them in the reader's language. Records from
// before these keys hold the English text; statusNoteKey maps it to its key.
inline constexpr std::string_view kStatusNoteMaterialsChecked = "store.status_note.materials_checked";
inline constexpr std::string_view kStatusNoteSignedOnPad = "store.status_note.signed_on_pad";
inline constexpr std::string_view kStatusNoteCertificatePrinted = "store.status_note.certificate_printed";
// The key of a reason the journeys wrote (either form), or empty for a person's own words.
std::string_view statusNoteKey(std::string_view reason);

// What one confirmation of the journey saves besides the people.
struct LoanSubmission {
    Consent studentConsent, coConsent;
    LoanApplication application;
    MaterialsChecklist materials;
    bool materialsChecked = false; // staff checked them at the window: the application moves on
    // The family's open pre-application as read (core::openPreApplication): the application is
    // that record (core::fromPreApplication, same id), updated field by field and moved from
    // 预申请 to 已申请 with a status change; nothing is left beside it.
    std::optional<LoanApplication> preApplication;
};

// One transaction: both consents, the student and the co-borrower (those the journey read are
// updated field by field from `loaded` / people.coBorrowerRead to `people`, Store::update; new
// ones created), the application (new, or the pre-application it was: updated, then 预申请 →
// 已申请) and its materials checklist, and, when checked, the move to 材料已审核.
Status saveLoanApplication(Store& store, const Actor& who, const core::LoanPeopleLoaded& loaded,
                           const core::LoanPeople& people, const LoanSubmission& submission);

} // namespace zhuxue::store
