#include "process.hpp"
#include "programs.hpp"
#include "temp_dir.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace zhuxue::test {
namespace fs = std::filesystem;

namespace {
int counter = 0;

void printFixtureFailure(const std::string& what) {
    std::fprintf(stderr, "FIXTURE FAILURE: %s\n", what.c_str());
}
void (*g_fixtureFailure)(const std::string&) = printFixtureFailure;
} // namespace

void reportFixtureFailure(const std::string& what) { g_fixtureFailure(what); }
void setFixtureFailureHandler(void (*handler)(const std::string&)) {
    g_fixtureFailure = handler ? handler : printFixtureFailure;
}

std::string sanitizerReport(const std::string& err) {
    for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ",
                               "WARNING: ThreadSanitizer"}) {
        auto at = err.find(marker);
        if (at != std::string::npos) {
            auto start = err.rfind('\n', at);
            start = start == std::string::npos ? 0 : start + 1;
            return err.substr(start, 2000);
        }
    }
    return {};
}

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 fs::path logDir) {
    checkCalledProgram(argv.at(0));
    if (logDir.empty())
        logDir = fs::temp_directory_path();
    std::string stem = fs::path(argv.at(0)).filename().string() + "-" + std::to_string(::getpid()) +
                       "-" + std::to_string(++counter);
    m_out = logDir / (stem + ".out");
    m_err = logDir / (stem + ".err");
    m_pid = ::fork();
    if (m_pid < 0)
        throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        int out = ::open(m_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(m_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out >= 0)
            ::dup2(out, 1);
        if (err >= 0)
            ::dup2(err, 2);
        for (auto& [k, v] : env) {
            if (v.empty())
                ::unsetenv(k.c_str());
            else
                ::setenv(k.c_str(), v.c_str(), 1);
        }
        std::vector<char*> cargv;
        for (auto& a : argv)
            cargv.push_back(a.data());
        cargv.push_back(nullptr);
        ::execvp(cargv[0], cargv.data());
        std::fprintf(stderr, "exec %s failed: %d\n", cargv[0], errno);
        ::_exit(127);
    }
}

Process::~Process() {
    if (running()) {
        ::kill(m_pid, SIGKILL);
        wait(std::chrono::seconds(5));
    }
}

bool Process::running() {
    if (m_exit || m_pid <= 0)
        return false;
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
        m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

void Process::signal(int sig) {
    if (running())
        ::kill(m_pid, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    waitUntil([this] { return !running(); }, timeout);
    return m_exit;
}

std::string Process::stdoutText() const { return fileBytes(m_out); }
std::string Process::stderrText() const { return fileBytes(m_err); }

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (pred())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::pair<int, std::string> runShell(const std::string& command) {
    checkCalledPrograms(command);
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p)
        return {-1, out};
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

} // namespace zhuxue::test
