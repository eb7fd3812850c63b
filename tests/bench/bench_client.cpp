// The staff client's figures (issue 5), with a county of students on the device (100,000; 2,000
// with --quick):
//   client.start_to_first_frame  median ms from exec to the first frame on screen, under Xvfb,
//                                reported beside a bare ImGui+GLFW window (zhuxue --bare-window)
//   client.rss_mb                resident memory of that client after its first frame
//   client.frame_ms              p95 CPU ms of a frame while typing a search and scrolling the
//                                results (headless frames of the real screens, the driver typing)
//   kiosk.start_to_first_frame, hall_display.start_to_first_frame
//                                the same for `zhuxue --kiosk` and `zhuxue --hall-display`, whose
//                                files and server link load after the first frame
#include "bench.hpp"

#include "client/app/app.hpp"
#include "client/app/driver/driver.hpp"
#include "client/store/paths.hpp"
#include "client/ui/staff/staff_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/xvfb.hpp"

#include <csignal>
#include <ctime>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

using namespace zhuxue;
namespace fs = std::filesystem;

namespace {

// A county of synthetic students (names from common surnames and given-name characters, with
// rare characters among them), written through the store in batches of 2,000.
void seedCounty(const fs::path& dataDir, int students) {
    auto opened = store::Store::open(dataDir);
    if (!opened)
        throw std::runtime_error("store: " + opened.error().key + " " + opened.error().detail);
    store::Store& db = **opened;
    const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "向", "覃", "谭", "郑", "龚"};
    const char* given[] = {"明", "丽", "强", "芳", "军", "燕", "伟", "娜", "磊", "静", "秭", "归", "䶮", "𪚥", "鑫", "晓", "雨", "欣"};
    const char* townships[] = {"茅坪镇", "归州镇", "屈原镇", "水田坝乡", "泄滩乡", "郭家坝镇", "杨林桥镇", "两河口镇"};
    std::mt19937 rng(20240701);
    int done = 0;
    while (done < students) {
        store::Batch batch = db.batch({"bench"});
        for (int i = 0; i < 2000 && done < students; ++i, ++done) {
            Student s;
            s.id = newUuidV7();
            s.county = "420527";
            s.name = std::string(surnames[rng() % 15]) + given[rng() % 18] + given[rng() % 18];
            s.township = townships[rng() % 8];
            s.village = std::to_string(1 + rng() % 30) + "村";
            s.highSchool = "秭归县第一中学";
            s.university = "武汉大学";
            if (auto st = batch.save(s); !st)
                throw std::runtime_error("save: " + st.error().key + " " + st.error().detail);
        }
        if (auto st = batch.commit(); !st)
            throw std::runtime_error("commit: " + st.error().key + " " + st.error().detail);
    }
}

