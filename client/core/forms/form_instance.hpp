#pragma once
// A filled-in form: answers (JSON, as stored and synced) checked and evaluated against its
// definition in one pass, top to bottom: relevance (skipped fields neither checked nor counted),
// computed values, per-field validation, points, the total score, the hardship level and the
// priority groups identified directly.
//
// Answers, by field type: text, date ("YYYY-MM-DD"), single_choice (option id) and signature
// (SHA-256 hex of the attachment) are strings; number is a JSON number or decimal string; money is
// integer fen or a money text ("1,234.50"); multiple_choice is an array of option ids; photo is
// one SHA-256 or an array of them; repeat is an array of objects with the row's answers.
#include "client/core/findings.hpp"
#include "form_definition.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zhuxue::core::forms {

struct FormEvaluation {
    // Per field ("income", "members[1].age"): keys forms.answer.* in assets/i18n/<lang>/forms.json.
    // A failed constraint carries the form's own message: args {"zh-CN", "en"}.
    Findings findings;
    // The answers that count (relevant, well-formed) plus computed values, in the answer format.
    nlohmann::json values = nlohmann::json::object();
    std::set<std::string> skipped;              // paths of fields not relevant
    std::map<std::string, Decimal> fieldScores; // points per scored field, before group caps
    std::map<std::string, Decimal> groupScores; // points per score group, after its cap
    Decimal totalScore;
    std::optional<std::string> level;        // level id; nullopt below every cut-off
    bool levelDirect = false;                // set by a priority group (at least the score's level)
    std::vector<std::string> priorityGroups; // option ids of the chosen direct-level options
    HardshipLevel hardshipLevel = HardshipLevel::None; // the level's hardship_level key
    // The form's written commitment (FormDefinition::commitment) is ticked and signed by both the
    // student and the parent or guardian; false for a form without one.
    bool commitmentSigned = false;

    bool complete() const { return findings.ok(); }
    bool relevant(const std::string& path) const { return skipped.count(path) == 0; }
};

FormEvaluation evaluateForm(const FormDefinition& form, const nlohmann::json& answers);

} // namespace zhuxue::core::forms
