#include "loan_journeys.hpp"

namespace zhuxue::store {

Status saveLoanApplication(Store& store, const Actor& who, const core::LoanPeopleLoaded& loaded,
                           const core::LoanPeople& people, const LoanSubmission& submission) {
    Batch batch = store.batch(who);
    Status st = batch.save(submission.studentConsent);
    if (st)
        st = batch.save(submission.coConsent);
    if (st)
        st = loaded.student && loaded.student->id == people.student.id ? batch.update(*loaded.student, people.student)
                                                                        : batch.save(people.student);
    if (st)
        st = people.coBorrowerRead && people.coBorrowerRead->id == people.coBorrower.id
                 ? batch.update(*people.coBorrowerRead, people.coBorrower)
                 : batch.save(people.coBorrower);
    const auto& pre = submission.preApplication;
    if (st && pre && pre->id == submission.application.id) {
        st = batch.update(*pre, submission.application);
        if (st && submission.application.status == LoanStatus::PreApplication)
            st = batch.changeStatus(submission.application.id, LoanStatus::Applied, "预申请转为正式申请");
    } else if (st) {
        st = batch.save(submission.application);
    }
    if (st)
        st = batch.save(submission.materials);
    if (st && submission.materialsChecked)
        st = batch.changeStatus(submission.application.id, LoanStatus::MaterialsChecked,
                                std::string(kStatusNoteMaterialsChecked));
    if (st)
        st = batch.commit();
    return st;
}

std::string_view statusNoteKey(std::string_view reason) {
    struct Note {
        std::string_view key, legacy;
    };
    static constexpr Note kNotes[] = {
        {kStatusNoteMaterialsChecked, "materials checked at the window"},
        {kStatusNoteSignedOnPad, "signed on the signature pad"},
        {kStatusNoteCertificatePrinted, "受理证明 printed"},
    };
    for (const Note& n : kNotes)
        if (reason == n.key || reason == n.legacy)
            return n.key;
    return {};
}

} // namespace zhuxue::store
