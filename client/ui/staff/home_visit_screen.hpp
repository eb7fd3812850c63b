#pragma once
// A home visit (家访), recorded offline in the field: date and method, visitors, people present,
// household members as a repeat group, income per head (from the members' incomes), observations,
// recommended level, photos attached from files, and signatures of the visitor and the guardian
// on a signature pad. Saving reads the photos and writes them and the signature PNGs as
// content-addressed attachment files on the worker, then saves the visit, the household, its
// members and the attachment records in one transaction (store::saveHomeVisit): the records the
// visit read change only in the fields the person changed (core::planHomeVisit).
#include "context.hpp"

#include "client/core/findings.hpp"
#include "client/core/home_visit.hpp"
#include "client/ui/widgets/file_picker.hpp"
#include "client/ui/widgets/signature_pad.hpp"

#include <memory>

namespace zhuxue::ui {

class HomeVisitScreen {
public:
    void draw(Context& ctx);
    const Uuid& savedVisit() const { return m_savedVisit; }

private:
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
    void finishSave(Context& ctx, core::VisitSave plan, Result<std::vector<Attachment>> attachments);

    bool m_started = false;
    Uuid m_startedFor, m_savedVisit;
    std::optional<core::VisitFamily> m_family; // as read when the screen opened
    core::VisitForm m_form;                     // what the form shows and the person typed
    std::string m_photoPath;
    int m_method = 0, m_level = 0;
    std::vector<std::string> m_photos; // files chosen, attached on save
    FilePicker m_picker{{".jpg", ".jpeg", ".png", ".pdf"}};
    SignaturePad m_visitorSign, m_guardianSign;
    core::Findings m_findings;
    std::string m_status;
    bool m_saving = false; // the worker is storing the photos: Save waits
    bool m_scrollTop = true; // the form scrolls to its top when a visit starts
    std::shared_ptr<int> m_alive = std::make_shared<int>(0); // the worker's reply checks it
};

} // namespace zhuxue::ui
