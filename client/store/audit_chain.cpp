// The hash-chained audit trail. Each entry stores prev_hash (the hash of the entry before it) and
// hash = SHA-256 over prev_hash and every column of the entry, length-prefixed so no two entries
// encode alike. meta 'audit_head' holds "<seq>:<hash>" of the last entry, written in the same
// transaction. Editing an entry breaks its hash, deleting one breaks the next entry's prev_hash,
// cutting the tail off leaves the head pointing past the end. (Someone who can rewrite the whole
// file consistently can still rebuild the chain; the point is that no edit goes unnoticed by
// accident or by a casual hand with a SQLite browser.)
#include "store_impl.hpp"

#include <sodium.h>

#include <cstdio>

namespace zhuxue::store {

namespace {

constexpr const char* kColumns =
    "seq, id, county, at_ms, user, device, action, record_type, record_id, summary, prev_hash, hash";

void put(std::string& out, std::string_view field) {
    char len[24];
    std::snprintf(len, sizeof len, "%zu:", field.size());
    out += len;
    out += field;
}

std::string entryHash(const std::string& prev, const Stmt& s) {
    std::string msg;
    put(msg, prev);
    put(msg, s.uuid(1).str());
    put(msg, s.text(2));
    put(msg, std::to_string(s.i64(3)));
    put(msg, s.text(4));
    put(msg, s.uuid(5).str());
    put(msg, s.text(6));
    put(msg, s.text(7));
    put(msg, s.isNull(8) ? std::string("-") : s.uuid(8).str());
    put(msg, s.text(9));
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    char hex[2 * sizeof h + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
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
    auto head = db.queryText("SELECT value FROM meta WHERE key = 'audit_head'");
    if (!head)
        return head.error();
    std::string prev;
    std::int64_t after = 0;
    if (*head) {
        auto colon = (*head)->find(':');
        if (colon != std::string::npos) {
            after = std::stoll((*head)->substr(0, colon));
            prev = (*head)->substr(colon + 1);
        }
    }
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
