#pragma once
// A family's page: the student, household and its members, co-borrowers, applications with their
// status, contracts, assessments, home visits (who visited, their photos as thumbnails that open
// full size, the signatures), every document of the family (student, visits, assessments,
// applications; in the order they were made, then by id, the same on every device), what is due after the loan (graduation
// confirmation, this year's repayment, post-loan events) and the applications' history (each
// status change: when, who, from, to, why). Read from the store when the page
// opens (indexed lookups by id: well under a frame), kept until the student changes.
// ID numbers show first 6 + last 4 and bank accounts last 4 until staff choose "show in full"
// (audited, for this student only); fields the store withholds from a volunteer (access.hpp)
// read "仅工作人员可见".
#include "context.hpp"
#include "visit_assign_panel.hpp"

#include "client/ui/widgets/picture_gallery.hpp"

#include <map>

namespace zhuxue::ui {

class FamilyScreen {
public:
    void draw(Context& ctx);
    void reload() { m_loadedFor = Uuid{}; }

private:
    void load(Context& ctx);

    Uuid m_loadedFor;
    uint64_t m_loadedVersion = 0;
    int64_t m_loadedPulled = 0; // sync's count of pulled changes when the page was read
    std::optional<Student> m_student;
    std::optional<Household> m_household;
    std::vector<HouseholdMember> m_members;
    std::vector<CoBorrower> m_coBorrowers;
    std::vector<LoanApplication> m_applications;
    std::vector<Contract> m_contracts;
    std::vector<HardshipAssessment> m_assessments;
    std::vector<HomeVisit> m_visits;                                  // by date, then id
    std::map<std::string, std::vector<Attachment>> m_visitFiles;      // by visit id: photos, signatures
    std::vector<Attachment> m_attachments; // the family's documents: of the student, visits, assessments, applications
    PictureGallery m_pictures;
    std::vector<PostLoanEvent> m_events;  // of its applications
    std::vector<StatusChange> m_changes;  // of its applications, oldest first
    std::map<std::string, std::string> m_names; // sign-in name → the person's name, for the history
    std::string m_error;
    Uuid m_revealedFor; // the student whose numbers staff chose to see in full
    VisitAssignPanel m_assign; // who visits the family by when; staff give the visit
};

// "ui.status.<code>" etc.: the current language's name of a code.
std::string codeText(app::App& app, std::string_view prefix, std::string_view code);

} // namespace zhuxue::ui
