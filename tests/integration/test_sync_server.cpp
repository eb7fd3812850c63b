// zhuxue-server as a real process: enrollment, scope, bad input, tokens, blobs, TLS, metrics,
// and pull cursors that never skip a change while several pushers commit concurrently.
#include "sync/engine/http_client.hpp"
#include "sync/engine/sync_client.hpp"
#include "sync/protocol/wire.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <csignal>
#include <doctest/doctest.h>
#include <fstream>
#include <set>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

std::string uuid(uint64_t a, uint64_t b) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08llx-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(a & 0xffffffff),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

Change change(const std::string& device, uint64_t n, const std::string& county = "420527") {
    return Change{uuid(0x01900000, n),
                  "student",
                  uuid(0xaaaa, n % 7),
                  county,
                  "name",
                  "学生" + std::to_string(n),
                  hlcText((uint64_t{1750000000000} + n) << 16),
                  device,
                  {}};
}

// An attachment record's sha256 field (what opens a blob to a county's devices).
Change attachmentChange(const std::string& device, uint64_t n, const std::string& county,
                        const std::string& sha) {
    return Change{uuid(0x01910000, n),
                  "attachment",
                  uuid(0xbbbb, n),
                  county,
                  "sha256",
                  sha,
                  hlcText((uint64_t{1750000000000} + n) << 16),
                  device,
                  {}};
}

struct Enrolled {
    std::string device, token;
};

Enrolled enroll(ServerProcess& s, const std::string& counties, uint64_t n) {
    std::string device = uuid(0xdddd0000 + n, n);
    SyncClient c(s.url());
    auto r = c.enroll(s.enrollCode(counties), device, "测试设备");
    REQUIRE(r.ok());
    return {device, r->token};
}

HttpResponse raw(const std::string& method, const std::string& url, const std::string& body,
                 std::map<std::string, std::string> headers = {}) {
    HttpClient http;
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.body = body;
    r.headers = std::move(headers);
    return http.send(r);
}

std::string errorKey(const HttpResponse& r) {
    return errorFromBody(r.status, r.body).key;
}

} // namespace

TEST_CASE("enrollment, scope, duplicates and id conflicts") {
    TempDir tmp("zhuxue-sync-server");
    ServerProcess s(tmp / "server");
    auto dev = enroll(s, "420527", 1);
    SyncClient c(s.url(), dev.token);

    auto ok = change(dev.device, 1);
    auto outside = change(dev.device, 2, "420528");
    auto foreign = change(uuid(0xeeee, 9), 3);
    auto r = c.push({ok, outside, foreign});
    REQUIRE(r.ok());
    CHECK(r->results[0].status == PushStatus::Stored);
    CHECK(r->results[1].status == PushStatus::Rejected);
    CHECK(r->results[1].code == 403);
    CHECK(r->results[1].errorKey == "sync.error.out_of_scope");
    CHECK(r->results[2].errorKey == "sync.error.wrong_device");

    // The same change again is harmless; the same id with other content is refused.
    auto again = c.push({ok});
    REQUIRE(again.ok());
    CHECK(again->results[0].status == PushStatus::Duplicate);
    auto forged = ok;
    forged.value = "别人";
    auto conflict = c.push({forged});
    REQUIRE(conflict.ok());
    CHECK(conflict->results[0].code == 409);
    CHECK(conflict->results[0].errorKey == "sync.error.id_conflict");

    // A device of another county sees nothing of 420527.
    auto other = enroll(s, "420528", 2);
    auto page = SyncClient(s.url(), other.token).pull("", 100);
    REQUIRE(page.ok());
    CHECK(page->changes.empty());
    auto mine = c.pull("", 100);
    REQUIRE(mine.ok());
    REQUIRE(mine->changes.size() == 1);
    CHECK(mine->changes[0] == ok);

    // A code works once.
    auto code = s.enrollCode("420527");
    CHECK(SyncClient(s.url()).enroll(code, uuid(0xdddd, 77), "").ok());
    auto twice = SyncClient(s.url()).enroll(code, uuid(0xdddd, 78), "");
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().key == "sync.error.bad_code");
}

