#pragma once
// The protocol spoken over HTTP from a device: enroll, push, pull. Bodies go out gzipped.
// A failed call is an Error whose args carry "status" (HTTP status, "0" when the network failed)
// and, when the server sent one, "retry_after" (seconds).
#include "http_client.hpp"
#include "sync/protocol/messages.hpp"

#include <string>

namespace zhuxue::sync {

struct WireCounters {
    int64_t bytesSent = 0, bytesReceived = 0;
};

class SyncClient {
public:
    SyncClient(std::string baseUrl, std::string token = {});
    Result<EnrollResponse> enroll(const std::string& code, const std::string& device,
                                  const std::string& name);
    Result<PushResponse> push(const std::vector<Change>& changes);
    Result<PullResponse> pull(const std::string& cursor, std::size_t limit);
    const WireCounters& counters() const { return m_counters; }
    void setTimeoutMs(long ms) { m_timeoutMs = ms; }

    static int statusOf(const Error& e);     // 0 = network
    static int retryAfterOf(const Error& e); // -1 = none

private:
    Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                const std::string& body);

    std::string m_base, m_token;
    HttpClient m_http;
    WireCounters m_counters;
    long m_timeoutMs = 60000;
};

} // namespace zhuxue::sync
