// The device's background sync worker against a real zhuxue-server: syncs shortly after saves,
// reports progress and state through SyncStatusBoard, goes Offline when the server dies and
// recovers on its own, halves batches on 413, quarantines refused changes.
#include "client/store/accounts.hpp"
#include "sync/engine/sync_engine.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
const store::Actor kStaff{"staff"};

Student student(int n, const std::string& name, const std::string& county = "420527") {
    Student s;
    s.id = studentId(n);
    s.county = county;
    s.name = name;
    return s;
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
    fs::path dir = tmp / "device";
    auto store = openDevice(dir);
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
        [dir]() -> Result<std::unique_ptr<SyncStore>> {
            auto s = DeviceSyncStore::open(dir);
            if (!s)
                return s.error();
            return std::unique_ptr<SyncStore>(std::move(*s));
        },
        board, options, timing);
    engine.start();
    REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Idle; },
                      std::chrono::seconds(20)));

    for (int i = 0; i < 50; ++i)
        REQUIRE(store->store().save(student(i, "学生" + std::to_string(i)), kStaff).ok());
    REQUIRE(store->store().save(student(999, "越界", "420528"), kStaff).ok());
    // Student 1's consent: a phone number is added to the file below.
    test::consentStudent(store->store(), "420527", student(1, "学生1").id);
    engine.notifySaved();
    REQUIRE(waitUntil(
        [&] {
            auto s = board.snapshot();
            // The refused change in quarantine shows that the round after the save has run.
            return s.state == SyncState::Idle && s.pendingChanges == 0 && s.quarantined == 2 &&
                   s.lastSuccess > 0;
        },
        std::chrono::seconds(20)));
    auto s = board.snapshot();
    CHECK(s.quarantined == 2); // the refused student's county and name
    CHECK(s.serverUrl == server->url());
    CHECK(s.bytesDone > 0);
    CHECK(s.lastErrorKey.empty());

    // The server dies: the worker says Offline and keeps the edits.
    server->kill9();
    auto one = student(1, "学生1");
    one.phone = "13800000000";
    REQUIRE(store->store().save(one, kStaff).ok());
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
    auto store = openDevice(tmp / "device");
    REQUIRE(enrollDevice(*store, server.url(), server.enrollCode("420527"), "").ok());
    // A bulk load in one transaction: 400 students with long notes, far more than 16 KiB.
    auto batch = store->store().batch(kStaff);
    for (int i = 0; i < 400; ++i) {
        auto s = student(i, "学生" + std::to_string(i));
        s.notes = std::string(300, 'x') + std::to_string(i);
        REQUIRE(batch.save(s).ok());
        REQUIRE(batch.save(test::consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
    }
    REQUIRE(batch.commit().ok());
    auto queued = store->counts()->pending;
    SyncClient client(server.url(), store->credentials()->token);
    auto r = syncOnce(*store, client, SyncOptions{});
    REQUIRE(r.ok());
    CHECK(r->pushed == queued);
    CHECK(r->quarantined == 0);
    CHECK(store->counts()->pending == 0);
}

TEST_CASE("while the store is locked the worker waits for sign-in, then syncs at once") {
    TempDir tmp("zhuxue-sync-engine-locked");
    ServerProcess server(tmp / "server");
    fs::path dir = tmp / "device";
    auto store = openDevice(dir);
    REQUIRE(enrollDevice(*store, server.url(), server.enrollCode("420527"), "locked").ok());
    REQUIRE(store->store().save(student(1, "锁屏时保存"), kStaff).ok());
    // A staff machine (the key is wrapped for the account, device.key is gone), idle-locked: the
    // data key is wiped for every connection of this directory.
    auto accounts = store::Accounts::open(dir);
    REQUIRE(accounts.ok());
    REQUIRE((*accounts)->create("zhang", "张老师", store::Role::Staff, "correct horse 9").ok());
    (*accounts)->lockData();

    SyncStatusBoard board;
    SyncTiming timing;
    timing.afterSave = std::chrono::milliseconds(100);
    timing.period = std::chrono::milliseconds(60000);
    // Were a look at a locked store counted as a failure, ten looks would put the next try
    // 2^10 s away, capped at backoffMax (jitter takes off at most half): at least 5 minutes.
    timing.backoffMin = std::chrono::milliseconds(1000);
    timing.backoffMax = std::chrono::milliseconds(600000);
    timing.lockedPoll = std::chrono::milliseconds(200);
    SyncEngine engine(
        [dir]() -> Result<std::unique_ptr<SyncStore>> {
            auto s = DeviceSyncStore::open(dir);
            if (!s)
                return s.error();
            return std::unique_ptr<SyncStore>(std::move(*s));
        },
        board, SyncOptions{}, timing);
    engine.start();
    REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::WaitingForSignIn; },
                      std::chrono::seconds(10)));
    // Many looks at a locked store later: still waiting at every one, no error shown, nothing
    // lost. The board counts the looks, so this holds however slowly the machine runs them.
    constexpr int64_t kLooks = 10;
    int observed = 0;
    bool steady = true;
    std::string seen;
    const bool looked = waitUntil(
        [&] {
            auto st = board.snapshot();
            ++observed;
            if (st.state != SyncState::WaitingForSignIn || !st.lastErrorKey.empty() ||
                st.pendingChanges == 0 || st.lastSuccess != 0) {
                steady = false;
                seen = "state " + std::to_string(static_cast<int>(st.state)) + " " + st.lastErrorKey;
            }
            return !steady || st.signInChecks >= kLooks;
        },
        std::chrono::seconds(120));
    REQUIRE_MESSAGE(looked, "only " << board.snapshot().signInChecks << " looks in two minutes");
    CHECK_MESSAGE(steady, "left waiting after " << board.snapshot().signInChecks << " looks: " << seen);
    CHECK(observed > 1);

    // Sign-in unlocks the key: the worker syncs at its next look, not after a grown backoff (five
    // minutes and more, see above). The wait is a hang guard only, far below that.
    REQUIRE((*accounts)->signIn("zhang", "correct horse 9", systemNowMs()).ok());
    const int64_t looksAtSignIn = board.snapshot().signInChecks;
    REQUIRE_MESSAGE(waitUntil(
                        [&] {
                            auto s = board.snapshot();
                            return s.state == SyncState::Idle && s.pendingChanges == 0 &&
                                   s.lastSuccess > 0;
                        },
                        std::chrono::seconds(90)),
                    "state " << static_cast<int>(board.snapshot().state) << " "
                                       << board.snapshot().lastErrorKey);
    auto done = board.snapshot();
    CHECK(done.lastErrorKey.empty());
    // At most a look already under way when the key came back, then the sync itself.
    CHECK(done.signInChecks - looksAtSignIn <= 1);
    CHECK(store->counts()->pending == 0);
}

