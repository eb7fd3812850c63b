#pragma once
// The HTTP API of zhuxue-server (see sync/protocol/PROTOCOL.md), installed on an httplib server.
#include "account_store.hpp"
#include "queue_service.hpp"
#include "storage.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

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
    // Unknown bearer tokens per client address in the same kind of window; beyond it requests
    // with an unknown token from that address are 429 until the window passes (tokens are
    // 256-bit random, so this is about load and noise from a misconfigured or hostile client).
    // A known token is never refused for its address: a flood of bad tokens from the office's
    // NAT or the reverse proxy does not block the hall's devices.
    int authFailuresPerWindow = 30;
    int authWindowS = 600;
    // Requests per device token per minute; beyond it that token alone gets 429 (a stolen or
    // runaway device cannot take the server from the others).
    int tokenRequestsPerMinute = 3000;
    // Reverse proxies whose X-Forwarded-For is believed (their addresses as the connection shows
    // them, e.g. 127.0.0.1): the client address is then the last address the proxy appended.
    // Anyone else's X-Forwarded-For is ignored.
    std::vector<std::string> trustedProxies;
    // One line per read on stderr (the journal): which device pulled which counties' changes
    // (cursor range, count) or which blob. Ids and counts only, never record content.
    bool auditReads = true;
};

// Events (failed enrollments, unknown tokens, requests) per key (a client address, a device) in
// a sliding window. Keys whose events have all aged out are forgotten, so many addresses cost
// memory only while they are active.
class RateLimiter {
public:
    RateLimiter(int maxFailures, int windowS) : m_max(maxFailures), m_window(windowS) {}
    // Seconds to wait when blocked, 0 when allowed.
    int blockedFor(const std::string& who, int64_t now);
    void fail(const std::string& who, int64_t now);
    // blockedFor, then (when allowed) counts this event: one lock for both.
    int take(const std::string& who, int64_t now);

private:
    void prune(int64_t now);
    int m_max, m_window;
    std::mutex m_mutex;
    std::map<std::string, std::vector<int64_t>> m_failures;
    int64_t m_prunedAt = 0;
};

// The address a request came from: the connection's peer, or, when that peer is one of the
// trusted proxies, the last address in its X-Forwarded-For.
std::string clientAddress(const std::string& peer, const std::string& forwardedFor,
                          const std::vector<std::string>& trustedProxies);

// The largest enrollment request (a code, a device id and a name).
inline constexpr std::size_t kMaxEnrollBody = 16 * 1024;

class Service {
public:
    Service(Storage& storage, ServiceOptions options = {});
    void install(httplib::Server& server);
    std::string metricsText();
    // The largest body a route takes (after gunzip), nullopt when no route of this method and
    // path takes one (such requests are answered before their body is read).
    std::optional<std::size_t> bodyLimit(const std::string& method, const std::string& path) const;

private:
    Storage& m_storage;
    ServiceOptions m_options;
    std::unique_ptr<AccountStore> m_accounts; // null when its table could not be made
    RateLimiter m_limiter;
    RateLimiter m_authLimiter;
    RateLimiter m_tokenLimiter;
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
