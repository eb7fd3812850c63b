#include "command.hpp"

#include "client/store/crypto/log_scrub.hpp"

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

int Context::fail(const Error& raw) const {
    // stderr is what cron and systemd keep: no ID numbers, phones or names in it.
    const Error error = store::crypto::scrubForLog(raw);
    std::string message = store::crypto::scrubForLog(texts ? texts->format(error) : error.key);
    std::fprintf(stderr, "zhuxue-cli: %s\n", message.c_str());
    if (!error.detail.empty())
        std::fprintf(stderr, "  (%s)\n", error.detail.c_str());
    return 1;
}

void Context::say(const std::string& key, const std::map<std::string, std::string>& a) const {
    std::printf("%s\n", text(key, a).c_str());
}

} // namespace zhuxue::cli