TEST_CASE("sync now with the server gone says offline within seconds; a restart still knows the last sync") {
    TempDir tmp("zhuxue-sync-now");
    auto server = std::make_unique<ServerProcess>(tmp / "server");
    fs::path dir = tmp / "device";
    {
        auto store = openDevice(dir);
        REQUIRE(enrollDevice(*store, server->url(), server->enrollCode("420527"), "laptop").ok());
    }
    auto factory = [dir]() -> Result<std::unique_ptr<SyncStore>> {
        auto s = DeviceSyncStore::open(dir);
        if (!s)
            return s.error();
        return std::unique_ptr<SyncStore>(std::move(*s));
    };
    int64_t last = 0;
    {
        SyncStatusBoard board;
        SyncEngine engine(factory, board); // the client's own timing: a round every 5 minutes
        engine.start();
        REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Idle; }, std::chrono::seconds(20)));
        last = board.snapshot().lastSuccess;
        CHECK(last > 0);
        // The server goes away; nothing was saved, so only "sync now" makes the worker look.
        server->kill9();
        const auto asked = std::chrono::steady_clock::now();
        engine.requestSync();
        REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Offline; }, std::chrono::seconds(20)));
        const auto took = std::chrono::steady_clock::now() - asked;
        CHECK(took < std::chrono::seconds(5));
        CHECK(board.snapshot().lastErrorKey == "sync.error.network");
        CHECK(board.snapshot().lastSuccess == last); // failing does not forget the last success
        engine.stop();
    }
    // The client starts again with the server still away: 上次成功同步 is the one before.
    SyncStatusBoard board;
    SyncEngine engine(factory, board);
    engine.start();
    REQUIRE(waitUntil([&] { return board.snapshot().state == SyncState::Offline; }, std::chrono::seconds(20)));
    CHECK(board.snapshot().lastSuccess == last);
    engine.stop();
}
