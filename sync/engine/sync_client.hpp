#pragma once
// The protocol spoken over HTTP from a device: enroll, push, pull. Bodies go out gzipped.
// A failed call is an Error whose args carry "status" (HTTP status, "0" when the network failed)
// and, when the server sent one, "retry_after" (seconds).
#include "http_client.hpp"
#include "sync/protocol/accounts.hpp"
#include "sync/protocol/enrollment.hpp"
#include "sync/protocol/messages.hpp"

#include <atomic>
#include <optional>
#include <string>

namespace zhuxue::sync {

struct WireCounters {
    int64_t bytesSent = 0, bytesReceived = 0;
};

// Bytes of a blob from a ranged GET: [offset, offset + bytes.size()) of a blob of `total` bytes.
struct BlobPiece {
    int64_t offset = 0;
    int64_t total = 0;
    std::string bytes;
};

// The server's view of one blob (PUT and /status answers).
struct RemoteBlob {
    int64_t size = 0;   // bytes received so far
    int64_t total = -1; // announced size, -1 while unknown
    bool complete = false;
};

class SyncClient {
public:
    SyncClient(std::string baseUrl, std::string token = {});
    // Enrols as `role`: a code made for another role is refused by the server, and an answer
    // enrolling the device as anything else (a server before device roles) is refused here
    // (sync.error.wrong_role): a kiosk never holds a staff device's token.
    Result<EnrollResponse> enroll(const std::string& code, const std::string& device,
                                  const std::string& name, DeviceRole role = DeviceRole::Staff);
    Result<PushResponse> push(const std::vector<Change>& changes);
    Result<PullResponse> pull(const std::string& cursor, std::size_t limit);
    // The staff accounts of this device's counties (GET /v1/accounts).
    Result<AccountsResponse> accounts();
    // Blobs: raw bytes, not gzipped (photos and signatures are compressed already).
    Result<RemoteBlob> blobStatus(const std::string& sha256);
    Result<RemoteBlob> putBlob(const std::string& sha256, int64_t offset, int64_t total,
                               std::string_view piece);
    // Up to `limit` bytes from `offset` (Range: bytes=offset-(offset+limit-1); the server may
    // send fewer). An offset at or past the end is 416 with args "total" (the blob's size).
    Result<BlobPiece> getBlob(const std::string& sha256, int64_t offset, int64_t limit);
    const WireCounters& counters() const { return m_counters; }
    // Plain http:// off loopback is refused (sync.error.plain_http) unless allowed: only for a
    // device enrolled with the explicit insecure flag.
    void setAllowPlainHttp(bool allow) { m_http.setAllowPlainHttp(allow); }
    void setTimeoutMs(long ms) { m_timeoutMs = ms; }
    long timeoutMs() const { return m_timeoutMs; }
    // Bytes per blob piece, adapted to the link by syncOnce and kept between rounds.
    int64_t blobPiece() const { return m_blobPiece; }
    void setBlobPiece(int64_t bytes) { m_blobPiece = bytes; }

    // How far the server's clock is ahead of this device's (ms, negative: behind), from the
    // Zhuxue-Time-Ms header of the last answer that had one, taken at the middle of the round
    // trip; nullopt before any such answer.
    std::optional<int64_t> clockOffsetMs() const;

    static int statusOf(const Error& e);     // 0 = network
    static int retryAfterOf(const Error& e); // -1 = none

private:
    Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                const std::string& body);
    // One request; an Error for a transport failure or a status other than 200.
    Result<HttpResponse> exchange(HttpRequest req);

    std::string m_base, m_token;
    HttpClient m_http;
    WireCounters m_counters;
    long m_timeoutMs = 60000;
    int64_t m_blobPiece = 64 * 1024;
    // Written by whichever thread made the last exchange (pull pages are fetched ahead).
    std::atomic<int64_t> m_clockOffsetMs{0};
    std::atomic<bool> m_hasClockOffset{false};
};

} // namespace zhuxue::sync
