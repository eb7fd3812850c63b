#pragma once
// Real child processes for integration and GUI tests: start with arguments and extra
// environment, capture stdout/stderr to files, wait with a deadline, signal, kill at scope exit.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::test {

class Process {
public:
    Process(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
            std::filesystem::path logDir = {});
    ~Process(); // SIGKILLs the child if it still runs
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    int pid() const { return m_pid; }
    bool running();
    void signal(int sig);
    // Waits for exit; returns the exit code (128+signal when killed), nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string stdoutText() const;
    std::string stderrText() const;

private:
    int m_pid = -1;
    std::optional<int> m_exit;
    std::filesystem::path m_out, m_err;
};

// A failure a fixture finds outside any assertion (a server that crashed, did not stop, or wrote
// a sanitizer report): doctest programs fail the running test case (doctest_main.cpp installs
// the handler); elsewhere (zhuxue-bench) it is printed to stderr.
void reportFixtureFailure(const std::string& what);
void setFixtureFailureHandler(void (*handler)(const std::string&));
// The first sanitizer report (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer) in a
// process's stderr, or "" when there is none.
std::string sanitizerReport(const std::string& stderrText);

// Polls pred every 20 ms until it holds or the timeout passes.
bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
// Runs a command through /bin/sh and returns its exit code and stdout. Every program it calls
// must be in tests/support/programs.cpp's table and installed, or it throws MissingProgram
// naming the Debian package to install.
std::pair<int, std::string> runShell(const std::string& command);

} // namespace zhuxue::test
