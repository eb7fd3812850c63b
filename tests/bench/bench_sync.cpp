// Sync benchmarks over loopback with real zhuxue-server processes (SQLite and PostgreSQL).
#include "bench.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;

namespace {

std::string uuidN(uint64_t a, uint64_t b) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08llx-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(a & 0xffffffff),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

std::unique_ptr<DeviceSyncStore> enrolledStore(ServerProcess& s, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    auto st = DeviceSyncStore::open(dir);
    if (!st)
        throw std::runtime_error(st.error().detail);
    auto c = enrollDevice(**st, s.url(), s.enrollCode("420527"), "bench");
    if (!c)
        throw std::runtime_error(c.error().detail);
    return std::move(*st);
}

SyncReport syncAll(DeviceSyncStore& store) {
    auto cred = store.credentials();
    SyncClient client(cred->url, cred->token);
    auto r = syncOnce(store, client, SyncOptions{});
    if (!r)
        throw std::runtime_error(r.error().detail);
    return *r;
}

// `records` students saved in one transaction through the real device store, as an import
// would: each one's county and name become two outbox changes.
int64_t fill(DeviceSyncStore& store, int records) {
    auto batch = store.store().batch(store::Actor{"bench"});
    for (int i = 0; i < records; ++i) {
        Student s;
        s.id = *Uuid::parse(uuidN(0x01900000, static_cast<uint64_t>(i)));
        s.county = "420527";
        s.name = "学生" + std::to_string(i);
        if (auto st = batch.save(s); !st)
            throw std::runtime_error(st.error().detail);
    }
    if (auto st = batch.commit(); !st)
        throw std::runtime_error(st.error().detail);
    return store.counts()->pending;
}

double peakServerMb(ServerProcess& s) {
    try {
        return serverMetric(s.url(), "zhuxue_process_peak_resident_memory_bytes") / 1048576.0;
    } catch (const std::exception&) {
        return 0;
    }
}

void pushPull(bench::Context& ctx) {
    const int n = ctx.quick ? 1000 : 10000;
    TempDir tmp("zhuxue-bench-sync");
    ServerProcess server(tmp / "server");
    auto a = enrolledStore(server, tmp / "a");
    auto b = enrolledStore(server, tmp / "b");
    int64_t changes = fill(*a, n);
    SyncReport pushed, pulled;
    double ms = bench::timeMs([&] {
        pushed = syncAll(*a);
        pulled = syncAll(*b);
    });
    ctx.report("sync.push_pull_10k", ms, "ms",
               {{"records", n},
                {"changes", changes},
                {"goal_ms", 3000},
                {"pulled", pulled.pulled},
                {"bytes_per_record", static_cast<double>(pushed.bytesSent + pushed.bytesReceived +
                                                         pulled.bytesSent + pulled.bytesReceived) /
                                         n}});
}

void initialPull(bench::Context& ctx) {
    const int n = ctx.quick ? 5000 : 100000;
    TempDir tmp("zhuxue-bench-sync");
    ServerProcess server(tmp / "server");
    auto a = enrolledStore(server, tmp / "a");
    int64_t changes = fill(*a, n);
    syncAll(*a);
    auto fresh = enrolledStore(server, tmp / "fresh");
    SyncReport r;
    double ms = bench::timeMs([&] { r = syncAll(*fresh); });
    ctx.report("sync.initial_100k", ms, "ms",
               {{"records", n},
                {"changes", changes},
                {"goal_ms", 20000},
                {"pulled", r.pulled},
                {"bytes_per_record", static_cast<double>(r.bytesReceived + r.bytesSent) / n}});
}

void serverThroughput(bench::Context& ctx, const std::string& engine) {
    const int devices = 100, batches = ctx.quick ? 3 : 20, perBatch = 100;
    std::unique_ptr<PostgresInstance> pg;
    std::string db;
    if (engine == "postgresql") {
        std::string whyNot;
        pg = PostgresInstance::start(whyNot);
        if (!pg)
            throw std::runtime_error("PostgreSQL cannot run: " + whyNot);
        db = pg->url();
    }
    TempDir tmp("zhuxue-bench-sync");
    ServerProcess server(tmp / "server", db, {"--threads", "128"});
    std::vector<std::pair<std::string, std::string>> creds; // device, token
    for (int d = 0; d < devices; ++d) {
        std::string device =
            uuidN(0xdddd0000u + static_cast<uint64_t>(d), static_cast<uint64_t>(d));
        SyncClient c(server.url());
        auto r = c.enroll(server.enrollCode("420527"), device, "");
        if (!r)
            throw std::runtime_error(r.error().detail);
        creds.emplace_back(device, r->token);
    }
    std::mutex m;
    std::vector<double> latencies;
    std::atomic<int64_t> bytes{0}, stored{0};
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int d = 0; d < devices; ++d)
        threads.emplace_back([&, d] {
            SyncClient c(server.url(), creds[static_cast<std::size_t>(d)].second);
            std::vector<double> mine;
            for (int b = 0; b < batches; ++b) {
                std::vector<Change> batch;
                for (int k = 0; k < perBatch; ++k) {
                    uint64_t n = static_cast<uint64_t>(d) * 1000000 +
                                 static_cast<uint64_t>(b * perBatch + k);
                    batch.push_back(Change{uuidN(0x01900000, n),
                                           "student",
                                           uuidN(0xaaaa, n),
                                           "420527",
                                           "name",
                                           "学生" + std::to_string(n),
                                           hlcText((uint64_t{1750000000000} + n) << 16),
                                           creds[static_cast<std::size_t>(d)].first,
                                           {}});
                }
                auto t = std::chrono::steady_clock::now();
                auto r = c.push(batch);
                mine.push_back(
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t)
                        .count());
                if (r)
                    stored += static_cast<int64_t>(r->results.size());
            }
            bytes += c.counters().bytesSent + c.counters().bytesReceived;
            std::lock_guard lock(m);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    for (auto& t : threads)
        t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ctx.report("sync.server_changes_per_s." + engine, static_cast<double>(stored.load()) / seconds,
               "changes/s",
               {{"devices", devices},
                {"changes", stored.load()},
                {"batch", perBatch},
                {"goal", 5000},
                {"p99_request_ms", bench::percentile(latencies, 99)},
                {"p50_request_ms", bench::percentile(latencies, 50)},
                {"bytes_per_record", static_cast<double>(bytes.load()) /
                                         static_cast<double>(std::max<int64_t>(1, stored.load()))},
                {"peak_server_mb", peakServerMb(server)}});
}

} // namespace

ZHUXUE_BENCH("sync.push_pull_10k", pushPull);
ZHUXUE_BENCH("sync.initial_100k", initialPull);
ZHUXUE_BENCH("sync.server_changes_per_s.sqlite",
             [](bench::Context& c) { serverThroughput(c, "sqlite"); });
ZHUXUE_BENCH("sync.server_changes_per_s.postgresql",
             [](bench::Context& c) { serverThroughput(c, "postgresql"); });
