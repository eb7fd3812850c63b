#include "device_sync_store.hpp"

#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "client/store/record_schema.hpp"
#include "client/store/sqlite.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <set>

namespace zhuxue::sync {

namespace {

using store::ApplyMode;
using store::crypto::KeyVault;
using store::RemoteApply;
using store::Transaction;

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Heads are kept without their values (those go through the codec into sync_head_value), as one
// line of text: '~', then each head as "id type record county hlc device base" (base comma-
// joined, maybe empty) separated by ';', then '|' and the replaced refs comma-joined. Every item
// is an id, a code, a stamp or a base ref, none of which holds ' ', ';', '|' or ','. Written and
// read for every synced change, so it is plain text rather than JSON; states stored as JSON by
// earlier versions ({"h": [...], "r": [...]}) are still read.
std::string stateText(const FieldState& st) {
    std::string out = "~";
    for (std::size_t i = 0; i < st.heads.size(); ++i) {
        const Change& h = st.heads[i];
        if (i)
            out += ';';
        for (const std::string* part : {&h.id, &h.recordType, &h.recordId, &h.county, &h.hlc,
                                        &h.device}) {
            out += *part;
            out += ' ';
        }
        out += joinBase(h.base);
    }
    out += '|';
    out += joinBase(st.replaced);
    return out;
}

FieldState stateFromJson(const std::string& text, const std::string& field) {
    FieldState st;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        return st;
    for (const auto& h : j["h"]) {
        Change c;
        c.id = h[0];
        c.recordType = h[1];
        c.recordId = h[2];
        c.county = h[3];
        c.hlc = h[4];
        c.device = h[5];
        c.base = splitBase(h[6].get<std::string>());
        c.field = field;
        st.heads.push_back(std::move(c));
    }
    st.replaced = j["r"].get<std::vector<std::string>>();
    return st;
}

FieldState stateFrom(const std::string& text, const std::string& field) {
    if (text.empty() || text[0] != '~')
        return stateFromJson(text, field);
    FieldState st;
    std::string_view rest(text);
    rest.remove_prefix(1);
    auto bar = rest.find('|');
    std::string_view heads = rest.substr(0, bar);
    if (bar != std::string_view::npos)
        st.replaced = splitBase(std::string(rest.substr(bar + 1)));
    while (!heads.empty()) {
        auto semi = heads.find(';');
        std::string_view one = heads.substr(0, semi);
        heads = semi == std::string_view::npos ? std::string_view() : heads.substr(semi + 1);
        Change c;
        c.field = field;
        for (std::string* part :
             {&c.id, &c.recordType, &c.recordId, &c.county, &c.hlc, &c.device}) {
            auto space = one.find(' ');
            *part = std::string(one.substr(0, space));
            one = space == std::string_view::npos ? std::string_view() : one.substr(space + 1);
        }
        c.base = splitBase(std::string(one));
        st.heads.push_back(std::move(c));
    }
    return st;
}

std::string tableOf(const std::string& recordType) {
    if (auto t = fromCode<RecordType>(recordType))
        return std::string(store::tableSpec(*t).table);
    return recordType;
}

bool isHead(const FieldState& st, const std::string& id) {
    return std::any_of(st.heads.begin(), st.heads.end(),
                       [&](const Change& h) { return h.id == id; });
}

// The store's form of a wire change; nullopt when the store has no such record type.
std::optional<store::RemoteChange> toRemote(const Change& c, const nlohmann::json& value) {
    auto type = fromCode<RecordType>(c.recordType);
    auto id = Uuid::parse(c.id), rec = Uuid::parse(c.recordId), dev = Uuid::parse(c.device);
    if (!type || !id || !rec || !dev)
        return std::nullopt;
    store::RemoteChange r;
    r.changeId = *id;
    r.recordType = *type;
    r.recordId = *rec;
    r.county = c.county;
    r.field = c.field;
    r.valueJson = value.dump();
    r.hlc = Hlc{hlcValue(c.hlc)};
    r.device = *dev;
    return r;
}

} // namespace

Result<std::unique_ptr<DeviceSyncStore>> DeviceSyncStore::open(
    const std::filesystem::path& dataDir) {
    auto s = store::Store::open(dataDir);
    if (!s)
        return s.error();
    return std::make_unique<DeviceSyncStore>(std::move(*s));
}

DeviceSyncStore::DeviceSyncStore(std::unique_ptr<store::Store> store)
    : m_store(std::move(store)) {}

DeviceSyncStore::~DeviceSyncStore() = default;

namespace {
// What the sealed device token is bound to (a sealed value cannot be moved to another key).
constexpr std::string_view kTokenContext = "sync_state.token";

Result<std::string> readState(store::Store& s, const std::string& key) {
    auto st = s.db().cached("SELECT value FROM sync_state WHERE key = ?");
    if (!st)
        return st.error();
    (*st)->bind(1, key);
    auto row = (*st)->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::string();
    std::string v = (*st)->text(0);
    (*st)->reset();
    return v;
}
} // namespace

Result<std::string> DeviceSyncStore::getState(const std::string& key) {
    return readState(*m_store, key);
}

Status DeviceSyncStore::setState(const std::string& key, const std::string& value) {
    auto st = m_store->db().cached("INSERT INTO sync_state(key, value) VALUES(?, ?)"
                                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    (*st)->bind(1, key).bind(2, value);
    return (*st)->run();
}

Result<FieldState> DeviceSyncStore::loadField(const Key& k) {
    auto st = m_store->db().cached("SELECT state FROM sync_field WHERE record_id = ? AND field = ?");
    if (!st)
        return st.error();
    (*st)->bind(1, k.recordId).bind(2, k.field);
    auto row = (*st)->step();
    if (!row)
        return row.error();
    if (!*row)
        return FieldState{};
    FieldState out = stateFrom((*st)->text(0), k.field);
    (*st)->reset();
    return out;
}

Status DeviceSyncStore::saveField(const Key& k, const FieldState& fs) {
    auto st = m_store->db().cached("INSERT INTO sync_field(record_id, field, state) VALUES(?, ?, ?)"
                                   " ON CONFLICT(record_id, field) DO UPDATE SET"
                                   " state = excluded.state");
    if (!st)
        return st.error();
    (*st)->bind(1, k.recordId).bind(2, k.field).bind(3, stateText(fs));
    return (*st)->run();
}

Status DeviceSyncStore::putHeadValue(const Change& c) {
    auto st = m_store->db().cached("INSERT INTO sync_head_value(change_id, value) VALUES(?, ?)"
                                   " ON CONFLICT(change_id) DO NOTHING");
    if (!st)
        return st.error();
    auto id = Uuid::parse(c.id);
    if (!id)
        return Error("sync.error.store", {{"id", c.id}}, "change id is not a UUID");
    (*st)->bind(1, *id).bind(2, m_store->codec().encode(tableOf(c.recordType), c.field,
                                                        c.value.dump()));
    return (*st)->run();
}

Status DeviceSyncStore::dropHeadValues(const FieldState& before, const FieldState& after) {
    auto st = m_store->db().cached("DELETE FROM sync_head_value WHERE change_id = ?");
    if (!st)
        return st.error();
    for (const auto& h : before.heads)
        if (!isHead(after, h.id))
            if (auto id = Uuid::parse(h.id)) {
                (*st)->bind(1, *id);
                if (auto r = (*st)->run(); !r)
                    return r;
            }
    return {};
}

Result<std::string> DeviceSyncStore::headValue(const Change& head) {
    auto st = m_store->db().cached("SELECT value FROM sync_head_value WHERE change_id = ?");
    if (!st)
        return st.error();
    (*st)->bind(1, *Uuid::parse(head.id));
    auto row = (*st)->step();
    if (!row)
        return row.error();
    std::string stored;
    if (*row) {
        stored = (*st)->text(0);
        (*st)->reset();
    } else {
        // A head that lost when a concurrent value arrived: the store's conflict row kept it,
        // as the remote side (by change id) or as the local side (by stamp and device).
        auto c = m_store->db().cached(
            "SELECT remote_value FROM conflict WHERE remote_change_id = ? UNION ALL"
            " SELECT local_value FROM conflict WHERE record_id = ? AND field = ? AND"
            " local_hlc = ? AND local_device = ? LIMIT 1");
        if (!c)
            return c.error();
        (*c)->bind(1, *Uuid::parse(head.id)).bind(2, *Uuid::parse(head.recordId));
        (*c)->bind(3, head.field).bind(4, static_cast<int64_t>(hlcValue(head.hlc)));
        (*c)->bind(5, *Uuid::parse(head.device));
        auto found = (*c)->step();
        if (!found)
            return found.error();
        if (!*found)
            return Error("sync.error.store", {{"id", head.id}}, "value of a head is missing");
        stored = (*c)->text(0);
        (*c)->reset();
    }
    return m_store->codec().decode(tableOf(head.recordType), head.field, stored);
}

Result<FieldState*> DeviceSyncStore::cached(std::map<Key, FieldState>& cache, const Key& k) {
    auto it = cache.find(k);
    if (it != cache.end())
        return &it->second;
    auto st = loadField(k);
    if (!st)
        return st.error();
    return &cache.emplace(k, std::move(*st)).first->second;
}

Result<Change> DeviceSyncStore::foldLocal(const store::OutboxChange& o,
                                          std::map<Key, FieldState>& cache) {
    Key k{o.recordId, o.field};
    auto fs = cached(cache, k);
    if (!fs)
        return fs.error();
    FieldState& state = **fs;

    Change c;
    c.id = o.changeId.str();
    c.recordType = std::string(toCode(o.recordType));
    c.recordId = o.recordId.str();
    c.county = o.county;
    c.field = o.field;
    c.value = nlohmann::json::parse(o.valueJson, nullptr, false);
    c.hlc = hlcText(o.hlc.value);
    c.device = o.device.str();

    auto known = m_store->db().cached("SELECT base FROM sync_outbox_base WHERE change_id = ?");
    if (!known)
        return known.error();
    (*known)->bind(1, o.changeId);
    auto row = (*known)->step();
    if (!row)
        return row.error();
    if (*row) {
        c.base = splitBase((*known)->text(0));
        (*known)->reset();
    } else if (o.base) {
        std::string stamp = hlcText(o.base->value);
        std::vector<std::string> matching;
        for (const auto& h : state.heads)
            if (h.hlc == stamp)
                matching.push_back(versionRef(h));
        bool resolution = false;
        if (!matching.empty() && state.inConflict()) {
            auto open = m_store->db().cached("SELECT count(*) FROM conflict WHERE record_id = ?"
                                             " AND field = ? AND resolved_ms IS NULL");
            if (!open)
                return open.error();
            (*open)->bind(1, o.recordId).bind(2, o.field);
            auto n = (*open)->step();
            if (!n)
                return n.error();
            resolution = *n && (*open)->i64(0) == 0;
            (*open)->reset();
        }
        if (resolution) {
            // The person saw no conflict (resolved it, or it was resolved elsewhere): this value
            // replaces every head.
            for (const auto& h : state.heads)
                c.base.push_back(versionRef(h));
        } else if (matching.size() == 1) {
            c.base = matching;
        } else {
            c.base.push_back(stamp); // several or none known: the stamp names them all
        }
        std::sort(c.base.begin(), c.base.end());
    }
    if (!*row) {
        auto put = m_store->db().cached(
            "INSERT INTO sync_outbox_base(change_id, base) VALUES(?, ?) ON CONFLICT DO NOTHING");
        if (!put)
            return put.error();
        (*put)->bind(1, o.changeId).bind(2, joinBase(c.base));
        if (auto st = (*put)->run(); !st)
            return st.error();
    }
    FieldState before = state;
    auto r = mergeField(state, c);
    if (r.kind == MergeKind::Added || r.kind == MergeKind::Superseded) {
        state = std::move(r.state);
        if (state.inConflict() && isHead(state, c.id))
            if (auto st = putHeadValue(c); !st)
                return st.error();
        if (auto st = dropHeadValues(before, state); !st)
            return st.error();
        if (auto st = saveField(k, state); !st)
            return st.error();
    }
    return c;
}

Status DeviceSyncStore::foldUnfolded(std::map<Key, FieldState>& cache) {
    // A creation row (one per record created here) stands for all its fields: it is folded when
    // its last field is.
    auto n = m_store->db().queryInt("SELECT count(*) FROM outbox WHERE substr(field, 1, 1) <> '*'"
                                    " AND change_id NOT IN (SELECT change_id FROM sync_outbox_base)");
    if (!n)
        return n.error();
    bool unfolded = n->value_or(0) > 0;
    if (!unfolded) {
        auto tails = m_store->pendingCreationTails();
        if (!tails)
            return tails.error();
        auto known = m_store->db().cached("SELECT 1 FROM sync_outbox_base WHERE change_id = ?");
        if (!known)
            return known.error();
        for (const Uuid& id : *tails) {
            (*known)->bind(1, id);
            auto row = (*known)->step();
            if (!row)
                return row.error();
            (*known)->reset();
            if (!*row) {
                unfolded = true;
                break;
            }
        }
    }
    if (!unfolded)
        return {};
    auto all = m_store->pendingChanges(std::numeric_limits<int>::max());
    if (!all)
        return all.error();
    for (const auto& o : *all)
        if (auto c = foldLocal(o, cache); !c)
            return c.error();
    return {};
}

Result<std::vector<Change>> DeviceSyncStore::pending(std::size_t limit) {
    Transaction tx(m_store->db());
    if (!tx.begun())
        return tx.begun().error();
    auto rows = m_store->pendingChanges(static_cast<int>(std::min<std::size_t>(limit, 1 << 30)));
    if (!rows)
        return rows.error();
    std::map<Key, FieldState> cache;
    std::vector<Change> out;
    out.reserve(rows->size());
    for (const auto& o : *rows) {
        auto c = foldLocal(o, cache);
        if (!c)
            return c.error();
        out.push_back(std::move(*c));
    }
    if (auto st = tx.commit(); !st)
        return st.error();
    return out;
}

Status DeviceSyncStore::acknowledge(const std::vector<std::string>& changeIds) {
    std::vector<Uuid> ids;
    for (const auto& s : changeIds)
        if (auto u = Uuid::parse(s))
            ids.push_back(*u);
    // The wire form of an acknowledged change is not needed any more: it goes in the same
    // transaction as the change itself.
    return m_store->markAcknowledged(ids, [&]() -> Status {
        auto del = m_store->db().cached("DELETE FROM sync_outbox_base WHERE change_id = ?");
        if (!del)
            return del.error();
        for (const auto& id : ids) {
            (*del)->bind(1, id);
            if (auto r = (*del)->run(); !r)
                return r;
        }
        return {};
    });
}

Status DeviceSyncStore::quarantine(const Change& change, const std::string& reasonKey,
                                   const std::string& detail) {
    auto id = Uuid::parse(change.id);
    if (!id)
        return Error("sync.error.store", {{"id", change.id}}, "change id is not a UUID");
    std::vector<Uuid> ids{*id};
    return m_store->quarantine(ids, Error(reasonKey, {}, detail));
}

Status DeviceSyncStore::applyRemote(const std::vector<Change>& changes,
                                    const std::string& newCursor) {
    std::map<Key, FieldState> cache;
    std::set<Key> dirty;
    // Fields that were in conflict before or during this page: only they can have an open store
    // conflict for another device's value to close (store conflicts come only from merge states
    // with several heads).
    std::set<Key> conflicted;
    auto plan = [&]() -> Result<std::vector<RemoteApply>> {
        // Local edits made since the last push join the merge state first, so a remote change
        // that saw them (or did not) is judged against them.
        if (auto st = foldUnfolded(cache); !st)
            return st.error();
        std::vector<RemoteApply> out;
        for (const Change& c : changes) {
            auto rec = Uuid::parse(c.recordId);
            if (!rec)
                continue; // the server validates every change; this cannot be stored anyway
            Key k{*rec, c.field};
            auto fs = cached(cache, k);
            if (!fs)
                return fs.error();
            FieldState& state = **fs;
            FieldState before = state;
            auto r = mergeField(state, c);
            if (r.kind == MergeKind::Duplicate || r.kind == MergeKind::IdConflict)
                continue; // the server refuses id conflicts too; the first one seen stays
            state = std::move(r.state);
            dirty.insert(k);
            if (before.inConflict() || state.inConflict())
                conflicted.insert(k);
            if (r.kind == MergeKind::Superseded)
                continue;
            // A value needed later is the value of a head in a conflict (a sole head's value
            // is the record's); values of heads that lost before are in the store's conflict rows.
            if (state.inConflict())
                if (auto st = putHeadValue(c); !st)
                    return st.error();
            if (auto st = dropHeadValues(before, state); !st)
                return st.error();
            const Change& winner = state.winner();
            bool oldStays = !before.empty() && isHead(state, before.winner().id);
            if (winner.id == c.id) {
                if (auto rc = toRemote(c, c.value))
                    out.push_back({*rc, oldStays ? ApplyMode::WriteAndConflict : ApplyMode::Write});
                continue;
            }
            if (!oldStays) {
                // c replaced the shown value, but an older concurrent head wins over c: the shown
                // value moves to that head, and c stays beside it as a conflict.
                auto v = headValue(winner);
                if (!v)
                    return v.error();
                if (auto rc = toRemote(winner, nlohmann::json::parse(*v, nullptr, false)))
                    out.push_back({*rc, ApplyMode::Write});
            }
            if (auto rc = toRemote(c, c.value))
                out.push_back({*rc, ApplyMode::ConflictOnly});
        }
        return out;
    };
    auto after = [&]() -> Status {
        auto close = m_store->db().cached(
            "UPDATE conflict SET resolved_ms = ?, resolved_by = 'sync' WHERE record_id = ? AND"
            " field = ? AND resolved_ms IS NULL");
        if (!close)
            return close.error();
        for (const Key& k : dirty) {
            const FieldState& st = cache.at(k);
            if (auto s = saveField(k, st); !s)
                return s;
            // Another device resolved the conflict (its value replaced every head).
            if (!st.inConflict() && conflicted.count(k)) {
                (*close)->bind(1, nowMs()).bind(2, k.recordId).bind(3, k.field);
                if (auto s = (*close)->run(); !s)
                    return s;
            }
        }
        return setState("cursor", newCursor);
    };
    return m_store->applyRemoteWith(plan, after);
}

Result<std::string> DeviceSyncStore::cursor() {
    return getState("cursor");
}

Result<SyncCounts> DeviceSyncStore::counts() {
    SyncCounts c;
    auto count = [&](const char* sql, int64_t& into) -> Status {
        auto n = m_store->db().queryInt(sql);
        if (!n)
            return n.error();
        into = n->value_or(0);
        return {};
    };
    auto pending = m_store->pendingCount(); // a creation row holds one change per field
    if (!pending)
        return pending.error();
    c.pending = *pending;
    if (auto st = count("SELECT count(*) FROM conflict WHERE resolved_ms IS NULL", c.conflicts);
        !st)
        return st.error();
    if (auto st = count("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL",
                        c.quarantined);
        !st)
        return st.error();
    auto blobs = blobRows();
    if (!blobs)
        return blobs.error();
    for (const auto& r : *blobs) {
        bool here = m_store->hasAttachmentFile(r.ref.sha256);
        if (!here)
            c.blobsDown++;
        else if (!r.done)
            c.blobsUp++;
    }
    auto last = getState("last_success");
    if (!last)
        return last.error();
    c.lastSuccess = std::strtoll(last->c_str(), nullptr, 10);
    return c;
}

Status DeviceSyncStore::recordSuccess(int64_t unixSeconds) {
    return setState("last_success", std::to_string(unixSeconds));
}

Status DeviceSyncStore::setClockOffset(int64_t ms) {
    return m_store->setClockOffset(ms);
}

Result<SyncCredentials> DeviceSyncStore::credentials() {
    auto c = deviceCredentials(*m_store);
    if (!c || c->token.empty())
        return c;
    // A token kept in clear by an older version is sealed the first time it is read while
    // someone is signed in.
    auto stored = readState(*m_store, "token");
    if (stored && !stored->empty() && !KeyVault::isSealed(*stored))
        if (auto sealed = KeyVault::seal(m_store->dataDir(), kTokenContext, c->token))
            if (auto st = setState("token", *sealed); !st)
                return st.error();
    return c;
}

Result<SyncCredentials> deviceCredentials(store::Store& store) {
    SyncCredentials c;
    auto url = readState(store, "url"), token = readState(store, "token"),
         counties = readState(store, "counties"), exp = readState(store, "expires_at");
    if (!url)
        return url.error();
    if (!token)
        return token.error();
    if (!counties)
        return counties.error();
    if (!exp)
        return exp.error();
    c.url = *url;
    if (KeyVault::isSealed(*token)) {
        // Opened only while the data key is unlocked (someone is signed in): a signed-out or
        // stolen laptop's files do not give a token that works.
        if (KeyVault::unlocked(store.dataDir())) {
            auto opened = KeyVault::open(store.dataDir(), kTokenContext, *token);
            if (!opened)
                return opened.error();
            c.token = std::move(*opened);
        } else {
            c.tokenLocked = true;
        }
    } else {
        c.token = *token;
    }
    c.device = store.deviceId().str();
    c.counties = splitCountyList(*counties);
    c.expiresAt = exp->empty() ? 0 : std::stoll(*exp);
    auto plain = readState(store, "allow_plain_http");
    if (!plain)
        return plain.error();
    c.allowPlainHttp = *plain == "1";
    return c;
}

Status DeviceSyncStore::saveCredentials(const SyncCredentials& c) {
    Transaction tx(m_store->db());
    if (!tx.begun())
        return tx.begun();
    auto old = getState("url");
    if (!old)
        return old.error();
    // A different server keeps a different log: start its cursor from the beginning. Unsynced
    // changes stay in the outbox and go to the new server.
    bool sameServer = *old == c.url;
    auto sealedToken = KeyVault::seal(m_store->dataDir(), kTokenContext, c.token);
    if (!sealedToken)
        return sealedToken.error();
    for (auto [k, v] : {std::pair<std::string, std::string>{"url", c.url},
                        {"token", *sealedToken},
                        {"counties", joinCountyList(c.counties)},
                        {"expires_at", std::to_string(c.expiresAt)},
                        {"allow_plain_http", c.allowPlainHttp ? "1" : ""}})
        if (auto st = setState(k, v); !st)
            return st;
    if (!sameServer) {
        if (auto st = setState("cursor", ""); !st)
            return st;
        // Nor has it our blobs: upload them again (its /status skips what it already has).
        if (auto st = m_store->db().exec("DELETE FROM sync_state WHERE key LIKE 'blob.%'"); !st)
            return st;
    }
    return tx.commit();
}

bool DeviceSyncStore::locked() {
    return !KeyVault::unlocked(m_store->dataDir());
}

Result<std::string> DeviceSyncStore::deviceId() {
    return m_store->deviceId().str();
}

Result<std::vector<DeviceSyncStore::BlobRow>> DeviceSyncStore::blobRows() {
    // sha256 and size_bytes are not sensitive: readable while the store is locked.
    auto st = m_store->db().prepare(
        "SELECT a.sha256, max(a.size_bytes), EXISTS(SELECT 1 FROM sync_state s WHERE s.key IN"
        " ('blob.up.' || a.sha256, 'blob.refused.' || a.sha256)) FROM attachment a"
        " WHERE length(a.sha256) = 64 GROUP BY a.sha256 ORDER BY min(a.created_ms), a.sha256");
    if (!st)
        return st.error();
    std::vector<BlobRow> out;
    for (;;) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        out.push_back({{st->text(0), st->i64(1)}, st->i64(2) != 0});
    }
}

Result<std::vector<BlobRef>> DeviceSyncStore::blobsToUpload() {
    auto rows = blobRows();
    if (!rows)
        return rows.error();
    std::vector<BlobRef> out;
    for (const auto& r : *rows)
        if (!r.done && m_store->hasAttachmentFile(r.ref.sha256))
            out.push_back(r.ref);
    return out;
}

Result<std::vector<BlobRef>> DeviceSyncStore::blobsMissingLocally() {
    auto rows = blobRows();
    if (!rows)
        return rows.error();
    std::vector<BlobRef> out;
    for (const auto& r : *rows)
        if (!m_store->hasAttachmentFile(r.ref.sha256))
            out.push_back(r.ref);
    return out;
}

namespace {
Result<std::string> asString(const Result<std::vector<std::byte>>& bytes) {
    if (!bytes)
        return bytes.error();
    return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

std::span<const std::byte> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
} // namespace

Result<std::string> DeviceSyncStore::readBlob(const std::string& sha256) {
    return asString(m_store->readAttachment(sha256));
}

Result<std::string> DeviceSyncStore::partialBlob(const std::string& sha256) {
    return asString(m_store->readPartialAttachment(sha256));
}

Status DeviceSyncStore::appendPartialBlob(const std::string& sha256, int64_t offset,
                                          const std::string& bytes) {
    return m_store->appendPartialAttachment(sha256, offset, asBytes(bytes));
}

void DeviceSyncStore::dropPartialBlob(const std::string& sha256) {
    m_store->dropPartialAttachment(sha256);
}

Status DeviceSyncStore::blobUploaded(const std::string& sha256) {
    return setState("blob.up." + sha256, "1");
}

Status DeviceSyncStore::blobRefused(const std::string& sha256, const std::string& reasonKey) {
    return setState("blob.refused." + sha256, reasonKey);
}

Status DeviceSyncStore::storeBlob(const std::string& sha256, const std::string& bytes) {
    if (auto st = m_store->putAttachmentFile(sha256, asBytes(bytes)); !st)
        return st;
    return blobUploaded(sha256);
}

Result<std::map<FieldKey, FieldState>> DeviceSyncStore::fieldStates() {
    auto st = m_store->db().prepare("SELECT record_id, field, state FROM sync_field");
    if (!st)
        return st.error();
    std::map<FieldKey, FieldState> out;
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        std::string field = st->text(1);
        FieldState fs = stateFrom(st->text(2), field);
        if (fs.empty())
            continue;
        out[FieldKey{fs.heads.front().recordType, st->uuid(0).str(), field}] = std::move(fs);
    }
}

Result<bool> DeviceSyncStore::applyAccounts(const std::vector<AccountRecord>& accounts) {
    std::vector<store::ServerAccount> list;
    list.reserve(accounts.size());
    for (const auto& a : accounts)
        list.push_back({a.user, a.displayName,
                        store::roleFromCode(a.role).value_or(store::Role::Volunteer), a.counties,
                        a.disabled, a.pwHash, a.publicKey, a.secretBox});
    auto accountsDb = store::Accounts::open(m_store->dataDir());
    if (!accountsDb)
        return accountsDb.error();
    auto r = (*accountsDb)->applyServerAccounts(list);
    if (!r)
        return r.error();
    return r->sessionLocked;
}

} // namespace zhuxue::sync
