#pragma once
// Errors that cross a module boundary are values. An Error names a message in the i18n
// catalogue (key) and the values to put into it (args), so the same error reads correctly in
// Chinese and English; `detail` keeps technical context (a SQLite message, a path) for logs.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace zhuxue {

struct Error {
    std::string key;                           // e.g. "id.checksum"
    std::map<std::string, std::string> args;   // e.g. {"expected", "X"}
    std::string detail;                        // technical context, never shown alone

    Error() = default;
    explicit Error(std::string k, std::map<std::string, std::string> a = {}, std::string d = {})
        : key(std::move(k)), args(std::move(a)), detail(std::move(d)) {}
};

template <class T> class Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_v); }
    const T& value() const { return std::get<0>(m_v); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <> class Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace zhuxue
