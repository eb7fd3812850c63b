#pragma once
// Enrollment codes for one device role (zhuxue-server enroll --role staff|kiosk|display, and
// --device ID for a code that re-enrols one device), made by a real zhuxue-server process on the
// storage of a ServerProcess: its data directory and, for PostgreSQL, its --db URL.
#include "process.hpp"
#include "sync_fixture.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace zhuxue::test {

struct RoleCode {
    std::string code; // what zhuxue-server enroll prints on stdout
    std::string said; // its stderr: the enrollment text and the QR code
};

inline RoleCode roleEnrollCode(const std::filesystem::path& dataDir, const std::string& db,
                               const std::string& counties, const std::string& role,
                               const std::string& device = {}) {
    std::vector<std::string> argv{binPath("zhuxue-server").string(), "enroll", "--county", counties,
                                  "--role", role, "--data-dir", dataDir.string()};
    if (!db.empty())
        argv.insert(argv.end(), {"--db", db});
    if (!device.empty())
        argv.insert(argv.end(), {"--device", device});
    Process p(argv, {}, syncLogDir());
    auto rc = p.wait(std::chrono::seconds(30));
    if (!rc || *rc != 0)
        throw std::runtime_error("zhuxue-server enroll --role " + role + " failed: " + p.stderrText());
    std::string code = p.stdoutText();
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r'))
        code.pop_back();
    return {code, p.stderrText()};
}

} // namespace zhuxue::test
