#pragma once
// What the sync engine needs from the device's database. The device store (client/store) keeps
// the outbox, field versions, conflicts and quarantine; DeviceSyncStore (device_sync_store.hpp)
// maps them to this interface.
//
// Crash safety rests on two rules every implementation keeps:
//  - acknowledge() runs only after the server answered; a change pushed but not acknowledged is
//    pushed again, and the server answers "duplicate": nothing lost, nothing doubled;
//  - applyRemote() stores the pulled changes and the new cursor in ONE transaction, so a kill
//    either keeps both or neither.
#include "sync/protocol/accounts.hpp"
#include "sync/protocol/change.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace zhuxue::sync {

struct SyncCredentials {
    std::string url, device, token;
    std::vector<std::string> counties;
    int64_t expiresAt = 0;
    // The token is kept sealed with the device's data key; while nobody is signed in it cannot
    // be opened: token is then empty and tokenLocked true (sync waits for a sign-in).
    bool tokenLocked = false;
    // Enrolled with the explicit insecure flag: plain http:// off loopback is allowed.
    bool allowPlainHttp = false;
    bool enrolled() const { return !url.empty() && (!token.empty() || tokenLocked); }
};

struct SyncCounts {
    int64_t pending = 0, conflicts = 0, quarantined = 0;
    int64_t blobsUp = 0;   // attachment files the server does not have yet
    int64_t blobsDown = 0; // attachment records whose file is not on this device yet
    int64_t lastSuccess = 0; // Unix seconds of the last round that finished (0 = never); kept on disk
};

// An attachment file, named by the SHA-256 of its plaintext (the record's sha256 field). On the
// wire a blob is that plaintext; each device seals its copy with its own key.
struct BlobRef {
    std::string sha256;
    int64_t size = 0;
};

class SyncStore {
public:
    virtual ~SyncStore() = default;
    // The device's own changes not yet acknowledged by the server, oldest first.
    virtual Result<std::vector<Change>> pending(std::size_t limit) = 0;
    virtual Status acknowledge(const std::vector<std::string>& changeIds) = 0;
    // The server refused this change for good: keep it visible with the reason, stop pushing it.
    virtual Status quarantine(const Change& change, const std::string& reasonKey,
                              const std::string& detail) = 0;
    virtual Status applyRemote(const std::vector<Change>& changes,
                               const std::string& newCursor) = 0;
    virtual Result<std::string> cursor() = 0;
    virtual Result<SyncCounts> counts() = 0;
    // A round finished at `unixSeconds`: kept on disk (counts().lastSuccess), so a restarted
    // client still says when this device last synced.
    virtual Status recordSuccess(int64_t unixSeconds) = 0;
    // The server's clock is `ms` ahead of this device's (negative: behind): the device's new
    // stamps follow the server's time from now on (kept on disk).
    virtual Status setClockOffset(int64_t ms) = 0;
    virtual Result<SyncCredentials> credentials() = 0;
    // Keeps every unsynced change: enrolling again never deletes local data. The token is kept
    // sealed at rest (store.locked while nobody is signed in).
    virtual Status saveCredentials(const SyncCredentials& c) = 0;
    virtual Result<std::string> deviceId() = 0;
    // Whether secrets cannot be sealed or opened now (nobody signed in): enrolment waits, so a
    // one-time code is never spent on a token that could not be kept.
    virtual bool locked() = 0;

    // Blobs (attachment files). Which ones are on this device but not confirmed complete on the
    // server; which ones attachment records name but this device lacks.
    virtual Result<std::vector<BlobRef>> blobsToUpload() = 0;
    virtual Result<std::vector<BlobRef>> blobsMissingLocally() = 0;
    // The plaintext, its SHA-256 verified (store.locked while nobody is signed in).
    virtual Result<std::string> readBlob(const std::string& sha256) = 0;
    // The server has the whole blob (uploaded, or seen complete there): never upload it again.
    virtual Status blobUploaded(const std::string& sha256) = 0;
    // The server refused this blob for good (e.g. too large): stop trying, keep the reason.
    virtual Status blobRefused(const std::string& sha256, const std::string& reasonKey) = 0;
    // Verifies the SHA-256 and keeps the bytes (sealed at rest); also marks it uploaded.
    virtual Status storeBlob(const std::string& sha256, const std::string& bytes) = 0;
    // A download cut midway: the bytes received so far survive the round (and kill -9), sealed
    // at rest like the finished file, so the next round asks only for the rest.
    virtual Result<std::string> partialBlob(const std::string& sha256) = 0;
    virtual Status appendPartialBlob(const std::string& sha256, int64_t offset,
                                     const std::string& bytes) = 0;
    virtual void dropPartialBlob(const std::string& sha256) = 0;

    // The server's staff accounts for this device's counties, the whole list (PROTOCOL.md
    // "Accounts"). Returns whether the signed-in session was locked because its account was
    // disabled.
    virtual Result<bool> applyAccounts(const std::vector<AccountRecord>& accounts) = 0;
};

} // namespace zhuxue::sync
