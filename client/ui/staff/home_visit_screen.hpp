#pragma once
// A home visit (家访), recorded offline in the field: date and method, visitors, people present,
// household members as a repeat group, income per head (from the members' incomes), observations,
// recommended level, photos attached from files, and signatures of the visitor and the guardian
// on a signature pad. Saving reads the photos and writes them and the signature PNGs as
// content-addressed attachment files on the worker, then saves the visit, the household, its
// members and the attachment records in one transaction.
#include "context.hpp"

#include "client/core/findings.hpp"
#include "client/ui/widgets/file_picker.hpp"
#include "client/ui/widgets/signature_pad.hpp"

#include <memory>

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
    // What one save writes, built from the form when Save is clicked.
    struct VisitDraft {
        Household household;
        Student student;
        std::vector<HouseholdMember> members;
        HomeVisit visit;
    };
    // A photo file (path) or a signature PNG (bytes) to attach to the visit.
    struct AttachmentSource {
        AttachmentKind kind;
        std::string path, fileName, mime;
        std::vector<std::byte> bytes;
    };
    void start(Context& ctx);
    core::Findings check(Context& ctx);
    void save(Context& ctx);
    // On the worker: reads the photos, stores every file durably, returns the records to save.
    // Error ui.visit.photo_unreadable (args: path) when a photo cannot be read.
    static Result<std::vector<Attachment>> storeAttachmentFiles(store::Store& files, const HomeVisit& visit,
                                                                const std::vector<AttachmentSource>& sources);
    void finishSave(Context& ctx, VisitDraft draft, Result<std::vector<Attachment>> attachments);
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
    bool m_saving = false; // the worker is storing the photos: Save waits
    std::shared_ptr<int> m_alive = std::make_shared<int>(0); // the worker's reply checks it
};

} // namespace zhuxue::ui
