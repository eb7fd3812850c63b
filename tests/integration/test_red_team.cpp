// Attacks from issue 19 ("what a stolen kiosk, laptop or server database gives away") against a
// real zhuxue-server (SQLite, and PostgreSQL where it can run), each one failing: a kiosk's or a
// display's token pulling, pushing, reading accounts, blobs or submissions, or calling a window;
// a signed-out laptop's files giving a token that works; an enrolment taking over a device; a
// foreign attachment read through a planted record; 1,000 bad tokens from one proxy blocking a
// good device; 200 MB chunked and gzip-bomb bodies (the server's memory measured); a far-future
// time stamp; JSON nested 100,000 deep. Raw HTTP goes through libcurl directly.
#include "client/core/ids.hpp"
#include "client/store/accounts.hpp"
#include "client/store/crypto/key_vault.hpp"
#include "sync/engine/http_client.hpp"
#include "sync/engine/sync_client.hpp"
#include "sync/engine/sync_engine.hpp"
#include "sync/protocol/enrollment.hpp"
#include "sync/protocol/messages.hpp"
#include "sync/protocol/wire.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/role_enroll.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>

using namespace zhuxue;
using namespace zhuxue::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---- raw HTTP with libcurl ----------------------------------------------------------------------

struct Reply {
    long status = 0;    // 0: no HTTP answer read (the server closed the connection)
    CURLcode curl = CURLE_OK;
    std::string body;
    curl_off_t uploaded = 0; // request body bytes libcurl managed to send
    std::string key() const {
        auto j = json::parse(body, nullptr, false);
        return j.is_object() && j.contains("error") ? j["error"].value("key", "") : "";
    }
};

// A body produced piece by piece: returns the bytes to send next, empty at the end.
using Producer = std::function<std::string()>;

struct Request {
    std::string method = "GET", url, token, body;
    std::vector<std::string> headers;
    Producer stream; // set: the body is sent chunked from it (no Content-Length)
};

Reply send(const Request& r) {
    CURL* c = curl_easy_init();
    REQUIRE(c);
    Reply out;
    curl_slist* hs = nullptr;
    for (const auto& h : r.headers)
        hs = curl_slist_append(hs, h.c_str());
    if (!r.token.empty())
        hs = curl_slist_append(hs, ("Authorization: Bearer " + r.token).c_str());
    struct Stream {
        const Producer* produce;
        std::string pending;
        std::size_t at = 0;
    } stream{&r.stream, {}, 0};
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (r.stream) {
        hs = curl_slist_append(hs, "Transfer-Encoding: chunked");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READDATA, &stream);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, +[](char* buf, size_t size, size_t n, void* p) -> size_t {
            auto* s = static_cast<Stream*>(p);
            if (s->at == s->pending.size()) {
                s->pending = (*s->produce)();
                s->at = 0;
            }
            std::size_t k = std::min(size * n, s->pending.size() - s->at);
            std::memcpy(buf, s->pending.data() + s->at, k);
            s->at += k;
            return k;
        });
    } else if (r.method == "POST" || r.method == "PUT") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    if (r.method != "GET" && r.method != "POST")
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t size, size_t n, void* p) -> size_t {
        static_cast<std::string*>(p)->append(d, size * n);
        return size * n;
    });
    out.curl = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &out.uploaded);
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    return out;
}

Reply call(const std::string& url, const std::string& method, const std::string& path, const std::string& token,
           const json& body = json(), std::vector<std::string> headers = {}) {
    Request r{method, url + path, token, body.is_null() ? std::string() : body.dump(), std::move(headers), {}};
    if (!body.is_null())
        r.headers.push_back("Content-Type: application/json");
    return send(r);
}

// ---- a server with devices of each role ---------------------------------------------------------

struct Device {
    std::string id, token;
};

Device enrol(const std::string& url, const std::string& code, sync::DeviceRole role, int n) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190eeee-0000-4000-8000-%012d", n);
    sync::SyncClient c(url);
    auto r = c.enroll(code, dev, "红队设备", role);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    CHECK(r->role == sync::roleName(role));
    return {dev, r->token};
}

std::string hlcAt(int64_t ms) {
    return sync::hlcText(Hlc::make(static_cast<uint64_t>(ms), 0).value);
}

// An attachment record of `county` naming `sha`, pushed as `device`.
json attachmentChange(const Device& device, const std::string& county, const std::string& sha,
                      int64_t ms = systemNowMs()) {
    sync::Change c;
    c.id = newUuidV7().str();
    c.recordType = "attachment";
    c.recordId = newUuidV7().str();
    c.county = county;
    c.field = "sha256";
    c.value = sha;
    c.hlc = hlcAt(ms);
    c.device = device.id;
    return sync::toJson(c);
}

