#pragma once
// The device's sync worker. syncOnce() is one full round (push the outbox, then pull until the
// server has nothing more) and can be called directly (zhuxue-cli sync). SyncEngine runs rounds
// on a background thread with its own store connection: at start, shortly after saves
// (notifySaved), periodically, and on demand (requestSync); failures back off exponentially
// with jitter, and a server's Retry-After is honoured.
#include "sync_client.hpp"
#include "sync_status.hpp"
#include "sync_store.hpp"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace zhuxue::sync {

struct SyncOptions {
    // Push batches and pull pages start at these sizes and then adapt to what the link and this
    // device handle: about pageSeconds each, at most doubling at a time, between pageMin and the
    // protocol's limit (5000). A fast link takes few large pages; a slow one small ones that
    // finish well within the request timeout.
    std::size_t pushBatch = 500;
    std::size_t pullPage = 1000;
    std::size_t pageMin = 50;
    std::size_t pageMax = 5000;
    double pageSeconds = 3;
    long requestTimeoutMs = 60000;
    // Blob pieces: sized so one takes about blobPieceSeconds on the measured link (a slow
    // rural line gets small pieces that finish before the request timeout), within these bounds.
    int64_t blobPieceMin = 16 * 1024;
    int64_t blobPieceMax = 1024 * 1024;
    double blobPieceSeconds = 8;
};

struct SyncReport {
    int64_t pushed = 0, duplicates = 0, quarantined = 0, pulled = 0;
    int64_t bytesSent = 0, bytesReceived = 0;
    int64_t blobsUploaded = 0, blobsDownloaded = 0, blobBytesUp = 0, blobBytesDown = 0;
    int64_t blobsUnavailable = 0; // named by a record but not (yet) complete on the server
    int64_t blobsRefused = 0;     // refused for good by the server, or damaged
    int64_t accounts = 0;         // staff accounts the server listed for this device
    bool sessionLocked = false;   // the signed-in account was disabled on the server
    int retryAfterS = -1;         // from the last failed call
};

// One round: upload the blobs the server lacks (before the changes that name them), push the
// outbox, pull, take the server's staff accounts, then download the blobs pulled records name. Errors keep their key (sync.error.*); SyncClient::statusOf tells network (0) from
// server answers.
Result<SyncReport> syncOnce(SyncStore& store, SyncClient& client, const SyncOptions& options,
                            SyncStatusBoard* board = nullptr);

// Trades an enrollment code for a token and keeps it in the store. Plain http:// off loopback
// is refused (sync.error.plain_http) unless `allowPlainHttp`, the explicit insecure flag, which
// is then kept with the credentials for every later round.
Result<SyncCredentials> enrollDevice(SyncStore& store, const std::string& url,
                                     const std::string& code, const std::string& name,
                                     bool allowPlainHttp = false);

struct SyncTiming {
    std::chrono::milliseconds afterSave{2000};
    std::chrono::milliseconds period{300000};
    std::chrono::milliseconds backoffMin{1000};
    std::chrono::milliseconds backoffMax{300000};
    // While the store is locked (nobody signed in), how often to look whether it opened again.
    std::chrono::milliseconds lockedPoll{2000};
};

class SyncEngine {
public:
    using StoreFactory = std::function<Result<std::unique_ptr<SyncStore>>()>;
    using Timing = SyncTiming;

    SyncEngine(StoreFactory openStore, SyncStatusBoard& board, SyncOptions options = {},
               Timing timing = {});
    ~SyncEngine(); // stops and joins
    void start();
    void stop();
    void requestSync();
    void notifySaved();
    // Enrolls on the worker thread (the network call never blocks the caller) and syncs right
    // after a success; `done` runs on the worker thread: hand the result to the UI's queue.
    using EnrollDone = std::function<void(Result<SyncCredentials>)>;
    // allowPlainHttp: see enrollDevice.
    void requestEnroll(std::string url, std::string code, std::string name, EnrollDone done,
                       bool allowPlainHttp = false);

private:
    void run();

    StoreFactory m_openStore;
    SyncStatusBoard& m_board;
    SyncOptions m_options;
    Timing m_timing;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false, m_now = false;
    std::chrono::steady_clock::time_point m_savedAt{};
    bool m_saved = false;
    struct EnrollRequest {
        std::string url, code, name;
        EnrollDone done;
        bool allowPlainHttp = false;
    };
    std::optional<EnrollRequest> m_enroll;
    std::thread m_thread;
};

// The backoff after `failures` failed rounds: min(max, min * 2^failures), times a random factor
// in [0.5, 1.5) so many devices that failed together do not retry together.
std::chrono::milliseconds backoffDelay(int failures, std::chrono::milliseconds min,
                                       std::chrono::milliseconds max, double random01);

} // namespace zhuxue::sync
