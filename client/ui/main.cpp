// zhuxue: the desktop client. Assembles the screens (client/ui) into the process (client/app).
#include "client/app/app.hpp"
#include "client/app/bare_window.hpp"
#include "client/app/startup_trace.hpp"
#include "client/core/args.hpp"
#include "client/core/version.hpp"
#include "client/store/crypto/process_guard.hpp"
#include "client/store/paths.hpp"
#include "client/ui/hall/hall_display.hpp"
#include "client/ui/kiosk/kiosk_client.hpp"
#include "client/ui/staff/staff_client.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "sync/engine/sync_status.hpp"

#include <cstdio>
#include <cstring>

using namespace zhuxue;

namespace {
constexpr const char* kUsage = R"(用法 Usage: zhuxue [选项 options]

助学：县级学生资助管理中心的离线优先客户端（生源地信用助学贷款、家庭经济困难学生认定、家访）。
zhuxue: the offline-first client for county student-aid offices.

选项 Options:
  --data-dir DIR       数据目录 data directory (默认 default: $XDG_DATA_HOME/zhuxue,
                       即 i.e. ~/.local/share/zhuxue)
  --server URL         同步服务器地址 sync server address, e.g. http://127.0.0.1:8720
  --lang zh-CN|en      界面语言 interface language (默认 default: zh-CN)
  --kiosk              自助终端模式 self-service kiosk mode (fullscreen)
  --hall-display       大厅叫号显示屏 hall queue display
  --exit-after-frames N  画 N 帧后退出（测试用）leave after N frames (for tests)
  --ready-file FILE    第一帧显示后写入此文件（测试用）write FILE after the first frame
  --screenshot FILE    退出前把窗口保存为 PNG（测试用）save the window as PNG before leaving
  --text-file FILE     退出前写下最后一帧显示的文字（测试用）write the last frame's text to FILE
  --size WxH           窗口大小 window size (默认 1280x800，屏幕更小时铺满屏幕 default: 1280x800, or the screen when smaller)
  --bare-window        只开一个空白 ImGui 窗口（性能对比基线）open a bare ImGui window (benchmark baseline)
  --help, -h           显示本帮助 show this help
  --version            显示版本 show the version
)";
} // namespace