double rssMb(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

struct Start {
    double ms = -1;
    double rss = 0;
};

Start startOnce(const std::vector<std::string>& args, const std::string& display, const fs::path& ready) {
    fs::remove(ready);
    auto t0 = std::chrono::steady_clock::now();
    test::Process p(args, {{"DISPLAY", display}, {"WAYLAND_DISPLAY", ""}});
    Start out;
    bool ok = test::waitUntil([&] { return fs::exists(ready); }, std::chrono::seconds(60));
    if (ok) {
        out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        out.rss = rssMb(p.pid());
    }
    p.signal(SIGTERM);
    p.wait(std::chrono::seconds(10));
    return out;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void benchClient(bench::Context& ctx) {
    int students = ctx.quick ? 2000 : 100000;
    test::TempDir dir("zhuxue-bench-client");
    fs::path data = dir / "data";
    double seedMs = bench::timeMs([&] { seedCounty(data, students); });

    // ---- start to first frame, beside a bare window --------------------------------------------
    test::Xvfb x(1280, 800);
    if (x.display().empty())
        throw std::runtime_error("Xvfb: " + x.error());
    fs::path ready = dir / "ready";
    std::string bin = test::binPath("zhuxue").string();
    int runs = ctx.quick ? 3 : 9;
    std::vector<double> client, bare, rss, bareRss;
    for (int i = 0; i < runs; ++i) {
        Start b = startOnce({bin, "--bare-window", "--ready-file", ready.string()}, x.display(), ready);
        Start c = startOnce({bin, "--data-dir", data.string(), "--ready-file", ready.string()}, x.display(), ready);
        if (b.ms < 0 || c.ms < 0)
            throw std::runtime_error("a window did not show its first frame");
        bare.push_back(b.ms);
        client.push_back(c.ms);
        rss.push_back(c.rss);
        bareRss.push_back(b.rss);
    }
    ctx.report("client.start_to_first_frame", bench::percentile(client, 50), "ms",
               {{"bare_imgui_glfw_ms", bench::percentile(bare, 50)}, {"runs", runs},
                {"students", students}, {"goal_ms", 300}, {"under", "Xvfb"}});
    ctx.report("client.rss_mb", bench::percentile(rss, 50), "MB",
               {{"students", students}, {"goal_mb", 200}, {"when", "after the first frame"},
                {"bare_imgui_glfw_mb", bench::percentile(bareRss, 50)}});

    // ---- frame time while typing a search and scrolling the results ----------------------------
    auto texts = app::Texts::load(assetsDir());
    if (!texts)
        throw std::runtime_error("texts: " + texts.error().detail);
    app::LaunchOptions opt;
    opt.dataDir = data;
    app::App app(opt, app::Settings{}, std::move(*texts));
    if (!app.openHeadless(1280, 800))
        throw std::runtime_error("headless ImGui");
    std::vector<double> frames;
    {
        ui::StaffClient staff(app, data);
        if (!staff.accounts() || !staff.store())
            throw std::runtime_error("store or accounts did not open");
        (void)staff.accounts()->create("bench", "bench", store::Role::Staff, "bench-password");
        auto who = staff.accounts()->signIn("bench", "bench-password", 0);
        if (!who)
            throw std::runtime_error("sign-in");
        staff.context().account = *who;
        staff.context().screen = ui::ScreenId::Search;
        app::driver::Driver d(app, [&](app::App&) { staff.draw(); });
        d.frame(3);
        d.click("##search.query");
        // Mean CPU ms of the frames an action runs (type() runs two, wheel() and frame() one).
        auto timed = [&](auto&& action, int framesRun = 1) {
            double t0 = threadCpuMs();
            action();
            frames.push_back((threadCpuMs() - t0) / framesRun);
        };
        for (const char* q : {"王", "李明", "张", "刘", "向", "龚", "wang", "li"}) {
            d.press(ImGuiKey_A, true);
            timed([&] { d.type(q); }, 2);
            d.frameUntil([&] { return !staff.search().searching(); });
            for (int i = 0; i < 10; ++i)
                timed([&] { d.wheel(-3); });
            for (int i = 0; i < 10; ++i)
                timed([&] { d.frame(); });
        }
    }
    ctx.report("client.frame_ms", bench::percentile(frames, 95), "ms",
               {{"students", students}, {"samples", frames.size()}, {"goal_ms", 4},
                {"measure", "p95 main-thread CPU per frame, typing a search and scrolling"},
                {"seed_ms", seedMs}});
}

// The kiosk and the hall display: exec to the first frame, beside a bare window in the same run.
// Their hall server is a port nobody listens on (a hall whose server is away).
void benchKioskAndDisplay(bench::Context& ctx) {
    test::TempDir dir("zhuxue-bench-kiosk");
    test::Xvfb x(1280, 800);
    if (x.display().empty())
        throw std::runtime_error("Xvfb: " + x.error());
    fs::path ready = dir / "ready";
    std::string bin = test::binPath("zhuxue").string();
    for (const char* device : {"kiosk", "display"}) {
        fs::create_directories(dir / device);
        std::ofstream(dir / device / "settings.json") << R"({"kiosk_pin": "2468"})";
        std::ofstream(dir / device / "hall_device.json")
            << R"({"url": "http://127.0.0.1:9", "device": "bench", "token": "bench"})";
    }
    int runs = ctx.quick ? 3 : 9;
    std::vector<double> kiosk, display, bare;
    for (int i = 0; i < runs; ++i) {
        Start b = startOnce({bin, "--bare-window", "--ready-file", ready.string()}, x.display(), ready);
        Start k = startOnce({bin, "--kiosk", "--data-dir", (dir / "kiosk").string(), "--ready-file", ready.string()},
                            x.display(), ready);
        Start h = startOnce(
            {bin, "--hall-display", "--data-dir", (dir / "display").string(), "--ready-file", ready.string()},
            x.display(), ready);
        if (b.ms < 0 || k.ms < 0 || h.ms < 0)
            throw std::runtime_error("a window did not show its first frame");
        bare.push_back(b.ms);
        kiosk.push_back(k.ms);
        display.push_back(h.ms);
    }
    ctx.report("kiosk.start_to_first_frame", bench::percentile(kiosk, 50), "ms",
               {{"bare_imgui_glfw_ms", bench::percentile(bare, 50)}, {"runs", runs}, {"under", "Xvfb"}});
    ctx.report("hall_display.start_to_first_frame", bench::percentile(display, 50), "ms",
               {{"bare_imgui_glfw_ms", bench::percentile(bare, 50)}, {"runs", runs}, {"under", "Xvfb"}});
}

ZHUXUE_BENCH("client", benchClient);
ZHUXUE_BENCH("kiosk_hall", benchKioskAndDisplay);

} // namespace
