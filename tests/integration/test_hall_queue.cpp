// The hall queue on real zhuxue-server processes: many windows pressing "call next" at the same
// moment never get the same ticket and no ticket is lost (SQLite, and two servers sharing one
// PostgreSQL); recall, skip, transfer; appointments per township and day; offline kiosk tickets.
#include "sync/engine/http_client.hpp"
#include "sync/engine/sync_client.hpp"
#include "sync/protocol/messages.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/process.hpp"
#include "tests/support/role_enroll.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sodium.h>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
using nlohmann::json;

namespace {

std::string enrollToken(ServerProcess& s, int n) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190aaaa-0000-4000-8000-%012d", n);
    SyncClient c(s.url());
    auto r = c.enroll(s.enrollCode("420527"), dev, "大厅设备");
    REQUIRE(r.ok());
    return r->token;
}

// A kiosk's token: kiosks alone hand in sealed submissions.
std::string kioskToken(ServerProcess& s, const std::filesystem::path& dataDir, int n) {
    char dev[64];
    std::snprintf(dev, sizeof dev, "0190aaaa-0000-4000-8000-%012d", n);
    auto r = SyncClient(s.url()).enroll(roleEnrollCode(dataDir, "", "420527", "kiosk").code, dev, "自助机",
                                        DeviceRole::Kiosk);
    REQUIRE(r.ok());
    return r->token;
}

struct Api {
    Api(std::string u, std::string t) : url(std::move(u)), token(std::move(t)) {}
    std::string url, token;
    HttpClient http;
    HttpResponse call(const std::string& method, const std::string& path, const json& body = json()) {
        HttpRequest r;
        r.method = method;
        r.url = url + path;
        r.headers["Authorization"] = "Bearer " + token;
        if (!body.is_null()) {
            r.body = body.dump();
            r.headers["Content-Type"] = "application/json";
        }
        return http.send(r);
    }
    json ok(const std::string& method, const std::string& path, const json& body = json()) {
        auto r = call(method, path, body);
        REQUIRE_MESSAGE(r.status == 200, method << ' ' << path << " -> " << r.status << ' ' << r.body);
        return json::parse(r.body);
    }
};

bool full() {
    const char* f = std::getenv("ZHUXUE_FULL");
    return f && *f == '1';
}

// Issues tickets for first loans (windows 1-3) and renewals (window 4), then lets `threads`
// clients spread over the given servers call next until the queue is empty.
void concurrentCalls(std::vector<std::unique_ptr<ServerProcess>>& servers) {
    int nTickets = full() ? 600 : 80;
    int nThreads = full() ? 24 : 8;
    Api issuer{servers[0]->url(), enrollToken(*servers[0], 1)};
    std::set<std::string> issued;
    for (int i = 0; i < nTickets; ++i) {
        auto t = issuer.ok("POST", "/v1/queue/tickets", {{"service", i % 4 == 3 ? "renewal" : "first_loan"}});
        CHECK(issued.insert(t["code"].get<std::string>()).second);
    }
    CHECK(issued.count("A001"));
    CHECK(issued.count("B001"));

    std::mutex m;
    std::vector<std::string> called;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int k = 0; k < nThreads; ++k) {
        threads.emplace_back([&, k] {
            auto& server = *servers[static_cast<std::size_t>(k) % servers.size()];
            Api api{server.url(), issuer.token};
            int window = 1 + k % 4; // windows 1-3 call first loans, 4 renewals
            for (;;) {
                auto r = api.call("POST", "/v1/queue/windows/" + std::to_string(window) + "/next");
                if (r.status != 200) {
                    failures++;
                    return;
                }
                auto j = json::parse(r.body);
                if (j["ticket"].is_null())
                    return;
                std::lock_guard lock(m);
                called.push_back(j["ticket"]["code"].get<std::string>());
            }
        });
    }
    for (auto& t : threads)
        t.join();
    CHECK(failures == 0);
    std::multiset<std::string> seen(called.begin(), called.end());
    for (const auto& c : seen)
        CHECK_MESSAGE(seen.count(c) == 1, "ticket " << c << " was called " << seen.count(c) << " times");
    CHECK(called.size() == issued.size());
    CHECK(std::set<std::string>(called.begin(), called.end()) == issued);
}

} // namespace

