#pragma once
// Forms as data (assets/forms/*.json): hardship indicator tables (量化指标体系) and the home-visit
// questionnaire. Indicators, weights and level cut-offs differ by province and school, so they are
// versioned data synced to devices, never compiled in (DOMAIN §3, §4).
//
// A definition is checked completely when parsed; anything wrong is refused with the file, the
// field and the reason (Error "forms.def.<reason>" or "forms.expr.<reason>" with {file, field,
// ...}): unknown type, duplicate id, bad expression with its position, reference to an unknown
// or later field, cut-offs not in order, a direct level that does not exist, ...
// Expressions may only read fields defined earlier (a questionnaire is read top-down), which
// also rules out cycles: one pass over the fields evaluates everything.
#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "decimal.hpp"
#include "expression.hpp"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::core::forms {

// Text in both languages; Chinese first and required, English falls back to it.
struct LocalText {
    std::string zh;
    std::string en;
    const std::string& in(std::string_view lang) const {
        return lang == "en" && !en.empty() ? en : zh;
    }
    bool empty() const { return zh.empty(); }
};

enum class FieldType {
    Text,
    Number,
    Money,
    Date,
    SingleChoice,
    MultipleChoice,
    Repeat,
    Photo,
    Signature,
    Note
};
std::string_view fieldTypeId(FieldType t); // "text", "number", ... as written in the JSON

struct Option {
    std::string id;
    LocalText label;
    std::optional<Decimal> score;           // points when chosen
    std::optional<std::string> directLevel; // a priority group: identifies this level directly
};

// Score by value: the first band whose `below` exceeds the value (the last may be open-ended).
struct ScoreBand {
    std::optional<Decimal> below;
    Decimal score;
};

struct FieldDef {
    std::string id;
    FieldType type = FieldType::Text;
    LocalText label;
    LocalText help; // guidance for volunteers and staff
    bool required = false;
    bool sensitive = false;               // sensitive personal information (PIPL): never on notices
    std::optional<Expression> relevant;   // shown and counted only when true
    std::optional<Expression> computed;   // value computed, not typed
    std::optional<Expression> constraint; // must hold for an answer ('.' is the answer)
    LocalText constraintMessage;
    std::optional<Decimal> min, max; // number / money (yuan)
    std::optional<int> maxLength;    // text, in characters
    std::vector<Option> options;     // choices
    std::set<std::string> optionIds;
    std::optional<Decimal> maxScore;   // cap of this field's points (multiple choice)
    std::vector<ScoreBand> scoreBands; // number / money
    std::string scoreGroup;            // "" = counted directly into the total
    // Repeat groups (one level: household members).
    std::vector<FieldDef> fields;
    int minCount = 0;
    int maxCount = 30;

    const Option* option(std::string_view id) const;
    bool scored() const;
};

struct ScoreGroup {
    std::string id;
    LocalText label;
    std::optional<Decimal> max; // the group's points are capped here
};

struct Level {
    std::string id;   // e.g. "particularly_difficult"
    LocalText label;  // 特别困难
    Decimal minScore; // cut-off: a total score at or above it reaches this level
    // The hardship level recorded for it (issue #20 point 14): stated per level in the JSON
    // ("hardship_level": "special" | "fairly" | "general" | "none", the codes of HardshipLevel),
    // never inferred from the level's id or position. Levels run from the most severe, so the
    // keys descend strictly: a two-level school table may use any two of them.
    HardshipLevel hardship = HardshipLevel::None;
};

// The written commitment (书面承诺, DOMAIN §3: replaces the civil-affairs stamp since 2019),
// "本人和家长承诺": the declaration ticked, signed by the student and by a parent or guardian.
// Every indicator table declares one (forms.def.commitment_missing otherwise); each name is a
// top-level field: `field` a choice, the two signatures signature fields.
struct Commitment {
    std::string field;             // the declaration, e.g. "commitment"
    std::string studentSignature;  // e.g. "student_signature"
    std::string guardianSignature; // e.g. "guardian_signature"
};

struct FormDefinition {
    std::string file;
    std::string id; // e.g. "hardship.county_standard"
    int version = 1;
    std::string kind; // "indicator_table", "home_visit" or "questionnaire"
    LocalText title;
    LocalText description;
    std::vector<FieldDef> fields;
    std::vector<ScoreGroup> scoreGroups;
    std::vector<Level> levels; // highest first, cut-offs strictly descending
    std::optional<Commitment> commitment;

    const FieldDef* field(std::string_view id) const; // top level or inside a repeat group
    const Level* level(std::string_view id) const;
    // The hardship level a form level stands for (its `hardship_level`); None for no level.
    HardshipLevel hardshipLevel(const std::optional<std::string>& levelId) const;
    bool scored() const { return !levels.empty(); }
};

Result<FormDefinition> parseFormDefinition(std::string_view json, const std::string& file);

} // namespace zhuxue::core::forms
