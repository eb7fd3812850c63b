#pragma once
// The command registry of zhuxue-cli. Each command group lives in its own file and registers its
// commands with a register*Commands() function listed in main.cpp, so adding a group (import,
// gen-demo, sync, ...) is one new file and one line.
#include "client/core/args.hpp"
#include "client/core/i18n.hpp"

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace zhuxue::cli {

struct Context {
    std::filesystem::path dataDir;
    std::string lang; // "zh-CN" (default) or "en"
    const Catalog* texts = nullptr;
    const Args* args = nullptr; // parsed options and positionals (positional()[0] = command)
    // The positional arguments after the command name.
    std::vector<std::string> operands() const;
    // Prints a localized error (and its technical detail) to stderr; returns exit status 1.
    int fail(const Error& error) const;
    // A localized line on stdout.
    void say(const std::string& key, const std::map<std::string, std::string>& args = {}) const;
    std::string text(const std::string& key,
                     const std::map<std::string, std::string>& args = {}) const;
};

struct Command {
    std::string name;
    std::string usage;                  // "init", "backup FILE"
    std::string help;                   // one line, "中文 English"
    std::set<std::string> valueOptions; // options of this command that take a value
    std::set<std::string> flagOptions;
    std::function<int(const Context&)> run; // exit status
};

void registerStoreCommands(std::vector<Command>& out);
void registerIdCommands(std::vector<Command>& out);
void registerImportCommands(std::vector<Command>& out); // import, gen-demo (import_commands.cpp)

} // namespace zhuxue::cli
