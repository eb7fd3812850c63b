#pragma once
// Real sync servers for tests: zhuxue-server processes on ephemeral loopback ports (SQLite or
// PostgreSQL storage) and a private PostgreSQL cluster made with initdb/pg_ctl.
#include "process.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zhuxue::test {

// A throwaway PostgreSQL cluster in its own directory, on a free loopback port. As root the
// cluster runs as "nobody". start() returns nullptr and sets whyNot when PostgreSQL is missing.
class PostgresInstance {
public:
    static std::unique_ptr<PostgresInstance> start(std::string& whyNot);
    ~PostgresInstance();
    std::string url() const; // postgresql://postgres@127.0.0.1:PORT/postgres

private:
    PostgresInstance() = default;
    std::string run(const std::string& cmd) const; // as the cluster's user
    std::filesystem::path m_dir;
    std::string m_pgCtl;
    int m_port = 0;
};

class ServerProcess {
public:
    // db: "" for SQLite in dataDir, or a postgresql:// URL.
    ServerProcess(std::filesystem::path dataDir, std::string db = {},
                  std::vector<std::string> extra = {});
    // Stops the server with SIGTERM; a server that then exits with a status other than 0 or
    // prints a sanitizer report fails the running test (reportFixtureFailure).
    ~ServerProcess();
    void start(); // waits until /v1/health answers
    void kill9();
    void stop(); // SIGTERM, waits, checks the exit as the destructor does
    bool running();
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // Runs `zhuxue-server enroll` against the same storage; returns the code.
    std::string enrollCode(const std::string& counties);
    Process& process() { return *m_proc; }

private:
    std::vector<std::string> storageArgs() const;
    void checkEnded(const std::string& how);
    std::filesystem::path m_dataDir;
    std::string m_db;
    std::vector<std::string> m_extra;
    std::unique_ptr<Process> m_proc;
    int m_port = 0;
    bool m_killed = false; // the test killed it on purpose: its exit status means nothing
};

int freeLoopbackPort();
// build/test-artifacts/sync-logs: where the processes of sync tests leave their output.
std::filesystem::path syncLogDir();

} // namespace zhuxue::test
