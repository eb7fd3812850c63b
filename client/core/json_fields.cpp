#include "json_fields.hpp"

namespace zhuxue::core {

JsonFields::JsonFields(const nlohmann::json& object, std::string file, std::string path,
                       std::string prefix)
    : m_object(object), m_file(std::move(file)), m_path(std::move(path)),
      m_prefix(std::move(prefix)) {
    if (!m_object.is_object())
        fail("", "wrong_type", {{"expected", "object"}});
}

std::string JsonFields::fieldPath(const std::string& key) const {
    if (m_path.empty())
        return key;
    if (key.empty())
        return m_path;
    return m_path + "." + key;
}

void JsonFields::fail(const std::string& key, const std::string& reason,
                      std::map<std::string, std::string> args) {
    if (m_error)
        return;
    args["file"] = m_file;
    args["field"] = fieldPath(key);
    m_error = Error(m_prefix + "." + reason, std::move(args));
}

void JsonFields::wrongType(const std::string& key, const char* expected) {
    fail(key, "wrong_type", {{"expected", expected}});
}

bool JsonFields::has(const std::string& key) const {
    return m_object.is_object() && m_object.contains(key);
}

const nlohmann::json* JsonFields::find(const std::string& key, bool required) {
    m_seen.insert(key);
    if (!m_object.is_object())
        return nullptr;
    auto it = m_object.find(key);
    if (it == m_object.end()) {
        if (required)
            fail(key, "missing_field");
        return nullptr;
    }
    return &*it;
}

std::optional<std::int64_t> JsonFields::integer(const std::string& key, std::int64_t min,
                                                std::int64_t max, bool required) {
    const auto* v = find(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_number_integer()) {
        wrongType(key, "integer");
        return std::nullopt;
    }
    std::int64_t n = v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX
                         ? INT64_MAX
                         : v->get<std::int64_t>();
    if (n < min || n > max) {
        fail(key, "out_of_range",
             {{"min", std::to_string(min)},
              {"max", std::to_string(max)},
              {"value", std::to_string(n)}});
        return std::nullopt;
    }
    return n;
}

std::optional<std::string> JsonFields::string(const std::string& key, bool required) {
    const auto* v = find(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        wrongType(key, "string");
        return std::nullopt;
    }
    return v->get<std::string>();
}

std::optional<bool> JsonFields::boolean(const std::string& key, bool required) {
    const auto* v = find(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_boolean()) {
        wrongType(key, "boolean");
        return std::nullopt;
    }
    return v->get<bool>();
}

std::optional<Date> JsonFields::date(const std::string& key, bool required) {
    auto s = string(key, required);
    if (!s)
        return std::nullopt;
    auto d = Date::parse(*s);
    if (!d)
        fail(key, "bad_date", {{"value", *s}});
    return d;
}

std::optional<MonthDay> JsonFields::monthDay(const std::string& key, bool required) {
    auto s = string(key, required);
    if (!s)
        return std::nullopt;
    // Checked against a leap year so "02-29" is allowed only where it can exist at all.
    auto d = s->size() == 5 ? Date::parse("2000-" + *s) : std::nullopt;
    if (!d) {
        fail(key, "bad_date", {{"value", *s}});
        return std::nullopt;
    }
    return MonthDay{d->month, d->day};
}

const nlohmann::json* JsonFields::object(const std::string& key, bool required) {
    const auto* v = find(key, required);
    if (v && !v->is_object()) {
        wrongType(key, "object");
        return nullptr;
    }
    return v;
}

const nlohmann::json* JsonFields::array(const std::string& key, bool required) {
    const auto* v = find(key, required);
    if (v && !v->is_array()) {
        wrongType(key, "array");
        return nullptr;
    }
    return v;
}

const nlohmann::json* JsonFields::any(const std::string& key, bool required) {
    return find(key, required);
}

Status JsonFields::finish() {
    if (!m_error && m_object.is_object())
        for (auto it = m_object.begin(); it != m_object.end(); ++it)
            if (!m_seen.count(it.key()) && !it.key().starts_with("_")) {
                fail(it.key(), "unknown_field");
                break;
            }
    if (m_error)
        return *m_error;
    return {};
}

Result<nlohmann::json> parseJsonObject(std::string_view text, const std::string& file,
                                       const std::string& prefix) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for a number too large for a double ("1E99999"): both
        // mean the file is not usable JSON (found by tests/fuzz/fuzz_form_definition).
        return Error(prefix + ".not_json", {{"file", file}, {"detail", e.what()}}, e.what());
    }
    if (!doc.is_object())
        return Error(prefix + ".not_object", {{"file", file}});
    return doc;
}

} // namespace zhuxue::core
