#pragma once
// The HTTP API of zhuxue-server (see sync/protocol/PROTOCOL.md), installed on an httplib server.
#include "account_store.hpp"
#include "storage.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace httplib {
class Server;
}

namespace zhuxue::sync::server {

struct ServiceOptions {
    std::size_t maxBodyBytes = 32u << 20; // decompressed push/enroll bodies
    std::size_t maxBlobPiece = 8u << 20;  // one PUT of blob bytes
    int64_t maxBlobBytes = 1LL << 30;     // one whole blob
    int64_t tokenLifetimeS = 365LL * 24 * 3600;
    int enrollFailuresPerWindow = 10; // per client address
    int enrollWindowS = 600;
    // Unknown bearer tokens per client address in the same kind of window; beyond it every
    // request from that address is 429 until the window passes (tokens are 256-bit random, so
    // this is about load and noise from a misconfigured or hostile client, and generous enough
    // for a county office's devices behind one NAT address).
    int authFailuresPerWindow = 30;
    int authWindowS = 600;
    // One line per read on stderr (the journal): which device pulled which counties' changes
    // (cursor range, count) or which blob. Ids and counts only, never record content.
    bool auditReads = true;
};

// Failed enrollment attempts per client address in a sliding window.
class RateLimiter {
public:
    RateLimiter(int maxFailures, int windowS) : m_max(maxFailures), m_window(windowS) {}
    // Seconds to wait when blocked, 0 when allowed.
    int blockedFor(const std::string& who, int64_t now);
    void fail(const std::string& who, int64_t now);

private:
    int m_max, m_window;
    std::mutex m_mutex;
    std::map<std::string, std::vector<int64_t>> m_failures;
};

class Service {
public:
    Service(Storage& storage, ServiceOptions options = {});
    void install(httplib::Server& server);
    std::string metricsText();

private:
    Storage& m_storage;
    ServiceOptions m_options;
    std::unique_ptr<AccountStore> m_accounts; // null when its table could not be made
    RateLimiter m_limiter;
    RateLimiter m_authLimiter;
    std::atomic<int64_t> m_stored{0}, m_duplicates{0}, m_rejected{0}, m_pulled{0},
        m_pushRequests{0}, m_pullRequests{0}, m_clientErrors{0}, m_serverErrors{0},
        m_enrollments{0}, m_enrollFailures{0}, m_authFailures{0}, m_blobBytesIn{0}, m_blobBytesOut{0};
    // Request latency histogram (seconds), Prometheus style cumulative buckets.
    static constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    std::atomic<int64_t> m_latency[std::size(kBuckets) + 1] = {};
    std::atomic<int64_t> m_latencySumUs{0};
    friend struct Handlers;
};

// Enrollment codes: 12 characters from an alphabet without look-alikes, shown as XXXX-XXXX-XXXX.
std::string newEnrollCode();
// Uppercase, without spaces and dashes: what is hashed.
std::string normalizeEnrollCode(const std::string& code);

int64_t unixNow();

} // namespace zhuxue::sync::server
