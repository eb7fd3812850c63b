#pragma once
// Hardship assessment (认定) of the student on the family page, drawn from an indicator table
// (assets/forms, kind "indicator_table"): the questionnaire on the left, the live score per group,
// the total, the level and the priority groups identified directly on the right. Saving keeps a
// draft; submitting (every required answer given) sends the file to review (评议). A draft of the
// same school year is opened again where it was left.
#include "context.hpp"

#include "client/core/forms/form_instance.hpp"
#include "client/ui/widgets/form_view.hpp"

namespace zhuxue::ui {

class AssessmentScreen {
public:
    void draw(Context& ctx);
    const Uuid& savedAssessment() const { return m_savedId; }

private:
    void start(Context& ctx);
    void choose(size_t form, const nlohmann::json& answers);
    void save(Context& ctx, bool submit);
    void summary(Context& ctx);

    bool m_started = false;
    Uuid m_startedFor, m_savedId;
    std::optional<HardshipAssessment> m_loaded; // this year's draft as read (or last saved)
    std::optional<Student> m_student;
    std::vector<core::forms::FormDefinition> m_forms;
    size_t m_form = 0;
    FormView m_view;
    core::forms::FormEvaluation m_eval;
    std::string m_status, m_error;
    bool m_submitRefused = false; // a submit was refused: the missing count is said under the buttons
    AssessmentStatus m_savedStatus = AssessmentStatus::Draft;
};

} // namespace zhuxue::ui