int main(int argc, char** argv) {
    app::startupMark("main");
    zhuxue::store::crypto::disableCoreDumps(); // no core files with personal data in them
    auto args = Args::parse(argc, argv,
                            {"data-dir", "server", "lang", "exit-after-frames", "ready-file",
                             "screenshot", "text-file", "size"},
                            {"help", "version", "kiosk", "hall-display", "bare-window"});
    if (!args) {
        std::fprintf(stderr, "zhuxue: 选项有误 invalid option: %s %s\n%s",
                     args.error().key.c_str(), args.error().args.begin()->second.c_str(), kUsage);
        return 2;
    }
    if (args->flag("help")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (args->flag("version")) {
        std::printf("zhuxue %s\n", kVersion);
        return 0;
    }

    app::LaunchOptions opt;
    opt.dataDir = args->has("data-dir") ? std::filesystem::path(args->value("data-dir")) : defaultDataDir();
    opt.serverUrl = args->value("server");
    opt.language = args->value("lang");
    if (!opt.language.empty() && opt.language != "zh-CN" && opt.language != "en") {
        std::fprintf(stderr, "zhuxue: 不支持的语言 unsupported language \"%s\"：请用 zh-CN 或 en\n",
                     opt.language.c_str());
        return 2;
    }
    opt.kiosk = args->flag("kiosk");
    opt.hallDisplay = args->flag("hall-display");
    auto frames = args->integer("exit-after-frames", 0);
    if (!frames || *frames < 0) {
        std::fprintf(stderr, "zhuxue: --exit-after-frames 需要一个非负整数 needs a whole number\n");
        return 2;
    }
    opt.exitAfterFrames = static_cast<int>(*frames);
    opt.readyFile = args->value("ready-file");
    opt.screenshotFile = args->value("screenshot");
    opt.textFile = args->value("text-file");
    opt.sizeGiven = args->has("size");
    if (args->has("size") && std::sscanf(args->value("size").c_str(), "%dx%d", &opt.width, &opt.height) != 2) {
        std::fprintf(stderr, "zhuxue: --size 的格式是 宽x高 format is WxH, e.g. 1280x800\n");
        return 2;
    }

    if (args->flag("bare-window")) {
        app::installQuitSignalHandlers();
        return app::runBareWindow(opt);
    }

    if (auto st = ensureDir(opt.dataDir); !st) {
        std::fprintf(stderr, "zhuxue: 无法创建数据目录 cannot create the data directory %s (%s)\n",
                     opt.dataDir.c_str(), st.error().detail.c_str());
        return 1;
    }
    auto texts = app::Texts::load(assetsDir());
    if (!texts) {
        std::fprintf(stderr, "zhuxue: 找不到界面文字 cannot read the interface texts: %s (%s)\n",
                     texts.error().args.count("path") ? texts.error().args.at("path").c_str() : "",
                     texts.error().detail.c_str());
        return 1;
    }
    app::startupMark("texts loaded");
    auto settings = app::Settings::load(opt.dataDir / "settings.json");
    if (!settings) {
        std::fprintf(stderr, "zhuxue: 设置文件已损坏，已使用默认设置 settings file unreadable, using defaults\n");
        settings = app::Settings{};
    }

    if ((opt.kiosk || settings->kiosk) && !opt.hallDisplay &&
        (settings->kioskPin.size() < 4 ||
         settings->kioskPin.find_first_not_of("0123456789") != std::string::npos)) {
        std::fprintf(stderr, "zhuxue: 自助模式需要先在设置里设定工作人员密码（至少4位数字）"
                             " kiosk mode needs a staff PIN of at least 4 digits in the settings\n");
        return 2;
    }
    app::startupMark("settings loaded");
    app::App application(opt, *settings, std::move(*texts));
    if (auto st = application.open(); !st) {
        std::fprintf(stderr,
                     "zhuxue: 没有可用的图形显示，无法打开窗口（请在桌面会话中运行，或设置 DISPLAY）"
                     " no graphical display: run zhuxue in a desktop session or set DISPLAY (%s)\n",
                     st.error().detail.c_str());
        return 3;
    }
    app::installQuitSignalHandlers();
    app::startupMark("window open");

    if (opt.hallDisplay) {
        ui::hall::HallDisplay display(application, opt.dataDir);
        return application.run([&](app::App&) { display.draw(); });
    }
    if (application.settings().kiosk) {
        ui::kiosk::KioskClient kiosk(application, opt.dataDir);
        return application.run([&](app::App&) { kiosk.draw(); });
    }
    sync::SyncStatusBoard syncBoard;
    syncBoard.update([&](sync::SyncStatus& s) {
        s.serverUrl = application.settings().serverUrl;
        // Not "idle" (which says a round finished): the first round starts after the first frame.
        s.state = s.serverUrl.empty() ? sync::SyncState::NotConfigured : sync::SyncState::Syncing;
    });
    // The sign-in screen needs only the accounts: the stores open on the client's worker.
    ui::StaffClient client(application, opt.dataDir, &syncBoard,
                           ui::StaffClient::OpenStores::InBackground);
    app::startupMark("staff client constructed");
    // The sync worker: its own store connection on its own thread; declared after the client so
    // it stops (and hands back its last results) before the screens go away.
    sync::SyncEngine syncEngine(
        [dir = opt.dataDir]() -> Result<std::unique_ptr<sync::SyncStore>> {
            auto s = sync::DeviceSyncStore::open(dir);
            if (!s)
                return s.error();
            return std::unique_ptr<sync::SyncStore>(std::move(*s));
        },
        syncBoard);
    client.context().sync = &syncEngine;
    // It starts once the first frame is on screen: opening its own store connection would
    // compete for the CPU with that frame.
    application.afterFirstFrame([&syncEngine] { syncEngine.start(); });
    return application.run([&](app::App&) { client.draw(); });
}
