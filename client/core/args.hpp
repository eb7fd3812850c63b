#pragma once
// A small command-line reader shared by zhuxue, zhuxue-cli and zhuxue-server: long options
// (--name value, --name=value, --flag) and positional arguments, with errors as values.
#include "result.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace zhuxue {

class Args {
public:
    // valueOptions take a value; flagOptions do not. Anything else starting with "--" is an error.
    static Result<Args> parse(int argc, char** argv, const std::set<std::string>& valueOptions,
                              const std::set<std::string>& flagOptions, int first = 1);

    bool flag(const std::string& name) const { return m_flags.count(name) != 0; }
    bool has(const std::string& name) const { return m_values.count(name) != 0; }
    std::string value(const std::string& name, const std::string& fallback = {}) const;
    // The value as an integer, or an error naming the option when it is not one.
    Result<long long> integer(const std::string& name, long long fallback) const;
    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
};

} // namespace zhuxue
