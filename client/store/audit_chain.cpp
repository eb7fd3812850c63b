// The hash-chained audit trail. Each entry stores prev_hash (the hash of the entry before it) and
// hash = SHA-256 over prev_hash and every column of the entry, length-prefixed so no two entries
// encode alike. meta 'audit_head' holds "<seq>:<hash>" of the last entry, written in the same
// transaction. Editing an entry breaks its hash, deleting one breaks the next entry's prev_hash,
// cutting the tail off leaves the head pointing past the end. (Someone who can rewrite the whole
// file consistently can still rebuild the chain; the point is that no edit goes unnoticed by
// accident or by a casual hand with a SQLite browser.)
#include "store_impl.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <charconv>
#include <cstdio>

namespace zhuxue::store {

namespace {

constexpr const char* kColumns =
    "seq, id, county, at_ms, user, device, action, record_type, record_id, summary, prev_hash, hash";

// Each field goes into the hash as "<length>:<bytes>", straight into the hash state (an import
// hashes one entry per record: building the message as one string first cost as much as hashing).
void put(crypto_hash_sha256_state& state, std::string_view field) {
    char len[24];
    char* end = std::to_chars(len, len + sizeof len - 1, field.size()).ptr;
    *end++ = ':';
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(len),
                              static_cast<unsigned long long>(end - len));
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                              field.size());
}

std::string hashOf(const std::string& prev, const Uuid& id, std::string_view county,
                   std::int64_t atMs, std::string_view user, const Uuid& device,
                   std::string_view action, std::string_view recordType, const Uuid& recordId,
                   std::string_view summary) {
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    char at[24];
    const char* atEnd = std::to_chars(at, at + sizeof at, atMs).ptr;
    // Ids as their canonical text, formatted on the stack (an import hashes one entry per record).
    auto text = [](const Uuid& u, char (&buf)[36]) {
        u.format(buf);
        return std::string_view(buf, sizeof buf);
    };
    char idText[36], deviceText[36], recordText[36];
    put(state, prev);
    put(state, text(id, idText));
    put(state, county);
    put(state, std::string_view(at, static_cast<std::size_t>(atEnd - at)));
    put(state, user);
    put(state, text(device, deviceText));
    put(state, action);
    put(state, recordType);
    put(state, recordId.isNil() ? std::string_view("-") : text(recordId, recordText));
    put(state, summary);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, h);
    char hex[2 * sizeof h + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

// A NULL record_id reads as the nil id, which hashes as "-" like NULL.
std::string entryHash(const std::string& prev, const Stmt& s) {
    return hashOf(prev, s.uuid(1), s.text(2), s.i64(3), s.text(4), s.uuid(5), s.text(6),
                  s.text(7), s.uuid(8), s.text(9));
}

// meta 'audit_head' as (seq, hash); (0, "") before the first linked entry.
Result<std::pair<std::int64_t, std::string>> readHead(Db& db) {
    auto head = db.queryText("SELECT value FROM meta WHERE key = 'audit_head'");
    if (!head)
        return head.error();
    std::pair<std::int64_t, std::string> out{0, std::string()};
    if (*head) {
        auto colon = (*head)->find(':');
        if (colon != std::string::npos) {
            out.first = std::stoll((*head)->substr(0, colon));
            out.second = (*head)->substr(colon + 1);
        }
    }
    return out;
}

Status writeHead(Db& db, std::int64_t seq, const std::string& hash) {
    auto st = db.cached("INSERT INTO meta(key, value) VALUES('audit_head', ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    (*st)->bind(1, std::to_string(seq) + ":" + hash);
    return (*st)->run();
}

} // namespace

// Links every entry without a hash (the new one; on the first call after version 4 also the
// entries written before) to the chain, in seq order. Runs inside the caller's transaction.
Status Store::Impl::chainAudit() {
    if (sodium_init() < 0)
        return Error("store.io_error", {}, "libsodium init failed");
    auto head = readHead(db);
    if (!head)
        return head.error();
    auto [after, prev] = std::move(*head);
    auto sel = db.cached(std::string("SELECT ") + kColumns +
                         " FROM audit_entry WHERE seq > ? AND hash IS NULL ORDER BY seq");
    if (!sel)
        return sel.error();
    Stmt& s = **sel;
    s.bind(1, after);
    std::vector<std::tuple<std::int64_t, std::string, std::string>> updates;
    std::int64_t last = after;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        std::string h = entryHash(prev, s);
        last = s.i64(0);
        updates.emplace_back(last, prev, h);
        prev = h;
    }
    s.reset();
    if (updates.empty())
        return {};
    auto up = db.cached("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE seq = ?");
    if (!up)
        return up.error();
    for (auto& [seq, p, h] : updates) {
        (*up)->bind(1, p).bind(2, h).bind(3, seq);
        if (auto r = (*up)->run(); !r)
            return r;
        (*up)->reset();
    }
    return writeHead(db, last, prev);
}

