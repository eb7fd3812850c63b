#include "form_instance.hpp"

#include "client/core/date.hpp"
#include "client/core/money.hpp"

#include <algorithm>
#include <optional>

namespace zhuxue::core::forms {

namespace {
using Values = std::map<std::string, Value>;

struct State {
    Values top;
    std::map<std::string, std::vector<Values>> groups;
};

class FormEnv : public Env {
public:
    FormEnv(const State& state, const Values* row, Value self = Value::null())
        : m_state(state), m_row(row), m_self(std::move(self)) {}

    Value value(const std::string& name) const override {
        if (m_row)
            if (auto it = m_row->find(name); it != m_row->end())
                return it->second;
        if (auto it = m_state.top.find(name); it != m_state.top.end())
            return it->second;
        return Value::null();
    }
    Value self() const override { return m_self; }
    std::size_t rowCount(const std::string& group) const override {
        auto it = m_state.groups.find(group);
        return it == m_state.groups.end() ? 0 : it->second.size();
    }
    std::unique_ptr<Env> row(const std::string& group, std::size_t index) const override {
        return std::make_unique<FormEnv>(m_state, &m_state.groups.at(group).at(index));
    }

private:
    const State& m_state;
    const Values* m_row;
    Value m_self;
};

std::size_t characters(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool isSha256(const nlohmann::json& v) {
    if (!v.is_string())
        return false;
    const auto& s = v.get_ref<const std::string&>();
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string shown(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

nlohmann::json numberJson(Decimal d) {
    if (d.units() % Decimal::kScale == 0)
        return d.units() / Decimal::kScale;
    return d.toString();
}

class Evaluator {
public:
    Evaluator(const FormDefinition& form, FormEvaluation& out) : m_form(form), m_out(out) {}

    void run(const nlohmann::json& answers) {
        static const nlohmann::json kEmpty = nlohmann::json::object();
        const nlohmann::json& a = answers.is_object() ? answers : kEmpty;
        if (!answers.is_object() && !answers.is_null())
            m_out.findings.error("", Error("forms.answer.not_an_object"));
        for (const auto& field : m_form.fields) {
            const nlohmann::json* answer = a.contains(field.id) ? &a[field.id] : nullptr;
            if (field.type == FieldType::Repeat)
                repeat(field, answer);
            else
                m_state.top[field.id] = one(field, answer, field.id, nullptr, m_out.values);
        }
        finishScore();
    }

private:
    void repeat(const FieldDef& group, const nlohmann::json* answer) {
        auto& rows = m_state.groups[group.id];
        FormEnv env(m_state, nullptr);
        if (group.relevant && !group.relevant->evaluate(env).truthy()) {
            m_out.skipped.insert(group.id);
            return;
        }
        if (answer && !answer->is_null() && !answer->is_array()) {
            m_out.findings.error(group.id,
                                 Error("forms.answer.wrong_type", {{"expected", "rows"}}));
            return;
        }
        const std::size_t count = answer && answer->is_array() ? answer->size() : 0;
        if (count == 0 && group.required)
            m_out.findings.error(group.id, Error("forms.answer.required"));
        else if (count < static_cast<std::size_t>(group.minCount))
            m_out.findings.error(group.id, Error("forms.answer.too_few_rows",
                                                 {{"min", std::to_string(group.minCount)}}));
        if (count > static_cast<std::size_t>(group.maxCount))
            m_out.findings.error(group.id, Error("forms.answer.too_many_rows",
                                                 {{"max", std::to_string(group.maxCount)}}));
        nlohmann::json outRows = nlohmann::json::array();
        for (std::size_t i = 0; i < count; ++i) {
            const auto& rowAnswer = (*answer)[i];
            const std::string rowPath = group.id + "[" + std::to_string(i) + "]";
            rows.emplace_back();
            nlohmann::json outRow = nlohmann::json::object();
            if (!rowAnswer.is_object())
                m_out.findings.error(rowPath,
                                     Error("forms.answer.wrong_type", {{"expected", "row"}}));
            for (const auto& sub : group.fields) {
                const nlohmann::json* a = rowAnswer.is_object() && rowAnswer.contains(sub.id)
                                              ? &rowAnswer[sub.id]
                                              : nullptr;
                rows.back()[sub.id] = one(sub, a, rowPath + "." + sub.id, &rows.back(), outRow);
            }
            outRows.push_back(std::move(outRow));
        }
        if (count > 0)
            m_out.values[group.id] = std::move(outRows);
    }

    // One field: relevance, computed value or the answer, validation, points. Returns its value
    // for later expressions; writes the counted answer into `out`.
    Value one(const FieldDef& f, const nlohmann::json* answer, const std::string& path,
              const Values* row, nlohmann::json& out) {
        if (f.type == FieldType::Note)
            return Value::null();
        FormEnv env(m_state, row);
        if (f.relevant && !f.relevant->evaluate(env).truthy()) {
            m_out.skipped.insert(path);
            return Value::null();
        }
        Value v;
        if (f.computed) {
            v = computed(f, f.computed->evaluate(env), out);
        } else {
            if (answer && !answer->is_null())
                v = parse(f, *answer, path, out);
            if (v.isNull() && f.required && !(answer && !answer->is_null() && hadError(path)))
                m_out.findings.error(path, Error("forms.answer.required"));
        }
        if (!v.isNull()) {
            range(f, v, path);
            if (f.constraint && !f.constraint->evaluate(FormEnv(m_state, row, v)).truthy())
                m_out.findings.error(
                    path, Error("forms.answer.constraint", {{"zh-CN", f.constraintMessage.zh},
                                                            {"en", f.constraintMessage.in("en")}}));
        }
        if (!row)
            score(f, v);
        return v;
    }

    bool hadError(const std::string& path) const {
        const auto& all = m_out.findings.all();
        return std::any_of(all.begin(), all.end(),
                           [&](const Finding& x) { return x.field == path; });
    }

    Value computed(const FieldDef& f, const Value& result, nlohmann::json& out) {
        if (result.isNull())
            return result;
        if (f.type == FieldType::Text) {
            std::string s =
                result.kind == Value::Kind::Number ? result.number.toString() : result.text;
            out[f.id] = s;
            return Value::ofText(s);
        }
        if (result.kind != Value::Kind::Number)
            return Value::null();
        if (f.type == FieldType::Money) {
            // Money is kept in fen: computed yuan round half-up to the fen.
            Fen fen = result.number.toFen(Rounding::HalfUp);
            out[f.id] = fen;
            return Value::ofNumber(Decimal::fromFen(fen));
        }
        out[f.id] = numberJson(result.number);
        return result;
    }

    Value parse(const FieldDef& f, const nlohmann::json& a, const std::string& path,
                nlohmann::json& out) {
        auto wrong = [&](const char* key, std::map<std::string, std::string> args = {}) {
            m_out.findings.error(path, Error(key, std::move(args)));
            return Value::null();
        };
        switch (f.type) {
        case FieldType::Text: {
            if (!a.is_string())
                return wrong("forms.answer.wrong_type", {{"expected", "text"}});
            const auto& s = a.get_ref<const std::string&>();
            if (s.empty())
                return Value::null();
            if (f.maxLength && characters(s) > static_cast<std::size_t>(*f.maxLength))
                return wrong("forms.answer.too_long", {{"max", std::to_string(*f.maxLength)}});
            out[f.id] = s;
            return Value::ofText(s);
        }
        case FieldType::Number: {
            std::optional<Decimal> d;
            if (a.is_number())
                d = Decimal::parse(a.dump());
            else if (a.is_string() && a.get_ref<const std::string&>().empty())
                return Value::null();
            else if (a.is_string())
                d = Decimal::parse(a.get<std::string>());
            if (!d)
                return wrong("forms.answer.not_a_number", {{"value", shown(a)}});
            out[f.id] = numberJson(*d);
            return Value::ofNumber(*d);
        }
        case FieldType::Money: {
            std::optional<Fen> fen;
            if (a.is_number_integer())
                fen = a.get<Fen>();
            else if (a.is_string() && a.get_ref<const std::string&>().empty())
                return Value::null();
            else if (a.is_string())
                if (auto m = parseMoney(a.get<std::string>()))
                    fen = *m;
            if (!fen)
                return wrong("forms.answer.not_money", {{"value", shown(a)}});
            out[f.id] = *fen;
            return Value::ofNumber(Decimal::fromFen(*fen));
        }
        case FieldType::Date: {
            if (a.is_string() && a.get_ref<const std::string&>().empty())
                return Value::null();
            if (!a.is_string() || !Date::parse(a.get<std::string>()))
                return wrong("forms.answer.not_a_date", {{"value", shown(a)}});
            out[f.id] = a;
            return Value::ofText(a.get<std::string>());
        }
        case FieldType::SingleChoice: {
            if (a.is_string() && a.get_ref<const std::string&>().empty())
                return Value::null();
            if (!a.is_string() || !f.optionIds.count(a.get<std::string>()))
                return wrong("forms.answer.unknown_option", {{"option", shown(a)}});
            out[f.id] = a;
            return Value::ofText(a.get<std::string>());
        }
        case FieldType::MultipleChoice: {
            if (!a.is_array())
                return wrong("forms.answer.wrong_type", {{"expected", "list"}});
            std::vector<std::string> chosen;
            for (const auto& o : a) {
                if (!o.is_string() || !f.optionIds.count(o.get<std::string>()))
                    return wrong("forms.answer.unknown_option", {{"option", shown(o)}});
                if (std::find(chosen.begin(), chosen.end(), o.get<std::string>()) == chosen.end())
                    chosen.push_back(o.get<std::string>());
            }
            if (chosen.empty())
                return Value::null();
            out[f.id] = chosen;
            return Value::ofList(std::move(chosen));
        }
        case FieldType::Photo: {
            nlohmann::json list = a.is_array() ? a : nlohmann::json::array({a});
            std::vector<std::string> hashes;
            for (const auto& h : list) {
                if (!isSha256(h))
                    return wrong("forms.answer.not_an_attachment");
                hashes.push_back(h.get<std::string>());
            }
            if (hashes.empty())
                return Value::null();
            out[f.id] = hashes;
            return Value::ofList(std::move(hashes));
        }
        case FieldType::Signature: {
            if (!isSha256(a))
                return wrong("forms.answer.not_an_attachment");
            out[f.id] = a;
            return Value::ofText(a.get<std::string>());
        }
        case FieldType::Repeat:
        case FieldType::Note:
            break;
        }
        return Value::null();
    }

    void range(const FieldDef& f, const Value& v, const std::string& path) {
        if (v.kind != Value::Kind::Number)
            return;
        if (f.min && v.number < *f.min)
            m_out.findings.error(path,
                                 Error("forms.answer.below_min", {{"min", f.min->toString()}}));
        if (f.max && *f.max < v.number)
            m_out.findings.error(path,
                                 Error("forms.answer.above_max", {{"max", f.max->toString()}}));
    }

    void score(const FieldDef& f, const Value& v) {
        if (v.isNull())
            return;
        std::optional<Decimal> points;
        auto addPoints = [&](Decimal p) {
            const Decimal before = points.value_or(Decimal());
            points = add(before, p).value_or(before);
        };
        auto chosen = [&](const std::string& id) {
            const Option* o = f.option(id);
            if (!o)
                return;
            if (o->score)
                addPoints(*o->score);
            if (o->directLevel) {
                m_out.priorityGroups.push_back(o->id);
                m_directLevels.insert(*o->directLevel);
            }
        };
        if (f.type == FieldType::SingleChoice)
            chosen(v.text);
        else if (f.type == FieldType::MultipleChoice)
            for (const auto& id : v.list)
                chosen(id);
        else if (!f.scoreBands.empty() && v.kind == Value::Kind::Number)
            for (const auto& band : f.scoreBands)
                if (!band.below || v.number < *band.below) {
                    points = band.score;
                    break;
                }
        if (!points)
            return;
        if (f.maxScore && *f.maxScore < *points)
            points = *f.maxScore;
        m_out.fieldScores[f.id] = *points;
        auto& bucket = f.scoreGroup.empty() ? m_ungrouped : m_grouped[f.scoreGroup];
        bucket = add(bucket, *points).value_or(bucket);
    }

    void finishScore() {
        Decimal total = m_ungrouped;
        for (const auto& g : m_form.scoreGroups) {
            Decimal points = m_grouped.count(g.id) ? m_grouped[g.id] : Decimal();
            if (g.max && *g.max < points)
                points = *g.max;
            m_out.groupScores[g.id] = points;
            total = add(total, points).value_or(total);
        }
        m_out.totalScore = total;
        // Levels run from the most severe. The score's level: the first whose cut-off the total
        // reaches. A priority group identifies a level directly, the highest such level among
        // the groups chosen. The direct level is a floor, never a cap (issue #20): the level is
        // the higher of the two, so a group never lowers what the score shows.
        std::optional<size_t> scored, direct;
        for (size_t i = 0; i < m_form.levels.size(); ++i) {
            if (!scored && !(total < m_form.levels[i].minScore))
                scored = i;
            if (!direct && m_directLevels.count(m_form.levels[i].id))
                direct = i;
        }
        if (direct && (!scored || *direct <= *scored)) {
            m_out.level = m_form.levels[*direct].id;
            m_out.levelDirect = true;
        } else if (scored) {
            m_out.level = m_form.levels[*scored].id;
        }
        m_out.hardshipLevel = m_form.hardshipLevel(m_out.level);
        // 本人和家长承诺: the declaration counts only with both signatures (issue #20 point 13).
        if (const auto& c = m_form.commitment)
            m_out.commitmentSigned = m_out.values.contains(c->field) &&
                                     m_out.values.contains(c->studentSignature) &&
                                     m_out.values.contains(c->guardianSignature);
    }

    const FormDefinition& m_form;
    FormEvaluation& m_out;
    State m_state;
    Decimal m_ungrouped;
    std::map<std::string, Decimal> m_grouped;
    std::set<std::string> m_directLevels;
};
} // namespace

FormEvaluation evaluateForm(const FormDefinition& form, const nlohmann::json& answers) {
    FormEvaluation out;
    Evaluator(form, out).run(answers);
    return out;
}

} // namespace zhuxue::core::forms