TEST_CASE("bad input gets a clear 4xx and the server keeps serving") {
    TempDir tmp("zhuxue-sync-server");
    ServerProcess s(tmp / "server", "", {"--max-body-kb", "64"});
    auto dev = enroll(s, "420527", 1);
    std::map<std::string, std::string> auth{{"Authorization", "Bearer " + dev.token}};
    auto push = s.url() + "/v1/push";

    auto r = raw("POST", push, "{not json", auth);
    CHECK(r.status == 400);
    CHECK(errorKey(r) == "sync.error.malformed_json");
    r = raw("POST", push, R"({"protocol":1,"changes":[],"extra":1})", auth);
    CHECK(r.status == 400);
    CHECK(errorKey(r) == "sync.error.unknown_body_field");
    r = raw("POST", push, R"({"protocol":9,"changes":[]})", auth);
    CHECK(errorKey(r) == "sync.error.protocol_version");
    auto j = toJson(change(dev.device, 1));
    j["record_type"] = "spaceship";
    r = raw("POST", push, nlohmann::json{{"protocol", 1}, {"changes", {j}}}.dump(), auth);
    CHECK(r.status == 422);
    auto e = errorFromBody(r.status, r.body);
    CHECK(e.key == "sync.error.unknown_record_type");
    CHECK(e.args["change_id"] == j["id"]);
    // Oversized, also when a small gzip body inflates beyond the limit.
    std::string big = nlohmann::json{{"protocol", 1},
                                     {"changes", nlohmann::json::array()},
                                     {"pad", std::string(200000, ' ')}}
                          .dump();
    r = raw("POST", push, big, auth);
    CHECK(r.status == 413);
    auto bomb = auth;
    bomb["Content-Encoding"] = "gzip";
    r = raw("POST", push, gzipCompress(std::string(5 << 20, ' ')), bomb);
    CHECK(r.status == 413);
    CHECK(errorKey(r) == "sync.error.body_too_large");
    r = raw("POST", push, gzipCompress("{}").substr(0, 10), bomb);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    // Tokens.
    r = raw("GET", s.url() + "/v1/pull", "");
    CHECK(r.status == 401);
    CHECK(errorKey(r) == "sync.error.no_token");
    r = raw("GET", s.url() + "/v1/pull", "", {{"Authorization", "Bearer nope"}});
    CHECK(errorKey(r) == "sync.error.bad_token");
    r = raw("GET", s.url() + "/v1/pull?cursor=abc", "", auth);
    CHECK(errorKey(r) == "sync.error.bad_cursor");
    r = raw("GET", s.url() + "/v1/nowhere", "");
    CHECK(r.status == 404);
    CHECK(errorKey(r) == "sync.error.not_found");

    // Revoked devices are refused at once.
    Process rev({binPath("zhuxue-server").string(), "revoke", dev.device, "--data-dir",
                 (tmp / "server").string()},
                {}, syncLogDir());
    REQUIRE(rev.wait(std::chrono::seconds(20)) == 0);
    r = raw("GET", s.url() + "/v1/pull", "", auth);
    CHECK(r.status == 401);
    CHECK(errorKey(r) == "sync.error.revoked");

    // Wrong enrollment codes are rate limited per address.
    int limited = 0;
    for (int i = 0; i < 15; ++i) {
        auto er = raw(
            "POST", s.url() + "/v1/enroll",
            toJson(EnrollRequest{"WRONG-CODE-" + std::to_string(i), uuid(0xdddd, 5), "", ""}).dump());
        if (er.status == 429) {
            ++limited;
            CHECK(er.retryAfterS > 0);
        } else {
            CHECK(er.status == 403);
        }
    }
    CHECK(limited == 5);
    CHECK(raw("GET", s.url() + "/v1/health", "").status == 200);
    auto metrics = raw("GET", s.url() + "/v1/metrics", "");
    CHECK(metrics.body.find("zhuxue_enroll_failures_total 10") != std::string::npos);
    CHECK(metrics.body.find("zhuxue_request_seconds_bucket") != std::string::npos);
}

