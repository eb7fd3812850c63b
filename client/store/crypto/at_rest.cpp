// Encryption at rest on the Store side: unlocking on open, refusing work while locked, and the
// one-time pass that seals values written before schema version 4 (see store_impl.hpp).
#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "client/store/store_impl.hpp"

namespace zhuxue::store {

namespace {

// Record tables in the registry (AuditEntry is not a record table).
constexpr RecordType kRecordTables[] = {
    RecordType::Student,           RecordType::Household,    RecordType::HouseholdMember,
    RecordType::CoBorrower,        RecordType::LoanApplication, RecordType::StatusChange,
    RecordType::Contract,          RecordType::MaterialsChecklist, RecordType::HardshipAssessment,
    RecordType::DemocraticReview,  RecordType::HomeVisit,    RecordType::Attachment,
    RecordType::PostLoanEvent,     RecordType::Consent,      RecordType::VisitAssignment};

Result<std::optional<std::string>> meta(Db& db, const char* key) {
    return db.queryText(std::string("SELECT value FROM meta WHERE key = '") + key + "'");
}

Status setMeta(Db& db, const char* key, const std::string& value) {
    auto st = db.prepare("INSERT INTO meta(key, value) VALUES(?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    st->bind(1, std::string(key));
    st->bind(2, value);
    return st->run();
}

// Seals every plaintext value of `column` in `table` whose sensitivity is decided per row by
// `sensitiveFor(row)`; rows are addressed by `rowKey` (rowid, seq or id).
Status sealColumn(Store::Impl& impl, const std::string& table, const std::string& column,
                  const std::string& contextTable, const std::string& contextField) {
    auto sel = impl.db.prepare("SELECT rowid, " + column + " FROM " + table + " WHERE " + column +
                               " IS NOT NULL AND " + column + " <> '' AND substr(" + column +
                               ", 1, 4) <> 'zx1:'");
    if (!sel)
        return sel.error();
    std::vector<std::pair<std::int64_t, std::string>> rows;
    while (true) {
        auto row = sel->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        rows.emplace_back(sel->i64(0), sel->text(1));
    }
    auto up = impl.db.prepare("UPDATE " + table + " SET " + column + " = ? WHERE rowid = ?");
    if (!up)
        return up.error();
    for (auto& [rowid, plain] : rows) {
        up->bind(1, impl.codec.encode(contextTable, contextField, plain));
        up->bind(2, rowid);
        if (auto st = up->run(); !st)
            return st;
        up->reset();
    }
    return {};
}

// Outbox, quarantine and conflict rows hold values of many fields: seal those of sensitive ones.
Status sealLogged(Store::Impl& impl, const std::string& table, const std::string& column) {
    auto sel = impl.db.prepare("SELECT rowid, record_type, field, " + column + " FROM " + table +
                               " WHERE " + column + " IS NOT NULL AND substr(" + column +
                               ", 1, 4) <> 'zx1:'");
    if (!sel)
        return sel.error();
    struct Row {
        std::int64_t rowid;
        std::string type, field, value;
    };
    std::vector<Row> rows;
    while (true) {
        auto row = sel->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (isSensitive(sel->text(1), sel->text(2)))
            rows.push_back({sel->i64(0), sel->text(1), sel->text(2), sel->text(3)});
    }
    auto up = impl.db.prepare("UPDATE " + table + " SET " + column + " = ? WHERE rowid = ?");
    if (!up)
        return up.error();
    for (auto& r : rows) {
        up->bind(1, impl.codec.encode(r.type, r.field, r.value));
        up->bind(2, r.rowid);
        if (auto st = up->run(); !st)
            return st;
        up->reset();
    }
    return {};
}

// *_lookup columns written before version 4 hold the normalised ID number itself.
Status reindexLookups(Store::Impl& impl, const std::string& table) {
    auto sel = impl.db.prepare("SELECT rowid, id_number FROM " + table +
                               " WHERE id_number IS NOT NULL AND id_number <> ''");
    if (!sel)
        return sel.error();
    std::vector<std::pair<std::int64_t, std::string>> rows;
    while (true) {
        auto row = sel->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        auto plain = impl.codec.decode(table, "id_number", sel->text(1));
        if (!plain)
            return plain.error();
        rows.emplace_back(sel->i64(0), impl.lookupFor(*plain));
    }
    auto up = impl.db.prepare("UPDATE " + table + " SET id_lookup = ? WHERE rowid = ?");
    if (!up)
        return up.error();
    for (auto& [rowid, key] : rows) {
        up->bind(1, key);
        up->bind(2, rowid);
        if (auto st = up->run(); !st)
            return st;
        up->reset();
    }
    return {};
}

} // namespace

Status Store::Impl::prepareKey() {
    // Freed pages and cells are zeroed, so sealing a value does not leave its plaintext behind.
    if (auto st = db.exec("PRAGMA secure_delete = ON"); !st)
        return st;
    if (codec.ready())
        return {};
    auto loaded = crypto::KeyVault::loadDeviceKey(dataDir);
    if (!loaded)
        return loaded.error();
    if (*loaded)
        return {};
    auto wraps = Accounts::hasKeyWraps(dataDir);
    if (!wraps)
        return wraps.error();
    if (*wraps)
        return {}; // a staff machine: locked until someone signs in
    // A key that was lost must not be silently replaced: data sealed with it would be unreadable
    // and then overwritten. Only a store that never sealed anything gets a new key.
    auto sealedBefore = meta(db, "at_rest");
    if (!sealedBefore)
        return sealedBefore.error();
    if (*sealedBefore && **sealedBefore == "1")
        return {};
    return crypto::KeyVault::createDeviceKey(dataDir);
}

Status Store::Impl::requireKey() {
    if (!codec.ready()) {
        sealChecked = false; // after the next unlock, check again
        return Error("store.locked", {},
                     "the data key is locked: sign in to read or change personal information");
    }
    if (sealChecked)
        return {};
    sealChecked = true;
    auto st = sealPlaintext();
    if (!st)
        sealChecked = false;
    return st;
}

Status Store::Impl::sealPlaintext() {
    auto done = meta(db, "at_rest");
    if (!done)
        return done.error();
    if (*done && **done == "1")
        return {};
    {
        Transaction tx(db);
        if (!tx.begun())
            return tx.begun();
        for (RecordType type : kRecordTables) {
            const TableSpec& t = tableSpec(type);
            bool lookup = false;
            for (const auto& f : t.fields) {
                if (!f.sensitive)
                    continue;
                if (f.name == "id_number")
                    lookup = true;
                if (auto s = sealColumn(*this, std::string(t.table), std::string(f.name),
                                        std::string(t.table), std::string(f.name));
                    !s)
                    return s;
            }
            if (lookup)
                if (auto s = reindexLookups(*this, std::string(t.table)); !s)
                    return s;
        }
        for (const char* table : {"outbox", "quarantine"})
            if (auto s = sealLogged(*this, table, "value"); !s)
                return s;
        for (const char* column : {"local_value", "remote_value"})
            if (auto s = sealLogged(*this, "conflict", column); !s)
                return s;
        // The search index was built with ID numbers in it: rebuild it without them.
        if (auto s = setMeta(db, "search_builder", "0"); !s)
            return s;
        if (auto s = setMeta(db, "at_rest", "1"); !s)
            return s;
        if (auto s = tx.commit(); !s)
            return s;
    }
    if (auto s = rebuildSearchIfStale(); !s)
        return s;
    // Old page images with plaintext would otherwise stay in the WAL until the next checkpoint.
    return db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace zhuxue::store