json pushBody(std::vector<json> changes) {
    return {{"protocol", sync::kProtocolVersion}, {"changes", changes}};
}

std::string pushStatus(const Reply& r, std::size_t i = 0) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("results"))
        return "HTTP " + std::to_string(r.status) + " " + r.body;
    const auto& x = j["results"][i];
    return x["status"].get<std::string>() + (x.contains("error") ? " " + x["error"]["key"].get<std::string>() : "");
}

std::string sealFor(const std::string& publicHex, const std::string& plain) {
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    REQUIRE(sodium_hex2bin(pk, sizeof pk, publicHex.data(), publicHex.size(), nullptr, nullptr, nullptr) == 0);
    std::string sealed(plain.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), pk);
    std::string b64(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    return b64;
}

// What each role may and may not do, on one server. `db` as for roleEnrollCode.
void roleMatrix(ServerProcess& s, const fs::path& dataDir, const std::string& db) {
    REQUIRE(sodium_init() >= 0);
    const std::string url = s.url();
    Device staff = enrol(url, roleEnrollCode(dataDir, db, "420527", "staff").code, sync::DeviceRole::Staff, 1);
    Device kiosk = enrol(url, roleEnrollCode(dataDir, db, "420527", "kiosk").code, sync::DeviceRole::Kiosk, 2);
    Device display = enrol(url, roleEnrollCode(dataDir, db, "420527", "display").code, sync::DeviceRole::Display, 3);

    // The county's data: a record naming a photo, the photo itself.
    const std::string photo = "照片 of the family's house";
    const std::string sha = sync::sha256Hex(photo);
    auto pushed = call(url, "POST", "/v1/push", staff.token, pushBody({attachmentChange(staff, "420527", sha)}));
    REQUIRE(pushStatus(pushed) == "stored");
    Request put{"PUT", url + "/v1/blobs/" + sha + "?offset=0&total=" + std::to_string(photo.size()), staff.token,
                photo, {"Content-Type: application/octet-stream"}, {}};
    REQUIRE(send(put).status == 200);

    // The kiosk takes a ticket, books a slot and hands in a family's sealed details...
    auto ticket = call(url, "POST", "/v1/queue/tickets", kiosk.token, {{"service", "first_loan"}});
    REQUIRE(ticket.status == 200);
    const std::string ticketId = json::parse(ticket.body)["id"];
    auto slots = call(url, "GET", "/v1/queue/slots?township=420527200", kiosk.token);
    REQUIRE(slots.status == 200);
    auto day = json::parse(slots.body)["days"][0];
    CHECK(call(url, "POST", "/v1/queue/appointments", kiosk.token,
               {{"service", "first_loan"}, {"township", "420527200"}, {"day", day["day"]},
                {"time", day["times"][0]["time"]}})
              .status == 200);
    auto key = call(url, "GET", "/v1/queue/seal-key", kiosk.token);
    REQUIRE(key.status == 200);
    json family{{"ticket_id", ticketId}, {"student", {{"name", "龚𪚥"}, {"id_number", "42052720070101002X"}}}};
    CHECK(call(url, "POST", "/v1/queue/submissions", kiosk.token,
               {{"id", newUuidV7().str()}, {"sealed", sealFor(json::parse(key.body)["public_key"], family.dump())}})
              .status == 200);

    // ...and nothing else: not the county's records, accounts, photos, the families' details,
    // nor the windows.
    struct Try {
        const char* method;
        std::string path;
        json body;
    };
    const std::vector<Try> staffOnly = {
        {"GET", "/v1/pull?cursor=0", json()},
        {"POST", "/v1/push", pushBody({attachmentChange(kiosk, "420527", sha)})},
        {"GET", "/v1/accounts", json()},
        {"GET", "/v1/blobs/" + sha, json()},
        {"GET", "/v1/blobs/" + sha + "/status", json()},
        {"GET", "/v1/queue/tickets/" + ticketId + "/submission", json()},
        {"GET", "/v1/queue/tickets", json()},
        {"GET", "/v1/queue/appointments", json()},
        {"POST", "/v1/queue/windows/1/next", json::object()},
        {"POST", "/v1/queue/windows/1/skip", json::object()},
        {"POST", "/v1/queue/windows/1/transfer", {{"to", 2}}},
    };
    for (const auto& dev : {kiosk, display})
        for (const auto& t : staffOnly) {
            auto r = call(url, t.method, t.path, dev.token, t.body);
            INFO((dev.id == kiosk.id ? "kiosk " : "display ") << t.method << ' ' << t.path << " -> " << r.status
                                                               << ' ' << r.body);
            CHECK(r.status == 403);
            CHECK(r.key() == "sync.error.role_forbidden");
            CHECK(r.body.find("龚") == std::string::npos);
            CHECK(r.body.find(photo) == std::string::npos);
        }
    // A display reads the calls and nothing a kiosk does.
    CHECK(call(url, "GET", "/v1/queue/calls", display.token).status == 200);
    CHECK(call(url, "GET", "/v1/queue/config", display.token).status == 200);
    CHECK(call(url, "GET", "/v1/queue/calls", kiosk.token).status == 403);
    for (const auto& t : std::vector<Try>{{"POST", "/v1/queue/tickets", {{"service", "first_loan"}}},
                                          {"GET", "/v1/queue/slots?township=420527200", json()},
                                          {"GET", "/v1/queue/seal-key", json()},
                                          {"POST", "/v1/queue/submissions", {{"id", "x"}, {"sealed", "AAAA"}}}})
        CHECK_MESSAGE(call(url, t.method, t.path, display.token, t.body).status == 403, t.path);
    // Staff devices hand in no family's details in a kiosk's name.
    CHECK(call(url, "POST", "/v1/queue/submissions", staff.token, {{"id", "y"}, {"sealed", "AAAA"}}).status == 403);

    // The staff device still does its work: the photo, the family's details, the window.
    auto got = call(url, "GET", "/v1/blobs/" + sha, staff.token);
    CHECK(got.status == 200);
    CHECK(got.body == photo);
    auto details = call(url, "GET", "/v1/queue/tickets/" + ticketId + "/submission", staff.token);
    CHECK(details.status == 200);
    CHECK(details.body.find("龚𪚥") != std::string::npos);
    auto next = call(url, "POST", "/v1/queue/windows/1/next", staff.token, json::object());
    CHECK(next.status == 200);
    CHECK(call(url, "GET", "/v1/pull?cursor=0", staff.token).status == 200);
    CHECK(call(url, "GET", "/v1/accounts", staff.token).status == 200);
}

