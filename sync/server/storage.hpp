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
#include "sync/protocol/enrollment.hpp"
#include "sync/protocol/messages.hpp"

#include <cstdint>
#include <initializer_list>
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
    // Devices enrolled before roles existed were all staff devices, and stay so (the column's
    // default in both schemas).
    DeviceRole role = DeviceRole::Staff;
};

// Which device roles may call a route (every route states it; see PROTOCOL.md "Device roles").
class RoleSet {
public:
    constexpr RoleSet(std::initializer_list<DeviceRole> roles) {
        for (auto r : roles)
            m_bits |= 1u << static_cast<unsigned>(r);
    }
    constexpr bool has(DeviceRole r) const { return (m_bits >> static_cast<unsigned>(r)) & 1u; }

private:
    unsigned m_bits = 0;
};

// What `zhuxue-server enroll` makes a code for.
struct EnrollCodeSpec {
    std::vector<std::string> counties;
    std::string name;
    int64_t expiresAt = 0;
    DeviceRole role = DeviceRole::Staff;
    // Empty: a code for a new device. A device id: the code re-enrols that device only (a new
    // token, its revocation lifted); no other device can use it.
    std::string forDevice;
};

// A device redeeming a code.
struct EnrollClaim {
    std::string device;
    std::string name;
    std::string tokenHash;
    int64_t tokenExpiresAt = 0;
    std::optional<DeviceRole> role; // what the device was set up as, when it says
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
    virtual Status addEnrollCode(const std::string& codeHash, const EnrollCodeSpec& spec) = 0;
    // Atomically uses the code once and binds the device to a new token. A code for a new
    // device never touches an enrolled one: an id the server knows is refused
    // (sync.error.device_exists) and the code stays unused; only a code made for that device
    // (EnrollCodeSpec::forDevice) gives it a new token. Errors: sync.error.bad_code (unknown,
    // used, expired, or made for another device), sync.error.wrong_role (the claim names another
    // role than the code's; the code stays unused), sync.error.device_exists.
    virtual Result<DeviceInfo> redeemEnrollCode(const std::string& codeHash,
                                                const EnrollClaim& claim, int64_t now) = 0;
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
    // The county of the first stored change (lowest seq) that set an attachment's sha256 to
    // `sha`, nullopt when no record names it. A device may read (and ask the state of) only the
    // blobs whose first naming record is of its counties: a record it pushes later, naming
    // another county's hash, gives it nothing.
    virtual Result<std::optional<std::string>> blobOwnerCounty(const std::string& sha) = 0;

    // The hall queue's transactions on the same database (see queue_store.hpp).
    virtual std::unique_ptr<QueueDb> queueDb() = 0;
};

// "sqlite:<dir>" style is not needed: openStorage takes the --db value ("" = SQLite in dataDir,
// "postgresql://..." or "postgres://..." = PostgreSQL).
Result<std::unique_ptr<Storage>> openStorage(const std::string& db, const std::string& dataDir);

Result<std::unique_ptr<Storage>> openSqliteStorage(const std::string& path);
Result<std::unique_ptr<Storage>> openPostgresStorage(const std::string& conninfo, int connections);

// Shared by both backends: the enrollment refusals, and the checks of a claim against the code
// (role, the device a re-enrollment code was made for).
Error badCode();
Error deviceExists(const std::string& device);
Status checkClaim(const EnrollClaim& claim, DeviceRole codeRole, const std::string& forDevice);

// Shared by both backends: compares a stored change with an incoming one with the same id.
bool sameContent(const Change& stored, const Change& incoming);

} // namespace zhuxue::sync::server