TEST_CASE("many windows calling next at once never share or lose a ticket (SQLite)") {
    TempDir tmp("zhuxue-hall-sqlite");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "server"));
    concurrentCalls(servers);
}

TEST_CASE("two servers on one PostgreSQL never share or lose a ticket") {
    std::string whyNot;
    auto pg = PostgresInstance::start(whyNot);
    if (!pg) {
        cannotRun("PostgreSQL: " + whyNot);
        return;
    }
    TempDir tmp("zhuxue-hall-pg");
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(tmp / "a", pg->url()));
    servers.push_back(std::make_unique<ServerProcess>(tmp / "b", pg->url()));
    concurrentCalls(servers);
}

TEST_CASE("recall, skip, transfer, the display's view and offline kiosk tickets") {
    TempDir tmp("zhuxue-hall-ops");
    ServerProcess s(tmp / "server");
    Api api{s.url(), enrollToken(s, 2)};

    // No token: refused like every other endpoint.
    Api anon{s.url(), "wrong"};
    CHECK(anon.call("GET", "/v1/queue/calls").status == 401);
    CHECK(api.call("POST", "/v1/queue/tickets", {{"service", "lottery"}}).status == 422);

    auto a1 = api.ok("POST", "/v1/queue/tickets", {{"service", "first_loan"}, {"id", "0190bbbb-0000-7000-8000-000000000001"}});
    CHECK(a1["code"] == "A001");
    // The same id again is the same ticket (a retry), not a second number.
    auto again = api.ok("POST", "/v1/queue/tickets", {{"service", "first_loan"}, {"id", "0190bbbb-0000-7000-8000-000000000001"}});
    CHECK(again["code"] == "A001");
    auto c1 = api.ok("POST", "/v1/queue/tickets", {{"service", "repayment"}});
    CHECK(c1["code"] == "C001");
    // A kiosk that was offline hands in its own ticket; it keeps its code and its place.
    auto k = api.ok("POST", "/v1/queue/tickets",
                    {{"service", "first_loan"}, {"local_code", "K1-A001"}, {"issued_at", 1}});
    CHECK(k["code"] == "K1-A001");

    auto n = api.ok("POST", "/v1/queue/windows/2/next");
    CHECK(n["ticket"]["code"] == "K1-A001"); // issued earliest
    CHECK(n["ticket"]["window"] == 2);
    auto calls = api.ok("GET", "/v1/queue/calls");
    REQUIRE(calls["calls"].size() == 1);
    CHECK(calls["calls"][0]["code"] == "K1-A001");
    int64_t seq = calls["last_call_seq"];
    CHECK(calls["waiting"]["first_loan"] == 1);

    auto r = api.ok("POST", "/v1/queue/windows/2/recall");
    CHECK(r["ticket"]["calls"] == 2);
    CHECK(api.ok("GET", "/v1/queue/calls")["last_call_seq"].get<int64_t>() > seq);

    // Transfer the current ticket to window 5: it is first in line there, before C001.
    auto t = api.ok("POST", "/v1/queue/windows/2/transfer", json{{"to", 5}});
    CHECK(t["ticket"]["status"] == "waiting");
    CHECK(api.ok("GET", "/v1/queue/calls")["calls"].empty());
    auto at5 = api.ok("POST", "/v1/queue/windows/5/next");
    CHECK(at5["ticket"]["code"] == "K1-A001");
    auto at5b = api.ok("POST", "/v1/queue/windows/5/next");
    CHECK(at5b["ticket"]["code"] == "C001");
    auto sk = api.ok("POST", "/v1/queue/windows/5/skip");
    CHECK(sk["ticket"]["status"] == "skipped");
    CHECK(api.ok("POST", "/v1/queue/windows/5/next")["ticket"].is_null());
    CHECK(api.ok("POST", "/v1/queue/windows/1/next")["ticket"]["code"] == "A001");
    CHECK(api.call("POST", "/v1/queue/windows/42/next").status == 422);
}