// Takeover attempts: an enrolled id under a new code, a revoked id, another device's re-enrolment
// code, a code for another role.
void takeover(ServerProcess& s, const fs::path& dataDir, const std::string& db) {
    const std::string url = s.url();
    Device laptop = enrol(url, roleEnrollCode(dataDir, db, "420527", "staff").code, sync::DeviceRole::Staff, 11);
    // Any valid code, even one of another county, for the laptop's id: refused, the laptop keeps
    // its token, the code stays good for a new device.
    std::string other = roleEnrollCode(dataDir, db, "420528", "staff").code;
    auto stolen = call(url, "POST", "/v1/enroll", "",
                       toJson(sync::EnrollRequest{other, laptop.id, "attacker", "staff"}));
    CHECK(stolen.status == 409);
    CHECK(stolen.key() == "sync.error.device_exists");
    CHECK(stolen.body.find("\"token\"") == std::string::npos);
    CHECK(call(url, "GET", "/v1/pull?cursor=0", laptop.token).status == 200);
    enrol(url, other, sync::DeviceRole::Staff, 12);

    // Revoked: a fresh code does not bring it back.
    REQUIRE(runShell(binPath("zhuxue-server").string() + " revoke " + laptop.id + " --data-dir '" +
                     dataDir.string() + "'" + (db.empty() ? "" : " --db '" + db + "'") + " >/dev/null 2>&1")
                .first == 0);
    CHECK(call(url, "GET", "/v1/pull?cursor=0", laptop.token).status == 401);
    auto again = call(url, "POST", "/v1/enroll", "",
                      toJson(sync::EnrollRequest{roleEnrollCode(dataDir, db, "420527", "staff").code, laptop.id,
                                                 "attacker", "staff"}));
    CHECK(again.status == 409);
    CHECK(call(url, "GET", "/v1/pull?cursor=0", laptop.token).status == 401);

    // A code made for the laptop: no other device can use it; the laptop gets a new token and
    // the old one stops working.
    RoleCode forLaptop = roleEnrollCode(dataDir, db, "420527", "staff", laptop.id);
    auto wrongDevice = call(url, "POST", "/v1/enroll", "",
                            toJson(sync::EnrollRequest{forLaptop.code, "0190eeee-0000-4000-8000-000000000099",
                                                       "attacker", "staff"}));
    CHECK(wrongDevice.status == 403);
    CHECK(wrongDevice.key() == "sync.error.bad_code");
    Device renewed = enrol(url, forLaptop.code, sync::DeviceRole::Staff, 11);
    CHECK(renewed.id == laptop.id);
    CHECK(call(url, "GET", "/v1/pull?cursor=0", renewed.token).status == 200);

    // A kiosk's code does not make a staff device (and stays unused for the kiosk); the
    // enrollment text says what it is for.
    RoleCode kioskCode = roleEnrollCode(dataDir, db, "420527", "kiosk");
    CHECK(kioskCode.said.find(";role=kiosk") != std::string::npos);
    auto asStaff = call(url, "POST", "/v1/enroll", "",
                        toJson(sync::EnrollRequest{kioskCode.code, "0190eeee-0000-4000-8000-000000000013", "x", "staff"}));
    CHECK(asStaff.status == 403);
    CHECK(asStaff.key() == "sync.error.wrong_role");
    enrol(url, kioskCode.code, sync::DeviceRole::Kiosk, 14);
    // An older device that does not say its role gets the code's role, never more.
    RoleCode displayCode = roleEnrollCode(dataDir, db, "420527", "display");
    auto unstated = call(url, "POST", "/v1/enroll", "",
                         toJson(sync::EnrollRequest{displayCode.code, "0190eeee-0000-4000-8000-000000000015", "x", ""}));
    REQUIRE(unstated.status == 200);
    auto answer = json::parse(unstated.body);
    CHECK(answer["role"] == "display");
    CHECK(call(url, "GET", "/v1/pull?cursor=0", answer["token"]).status == 403);
}

