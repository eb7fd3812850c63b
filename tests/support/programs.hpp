#pragma once
// Every program outside the project that a test, dev.sh or the build calls, with the Debian
// package that provides it. A newcomer's machine has only what packaging/deps/ installs, so a
// program missing from this table (or its package missing from packaging/deps/) is a test that
// passes on a used machine and fails on a fresh one. unit.test_programs checks the table against
// the sources and packaging/deps/; runShell() and Process check each call against it at run time.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::test {

struct ExternalProgram {
    std::string_view name;    // as called: "pdftotext", "initdb"
    std::string_view package; // the Debian package that provides it
    bool essential = false;   // Essential: yes in Debian (always installed), no deps entry needed
    std::string_view dir = {}; // where it lives when not on PATH ("/usr/lib/postgresql/15/bin")
};

std::span<const ExternalProgram> externalPrograms();
const ExternalProgram* findExternalProgram(std::string_view name);

// Thrown when a program is missing on this machine or not in the table. what() names the Debian
// package to install (Chinese first, then English).
struct MissingProgram : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The path of a program of the table, or throws MissingProgram naming its package.
std::string tool(std::string_view name);

// The command words of a shell command line: the first word of each simple command (after
// |, &&, ||, ;, ( and leading VAR=value assignments), unquoted; shell builtins and words
// built from variables are left out.
std::vector<std::string> shellCommandWords(std::string_view command);

// For runShell and Process: throws MissingProgram when a called program is not in the table or
// is not installed. Programs of this build (build/bin, the test programs) pass.
void checkCalledPrograms(std::string_view command);
void checkCalledProgram(const std::string& argv0);

} // namespace zhuxue::test
