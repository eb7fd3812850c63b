#pragma once
// Draws a form definition (assets/forms/*.json) as a questionnaire over its answers JSON: notes,
// choices as radio buttons or check boxes, numbers, money and text as fields, a repeat group as a
// table with one row per entry, computed values read-only, fields that are not relevant hidden.
// The points of each scored field are shown beside its label and the findings under it, so a
// volunteer sees at once why a field counts and what is missing.
//
// Widget ids are "<prefix>.<field>" for fields, "<prefix>.<field>.<option>" for choices and
// "<prefix>.<repeat>[<row>].<field>" inside a repeat group (the driver finds "##<id>").
#include "client/core/forms/form_instance.hpp"
#include "client/core/records.hpp"
#include "signature_pad.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace zhuxue::app {
class App;
}

namespace zhuxue::ui {

class FormView {
public:
    // Starts over with these answers (e.g. a saved draft).
    void reset(const nlohmann::json& answers);
    // Draws every field; true when an answer changed (evaluate again).
    bool draw(app::App& app, const core::forms::FormDefinition& form,
              const core::forms::FormEvaluation& evaluation, const std::string& prefix);
    const nlohmann::json& answers() const { return m_answers; }
    // The next draw scrolls the first field with an error into view (a submit that was refused:
    // "see the red notes" must not leave the person hunting for them).
    void revealFirstError() { m_revealError = true; }
    // Signature fields whose pad holds strokes, by field id.
    std::map<std::string, SignaturePad>& signatures() { return m_pads; }
    // The answer of a signature field is the SHA-256 of its saved PNG.
    void setAnswer(const std::string& field, nlohmann::json value) { m_answers[field] = std::move(value); }

private:
    bool drawField(app::App& app, const core::forms::FieldDef& f, const core::forms::FormEvaluation& ev,
                   nlohmann::json& answers, const std::string& path, const std::string& id, bool inTable);
    bool textInput(app::App& app, const core::forms::FieldDef& f, nlohmann::json& answers, const std::string& path,
                   const std::string& id, float width);

    nlohmann::json m_answers = nlohmann::json::object();
    std::map<std::string, std::string> m_buffers; // typed text by path, kept while typing
    std::map<std::string, SignaturePad> m_pads;
    bool m_revealError = false;
};

} // namespace zhuxue::ui
