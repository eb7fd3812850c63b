// The device's background sync worker against a real zhuxue-server: syncs shortly after saves,
// reports progress and state through SyncStatusBoard, goes Offline when the server dies and
// recovers on its own, halves batches on 413, quarantines refused changes.
#include "sync/engine/local_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
std::string recordId(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "01900000-0000-7000-8000-%012d", n);
    return buf;
}

std::unique_ptr<LocalSyncStore> openStore(const fs::path& file) {
    auto s = LocalSyncStore::open(file);
    REQUIRE(s.ok());
    return std::move(*s);
}
} // namespace

TEST_CASE("backoff grows exponentially with jitter and stays capped") {
    using std::chrono::milliseconds;
    CHECK(backoffDelay(0, milliseconds(1000), milliseconds(300000), 0.5) == milliseconds(1000));
    CHECK(backoffDelay(3, milliseconds(1000), milliseconds(300000), 0.5) == milliseconds(8000));
    CHECK(backoffDelay(3, milliseconds(1000), milliseconds(300000), 0.0) == milliseconds(4000));
    CHECK(backoffDelay(30, milliseconds(1000), milliseconds(300000), 0.5) == milliseconds(300000));
    CHECK(backoffDelay(30, milliseconds(1000), milliseconds(300000), 0.99) < milliseconds(450000));
}

TEST_CASE("the worker syncs after saves, goes offline with the server and recovers") {
    TempDir tmp("zhuxue-sync-engine");
    auto server = std::make_unique<ServerProcess>(tmp / "server");
    fs::path file = tmp / "device" / "sync.sqlite";
    fs::create_directories(file.parent_path());
    auto store = openStore(file);
    REQUIRE(enrollDevice(*store, server->url(), server->enrollCode("420527"), "engine").ok());

    SyncStatusBoard board;
    SyncTiming timing;
    timing.afterSave = std::chrono::milliseconds(100);
    timing.period = std::chrono::milliseconds(60000);
    timing.backoffMin = std::chrono::milliseconds(100);
    timing.backoffMax = std::chrono::milliseconds(800);
    SyncOptions options;
    options.requestTimeoutMs = 3000;
    SyncEngine engine(
        [file]() -> Result<std::unique_ptr<SyncStore>> {
            auto s = LocalSyncStore::open(file);
            if (!s)
                return s.error();
            return std::unique_ptr<SyncStore>(std::move(*s));
        },
        board, options, timing);
    engine.start();
    REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Idle; },
                      std::chrono::seconds(20)));

    for (int i = 0; i < 50; ++i)
        REQUIRE(
            store->edit("student", recordId(i), "420527", "name", "学生" + std::to_string(i)).ok());
    REQUIRE(store->edit("student", recordId(999), "420528", "name", "越界").ok());
    engine.notifySaved();
    REQUIRE(waitUntil(
        [&] {
            auto s = board.snapshot();
            // The refused change in quarantine shows that the round after the save has run.
            return s.state == SyncState::Idle && s.pendingChanges == 0 && s.quarantined == 1 &&
                   s.lastSuccess > 0;
        },
        std::chrono::seconds(20)));
    auto s = board.snapshot();
    CHECK(s.quarantined == 1);
    CHECK(s.serverUrl == server->url());
    CHECK(s.bytesDone > 0);
    CHECK(s.lastErrorKey.empty());

    // The server dies: the worker says Offline and keeps the edits.
    server->kill9();
    REQUIRE(store->edit("student", recordId(1), "420527", "phone", "13800000000").ok());
    engine.notifySaved();
    REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Offline; },
                      std::chrono::seconds(20)));
    CHECK(board.snapshot().lastErrorKey == "sync.error.network");
    CHECK(board.snapshot().pendingChanges == 1);
    // It comes back: the worker's own backoff retries find it without anyone asking.
    server->start();
    REQUIRE(waitUntil(
        [&] {
            auto st = board.snapshot();
            return st.state == SyncState::Idle && st.pendingChanges == 0;
        },
        std::chrono::seconds(30)));
    engine.stop();
}

TEST_CASE("a 413 halves the batch until it fits; nothing is quarantined for size") {
    TempDir tmp("zhuxue-sync-engine");
    ServerProcess server(tmp / "server", "", {"--max-body-kb", "16"});
    fs::create_directories(tmp / "device");
    auto store = openStore(tmp / "device" / "sync.sqlite");
    REQUIRE(enrollDevice(*store, server.url(), server.enrollCode("420527"), "").ok());
    // A bulk load commits in one transaction; a failing one leaves nothing behind.
    auto failed = store->batch([&]() -> Status {
        REQUIRE(store->edit("student", recordId(1), "420527", "name", "回滚").ok());
        return Error("test.abort");
    });
    CHECK_FALSE(failed.ok());
    CHECK(store->counts()->pending == 0);
    auto loaded = store->batch([&]() -> Status {
        for (int i = 0; i < 400; ++i) {
            auto c = store->edit("home_visit", recordId(i), "420527", "observations",
                                 std::string(300, 'x') + std::to_string(i));
            if (!c)
                return c.error();
        }
        return {};
    });
    REQUIRE(loaded.ok());
    SyncClient client(server.url(), store->credentials()->token);
    auto r = syncOnce(*store, client, SyncOptions{});
    REQUIRE(r.ok());
    CHECK(r->pushed == 400);
    CHECK(r->quarantined == 0);
    CHECK(store->counts()->pending == 0);
}
