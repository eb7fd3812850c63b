#include "form_definition.hpp"

#include "client/core/json_fields.hpp"

#include <array>
#include <map>

namespace zhuxue::core::forms {

namespace {
constexpr int kFormFormat = 1;
constexpr const char* kPrefix = "forms.def";

constexpr std::array<std::pair<FieldType, std::string_view>, 10> kTypes{{
    {FieldType::Text, "text"},
    {FieldType::Number, "number"},
    {FieldType::Money, "money"},
    {FieldType::Date, "date"},
    {FieldType::SingleChoice, "single_choice"},
    {FieldType::MultipleChoice, "multiple_choice"},
    {FieldType::Repeat, "repeat"},
    {FieldType::Photo, "photo"},
    {FieldType::Signature, "signature"},
    {FieldType::Note, "note"},
}};

bool isChoice(FieldType t) {
    return t == FieldType::SingleChoice || t == FieldType::MultipleChoice;
}
bool isNumeric(FieldType t) {
    return t == FieldType::Number || t == FieldType::Money;
}

ValueType valueTypeOf(FieldType t) {
    switch (t) {
    case FieldType::Number:
    case FieldType::Money:
        return ValueType::Number;
    case FieldType::MultipleChoice:
    case FieldType::Photo:
        return ValueType::List;
    case FieldType::Note:
    case FieldType::Repeat:
        return ValueType::Any;
    default:
        return ValueType::Text;
    }
}

bool validId(std::string_view id) {
    if (id.empty() || id.size() > 64 || id[0] < 'a' || id[0] > 'z')
        return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

Error defError(const std::string& file, const std::string& field, const std::string& reason,
               std::map<std::string, std::string> args = {}) {
    args["file"] = file;
    args["field"] = field;
    return Error(std::string(kPrefix) + "." + reason, std::move(args));
}

// A name visible to expressions: its meaning, and for a group the row fields declared in it.
struct Declared {
    NameInfo info;
    std::set<std::string> options;
    std::map<std::string, Declared> rows; // repeat groups only
};

class DefinitionScope : public Scope {
public:
    DefinitionScope(const std::map<std::string, Declared>& top,
                    const std::map<std::string, Declared>* row, std::string group,
                    const std::map<std::string, std::string>& rowFieldGroup,
                    const std::set<std::string>& allIds)
        : m_top(top), m_row(row), m_group(std::move(group)), m_rowFieldGroup(rowFieldGroup),
          m_allIds(allIds) {}

    void allowSelf(ValueType type) {
        m_self = true;
        m_selfType = type;
    }

    Result<NameInfo> resolve(const std::string& name) const override {
        if (m_row)
            if (auto it = m_row->find(name); it != m_row->end())
                return info(it->second);
        if (auto it = m_top.find(name); it != m_top.end())
            return info(it->second);
        if (auto it = m_rowFieldGroup.find(name);
            it != m_rowFieldGroup.end() && it->second != m_group)
            return Error("forms.expr.row_field_outside_group", {{"group", it->second}});
        if (m_allIds.count(name))
            return Error("forms.expr.forward_reference");
        return Error("forms.expr.unknown_field");
    }

    std::unique_ptr<Scope> rowScope(const std::string& group) const override {
        const auto& g = m_top.at(group);
        return std::make_unique<DefinitionScope>(m_top, &g.rows, group, m_rowFieldGroup, m_allIds);
    }
    bool selfAllowed() const override { return m_self; }
    ValueType selfType() const override { return m_selfType; }

private:
    static NameInfo info(const Declared& d) {
        NameInfo i = d.info;
        i.options = d.info.options ? &d.options : nullptr;
        return i;
    }
    const std::map<std::string, Declared>& m_top;
    const std::map<std::string, Declared>* m_row;
    std::string m_group;
    const std::map<std::string, std::string>& m_rowFieldGroup;
    const std::set<std::string>& m_allIds;
    bool m_self = false;
    ValueType m_selfType = ValueType::Any;
};

class DefinitionParser {
public:
    explicit DefinitionParser(std::string file) : m_file(std::move(file)) {}

    Result<FormDefinition> run(std::string_view json) {
        auto doc = parseJsonObject(json, m_file, kPrefix);
        if (!doc)
            return doc.error();
        FormDefinition def;
        def.file = m_file;
        JsonFields top(*doc, m_file, "", kPrefix);
        top.integer("form_format", kFormFormat, kFormFormat);
        def.id = top.string("id").value_or("");
        def.version = static_cast<int>(top.integer("version", 1, 1'000'000).value_or(1));
        def.kind = top.string("kind").value_or("");
        if (!top.failed() && def.kind != "indicator_table" && def.kind != "home_visit" &&
            def.kind != "questionnaire")
            top.fail("kind", "bad_value", {{"value", def.kind}});
        if (auto s = text(top, "title", def.title, true); !s)
            return s.error();
        if (auto s = text(top, "description", def.description, false); !s)
            return s.error();
        if (top.failed())
            return top.finish().error();

        if (const auto* groups = top.array("score_groups", false))
            if (auto s = parseScoreGroups(*groups, def); !s)
                return s.error();
        if (const auto* levels = top.array("levels", false))
            if (auto s = parseLevels(*levels, def); !s)
                return s.error();
        m_def = &def;

        const auto* commitment = top.object("commitment", false);
        const auto* fields = top.array("fields");
        if (auto s = top.finish(); !s)
            return s.error();
        if (fields->empty())
            return defError(m_file, "fields", "no_fields");
        collectIds(*fields, "");
        if (m_error)
            return *m_error;
        if (auto s = parseFields(*fields, def.fields, nullptr); !s)
            return s.error();
        if (commitment)
            if (auto s = parseCommitment(*commitment, def); !s)
                return s.error();
        // A hardship identification table carries the written commitment (DOMAIN §3).
        if (def.kind == "indicator_table" && !def.commitment)
            return defError(m_file, "commitment", "commitment_missing");
        return def;
    }

private:
    Status text(JsonFields& parent, const std::string& key, LocalText& out, bool required) {
        const auto* v = parent.object(key, required);
        if (!v)
            return {};
        JsonFields t(*v, m_file, parent.fieldPath(key), kPrefix);
        out.zh = t.string("zh-CN").value_or("");
        out.en = t.string("en", false).value_or("");
        if (!t.failed() && out.zh.empty())
            t.fail("zh-CN", "empty_text");
        return t.finish();
    }

    std::optional<Decimal> decimal(JsonFields& f, const std::string& key, bool required) {
        const auto* v = f.any(key, required);
        if (!v)
            return std::nullopt;
        std::optional<Decimal> d;
        if (v->is_number())
            d = Decimal::parse(v->dump());
        if (!d)
            f.fail(key, "wrong_type", {{"expected", "number"}});
        return d;
    }

    Status parseScoreGroups(const nlohmann::json& arr, FormDefinition& def) {
        for (size_t i = 0; i < arr.size(); ++i) {
            JsonFields g(arr[i], m_file, "score_groups[" + std::to_string(i) + "]", kPrefix);
            ScoreGroup sg;
            sg.id = g.string("id").value_or("");
            if (!g.failed() && !validId(sg.id))
                g.fail("id", "bad_id", {{"value", sg.id}});
            if (auto s = text(g, "label", sg.label, true); !s)
                return s;
            sg.max = decimal(g, "max", false);
            if (auto s = g.finish(); !s)
                return s;
            for (const auto& other : def.scoreGroups)
                if (other.id == sg.id)
                    return defError(m_file, "score_groups." + sg.id, "duplicate_id",
                                    {{"id", sg.id}});
            def.scoreGroups.push_back(std::move(sg));
        }
        return {};
    }

    // The commitment names fields declared at the top level: the declaration a required
    // choice, each signature a signature field.
    Status parseCommitment(const nlohmann::json& v, FormDefinition& def) {
        JsonFields c(v, m_file, "commitment", kPrefix);
        Commitment out;
        out.field = c.string("field").value_or("");
        out.studentSignature = c.string("student_signature").value_or("");
        out.guardianSignature = c.string("guardian_signature").value_or("");
        if (auto s = c.finish(); !s)
            return s;
        auto top = [&](const std::string& id) -> const FieldDef* {
            for (const auto& f : def.fields)
                if (f.id == id)
                    return &f;
            return nullptr;
        };
        const FieldDef* declaration = top(out.field);
        if (!declaration || !isChoice(declaration->type) || !declaration->required)
            return defError(m_file, "commitment.field", "commitment_bad_field",
                            {{"name", out.field}});
        for (auto [key, id] : {std::pair<const char*, const std::string*>{"student_signature",
                                                                          &out.studentSignature},
                               {"guardian_signature", &out.guardianSignature}}) {
            const FieldDef* sig = top(*id);
            if (!sig || sig->type != FieldType::Signature)
                return defError(m_file, std::string("commitment.") + key,
                                "commitment_bad_signature", {{"name", *id}});
        }
        if (out.studentSignature == out.guardianSignature)
            return defError(m_file, "commitment.guardian_signature", "commitment_bad_signature",
                            {{"name", out.guardianSignature}});
        def.commitment = std::move(out);
        return {};
    }

    Status parseLevels(const nlohmann::json& arr, FormDefinition& def) {
        for (size_t i = 0; i < arr.size(); ++i) {
            JsonFields l(arr[i], m_file, "levels[" + std::to_string(i) + "]", kPrefix);
            Level level;
            level.id = l.string("id").value_or("");
            if (!l.failed() && !validId(level.id))
                l.fail("id", "bad_id", {{"value", level.id}});
            if (auto s = text(l, "label", level.label, true); !s)
                return s;
            level.minScore = decimal(l, "min_score", true).value_or(Decimal());
            const auto key = l.string("hardship_level", false);
            if (auto s = l.finish(); !s)
                return s;
            for (const auto& other : def.levels)
                if (other.id == level.id)
                    return defError(m_file, "levels." + level.id, "duplicate_id",
                                    {{"id", level.id}});
            // Each level says which hardship level it records (issue #20 point 14).
            if (!key)
                return defError(m_file, "levels." + level.id, "hardship_level_missing",
                                {{"level", level.id}});
            const auto hardship = fromCode<HardshipLevel>(*key);
            if (!hardship)
                return defError(m_file, "levels." + level.id, "hardship_level_unknown",
                                {{"level", level.id}, {"value", *key}});
            level.hardship = *hardship;
            if (!def.levels.empty() && !(level.hardship < def.levels.back().hardship))
                return defError(
                    m_file, "levels." + level.id, "hardship_levels_not_ordered",
                    {{"level", level.id},
                     {"value", *key},
                     {"previous", def.levels.back().id},
                     {"previous_value", std::string(toCode(def.levels.back().hardship))}});
            if (!def.levels.empty() && !(level.minScore < def.levels.back().minScore))
                return defError(m_file, "levels." + level.id, "cutoffs_not_ordered",
                                {{"level", level.id},
                                 {"score", level.minScore.toString()},
                                 {"previous", def.levels.back().id},
                                 {"previous_score", def.levels.back().minScore.toString()}});
            def.levels.push_back(std::move(level));
        }
        return {};
    }

    // All field ids first, so a reference to a later field says "later", not "unknown".
    void collectIds(const nlohmann::json& fields, const std::string& group) {
        for (size_t i = 0; i < fields.size() && !m_error; ++i) {
            const auto& f = fields[i];
            if (!f.is_object() || !f.contains("id") || !f["id"].is_string())
                continue; // reported with its position when the field is parsed
            std::string id = f["id"].get<std::string>();
            if (!m_allIds.insert(id).second) {
                m_error = defError(m_file, group.empty() ? id : group + "." + id, "duplicate_id",
                                   {{"id", id}});
                return;
            }
            if (!group.empty())
                m_rowFieldGroup[id] = group;
            if (f.contains("fields") && f["fields"].is_array() && group.empty())
                collectIds(f["fields"], id);
        }
    }

    Status parseFields(const nlohmann::json& arr, std::vector<FieldDef>& out, Declared* group) {
        for (size_t i = 0; i < arr.size(); ++i) {
            auto field = parseField(arr[i], i, group);
            if (!field)
                return field.error();
            out.push_back(std::move(*field));
        }
        return {};
    }

    Result<Option> parseOption(const nlohmann::json& v, const std::string& path, bool inRepeat) {
        JsonFields o(v, m_file, path, kPrefix);
        Option opt;
        opt.id = o.string("id").value_or("");
        if (!o.failed() && !validId(opt.id))
            o.fail("id", "bad_id", {{"value", opt.id}});
        if (auto s = text(o, "label", opt.label, true); !s)
            return s.error();
        opt.score = decimal(o, "score", false);
        opt.directLevel = o.string("direct_level", false);
        if (auto s = o.finish(); !s)
            return s.error();
        if (inRepeat && (opt.score || opt.directLevel))
            return defError(m_file, path, "score_in_repeat");
        if (opt.directLevel && !m_def->level(*opt.directLevel))
            return defError(m_file, path, "unknown_level", {{"level", *opt.directLevel}});
        return opt;
    }

    Status expression(JsonFields& f, const std::string& key, std::optional<Expression>& out,
                      const Declared* group, const FieldDef* self) {
        auto text = f.string(key, false);
        if (!text)
            return {};
        DefinitionScope scope(m_top, group ? &group->rows : nullptr, m_currentGroup,
                              m_rowFieldGroup, m_allIds);
        if (self)
            scope.allowSelf(valueTypeOf(self->type));
        auto e = Expression::parse(*text, scope);
        if (!e) {
            Error err = e.error();
            err.args["file"] = m_file;
            err.args["field"] = f.fieldPath("");
            err.args["property"] = key;
            err.args["expression"] = *text;
            return err;
        }
        out = std::move(*e);
        return {};
    }

    Result<FieldDef> parseField(const nlohmann::json& v, size_t index, Declared* group) {
        const std::string where = (group ? m_currentGroup + "." : std::string()) + "fields[" +
                                  std::to_string(index) + "]";
        JsonFields f(v, m_file, where, kPrefix);
        FieldDef d;
        d.id = f.string("id").value_or("");
        if (f.failed())
            return f.finish().error();
        const std::string path = group ? m_currentGroup + "." + d.id : d.id;
        if (!validId(d.id))
            return defError(m_file, path, "bad_id", {{"value", d.id}});
        JsonFields fields(v, m_file, path, kPrefix);
        fields.string("id");
        const std::string type = fields.string("type").value_or("");
        bool known = false;
        for (auto& [t, name] : kTypes)
            if (name == type) {
                d.type = t;
                known = true;
            }
        if (!fields.failed() && !known)
            return defError(m_file, path, "unknown_type", {{"type", type}});
        if (auto s = text(fields, "label", d.label, true); !s)
            return s.error();
        if (auto s = text(fields, "help", d.help, false); !s)
            return s.error();
        d.required = fields.boolean("required", false).value_or(false);
        d.sensitive = fields.boolean("sensitive", false).value_or(false);

        // Keys that make sense only for some types.
        auto onlyFor = [&](const char* key, bool allowed) -> Status {
            if (fields.has(key) && !allowed)
                return defError(m_file, path, "not_for_type", {{"key", key}, {"type", type}});
            return {};
        };
        const bool valued = d.type != FieldType::Note && d.type != FieldType::Repeat;
        for (auto [key, ok] : std::initializer_list<std::pair<const char*, bool>>{
                 {"options", isChoice(d.type)},
                 {"max_score", isChoice(d.type)},
                 {"score_bands", isNumeric(d.type)},
                 {"min", isNumeric(d.type)},
                 {"max", isNumeric(d.type)},
                 {"max_length", d.type == FieldType::Text},
                 {"computed", isNumeric(d.type) || d.type == FieldType::Text},
                 {"constraint", valued},
                 {"required", d.type != FieldType::Note},
                 {"fields", d.type == FieldType::Repeat},
                 {"min_count", d.type == FieldType::Repeat},
                 {"max_count", d.type == FieldType::Repeat},
                 {"score_group", isChoice(d.type) || isNumeric(d.type)}})
            if (auto s = onlyFor(key, ok); !s)
                return s.error();

        // Relevance and computed values read earlier fields only; the constraint may read '.'.
        if (auto s = expression(fields, "relevant", d.relevant, group, nullptr); !s)
            return s.error();
        if (auto s = expression(fields, "computed", d.computed, group, nullptr); !s)
            return s.error();
        if (auto s = expression(fields, "constraint", d.constraint, group, &d); !s)
            return s.error();
        if (auto s = text(fields, "constraint_message", d.constraintMessage, false); !s)
            return s.error();
        if (d.constraint && d.constraintMessage.empty())
            return defError(m_file, path, "constraint_message_missing");
        if (d.computed) {
            const ValueType t = d.computed->type();
            const ValueType want = isNumeric(d.type) ? ValueType::Number : ValueType::Text;
            if (t != ValueType::Any && t != want)
                return defError(m_file, path, "computed_type", {{"type", type}});
        }
        for (const auto* e : {&d.relevant, &d.constraint})
            if (*e && (*e)->type() != ValueType::Bool && (*e)->type() != ValueType::Any)
                return defError(m_file, path, "not_a_condition",
                                {{"property", e == &d.relevant ? "relevant" : "constraint"}});

        d.min = decimal(fields, "min", false);
        d.max = decimal(fields, "max", false);
        if (d.min && d.max && *d.max < *d.min)
            return defError(m_file, path, "min_above_max");
        if (auto n = fields.integer("max_length", 1, 100000, false))
            d.maxLength = static_cast<int>(*n);
        d.maxScore = decimal(fields, "max_score", false);

        if (const auto* options = fields.array("options", isChoice(d.type))) {
            if (options->empty())
                return defError(m_file, path, "no_options");
            for (size_t i = 0; i < options->size(); ++i) {
                auto opt = parseOption((*options)[i], path + ".options[" + std::to_string(i) + "]",
                                       group != nullptr);
                if (!opt)
                    return opt.error();
                if (!d.optionIds.insert(opt->id).second)
                    return defError(m_file, path, "duplicate_option", {{"option", opt->id}});
                d.options.push_back(std::move(*opt));
            }
        }
        if (const auto* bands = fields.array("score_bands", false)) {
            if (group)
                return defError(m_file, path, "score_in_repeat");
            for (size_t i = 0; i < bands->size(); ++i) {
                JsonFields b((*bands)[i], m_file, path + ".score_bands[" + std::to_string(i) + "]",
                             kPrefix);
                ScoreBand band;
                band.below = decimal(b, "below", false);
                band.score = decimal(b, "score", true).value_or(Decimal());
                if (auto s = b.finish(); !s)
                    return s.error();
                if (!d.scoreBands.empty() &&
                    (!d.scoreBands.back().below ||
                     (band.below && !(*d.scoreBands.back().below < *band.below))))
                    return defError(m_file, path, "bands_not_ordered");
                d.scoreBands.push_back(band);
            }
        }
        if (auto sg = fields.string("score_group", false)) {
            bool found = false;
            for (const auto& g : m_def->scoreGroups)
                found = found || g.id == *sg;
            if (!found)
                return defError(m_file, path, "unknown_score_group", {{"group", *sg}});
            d.scoreGroup = *sg;
        }

        Declared declared;
        declared.info.type = valueTypeOf(d.type);
        if (d.computed && d.type == FieldType::Text)
            declared.info.type = ValueType::Text;
        if (isChoice(d.type)) {
            declared.options = d.optionIds;
            declared.info.options = &declared.options; // re-pointed by the scope on lookup
        }

        if (d.type == FieldType::Repeat) {
            if (group)
                return defError(m_file, path, "nested_repeat");
            d.minCount = static_cast<int>(fields.integer("min_count", 0, 1000, false).value_or(0));
            d.maxCount = static_cast<int>(fields.integer("max_count", 1, 1000, false).value_or(30));
            if (d.maxCount < d.minCount)
                return defError(m_file, path, "min_above_max");
            const auto* sub = fields.array("fields");
            if (auto s = fields.finish(); !s)
                return s.error();
            if (sub->empty())
                return defError(m_file, path, "no_fields");
            declared.info.group = true;
            m_currentGroup = d.id;
            auto& slot = m_top[d.id] = std::move(declared);
            auto s = parseFields(*sub, d.fields, &slot);
            m_currentGroup.clear();
            if (!s)
                return s.error();
            return d;
        }
        if (auto s = fields.finish(); !s)
            return s.error();
        (group ? group->rows : m_top)[d.id] = std::move(declared);
        return d;
    }

    std::string m_file;
    FormDefinition* m_def = nullptr;
    std::set<std::string> m_allIds;
    std::map<std::string, std::string> m_rowFieldGroup;
    std::map<std::string, Declared> m_top;
    std::string m_currentGroup;
    std::optional<Error> m_error;
};
} // namespace

std::string_view fieldTypeId(FieldType t) {
    for (auto& [type, name] : kTypes)
        if (type == t)
            return name;
    return {};
}

const Option* FieldDef::option(std::string_view id) const {
    for (const auto& o : options)
        if (o.id == id)
            return &o;
    return nullptr;
}

bool FieldDef::scored() const {
    if (!scoreBands.empty())
        return true;
    for (const auto& o : options)
        if (o.score)
            return true;
    return false;
}

const FieldDef* FormDefinition::field(std::string_view id) const {
    for (const auto& f : fields) {
        if (f.id == id)
            return &f;
        for (const auto& sub : f.fields)
            if (sub.id == id)
                return &sub;
    }
    return nullptr;
}

const Level* FormDefinition::level(std::string_view id) const {
    for (const auto& l : levels)
        if (l.id == id)
            return &l;
    return nullptr;
}

HardshipLevel FormDefinition::hardshipLevel(const std::optional<std::string>& levelId) const {
    if (!levelId)
        return HardshipLevel::None;
    const Level* l = level(*levelId);
    return l ? l->hardship : HardshipLevel::None;
}

Result<FormDefinition> parseFormDefinition(std::string_view json, const std::string& file) {
    return DefinitionParser(file).run(json);
}

} // namespace zhuxue::core::forms