TEST_CASE("appointments per township and day, capacity, and today's list") {
    TempDir tmp("zhuxue-hall-appt");
    ServerProcess s(tmp / "server");
    Api api{s.url(), enrollToken(s, 3)};
    // 水田坝乡 is served Monday to Saturday: its first listed day is bookable.
    auto slots = api.ok("GET", "/v1/queue/slots?township=420527200");
    REQUIRE(!slots["days"].empty());
    std::string day = slots["days"][0]["day"];
    std::string time = slots["days"][0]["times"][0]["time"];
    int left = slots["days"][0]["times"][0]["left"];
    CHECK(left == 6);
    std::set<std::string> codes;
    for (int i = 0; i < left; ++i) {
        auto a = api.ok("POST", "/v1/queue/appointments",
                        {{"service", "first_loan"}, {"township", "420527200"}, {"day", day}, {"time", time}});
        codes.insert(a["code"].get<std::string>());
    }
    CHECK(codes.size() == 6);
    auto fullSlot = api.call("POST", "/v1/queue/appointments",
                             {{"service", "first_loan"}, {"township", "420527200"}, {"day", day}, {"time", time}});
    CHECK(fullSlot.status == 409);
    CHECK(errorFromBody(fullSlot.status, fullSlot.body).key == "hall.error.slot_full");
    auto list = api.ok("GET", "/v1/queue/appointments?day=" + day);
    CHECK(list["appointments"].size() == 6);
    CHECK(api.ok("GET", "/v1/queue/slots?township=420527200")["days"][0]["times"][0]["left"] == 0);
    // A township outside its published weekdays is refused (茅坪镇: Monday and Thursday).
    auto mp = api.ok("GET", "/v1/queue/slots?township=420527100");
    for (const auto& d : mp["days"])
        CHECK((d["weekday"] == 1 || d["weekday"] == 4));
    std::string wrongDay;
    for (const auto& d : slots["days"])
        if (d["weekday"] != 1 && d["weekday"] != 4)
            wrongDay = d["day"];
    REQUIRE(!wrongDay.empty());
    auto refused = api.call("POST", "/v1/queue/appointments",
                            {{"service", "renewal"}, {"township", "420527100"}, {"day", wrongDay}, {"time", time}});
    CHECK(refused.status == 422);
    CHECK(errorFromBody(refused.status, refused.body).key == "hall.error.not_township_day");
}

TEST_CASE("a sealed kiosk submission is opened and stored only by the server") {
    TempDir tmp("zhuxue-hall-seal");
    ServerProcess s(tmp / "server");
    Api api{s.url(), kioskToken(s, tmp / "server", 4)};
    REQUIRE(sodium_init() >= 0);
    std::string hex = api.ok("GET", "/v1/queue/seal-key")["public_key"];
    REQUIRE(hex.size() == 2 * crypto_box_PUBLICKEYBYTES);
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    REQUIRE(sodium_hex2bin(pk, sizeof pk, hex.data(), hex.size(), nullptr, nullptr, nullptr) == 0);

    auto seal = [&](const std::string& plain) {
        std::string out(plain.size() + crypto_box_SEALBYTES, '\0');
        crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), pk);
        std::string b64(sodium_base64_ENCODED_LEN(out.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
        sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(out.data()), out.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        b64.resize(std::strlen(b64.c_str()));
        return b64;
    };
    json family{{"service", "first_loan"}, {"ticket", "A001"}, {"student", {{"name", "龚𪚥"}}}};
    std::string sealed = seal(family.dump());
    CHECK(sealed.find("龚") == std::string::npos);
    api.ok("POST", "/v1/queue/submissions", {{"id", "0190dddd-0000-7000-8000-000000000001"}, {"sealed", sealed}});
    // Sending it again (a retry) stores it once.
    api.ok("POST", "/v1/queue/submissions", {{"id", "0190dddd-0000-7000-8000-000000000001"}, {"sealed", sealed}});
    // Something not sealed to this server's key is refused.
    std::string tampered = sealed;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    CHECK(api.call("POST", "/v1/queue/submissions", {{"id", "x"}, {"sealed", tampered}}).status == 422);
    // A restart keeps the key pair: the same public key.
    s.stop();
    s.start();
    Api again{s.url(), api.token};
    CHECK(again.ok("GET", "/v1/queue/seal-key")["public_key"] == hex);

    auto [rc, out] = runShell("sqlite3 '" + (tmp / "server" / "zhuxue-server.sqlite").string() +
                              "' 'SELECT payload FROM queue_submissions'");
    REQUIRE(rc == 0);
    CHECK(out.find("龚𪚥") != std::string::npos);
    CHECK(out.find("A001") != std::string::npos);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}
