#include "sync_fixture.hpp"

#include "http_get.hpp"
#include "programs.hpp"
#include "temp_dir.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace zhuxue::test {
namespace fs = std::filesystem;

namespace {

bool healthOk(int port) {
    HttpAnswer a = httpGet("http://127.0.0.1:" + std::to_string(port) + "/v1/health",
                           {}, std::chrono::seconds(2));
    return a.status == 200 && a.body.find("\"ok\"") != std::string::npos;
}
} // namespace

fs::path syncLogDir() {
    fs::path p = artifactPath("sync-logs");
    fs::create_directories(p);
    return p;
}

int freeLoopbackPort() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    int port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

std::string PostgresInstance::run(const std::string& cmd) const {
    std::string full = ::geteuid() == 0 ? "runuser -u nobody -- " + cmd : cmd;
    auto [rc, out] = runShell(full + " 2>&1");
    if (rc != 0)
        throw std::runtime_error("`" + full + "` failed: " + out);
    return out;
}

std::unique_ptr<PostgresInstance> PostgresInstance::start(std::string& whyNot) {
    std::string initdb, pgCtl;
    try {
        initdb = tool("initdb");
        pgCtl = tool("pg_ctl");
    } catch (const MissingProgram& e) {
        whyNot = e.what();
        return nullptr;
    }
    std::unique_ptr<PostgresInstance> pg(new PostgresInstance);
    char tmpl[] = "/tmp/zhuxue-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) {
        whyNot = "cannot make a temporary directory";
        return nullptr;
    }
    pg->m_dir = tmpl;
    fs::permissions(pg->m_dir, fs::perms::owner_all);
    if (::geteuid() == 0)
        runShell("chown nobody: " + pg->m_dir.string());
    pg->m_port = freeLoopbackPort();
    try {
        std::string d = (pg->m_dir / "data").string();
        pg->m_pgCtl = pgCtl;
        pg->run(initdb + " -D " + d +
                " -U postgres --auth=trust -E UTF8 --no-sync --locale=C.UTF-8");
        pg->run(pgCtl + " -D " + d + " -l " + (pg->m_dir / "log").string() +
                " -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p " + std::to_string(pg->m_port) +
                " -k " + pg->m_dir.string() +
                " -c fsync=off -c max_connections=300 -c shared_buffers=64MB\" start");
    } catch (const std::exception& e) {
        whyNot = e.what();
        return nullptr;
    }
    return pg;
}

PostgresInstance::~PostgresInstance() {
    if (m_dir.empty())
        return;
    try {
        run(m_pgCtl + " -D " + (m_dir / "data").string() +
            " -m immediate -w stop");
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::string PostgresInstance::url() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(m_port) + "/postgres";
}

ServerProcess::ServerProcess(fs::path dataDir, std::string db, std::vector<std::string> extra)
    : m_dataDir(std::move(dataDir)), m_db(std::move(db)), m_extra(std::move(extra)) {
    fs::create_directories(m_dataDir);
    start();
}

ServerProcess::~ServerProcess() {
    if (!m_proc)
        return;
    if (m_proc->running())
        stop();
    else
        checkEnded("had stopped by itself");
}

// A server the test did not kill must end with status 0 and no sanitizer report: SIGTERM lets
// it close its storage and lets LeakSanitizer look at it.
void ServerProcess::checkEnded(const std::string& how) {
    if (!m_proc || m_killed)
        return;
    auto rc = m_proc->wait(std::chrono::seconds(0));
    std::string report = sanitizerReport(m_proc->stderrText());
    if (!report.empty())
        reportFixtureFailure("zhuxue-server (" + m_dataDir.string() + ") " + how +
                             " with a sanitizer report:\n" + report);
    else if (rc != 0)
        reportFixtureFailure("zhuxue-server (" + m_dataDir.string() + ") " + how + " with status " +
                             (rc ? std::to_string(*rc) : std::string("none")) + ": " +
                             m_proc->stderrText().substr(0, 2000));
    m_killed = true; // reported once
}

std::vector<std::string> ServerProcess::storageArgs() const {
    std::vector<std::string> a{"--data-dir", m_dataDir.string()};
    if (!m_db.empty()) {
        a.push_back("--db");
        a.push_back(m_db);
    }
    return a;
}

void ServerProcess::start() {
    fs::path portFile = m_dataDir / "port";
    fs::remove(portFile);
    std::vector<std::string> argv{
        binPath("zhuxue-server").string(),     "serve",       "--port",
        m_port ? std::to_string(m_port) : "0", "--port-file", portFile.string()};
    for (const auto& a : storageArgs())
        argv.push_back(a);
    for (const auto& a : m_extra)
        argv.push_back(a);
    // Restarting on the same port can race with the old socket; retry a few times.
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (m_proc && attempt == 0 && !m_proc->running())
            checkEnded("had stopped by itself");
        m_proc =
            std::make_unique<Process>(argv, std::map<std::string, std::string>{}, syncLogDir());
        m_killed = false;
        if (waitUntil([&] { return fs::exists(portFile) || !m_proc->running(); },
                      std::chrono::seconds(30)) &&
            fs::exists(portFile))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!fs::exists(portFile))
        throw std::runtime_error("zhuxue-server did not start: " + m_proc->stderrText());
    std::ifstream(portFile) >> m_port;
    if (!waitUntil([&] { return healthOk(m_port); }, std::chrono::seconds(20)))
        throw std::runtime_error("zhuxue-server does not answer /v1/health");
}

void ServerProcess::kill9() {
    m_killed = true;
    m_proc->signal(SIGKILL);
    m_proc->wait(std::chrono::seconds(10));
}

void ServerProcess::stop() {
    m_proc->signal(SIGTERM);
    if (!m_proc->wait(std::chrono::seconds(30))) {
        reportFixtureFailure("zhuxue-server (" + m_dataDir.string() +
                             ") did not stop within 30 s of SIGTERM");
        m_killed = true;
        m_proc->signal(SIGKILL);
        m_proc->wait(std::chrono::seconds(10));
        return;
    }
    checkEnded("stopped on SIGTERM");
}

bool ServerProcess::running() {
    return m_proc && m_proc->running();
}

std::string ServerProcess::enrollCode(const std::string& counties) {
    std::vector<std::string> argv{binPath("zhuxue-server").string(), "enroll", "--county",
                                  counties};
    for (const auto& a : storageArgs())
        argv.push_back(a);
    Process p(argv, {}, syncLogDir());
    auto rc = p.wait(std::chrono::seconds(30));
    if (!rc || *rc != 0)
        throw std::runtime_error("zhuxue-server enroll failed: " + p.stderrText());
    std::string code = p.stdoutText();
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r'))
        code.pop_back();
    return code;
}

} // namespace zhuxue::test
