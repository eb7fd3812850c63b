// Sync state a field worker can trust (issue 27), through the real screens and the real sync
// worker: a laptop enrolled with a server that cannot be reached (in a village without signal).
// The sign-in screen says how many changes wait; home says 离线 within seconds of a failed
// attempt, keeps the last successful sync from before the restart, and 立即同步 tries again;
// settings shows the server the device is enrolled with.
#include "staff_fixture.hpp"

#include "client/ui/widgets/local_time.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"

#include <chrono>

using namespace zhuxue;
using namespace zhuxue::test;

TEST_CASE("sync state: changes waiting at sign-in, offline within seconds, last success kept, sync now, the enrolled server") {
    StaffFixture f;
    const std::string url = "http://127.0.0.1:1"; // nothing listens there: refused at once
    const int64_t lastSync = 1'780'000'000;        // a sync before this start, kept on disk
    {
        auto dev = sync::DeviceSyncStore::open(f.dir.path());
        REQUIRE(dev.ok());
        sync::SyncCredentials c;
        c.url = url;
        c.device = (*dev)->store().deviceId().str();
        c.token = "token-of-this-laptop";
        c.counties = {"420527"};
        REQUIRE((*dev)->saveCredentials(c).ok());
        REQUIRE((*dev)->recordSuccess(lastSync).ok());
    }
    f.seedStudent("向秭归"); // saved here, not on the server yet
    const int64_t waiting = *f.store().pendingCount();
    REQUIRE(waiting > 0);
    f.addAccount("li", store::Role::Staff);
    auto& d = *f.d;
    // Counted every few seconds (the screen was up before the student was saved).
    CHECK_MESSAGE(d.frameUntil([&] { return d.sawText("本机还有 " + std::to_string(waiting) + " 条修改没有同步到服务器"); }),
                  f.shown());

    sync::SyncStatusBoard board;
    sync::SyncEngine engine(
        [dir = f.dir.path()]() -> Result<std::unique_ptr<sync::SyncStore>> {
            auto s = sync::DeviceSyncStore::open(dir);
            if (!s)
                return s.error();
            return std::unique_ptr<sync::SyncStore>(std::move(*s));
        },
        board);
    f.ctx().board = &board;
    f.ctx().sync = &engine;
    engine.start();
    f.signIn("li");
    const auto signedIn = std::chrono::steady_clock::now();
    REQUIRE_MESSAGE(d.frameUntil([&] { return d.sawText("离线（联网后自动同步）"); }), f.shown());
    CHECK(std::chrono::steady_clock::now() - signedIn < std::chrono::seconds(10));
    CHECK(d.sawText("连不上同步服务器，有网络时会自动同步"));
    CHECK_MESSAGE(d.sawText(ui::localTimeText(lastSync * 1000)), f.shown()); // not 从未
    CHECK_FALSE(d.sawText("从未"));

    // 立即同步: another attempt now, not at the next timer; it fails the same way, at once.
    REQUIRE(d.frameUntil([&] { return board.snapshot().state == sync::SyncState::Offline; }));
    board.update([](sync::SyncStatus& s) { s.lastErrorKey.clear(); });
    REQUIRE_MESSAGE(d.click("##home.sync_now"), d.why());
    REQUIRE(d.frameUntil([&] { return board.snapshot().lastErrorKey == "sync.error.network"; }));
    CHECK(board.snapshot().lastSuccess == lastSync);

    // Settings: the server this device syncs with (enrolled by zhuxue-cli, not typed here).
    REQUIRE(d.click("##home.settings"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("本机已登记的同步服务器：" + url + "（负责县 420527）"), f.shown());
    engine.stop();
    f.ctx().sync = nullptr;
    f.ctx().board = nullptr;
}
