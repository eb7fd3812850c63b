#pragma once
// zhuxue-server's configuration file (/etc/zhuxue/server.conf): "name = value" lines, '#'
// comments, names equal to the long options. Every setting can also be given on the command
// line, and the command line wins. Errors name the file and line and say why, Chinese first.
#include "client/core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::sync::server {

struct ConfigEntry {
    std::string name;
    std::string value;
    int line = 0;
};

// The option names a configuration file may set (the long options of `serve` and the storage
// options the other commands share; not the per-command ones such as --county).
const std::vector<std::string>& configNames();

// Parses and checks the text of a configuration file; `fileName` is used in error messages.
// Errors: server.config.syntax, server.config.unknown_name, server.config.duplicate,
// server.config.bad_value, each with args file, line (and name, value, reason).
Result<std::vector<ConfigEntry>> parseConfig(std::string_view text, const std::string& fileName);

// Reads the file first (server.config.unreadable when it cannot).
Result<std::vector<ConfigEntry>> loadConfigFile(const std::string& path);

// The command line with the settings of its --config FILE (if any) put before the command
// line's own arguments, so that Args::parse, where a later value wins, lets the command line
// win. "--config" itself stays in the result.
Result<std::vector<std::string>> argumentsWithConfig(int argc, char** argv);

// argv-style view of a vector of strings for Args::parse; valid while `args` lives.
std::vector<char*> argvOf(std::vector<std::string>& args);

} // namespace zhuxue::sync::server