TEST_CASE("tokens expire") {
    if (!canSkewClocks()) {
        cannotRun(kFaketimeMissing);
        return;
    }
    TempDir tmp("zhuxue-sync-server");
    auto s = std::make_unique<ServerProcess>(tmp / "server", "",
                                             std::vector<std::string>{"--token-days", "30"});
    auto dev = enroll(*s, "420527", 1);
    CHECK(SyncClient(s->url(), dev.token).pull("", 10).ok());
    s->kill9();
    // The same server 31 days later.
    // libfaketime preloaded into the server itself: the faketime wrapper forks, so killing the
    // wrapper at the end left the server running (one leaked process per test run).
    Process later({binPath("zhuxue-server").string(), "--port", std::to_string(s->port()), "--data-dir",
                   (tmp / "server").string()},
                  skewEnv("+31d"),
                  syncLogDir());
    REQUIRE(waitUntil([&] { return raw("GET", s->url() + "/v1/health", "").status == 200; },
                      std::chrono::seconds(20)));
    auto r = raw("GET", s->url() + "/v1/pull", "", {{"Authorization", "Bearer " + dev.token}});
    CHECK(r.status == 401);
    CHECK(errorKey(r) == "sync.error.token_expired");
}

TEST_CASE("blobs upload in resumable pieces and are checked against their SHA-256") {
    TempDir tmp("zhuxue-sync-server");
    ServerProcess s(tmp / "server");
    auto dev = enroll(s, "420527", 1);
    std::map<std::string, std::string> auth{{"Authorization", "Bearer " + dev.token}};
    std::string data;
    for (uint32_t i = 0; i < 300000; ++i)
        data += static_cast<char>((i * 7919u) % 251u);
    std::string sha = sha256Hex(data);
    std::string base = s.url() + "/v1/blobs/" + sha;
    std::string total = std::to_string(data.size());
    auto r = raw("PUT", base + "?offset=0&total=" + total, data.substr(0, 100000), auth);
    CHECK(r.status == 200);
    // The link broke: ask where to go on, a wrong offset is refused with the right one.
    r = raw("GET", base + "/status", "", auth);
    CHECK(nlohmann::json::parse(r.body)["size"] == 100000);
    r = raw("PUT", base + "?offset=5&total=" + total, data.substr(5, 10), auth);
    CHECK(r.status == 409);
    CHECK(errorFromBody(r.status, r.body).args["expected"] == "100000");
    r = raw("PUT", base + "?offset=100000&total=" + total, data.substr(100000), auth);
    CHECK(r.status == 200);
    CHECK(nlohmann::json::parse(r.body)["complete"] == true);
    // Readable once an attachment record of the device's county names it.
    CHECK(raw("GET", base + "?offset=0", "", auth).status == 403);
    SyncClient c(s.url(), dev.token);
    auto pushed = c.push({attachmentChange(dev.device, 1, "420527", sha)});
    REQUIRE(pushed.ok());
    CHECK_MESSAGE(pushed->results[0].status == PushStatus::Stored, pushed->results[0].detail);
    r = raw("GET", base + "?offset=0", "", auth);
    CHECK(r.status == 200);
    CHECK(r.body == data);
    r = raw("GET", base + "?offset=299990", "", auth);
    CHECK(r.body == data.substr(299990));
    // Bytes that do not match their name are thrown away.
    std::string wrong = std::string(64, 'a');
    r = raw("PUT", s.url() + "/v1/blobs/" + wrong + "?offset=0&total=3", "abc", auth);
    CHECK(r.status == 422);
    CHECK(errorKey(r) == "sync.error.blob_hash");
    REQUIRE(c.push({attachmentChange(dev.device, 2, "420527", wrong)}).ok());
    r = raw("GET", s.url() + "/v1/blobs/" + wrong, "", auth);
    CHECK(r.status == 404);
    // A bounded piece: limit caps what one GET returns.
    r = raw("GET", base + "?offset=1000&limit=500", "", auth);
    CHECK(r.body == data.substr(1000, 500));
}

