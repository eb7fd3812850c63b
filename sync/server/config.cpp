#include "config.hpp"

#include <charconv>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace zhuxue::sync::server {

namespace {

enum class Kind { Text, Path, Integer, DbUrl };

struct Setting {
    const char* name;
    Kind kind;
    long long min = 0;
    long long max = 0;
};

// Ranges match what main.cpp accepts on the command line.
constexpr Setting kSettings[] = {
    {"listen", Kind::Text},
    {"port", Kind::Integer, 0, 65535},
    {"port-file", Kind::Path},
    {"data-dir", Kind::Path},
    {"db", Kind::DbUrl},
    {"tls-cert", Kind::Path},
    {"tls-key", Kind::Path},
    {"threads", Kind::Integer, 1, 1024},
    {"max-body-kb", Kind::Integer, 1, 1048576},
    {"code-hours", Kind::Integer, 1, 24 * 365},
    {"token-days", Kind::Integer, 1, 36500},
    {"url", Kind::Text},
    {"trusted-proxy", Kind::Text},
};

const Setting* findSetting(std::string_view name) {
    for (const auto& s : kSettings)
        if (name == s.name)
            return &s;
    return nullptr;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

Error configError(const std::string& key, const std::string& file, int line, std::map<std::string, std::string> args,
                  const std::string& message) {
    args["file"] = file;
    args["line"] = std::to_string(line);
    return Error(key, std::move(args), file + ":" + std::to_string(line) + ": " + message);
}

// Why a value is refused: the catalogue key of the reason (the console shows it in each
// language, see console_text.hpp) and the text for the error's detail (Chinese, then English).
struct Refusal {
    std::string key, text;
};

// Nothing when the value is acceptable.
std::optional<Refusal> checkValue(const Setting& s, const std::string& value) {
    switch (s.kind) {
    case Kind::Text:
    case Kind::Path:
        if (value.empty())
            return Refusal{"server.config.reason.empty", "值不能为空 the value is empty"};
        return std::nullopt;
    case Kind::DbUrl:
        // Empty means the SQLite file in data-dir, as when --db is not given.
        if (value.empty() || value.rfind("postgresql://", 0) == 0 || value.rfind("postgres://", 0) == 0 ||
            value.rfind("sqlite:", 0) == 0)
            return std::nullopt;
        return Refusal{"server.config.reason.db_url",
                       "需要 postgresql://... 或 sqlite:文件 needs postgresql://... or sqlite:FILE"};
    case Kind::Integer: {
        long long v = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (value.empty() || ec != std::errc() || p != value.data() + value.size() || v < s.min || v > s.max)
            return Refusal{"server.config.reason.range",
                           "需要 " + std::to_string(s.min) + "-" + std::to_string(s.max) +
                               " 之间的整数 needs a whole number from " + std::to_string(s.min) + " to " +
                               std::to_string(s.max)};
        return std::nullopt;
    }
    }
    return std::nullopt;
}

} // namespace

const std::vector<std::string>& configNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& s : kSettings)
            v.emplace_back(s.name);
        return v;
    }();
    return names;
}

Result<std::vector<ConfigEntry>> parseConfig(std::string_view text, const std::string& fileName) {
    std::vector<ConfigEntry> out;
    std::set<std::string> seen;
    int lineNo = 0;
    while (!text.empty() || lineNo == 0) {
        ++lineNo;
        auto nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (lineNo == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF") // a BOM left by a Windows editor
            raw.remove_prefix(3);
        // '#' starts a comment anywhere: no setting needs a '#' in its value.
        if (auto hash = raw.find('#'); hash != std::string_view::npos)
            raw = raw.substr(0, hash);
        std::string_view line = trim(raw);
        if (line.empty())
            continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            return configError("server.config.syntax", fileName, lineNo, {},
                               "需要“名称 = 值”的格式 expected \"name = value\"");
        std::string name(trim(line.substr(0, eq)));
        std::string value(trim(line.substr(eq + 1)));
        if (name.size() > 2 && name.compare(0, 2, "--") == 0)
            name = name.substr(2);
        const Setting* s = findSetting(name);
        if (!s)
            return configError("server.config.unknown_name", fileName, lineNo, {{"name", name}},
                               "没有这个设置 unknown setting \"" + name + "\"");
        if (!seen.insert(name).second)
            return configError("server.config.duplicate", fileName, lineNo, {{"name", name}},
                               "设置 \"" + name + "\" 重复出现 is set twice");
        if (auto refused = checkValue(*s, value))
            return configError("server.config.bad_value", fileName, lineNo,
                               {{"name", name},
                                {"value", value},
                                {"reason", refused->text},
                                {"reason_key", refused->key},
                                {"min", std::to_string(s->min)},
                                {"max", std::to_string(s->max)}},
                               name + " = \"" + value + "\": " + refused->text);
        out.push_back({name, value, lineNo});
        if (nl == std::string_view::npos)
            break;
    }
    return out;
}

Result<std::vector<ConfigEntry>> loadConfigFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error("server.config.unreadable", {{"file", path}},
                     "无法读取配置文件 cannot read the configuration file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return parseConfig(text.str(), path);
}

Result<std::vector<std::string>> argumentsWithConfig(int argc, char** argv) {
    std::vector<std::string> own;
    std::string configPath;
    bool haveConfig = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        own.push_back(arg);
        if (arg == "--")
            break;
        if (arg == "--config" && i + 1 < argc) {
            configPath = argv[i + 1];
            haveConfig = true;
        } else if (arg.rfind("--config=", 0) == 0) {
            configPath = arg.substr(9);
            haveConfig = true;
        }
    }
    for (int i = static_cast<int>(own.size()) + 1; i < argc; ++i)
        own.emplace_back(argv[i]);

    std::vector<std::string> out{argc > 0 ? argv[0] : "zhuxue-server"};
    if (haveConfig) {
        auto entries = loadConfigFile(configPath);
        if (!entries)
            return entries.error();
        for (const auto& e : *entries)
            out.push_back("--" + e.name + "=" + e.value);
    }
    out.insert(out.end(), own.begin(), own.end());
    return out;
}

std::vector<char*> argvOf(std::vector<std::string>& args) {
    std::vector<char*> out;
    for (auto& a : args)
        out.push_back(a.data());
    out.push_back(nullptr);
    return out;
}

} // namespace zhuxue::sync::server
