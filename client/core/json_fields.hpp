#pragma once
// Strict reading of data files (policy years, form definitions): every field is looked up by
// name with its type and range, unknown fields are refused (a typo must not silently fall back
// to a default), and the first problem becomes an Error naming the file, the field path and the
// reason. Keys: "<prefix>.missing_field", ".wrong_type" {expected}, ".out_of_range" {min, max,
// value}, ".bad_date" {value}, ".unknown_field", ".bad_value" {value}; all with {file, field}.
#include "date.hpp"
#include "result.hpp"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

namespace zhuxue::core {

struct MonthDay {
    int month = 1;
    int day = 1;
    auto operator<=>(const MonthDay&) const = default;
    Date inYear(int year) const { return Date{year, month, day}.plusYears(0); }
};

class JsonFields {
public:
    // `object` must outlive this reader. `path` is the field path of the object itself ("" for
    // the top level); nested fields are named "path.key".
    JsonFields(const nlohmann::json& object, std::string file, std::string path,
               std::string prefix);

    bool has(const std::string& key) const;
    std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max,
                                        bool required = true);
    std::optional<std::string> string(const std::string& key, bool required = true);
    std::optional<bool> boolean(const std::string& key, bool required = true);
    std::optional<Date> date(const std::string& key, bool required = true);         // "YYYY-MM-DD"
    std::optional<MonthDay> monthDay(const std::string& key, bool required = true); // "MM-DD"
    const nlohmann::json* object(const std::string& key, bool required = true);
    const nlohmann::json* array(const std::string& key, bool required = true);
    // Any JSON value (for fields whose type is checked by the caller).
    const nlohmann::json* any(const std::string& key, bool required = true);

    // Records an error about `key` of this object (first error wins).
    void fail(const std::string& key, const std::string& reason,
              std::map<std::string, std::string> args = {});
    std::string fieldPath(const std::string& key) const;

    // Refuses keys never asked for; then the first error, if any.
    Status finish();
    bool failed() const { return m_error.has_value(); }
    const std::string& file() const { return m_file; }

private:
    const nlohmann::json* find(const std::string& key, bool required);
    void wrongType(const std::string& key, const char* expected);

    const nlohmann::json& m_object;
    std::string m_file, m_path, m_prefix;
    std::set<std::string> m_seen;
    std::optional<Error> m_error;
};

// Parses a whole document; errors "<prefix>.not_json" {file, detail} or "<prefix>.not_object".
Result<nlohmann::json> parseJsonObject(std::string_view text, const std::string& file,
                                       const std::string& prefix);

} // namespace zhuxue::core
