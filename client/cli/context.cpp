#include "command.hpp"

#include <cstdio>

namespace zhuxue::cli {

std::vector<std::string> Context::operands() const {
    const auto& p = args->positional();
    return p.size() > 1 ? std::vector<std::string>(p.begin() + 1, p.end())
                        : std::vector<std::string>();
}

std::string Context::text(const std::string& key,
                          const std::map<std::string, std::string>& a) const {
    return texts ? texts->format(key, a) : key;
}

int Context::fail(const Error& error) const {
    std::string message = texts ? texts->format(error) : error.key;
    std::fprintf(stderr, "zhuxue-cli: %s\n", message.c_str());
    if (!error.detail.empty())
        std::fprintf(stderr, "  (%s)\n", error.detail.c_str());
    return 1;
}

void Context::say(const std::string& key, const std::map<std::string, std::string>& a) const {
    std::printf("%s\n", text(key, a).c_str());
}

} // namespace zhuxue::cli
