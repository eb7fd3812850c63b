#pragma once
// The device side of sync on SQLite tables of its own (sync_*): outbox, field states merged with
// the shared merge rule, cursor, credentials and quarantine. Used by zhuxue-cli sync and the
// tests; the GUI's record store maps the same interface onto its own tables.
#include "sync/protocol/merge.hpp"
#include "sync_store.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>

struct sqlite3;

namespace zhuxue::sync {

class LocalSyncStore final : public SyncStore {
public:
    static Result<std::unique_ptr<LocalSyncStore>> open(const std::filesystem::path& file);
    ~LocalSyncStore() override;

    // A local edit: stamps it with the device clock, names the shown value as its base, merges
    // it and queues it in the outbox, all in one transaction.
    Result<Change> edit(const std::string& recordType, const std::string& recordId,
                        const std::string& county, const std::string& field,
                        const nlohmann::json& value);
    // Runs fn inside one transaction: the edits it makes commit together (imports, bulk
    // loads). Nothing of it remains when fn fails.
    Status batch(const std::function<Status()>& fn);
    // Every field's state, for comparing replicas.
    Result<std::map<FieldKey, FieldState>> fields();

    Result<std::vector<Change>> pending(std::size_t limit) override;
    Status acknowledge(const std::vector<std::string>& changeIds) override;
    Status quarantine(const Change& change, const std::string& reasonKey,
                      const std::string& detail) override;
    Status applyRemote(const std::vector<Change>& changes, const std::string& newCursor) override;
    Result<std::string> cursor() override;
    Result<SyncCounts> counts() override;
    Result<SyncCredentials> credentials() override;
    Status saveCredentials(const SyncCredentials& c) override;
    Result<std::string> deviceId() override;

private:
    explicit LocalSyncStore(sqlite3* db) : m_db(db) {}
    Error dbError(const char* what);
    bool exec(const char* sql);
    Result<std::string> getState(const std::string& key);
    Status setState(const std::string& key, const std::string& value);
    // bumpClock: raise the stored clock to the change's stamp now (applyRemote does it once).
    Status mergeOne(const Change& c, bool bumpClock = true);
    sqlite3* m_db;
    bool m_inBatch = false;
};

} // namespace zhuxue::sync