TEST_CASE("a device reads only the blobs its counties' attachment records name") {
    TempDir tmp("zhuxue-sync-blob-scope");
    ServerProcess s(tmp / "server");
    auto a = enroll(s, "420527", 1);
    auto b = enroll(s, "420528", 2);
    auto a2 = enroll(s, "420527", 3);
    std::string photo = "照片 of 420527";
    std::string sha = sha256Hex(photo);
    std::string base = s.url() + "/v1/blobs/" + sha;
    auto bearer = [](const Enrolled& e) {
        return std::map<std::string, std::string>{{"Authorization", "Bearer " + e.token}};
    };
    REQUIRE(raw("PUT", base + "?offset=0&total=" + std::to_string(photo.size()), photo, bearer(a))
                .status == 200);
    SyncClient ca(s.url(), a.token);
    REQUIRE(ca.push({attachmentChange(a.device, 1, "420527", sha)}).ok());

    // Another county's device knows the hash (from a log, a screenshot): it still cannot read.
    auto r = raw("GET", base, "", bearer(b));
    CHECK(r.status == 403);
    CHECK(errorKey(r) == "sync.error.blob_out_of_scope");
    CHECK(nlohmann::json::parse(r.body)["error"]["message"].get<std::string>().find("counties") !=
          std::string::npos);
    // A device of the same county reads it.
    r = raw("GET", base, "", bearer(a2));
    CHECK(r.status == 200);
    CHECK(r.body == photo);
    // A record of another county naming the same hash, pushed after 420527's, opens nothing:
    // the county of the record that named the blob first decides (test_red_team.cpp plants it).
    SyncClient cb(s.url(), b.token);
    REQUIRE(cb.push({attachmentChange(b.device, 2, "420528", sha)}).ok());
    r = raw("GET", base, "", bearer(b));
    CHECK(r.status == 403);
    CHECK(r.body.find(photo) == std::string::npos);
}

TEST_CASE("TLS with --tls-cert and --tls-key") {
    TempDir tmp("zhuxue-sync-tls");
    auto [rc, out] =
        runShell("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout " +
                 (tmp / "key.pem").string() + " -out " + (tmp / "cert.pem").string() + " 2>&1");
    REQUIRE(rc == 0);
    fs::path portFile = tmp / "port";
    Process p({binPath("zhuxue-server").string(), "--port", "0", "--port-file", portFile.string(),
               "--data-dir", (tmp / "server").string(), "--tls-cert", (tmp / "cert.pem").string(),
               "--tls-key", (tmp / "key.pem").string()},
              {}, syncLogDir());
    REQUIRE(waitUntil([&] { return fs::exists(portFile); }, std::chrono::seconds(20)));
    int port = 0;
    std::ifstream(portFile) >> port;
    HttpAnswer health = httpGet("https://127.0.0.1:" + std::to_string(port) + "/v1/health",
                                {}, std::chrono::seconds(5), (tmp / "cert.pem").string());
    CHECK_MESSAGE(health.status == 200, health.error);
    CHECK(health.body.find("\"ok\"") != std::string::npos);
    // Plain HTTP to the TLS port gets nothing useful.
    CHECK(raw("GET", "http://127.0.0.1:" + std::to_string(port) + "/v1/health", "").status != 200);
    p.signal(SIGTERM);
    CHECK(p.wait(std::chrono::seconds(10)) == 0);
}

