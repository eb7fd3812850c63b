// Sealed kiosk submissions: the server's X25519 key pair and opening what kiosks sealed to it.
#include "queue_store.hpp"
#include "sync/protocol/change.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace zhuxue::sync::server {

namespace {

std::string toHex(const unsigned char* p, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), p, n);
    out.pop_back();
    return out;
}

std::string fromHex(const std::string& hex) {
    std::string out(hex.size() / 2, '\0');
    std::size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                       &len, nullptr) != 0)
        return {};
    out.resize(len);
    return out;
}

} // namespace

Status QueueStore::upgradeSubmissions() {
    // One transaction under the queue lock, so two servers starting on one PostgreSQL cannot
    // both add the columns; the savepoint undoes the failed probe (a failed statement otherwise
    // ends a PostgreSQL transaction).
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    if (auto r = (*tx)->query("SAVEPOINT probe"); !r)
        return r.error();
    if ((*tx)->query("SELECT ticket_id, counties FROM queue_submissions LIMIT 1"))
        return {};
    if (auto r = (*tx)->query("ROLLBACK TO SAVEPOINT probe"); !r)
        return r.error();
    for (const char* sql : {"ALTER TABLE queue_submissions ADD COLUMN ticket_id TEXT NOT NULL DEFAULT ''",
                            "ALTER TABLE queue_submissions ADD COLUMN counties TEXT NOT NULL DEFAULT ''"})
        if (auto r = (*tx)->query(sql); !r)
            return r.error();
    // Older rows keep no kiosk county, so no staff device may read them; their ticket is still
    // found from the payload.
    auto rows = (*tx)->query("SELECT id, payload FROM queue_submissions");
    if (!rows)
        return rows.error();
    for (const auto& row : *rows) {
        auto j = nlohmann::json::parse(row[1], nullptr, false);
        if (j.is_object() && j.contains("ticket_id") && j["ticket_id"].is_string())
            if (auto r = (*tx)->query("UPDATE queue_submissions SET ticket_id = $1 WHERE id = $2",
                                      {j["ticket_id"].get<std::string>(), row[0]});
                !r)
                return r.error();
    }
    return (*tx)->commit();
}

Result<std::optional<Submission>> QueueStore::submissionFor(const std::string& ticketId) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query("SELECT id, ticket_id, counties, payload, received_at FROM queue_submissions "
                          "WHERE ticket_id = $1 ORDER BY received_at DESC, id DESC LIMIT 1",
                          {ticketId});
    if (!r)
        return r.error();
    if (r->empty())
        return std::optional<Submission>();
    const SqlRow& row = (*r)[0];
    return std::optional<Submission>(
        Submission{row[0], row[1], splitCountyList(row[2]), row[3], row[4].empty() ? 0 : std::stoll(row[4])});
}

Status QueueStore::initKeys(QueueTx& tx) {
    if (sodium_init() < 0)
        return Error("sync.error.storage", {}, "libsodium cannot start");
    auto r = tx.query("SELECT public_key, secret_key FROM queue_keys WHERE name = 'seal'");
    if (!r)
        return r.error();
    if (r->empty()) {
        unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
        crypto_box_keypair(pk, sk);
        auto ins = tx.query("INSERT INTO queue_keys(name, public_key, secret_key) VALUES('seal', $1, $2)",
                            {toHex(pk, sizeof pk), toHex(sk, sizeof sk)});
        sodium_memzero(sk, sizeof sk);
        if (!ins)
            return ins.error();
        r = tx.query("SELECT public_key, secret_key FROM queue_keys WHERE name = 'seal'");
        if (!r || r->empty())
            return Error("sync.error.storage", {}, "the seal key was not stored");
    }
    m_publicHex = (*r)[0][0];
    m_secret = fromHex((*r)[0][1]);
    if (m_secret.size() != crypto_box_SECRETKEYBYTES || fromHex(m_publicHex).size() != crypto_box_PUBLICKEYBYTES)
        return Error("sync.error.storage", {}, "the stored seal key is damaged");
    return {};
}

Status QueueStore::storeSubmission(const std::string& id, const std::string& sealed, const std::string& device,
                                   const std::vector<std::string>& counties, int64_t nowMs) {
    if (sealed.size() <= crypto_box_SEALBYTES || id.empty())
        return Error("hall.error.bad_seal", {}, "too short to be a sealed submission");
    std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
    std::string pk = fromHex(m_publicHex);
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                             reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                             reinterpret_cast<const unsigned char*>(pk.data()),
                             reinterpret_cast<const unsigned char*>(m_secret.data())) != 0)
        return Error("hall.error.bad_seal", {}, "not sealed to this server's key");
    auto j = nlohmann::json::parse(plain, nullptr, false);
    if (!j.is_object())
        return Error("hall.error.bad_seal", {}, "the opened submission is not a JSON object");
    std::string ticketId = j.contains("ticket_id") && j["ticket_id"].is_string() ? j["ticket_id"].get<std::string>()
                                                                                 : std::string();
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    std::string day = localDay(nowMs / 1000);
    if (auto r = (*tx)->query("INSERT INTO queue_submissions(id, day, device, received_at, payload, ticket_id, "
                              "counties) VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(id) DO NOTHING",
                              {id, day, device, std::to_string(nowMs), j.dump(), ticketId, joinCountyList(counties)});
        !r)
        return r.error();
    sodium_memzero(plain.data(), plain.size());
    return (*tx)->commit();
}

Result<std::vector<std::string>> QueueStore::submissions(const std::string& day) {
    auto tx = m_db->begin();
    if (!tx)
        return tx.error();
    auto r = (*tx)->query("SELECT payload FROM queue_submissions WHERE day = $1 ORDER BY received_at", {day});
    if (!r)
        return r.error();
    std::vector<std::string> out;
    for (const auto& row : *r)
        out.push_back(row[0]);
    return out;
}

} // namespace zhuxue::sync::server