// A record of county B naming county A's photo, pushed after A's: B still cannot read it.
void plantedBlob(ServerProcess& s, const fs::path& dataDir, const std::string& db) {
    const std::string url = s.url();
    Device a = enrol(url, roleEnrollCode(dataDir, db, "420527", "staff").code, sync::DeviceRole::Staff, 21);
    Device b = enrol(url, roleEnrollCode(dataDir, db, "420528", "staff").code, sync::DeviceRole::Staff, 22);
    const std::string photo = "家访照片 420527 only";
    const std::string sha = sync::sha256Hex(photo);
    Request put{"PUT", url + "/v1/blobs/" + sha + "?offset=0&total=" + std::to_string(photo.size()), a.token,
                photo, {"Content-Type: application/octet-stream"}, {}};
    REQUIRE(send(put).status == 200);
    REQUIRE(pushStatus(call(url, "POST", "/v1/push", a.token, pushBody({attachmentChange(a, "420527", sha)}))) ==
            "stored");
    // B plants its own record naming the hash (the server stores it: the record is B's own).
    REQUIRE(pushStatus(call(url, "POST", "/v1/push", b.token, pushBody({attachmentChange(b, "420528", sha)}))) ==
            "stored");
    auto read = call(url, "GET", "/v1/blobs/" + sha, b.token);
    CHECK(read.status == 403);
    CHECK(read.key() == "sync.error.blob_out_of_scope");
    CHECK(read.body.find(photo) == std::string::npos);
    auto status = call(url, "GET", "/v1/blobs/" + sha + "/status", b.token);
    CHECK(status.status == 403);
    CHECK(call(url, "GET", "/v1/blobs/" + sha, a.token).body == photo);
}

// Peak resident memory of a process (VmHWM), bytes.
int64_t peakRss(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return -1;
}

// `total` bytes of `fill`, in 64 KiB pieces.
Producer repeat(char fill, int64_t total) {
    auto left = std::make_shared<int64_t>(total);
    return [fill, left] {
        std::size_t n = static_cast<std::size_t>(std::min<int64_t>(*left, 64 * 1024));
        *left -= static_cast<int64_t>(n);
        return std::string(n, fill);
    };
}

// A gzip stream that inflates to `total` zero bytes (deflate is about 1:1000 on zeros).
std::string gzipBomb(int64_t total) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string zeros(1 << 20, '\0'), out;
    char buf[1 << 16];
    for (int64_t done = 0; done < total; done += static_cast<int64_t>(zeros.size())) {
        bool last = done + static_cast<int64_t>(zeros.size()) >= total;
        z.next_in = reinterpret_cast<Bytef*>(zeros.data());
        z.avail_in = static_cast<uInt>(zeros.size());
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(buf, sizeof buf - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
}

bool healthy(const std::string& url) {
    return call(url, "GET", "/v1/health", "").status == 200;
}

} // namespace