namespace {
// Pushers commit concurrently (through several server processes); a puller pulling all the time
// with small pages must end up with every change exactly once.
void cursorNeverSkips(std::vector<std::unique_ptr<ServerProcess>>& servers) {
    const int pushers = 8, batches = 15, perBatch = 20;
    std::vector<Enrolled> devs;
    for (int i = 0; i < pushers; ++i)
        devs.push_back(enroll(*servers[static_cast<std::size_t>(i) % servers.size()], "420527",
                              static_cast<uint64_t>(i) + 10));
    auto reader = enroll(*servers[0], "420527", 99);
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < pushers; ++i)
        threads.emplace_back([&, i] {
            SyncClient c(servers[static_cast<std::size_t>(i) % servers.size()]->url(),
                         devs[static_cast<std::size_t>(i)].token);
            for (int b = 0; b < batches; ++b) {
                std::vector<Change> batch;
                for (int k = 0; k < perBatch; ++k)
                    batch.push_back(change(devs[static_cast<std::size_t>(i)].device,
                                           static_cast<uint64_t>(i) * 1000000 +
                                               static_cast<uint64_t>(b * perBatch + k)));
                auto r = c.push(batch);
                if (!r)
                    MESSAGE("push failed: " << r.error().detail);
            }
            done++;
        });
    std::multiset<std::string> seen;
    std::string cursor;
    SyncClient rc(servers.back()->url(), reader.token);
    auto pullAll = [&] {
        for (;;) {
            auto p = rc.pull(cursor, 7);
            REQUIRE(p.ok());
            for (const auto& c : p->changes)
                seen.insert(c.id);
            cursor = p->cursor;
            if (!p->more)
                break;
        }
    };
    while (done < pushers)
        pullAll();
    for (auto& t : threads)
        t.join();
    pullAll();
    CHECK(seen.size() == static_cast<std::size_t>(pushers * batches * perBatch));
    std::set<std::string> unique(seen.begin(), seen.end());
    CHECK(unique.size() == seen.size());
}
} // namespace

TEST_CASE("pull cursors never skip a change under concurrent pushes (SQLite)") {
    TempDir tmp("zhuxue-sync-cursor");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server"));
    cursorNeverSkips(servers);
}

TEST_CASE("pull cursors never skip a change with three servers on one PostgreSQL database") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir tmp("zhuxue-sync-cursor-pg");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    for (int i = 0; i < 3; ++i)
        servers.push_back(
            std::make_unique<ServerProcess>(tmp / ("server" + std::to_string(i)), pg->url()));
    cursorNeverSkips(servers);
}

TEST_CASE("unknown tokens from one address are rate-limited with 429 and Retry-After") {
    TempDir tmp("zhuxue-sync-auth-rate");
    ServerProcess s(tmp / "server");
    auto dev = enroll(s, "420527", 1);
    std::map<std::string, std::string> good{{"Authorization", "Bearer " + dev.token}};
    for (int i = 0; i < 30; ++i) {
        auto r = raw("GET", s.url() + "/v1/pull",  "",
                     {{"Authorization", "Bearer " + std::string(64, 'a' + static_cast<char>(i % 6))}});
        REQUIRE(r.status == 401);
        CHECK(errorKey(r) == "sync.error.bad_token");
    }
    // The 31st unknown token is refused with 429, and the address waits out the window.
    auto r = raw("GET", s.url() + "/v1/pull", "", {{"Authorization", "Bearer " + std::string(64, 'f')}});
    CHECK(r.status == 429);
    CHECK(errorKey(r) == "sync.error.auth_rate");
    CHECK(r.retryAfterS > 0);
    CHECK(r.retryAfterS <= 601);
    // A known token from the same address is not blocked: the hall's devices share the office's
    // address (or the proxy's) with whoever floods it. (A 256-bit token is not guessed.)
    CHECK(raw("GET", s.url() + "/v1/pull", "", good).status == 200);
    // Health and metrics need no token and stay open.
    CHECK(raw("GET", s.url() + "/v1/health", "").status == 200);
    auto m = raw("GET", s.url() + "/v1/metrics", "");
    CHECK(m.body.find("zhuxue_auth_failures_total 31") != std::string::npos);
}

TEST_CASE("a second server on a port already served is refused, not started beside the first") {
    TempDir tmp("zhuxue-sync-port");
    ServerProcess first(tmp / "first");
    auto [rc, out] = runShell(binPath("zhuxue-server").string() + " serve --listen 127.0.0.1 --port " +
                              std::to_string(first.port()) + " --data-dir " + (tmp / "second").string() +
                              " 2>&1");
    CHECK(rc == 1);
    CHECK_MESSAGE(out.find("无法监听") != std::string::npos, out);
    CHECK(out.find("端口被占用") != std::string::npos);
    CHECK(first.running());
}
