#include "args.hpp"

#include <charconv>

namespace zhuxue {

Result<Args> Args::parse(int argc, char** argv, const std::set<std::string>& valueOptions,
                         const std::set<std::string>& flagOptions, int first) {
    Args a;
    bool onlyPositional = false;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (onlyPositional || arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            if (arg == "--") {
                onlyPositional = true;
                continue;
            }
            if (arg == "-h") {
                a.m_flags.insert("help");
                continue;
            }
            a.m_positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2), value;
        bool inlineValue = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inlineValue = true;
        }
        if (flagOptions.count(name)) {
            if (inlineValue)
                return Error("args.flag_with_value", {{"option", "--" + name}});
            a.m_flags.insert(name);
        } else if (valueOptions.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= argc)
                    return Error("args.missing_value", {{"option", "--" + name}});
                value = argv[++i];
            }
            a.m_values[name] = value;
        } else {
            return Error("args.unknown_option", {{"option", "--" + name}});
        }
    }
    return a;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? fallback : it->second;
}

Result<long long> Args::integer(const std::string& name, long long fallback) const {
    auto it = m_values.find(name);
    if (it == m_values.end())
        return fallback;
    long long v = 0;
    const std::string& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return Error("args.not_a_number", {{"option", "--" + name}, {"value", s}});
    return v;
}

} // namespace zhuxue