TEST_CASE("a kiosk or display token gets nothing but its own work (SQLite)") {
    TempDir tmp("zhuxue-red-roles");
    ServerProcess s(tmp / "server");
    roleMatrix(s, tmp / "server", "");
}

TEST_CASE("enrolment never takes over a device (SQLite)") {
    TempDir tmp("zhuxue-red-takeover");
    ServerProcess s(tmp / "server");
    takeover(s, tmp / "server", "");
}

TEST_CASE("a planted record does not open another county's attachment (SQLite)") {
    TempDir tmp("zhuxue-red-blob");
    ServerProcess s(tmp / "server");
    plantedBlob(s, tmp / "server", "");
}

TEST_CASE("roles, takeover and planted records on PostgreSQL") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        MESSAGE("SKIPPED: PostgreSQL cannot run here: " << whyNot);
        return;
    }
    TempDir tmp("zhuxue-red-pg");
    ServerProcess s(tmp / "server", pg->url());
    roleMatrix(s, tmp / "server", pg->url());
    takeover(s, tmp / "server", pg->url());
    plantedBlob(s, tmp / "server", pg->url());
}

TEST_CASE("devices enrolled before roles keep working as staff devices") {
    TempDir tmp("zhuxue-red-migrate");
    fs::create_directories(tmp / "server");
    const std::string token = sync::randomHex(32);
    {
        // The server's tables as they were before roles (and a code not used yet).
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((tmp / "server" / "zhuxue-server.sqlite").c_str(), &db) == SQLITE_OK);
        std::string sql =
            "CREATE TABLE devices(id TEXT PRIMARY KEY, name TEXT NOT NULL, counties TEXT NOT NULL, "
            "token_hash TEXT NOT NULL UNIQUE, enrolled_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, "
            "revoked_at INTEGER NOT NULL DEFAULT 0);"
            "CREATE TABLE enroll_codes(code_hash TEXT PRIMARY KEY, counties TEXT NOT NULL, name TEXT NOT NULL, "
            "expires_at INTEGER NOT NULL, used_at INTEGER NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '');"
            "INSERT INTO devices VALUES('0190eeee-0000-4000-8000-000000000031', 'old laptop', '420527', '" +
            sync::sha256Hex(token) + "', 1, 4102444800, 0);";
        REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    ServerProcess s(tmp / "server");
    CHECK(call(s.url(), "GET", "/v1/pull?cursor=0", token).status == 200);
    CHECK(call(s.url(), "POST", "/v1/queue/windows/1/next", token, json::object()).status == 200);
    CHECK(call(s.url(), "GET", "/v1/accounts", token).status == 200);
}

