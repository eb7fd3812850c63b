#pragma once
// Where zhuxue-server keeps its data, behind one interface: SQLite (one file, the default) or
// PostgreSQL (a province, several server processes). Every method is safe to call from many
// request threads at once.
//
// The change log assigns each stored change a sequence number `seq`. Both backends guarantee
// that seq order is commit order (SQLite: one writer; PostgreSQL: writers serialise on an
// advisory lock), so a reader that has seen seq N has seen every change with seq < N, and a pull
// cursor never skips a change. See sync/protocol/PROTOCOL.md.
#include "client/core/result.hpp"
#include "sync/protocol/messages.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::sync::server {

class QueueDb; // the hall queue's tables (queue_store.hpp)

struct DeviceInfo {
    std::string id;
    std::string name;
    std::vector<std::string> counties;
    int64_t expiresAt = 0; // Unix seconds
    int64_t revokedAt = 0; // 0 = active
};

struct BlobState {
    int64_t size = 0;   // bytes received so far
    int64_t total = -1; // announced size, -1 while unknown
    bool complete = false;
};

struct PullPage {
    std::vector<Change> changes;
    int64_t cursor = 0;
    bool more = false;
};

class Storage {
public:
    virtual ~Storage() = default;

    // Enrollment: codes and tokens are stored only as SHA-256 hashes.
    virtual Status addEnrollCode(const std::string& codeHash,
                                 const std::vector<std::string>& counties, const std::string& name,
                                 int64_t expiresAt) = 0;
    // Atomically uses the code once and (re)binds the device to a new token. Errors:
    // sync.error.bad_code (unknown, used or expired).
    virtual Result<DeviceInfo> redeemEnrollCode(const std::string& codeHash,
                                                const std::string& device,
                                                const std::string& deviceName,
                                                const std::string& tokenHash,
                                                int64_t tokenExpiresAt, int64_t now) = 0;
    virtual Result<std::optional<DeviceInfo>> deviceByToken(const std::string& tokenHash) = 0;
    // False when no such device.
    virtual Result<bool> revokeDevice(const std::string& device, int64_t now) = 0;

    // Stores the changes (already validated and scope-checked) in one transaction, in order.
    // Returns one result per change: Stored, Duplicate (same id, same content) or Rejected 409
    // (same id, other content).
    virtual Result<std::vector<PushResult>> storeChanges(const std::vector<Change>& changes,
                                                         int64_t now) = 0;
    virtual Result<PullPage> pull(const std::vector<std::string>& counties, int64_t cursor,
                                  std::size_t limit) = 0;
    virtual Result<int64_t> changeCount() = 0;

    // Blobs, content-addressed and uploaded in pieces. appendBlob refuses an offset other than
    // the current size (sync.error.blob_offset); when the last byte arrives the SHA-256 is
    // checked and a mismatch discards the upload (sync.error.blob_hash).
    virtual Result<BlobState> blobState(const std::string& sha) = 0;
    virtual Result<BlobState> appendBlob(const std::string& sha, int64_t offset, int64_t total,
                                         const std::string& data) = 0;
    virtual Result<std::string> readBlob(const std::string& sha, int64_t offset,
                                         int64_t maxBytes) = 0;
    // Whether a stored change of one of these counties sets an attachment's sha256 to `sha`:
    // a device may read only the blobs its counties' records name.
    virtual Result<bool> blobReferenced(const std::string& sha,
                                        const std::vector<std::string>& counties) = 0;

    // The hall queue's transactions on the same database (see queue_store.hpp).
    virtual std::unique_ptr<QueueDb> queueDb() = 0;
};

// "sqlite:<dir>" style is not needed: openStorage takes the --db value ("" = SQLite in dataDir,
// "postgresql://..." or "postgres://..." = PostgreSQL).
Result<std::unique_ptr<Storage>> openStorage(const std::string& db, const std::string& dataDir);

Result<std::unique_ptr<Storage>> openSqliteStorage(const std::string& path);
Result<std::unique_ptr<Storage>> openPostgresStorage(const std::string& conninfo, int connections);

// Shared by both backends: compares a stored change with an incoming one with the same id.
bool sameContent(const Change& stored, const Change& incoming);

} // namespace zhuxue::sync::server