Status Store::Impl::appendLinkedAudit(const Uuid& id, std::string_view county, std::int64_t atMs,
                                      std::string_view user, std::string_view action,
                                      std::string_view recordType, const Uuid& recordId,
                                      std::string_view summary) {
    if (!batchAuditHead) {
        // Entries not linked yet (written before version 4) come first, in seq order.
        if (auto st = chainAudit(); !st)
            return st;
        auto head = readHead(db);
        if (!head)
            return head.error();
        batchAuditHead = std::move(*head);
    }
    std::string hash = hashOf(batchAuditHead->second, id, county, atMs, user, device, action,
                              recordType, recordId, summary);
    auto st = db.cached("INSERT INTO audit_entry(id, county, at_ms, user, device, action,"
                        " record_type, record_id, summary, prev_hash, hash)"
                        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bindRef(1, id).bindRef(2, county).bind(3, atMs).bindRef(4, user).bindRef(5, device);
    s.bindRef(6, action).bindRef(7, recordType).bindRef(8, recordId).bindRef(9, summary);
    s.bindRef(10, batchAuditHead->second).bindRef(11, hash);
    if (auto r = s.run(); !r)
        return r;
    batchAuditHead->first = sqlite3_last_insert_rowid(db.raw());
    batchAuditHead->second = std::move(hash);
    return {};
}

Status Store::Impl::finishAuditChain() {
    if (!batchAuditHead)
        return chainAudit();
    auto [seq, hash] = std::move(*batchAuditHead);
    batchAuditHead.reset();
    if (hash.empty())
        return {};
    return writeHead(db, seq, hash);
}

Result<std::vector<std::string>> Store::Impl::verifyAuditChain() {
    if (sodium_init() < 0)
        return Error("store.io_error", {}, "libsodium init failed");
    std::vector<std::string> problems;
    auto head = db.queryText("SELECT value FROM meta WHERE key = 'audit_head'");
    if (!head)
        return head.error();
    auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM audit_entry ORDER BY seq");
    if (!st)
        return st.error();
    std::string prev;
    std::int64_t lastSeq = 0;
    bool chained = false;
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const std::int64_t seq = st->i64(0);
        if (st->isNull(11)) {
            if (chained)
                problems.push_back("audit entry " + std::to_string(seq) +
                                   " has no hash after chained entries (inserted by hand)");
            continue; // written before version 4 and not linked yet
        }
        chained = true;
        if (st->text(10) != prev)
            problems.push_back("audit entry " + std::to_string(seq) +
                               " does not follow the entry before it (an entry was deleted or "
                               "reordered)");
        std::string h = entryHash(st->text(10), *st);
        if (h != st->text(11))
            problems.push_back("audit entry " + std::to_string(seq) +
                               " was changed after it was written");
        prev = st->text(11);
        lastSeq = seq;
    }
    const std::string expected = std::to_string(lastSeq) + ":" + prev;
    if (*head && **head != expected)
        problems.push_back("the audit trail ends early: entries after " +
                           std::to_string(lastSeq) + " were removed");
    if (!*head && chained)
        problems.push_back("the audit trail's head record is missing");
    return problems;
}

} // namespace zhuxue::store