TEST_CASE("a signed-out laptop's files give no token that works") {
    TempDir tmp("zhuxue-red-laptop");
    ServerProcess s(tmp / "server");
    const fs::path laptop = tmp / "laptop";
    auto device = openDevice(laptop);
    {
        auto accounts = store::Accounts::open(laptop);
        REQUIRE(accounts.ok());
        REQUIRE((*accounts)->create("admin", "管理员", store::Role::Admin, "laptop passphrase 2026").ok());
    }
    auto c = sync::enrollDevice(*device, s.url(), s.enrollCode("420527"), "秭归县笔记本");
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().key));
    const std::string token = c->token;
    REQUIRE(call(s.url(), "GET", "/v1/pull?cursor=0", token).status == 200);

    // Signed out and powered off: the thief copies the data directory.
    store::crypto::KeyVault::lock(laptop);
    device.reset();
    std::string files = treeBytes(laptop);
    CHECK(files.find(token) == std::string::npos);
    CHECK_FALSE(fs::exists(store::crypto::KeyVault::deviceKeyPath(laptop)));
    // Whatever sync_state keeps for the token, as a bearer token, is refused.
    std::string kept;
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2((laptop / "zhuxue.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, "SELECT value FROM sync_state WHERE key = 'token'", -1, &st, nullptr) ==
                SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        kept = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    CHECK(kept.rfind(std::string(store::crypto::kSealedPrefix), 0) == 0);
    CHECK(call(s.url(), "GET", "/v1/pull?cursor=0", kept).status == 401);

    // Signed out, the device knows it is enrolled but cannot sync; signed in, it can.
    device = openDevice(laptop);
    auto locked = device->credentials();
    REQUIRE(locked.ok());
    CHECK(locked->enrolled());
    CHECK(locked->tokenLocked);
    CHECK(locked->token.empty());
    auto accounts = store::Accounts::open(laptop);
    REQUIRE(accounts.ok());
    REQUIRE((*accounts)->signIn("admin", "laptop passphrase 2026", systemNowMs()).ok());
    auto open = device->credentials();
    REQUIRE(open.ok());
    CHECK(open->token == token);
    store::crypto::KeyVault::lock(laptop);
}

TEST_CASE("a flood of bad tokens through the proxy does not block the hall's devices") {
    TempDir tmp("zhuxue-red-flood");
    ServerProcess s(tmp / "server", {}, {"--trusted-proxy", "127.0.0.1"});
    Device window = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "staff").code,
                          sync::DeviceRole::Staff, 41);
    Device kiosk = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "kiosk").code,
                         sync::DeviceRole::Kiosk, 42);
    int refused = 0, limited = 0;
    for (int i = 0; i < 1000; ++i) {
        auto r = call(s.url(), "POST", "/v1/queue/windows/1/next", sync::randomHex(32), json::object(),
                      {"X-Forwarded-For: 203.0.113.9"});
        refused += r.status == 401;
        limited += r.status == 429;
    }
    CHECK(refused == 30);
    CHECK(limited == 970);
    // Through the same proxy, even from the same forwarded address, known tokens pass.
    CHECK(call(s.url(), "POST", "/v1/queue/tickets", kiosk.token, {{"service", "first_loan"}},
               {"X-Forwarded-For: 203.0.113.9"})
              .status == 200);
    CHECK(call(s.url(), "POST", "/v1/queue/windows/1/next", window.token, json::object(),
               {"X-Forwarded-For: 203.0.113.10"})
              .status == 200);
    // Another client behind the proxy is not blocked for the flooder's tokens.
    CHECK(call(s.url(), "GET", "/v1/queue/calls", "not-a-token", json(), {"X-Forwarded-For: 203.0.113.11"}).status ==
          401);
    // A client that is not the proxy cannot pick its address with the header: the loopback peer
    // is trusted here, so start a server that trusts no proxy and rotate the header.
    ServerProcess plain(tmp / "plain");
    int blocked = 0;
    for (int i = 0; i < 40; ++i)
        blocked += call(plain.url(), "GET", "/v1/queue/calls", "bad", json(),
                        {"X-Forwarded-For: 198.51.100." + std::to_string(i)})
                       .status == 429;
    CHECK(blocked == 10);
}

TEST_CASE("bodies are bounded before they are read: 200 MB chunked and a gzip bomb") {
    TempDir tmp("zhuxue-red-body");
    ServerProcess s(tmp / "server");
    Device kiosk = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "kiosk").code,
                         sync::DeviceRole::Kiosk, 51);
    Device staff = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "staff").code,
                         sync::DeviceRole::Staff, 52);
    REQUIRE(call(s.url(), "POST", "/v1/queue/tickets", kiosk.token, {{"service", "first_loan"}}).status == 200);
    const int pid = s.process().pid();
    const int64_t before = peakRss(pid);
    REQUIRE(before > 0);
    const int64_t big = 200LL << 20;

    // 200 MB chunked to a queue route, with a kiosk's token, with no token, and to a path that
    // takes no body: each answered after at most a little of it.
    for (const auto& [path, token, expect] :
         std::vector<std::tuple<std::string, std::string, long>>{{"/v1/queue/tickets", kiosk.token, 413},
                                                                  {"/v1/queue/submissions", "", 401},
                                                                  {"/v1/nothing-here", kiosk.token, 404}}) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = send({"POST", s.url() + path, token, {}, {"Content-Type: application/json"}, repeat(' ', big)});
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        INFO(path << " -> HTTP " << r.status << " curl " << r.curl << ", sent " << r.uploaded << " bytes in "
                  << seconds << " s");
        CHECK((r.status == expect || r.status == 0));
        CHECK(r.uploaded < big / 4);
        CHECK(healthy(s.url()));
    }

    // A gzip bomb: 1 GB of zeros in about a megabyte, chunked to a queue route and with its
    // length to push.
    const std::string bomb = gzipBomb(1LL << 30);
    MESSAGE("gzip bomb: " << bomb.size() << " bytes inflating to 1 GiB");
    auto pieces = std::make_shared<std::size_t>(0);
    auto r = send({"POST", s.url() + "/v1/queue/appointments", kiosk.token, {},
                   {"Content-Type: application/json", "Content-Encoding: gzip"}, [&, pieces]() {
                       std::size_t at = *pieces;
                       std::size_t n = std::min<std::size_t>(64 * 1024, bomb.size() - at);
                       *pieces += n;
                       return bomb.substr(at, n);
                   }});
    CHECK((r.status == 413 || r.status == 0));
    CHECK(healthy(s.url()));
    const int64_t afterQueue = peakRss(pid);
    MESSAGE("zhuxue-server peak RSS " << before / 1024 << " KiB before, " << afterQueue / 1024
                                      << " KiB after 3 x 200 MB chunked bodies and a 1 GiB gzip bomb to the queue");
    CHECK(afterQueue - before < (16LL << 20));
    Request push{"POST", s.url() + "/v1/push", staff.token, bomb,
                 {"Content-Type: application/json", "Content-Encoding: gzip"}, {}};
    auto rp = send(push);
    CHECK(rp.status == 413);
    CHECK(healthy(s.url()));

    const int64_t after = peakRss(pid);
    MESSAGE("zhuxue-server peak RSS " << after / 1024 << " KiB after a 1 GiB gzip bomb to push");
    // Push reads up to its 32 MiB limit (a sync batch may be that large; the string holding it
    // briefly exists twice while it grows, and the sanitizer adds its share): bounded by the
    // setting, nothing near the 1 GiB the bomb inflates to.
    CHECK(after - before < (128LL << 20));
}

