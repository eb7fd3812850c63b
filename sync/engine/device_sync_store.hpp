#pragma once
// The sync engine's view of the device store (client/store::Store): what the staff client and
// zhuxue-cli save is what gets pushed, and pulled changes land in the same records.
//
// Mapping (store -> wire): an outbox entry becomes a protocol Change; its `base` is computed once
// from the field's merge state and kept in sync_outbox_base, so a change pushed again is
// byte-identical. The store records only the stamp a local edit replaced; the adapter names the
// exact head with that stamp ("<hlc>@<device>"), or every head when the person had no open
// conflict on the field (a conflict resolution, or an edit after another device resolved it).
//
// Mapping (wire -> store): each pulled change is merged with sync/protocol's mergeField over the
// field's state (sync_field: heads and replaced refs), and the outcome becomes the store's
// ApplyMode: a new winner is written (WriteAndConflict when the old value is still a head, so the
// store keeps both values as a conflict a person resolves), a concurrent loser is kept as a
// conflict (ConflictOnly), repeated and superseded changes write nothing. The records, the merge
// state and the new cursor commit in ONE transaction (Store::applyRemoteWith).
//
// Sync state (cursor, url, token, counties, expiry) lives in the store's sync_state table
// (schema version 3); the device id is the store's own. Blobs: "blob.up.<sha256>" marks a file
// the server has complete, "blob.refused.<sha256>" one it refused for good (with the key); the
// files themselves are the store's attachment files (sealed at rest with this device's key).
#include "sync/protocol/merge.hpp"
#include "sync_store.hpp"

#include "client/store/store.hpp"

#include <filesystem>
#include <map>
#include <memory>

namespace zhuxue::sync {

class DeviceSyncStore final : public SyncStore {
public:
    // Opens its own Store (own SQLite connection) on the data directory.
    static Result<std::unique_ptr<DeviceSyncStore>> open(const std::filesystem::path& dataDir);
    explicit DeviceSyncStore(std::unique_ptr<store::Store> store);
    ~DeviceSyncStore() override;

    store::Store& store() { return *m_store; }

    Result<std::vector<Change>> pending(std::size_t limit) override;
    Status acknowledge(const std::vector<std::string>& changeIds) override;
    Status quarantine(const Change& change, const std::string& reasonKey,
                      const std::string& detail) override;
    Status applyRemote(const std::vector<Change>& changes, const std::string& newCursor) override;
    Result<std::string> cursor() override;
    Result<SyncCounts> counts() override;
    Status recordSuccess(int64_t unixSeconds) override;
    Status setClockOffset(int64_t ms) override;
    Result<SyncCredentials> credentials() override;
    Status saveCredentials(const SyncCredentials& c) override;
    Result<std::string> deviceId() override;
    bool locked() override;
    Result<std::vector<BlobRef>> blobsToUpload() override;
    Result<std::vector<BlobRef>> blobsMissingLocally() override;
    Result<std::string> readBlob(const std::string& sha256) override;
    Status blobUploaded(const std::string& sha256) override;
    Status blobRefused(const std::string& sha256, const std::string& reasonKey) override;
    Status storeBlob(const std::string& sha256, const std::string& bytes) override;
    Result<std::string> partialBlob(const std::string& sha256) override;
    Status appendPartialBlob(const std::string& sha256, int64_t offset,
                             const std::string& bytes) override;
    void dropPartialBlob(const std::string& sha256) override;
    Result<bool> applyAccounts(const std::vector<AccountRecord>& accounts) override;

    // The merge state of every field this device has synced or edited since it was enrolled
    // (for comparing replicas in tests and tools).
    Result<std::map<FieldKey, FieldState>> fieldStates();

private:
    struct Key {
        Uuid recordId;
        std::string field;
        auto operator<=>(const Key&) const = default;
    };
    Result<std::string> getState(const std::string& key);
    Status setState(const std::string& key, const std::string& value);
    Result<FieldState> loadField(const Key& k);
    Status saveField(const Key& k, const FieldState& st);
    Status putHeadValue(const Change& c);
    Status dropHeadValues(const FieldState& before, const FieldState& after);
    Result<std::string> headValue(const Change& head);
    // The wire form of a local outbox change, merged into the field state (inside a transaction).
    Result<Change> foldLocal(const store::OutboxChange& o, std::map<Key, FieldState>& cache);
    // Folds every outbox entry not folded yet (edits made since the last push).
    Status foldUnfolded(std::map<Key, FieldState>& cache);
    Result<FieldState*> cached(std::map<Key, FieldState>& cache, const Key& k);
    // Attachment records' distinct (sha256, size), with whether the server has each.
    struct BlobRow {
        BlobRef ref;
        bool done = false; // uploaded or refused
    };
    Result<std::vector<BlobRow>> blobRows();

    std::unique_ptr<store::Store> m_store;
};

// The enrollment kept in a device store (url empty when not enrolled), read on any connection:
// the staff client takes the device's county from it.
Result<SyncCredentials> deviceCredentials(store::Store& store);

} // namespace zhuxue::sync
