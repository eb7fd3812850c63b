#pragma once
// A home visit (家访), recorded offline in the field: date and method, visitors, people present,
// household members as a repeat group, income per head (from the members' incomes), observations,
// recommended level, photos attached from files, and signatures of the visitor and the guardian
// on a signature pad. Saving writes the visit, the household and its members in one transaction,
// then the photos and signature PNGs as content-addressed attachments of the visit.
#include "context.hpp"

#include "client/core/findings.hpp"
#include "client/ui/widgets/file_picker.hpp"
#include "client/ui/widgets/signature_pad.hpp"

namespace zhuxue::ui {

class HomeVisitScreen {
public:
    void draw(Context& ctx);
    const Uuid& savedVisit() const { return m_savedVisit; }

private:
    struct MemberDraft {
        Uuid id; // nil for a new member
        std::string name, relation, birthYear, occupation, income, health;
        bool ableToWork = true, inSchool = false;
    };
    void start(Context& ctx);
    core::Findings check(Context& ctx);
    void save(Context& ctx);
    Fen perCapita() const;

    bool m_started = false;
    Uuid m_startedFor, m_savedVisit;
    std::optional<Student> m_student;
    std::optional<Household> m_household;
    std::string m_date, m_visitors, m_present, m_address, m_observations, m_photoPath;
    int m_method = 0, m_level = 0;
    std::vector<MemberDraft> m_members;
    std::vector<std::string> m_photos; // files chosen, attached on save
    FilePicker m_picker{{".jpg", ".jpeg", ".png", ".pdf"}};
    SignaturePad m_visitorSign, m_guardianSign;
    core::Findings m_findings;
    std::string m_status;
};

} // namespace zhuxue::ui