TEST_CASE("far-future stamps and deep JSON are refused; a device clock never takes them in") {
    TempDir tmp("zhuxue-red-time");
    ServerProcess s(tmp / "server");
    Device staff = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "staff").code,
                         sync::DeviceRole::Staff, 61);
    const int64_t now = systemNowMs();
    const std::string sha = sync::sha256Hex("x");
    auto r = call(s.url(), "POST", "/v1/push", staff.token,
                  pushBody({attachmentChange(staff, "420527", sha, now + 2 * kMaxHlcAheadMs),
                            attachmentChange(staff, "420527", sha, now + 3600 * 1000)}));
    REQUIRE(r.status == 200);
    CHECK(pushStatus(r, 0) == "rejected sync.error.hlc_future");
    CHECK(pushStatus(r, 1) == "stored");
    auto pulled = json::parse(call(s.url(), "GET", "/v1/pull?cursor=0", staff.token).body);
    CHECK(pulled["changes"].size() == 1);

    // A device clock that sees such a stamp (from a server before this rule) does not jump.
    HlcClock clock([&] { return now; });
    Hlc far = Hlc::make(static_cast<uint64_t>(now + 30LL * 24 * 3600 * 1000), 0);
    CHECK(clock.receive(far).millis() == static_cast<uint64_t>(now));
    CHECK(clock.send().millis() == static_cast<uint64_t>(now));
    CHECK(clock.receive(Hlc::make(static_cast<uint64_t>(now + 1000), 5)).millis() == static_cast<uint64_t>(now + 1000));

    // JSON nested 100,000 deep, to push and to a queue route.
    std::string deep = "{\"protocol\":1,\"changes\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    Request p{"POST", s.url() + "/v1/push", staff.token, deep, {"Content-Type: application/json"}, {}};
    auto rd = send(p);
    CHECK(rd.status == 400);
    CHECK(rd.key() == "sync.error.too_deep");
    Device kiosk = enrol(s.url(), roleEnrollCode(tmp / "server", "", "420527", "kiosk").code,
                         sync::DeviceRole::Kiosk, 62);
    std::string deepTicket = "{\"service\":" + std::string(30000, '[') + std::string(30000, ']') + "}";
    Request q{"POST", s.url() + "/v1/queue/tickets", kiosk.token, deepTicket, {"Content-Type: application/json"}, {}};
    auto rq = send(q);
    CHECK(rq.status == 400);
    CHECK(rq.key() == "sync.error.too_deep");
    CHECK(healthy(s.url()));
}

TEST_CASE("metrics only to the server's own machine; enrollment texts carry the role") {
    TempDir tmp("zhuxue-red-misc");
    ServerProcess s(tmp / "server");
    CHECK(call(s.url(), "GET", "/v1/metrics", "").status == 200);
    CHECK(call(s.url(), "GET", "/v1/metrics", "", json(), {"X-Forwarded-For: 203.0.113.5"}).status == 403);

    auto kiosk = sync::parseEnrollmentText("zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN;role=kiosk");
    REQUIRE(kiosk.ok());
    CHECK(kiosk->role == sync::DeviceRole::Kiosk);
    CHECK(kiosk->code == "ABCD-EFGH-JKMN");
    CHECK(sync::enrollmentText(*kiosk) == "zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN;role=kiosk");
    auto staff = sync::parseEnrollmentText("zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN");
    REQUIRE(staff.ok());
    CHECK(staff->role == sync::DeviceRole::Staff);
    CHECK_FALSE(sync::parseEnrollmentText("zhuxue-enroll:https://zz.example.cn:8720#ABCD;role=admin").ok());
    // zhuxue-cli enrols staff devices only: a kiosk's text is refused before its code is spent.
    RoleCode code = roleEnrollCode(tmp / "server", "", "420527", "kiosk");
    std::string text = sync::enrollmentText({s.url(), code.code, sync::DeviceRole::Kiosk});
    Process cli(cliArgv(tmp / "cli", {"enroll", text}), {}, syncLogDir());
    auto rc = cli.wait(std::chrono::seconds(60));
    REQUIRE(rc);
    CHECK(*rc != 0);
    enrol(s.url(), code.code, sync::DeviceRole::Kiosk, 71);

    // Plain HTTP off loopback is said loudly (on loopback, behind a TLS proxy, it is not).
    CHECK(s.process().stderrText().find("serving plain HTTP") == std::string::npos);
    ServerProcess open(tmp / "open", {}, {"--listen", "0.0.0.0"});
    CHECK(waitUntil([&] { return open.process().stderrText().find("Warning: serving plain HTTP on 0.0.0.0") !=
                                 std::string::npos; },
                    std::chrono::seconds(5)));
}

namespace {
// An IPv4 address of this machine other than loopback, or "" when it has none.
std::string ownNetworkAddress() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return "";
    std::string found;
    for (ifaddrs* i = list; i && found.empty(); i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK) ||
            !(i->ifa_flags & IFF_UP))
            continue;
        char text[INET_ADDRSTRLEN] = {};
        auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
        if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text))
            found = text;
    }
    freeifaddrs(list);
    return found;
}
} // namespace

TEST_CASE("plain http:// off this machine needs the explicit insecure flag") {
    // Which addresses count as this machine: plain HTTP to them never leaves it.
    for (const char* local : {"http://127.0.0.1:8720", "http://localhost:8720/v1", "HTTP://LOCALHOST",
                              "http://127.3.2.1", "http://[::1]:8720", "https://zz.example.cn:8720",
                              "https://10.0.0.2"})
        CHECK_MESSAGE(!sync::plainHttpOffLoopback(local), local);
    for (const char* remote : {"http://10.0.0.2:8720", "http://zz.example.cn", "http://127.0.0.1.example.cn",
                               "http://user@192.168.1.5:8720/", "http://[fe80::1]:8720", "http://128.0.0.1"})
        CHECK_MESSAGE(sync::plainHttpOffLoopback(remote), remote);

    std::string addr = ownNetworkAddress();
    if (addr.empty()) {
        cannotRun("this machine has no network address besides loopback");
        return;
    }
    TempDir tmp("zhuxue-red-plain");
    ServerProcess s(tmp / "server", {}, {"--listen", "0.0.0.0"});
    const std::string url = "http://" + addr + ":" + std::to_string(s.port());
    const std::string code = s.enrollCode("420527");
    fs::path dev = tmp / "device";

    // Refused before a byte is sent: the message says why and what to do, nothing is enrolled
    // and the one-time code is not spent.
    Process refused(cliArgv(dev, {"enroll", url, code}), {}, syncLogDir());
    auto rc = refused.wait(std::chrono::seconds(60));
    REQUIRE(rc);
    CHECK(*rc != 0);
    CHECK(refused.stderrText().find("https://") != std::string::npos);
    CHECK(refused.stderrText().find("--insecure") != std::string::npos);
    CHECK_FALSE(openDevice(dev)->credentials()->enrolled());

    // The same from a program using the engine: a staff client's sync thread.
    {
        auto store = openDevice(tmp / "engine");
        auto r = sync::enrollDevice(*store, url, code, "笔记本");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().key == "sync.error.plain_http");
        CHECK_FALSE(store->credentials()->enrolled());
    }

    // With the flag, asked for on purpose: enrolled with the same code, and every later round
    // keeps the choice.
    Process insecure(cliArgv(dev, {"enroll", "--insecure", url, code}), {}, syncLogDir());
    rc = insecure.wait(std::chrono::seconds(60));
    REQUIRE(rc);
    CHECK_MESSAGE(*rc == 0, insecure.stderrText());
    CHECK(openDevice(dev)->credentials()->allowPlainHttp);
    {
        std::mt19937_64 rng(7);
        auto d = openDevice(dev);
        CHECK(!randomStudentEdits(d->store(), rng, 3, 2).empty());
    }
    CHECK(syncCli(dev) == 0);
    CHECK(openDevice(dev)->counts()->pending == 0);
}
