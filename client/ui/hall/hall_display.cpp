#include "hall_display.hpp"

#include "client/store/paths.hpp"
#include "client/ui/widgets/fields.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <imgui.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace zhuxue::ui::hall {

std::string findEspeak() {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= p.size()) {
        auto colon = p.find(':', start);
        if (colon == std::string::npos)
            colon = p.size();
        std::string file = p.substr(start, colon - start) + "/espeak-ng";
        if (access(file.c_str(), X_OK) == 0)
            return file;
        start = colon + 1;
    }
    return {};
}

HallDisplay::HallDisplay(app::App& app, std::filesystem::path dataDir)
    : m_app(app), m_dataDir(std::move(dataDir)) {
    m_app.settings().fontSize = std::max(m_app.settings().fontSize, 40.0f);
    m_app.applyTextSize();
    // The first frame comes first: the hall configuration, the device link (enrolling on a first
    // start) and espeak-ng are looked up on the display's own thread, which then asks the server
    // once a second; results reach the frame through the main-thread queue.
    m_thread = std::thread([this, url = app.settings().serverUrl, code = app.settings().enrollmentCode,
                            plainHttp = app.settings().allowPlainHttp] {
        std::filesystem::path cfg = assetsDir() / "hall" / "windows.json";
        if (const char* env = std::getenv("ZHUXUE_HALL_CONFIG"); env && *env)
            cfg = env;
        auto hallConfig = zhuxue::hall::loadHallConfig(cfg.string());
        std::string espeak = findEspeak();
        HallLink link;
        if (auto l = readHallLink(m_dataDir); l && l->usable())
            link = *l;
        else if (!url.empty() && !code.empty())
            if (auto r = enrollHallDevice(m_dataDir, url, code, "叫号屏 hall display", sync::DeviceRole::Display,
                                  plainHttp))
                link = *r;
        m_app.queue().post([this, hallConfig, espeak] {
            if (hallConfig)
                m_hall = *hallConfig;
            m_espeak = espeak;
        });
        QueueClient client(link);
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            lock.unlock();
            auto r = client.calls();
            m_app.queue().post([this, r] {
                m_connected = r.ok();
                if (r)
                    apply(*r);
            });
            m_app.wake();
            lock.lock();
            m_cv.wait_for(lock, std::chrono::milliseconds(1000), [this] { return m_stop; });
        }
    });
}

HallDisplay::~HallDisplay() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
    if (m_speaking > 0) {
        kill(m_speaking, SIGTERM);
        waitpid(m_speaking, nullptr, 0);
    }
}

void HallDisplay::apply(const HallCalls& answer) {
    m_waiting = answer.waiting;
    std::map<int, HallTicket> now;
    int64_t maxSeq = m_lastSeq;
    std::vector<HallTicket> fresh;
    for (const auto& t : answer.calls) {
        now[t.window] = t;
        if (m_lastSeq >= 0 && t.callSeq > m_lastSeq)
            fresh.push_back(t);
        maxSeq = std::max(maxSeq, t.callSeq);
    }
    std::sort(fresh.begin(), fresh.end(), [](const auto& a, const auto& b) { return a.callSeq < b.callSeq; });
    for (const auto& t : fresh) {
        std::string sentence = m_app.texts().current().format(
            "hall.display.announce", {{"code", t.code}, {"window", std::to_string(t.window)}});
        m_announced.push_back(sentence);
        m_toSpeak.push_back(sentence);
        m_latestWindow = t.window;
    }
    m_lastSeq = std::max<int64_t>(maxSeq, 0);
    m_current = std::move(now);
}

void HallDisplay::speakNext() {
    if (m_speaking > 0) {
        int status = 0;
        if (waitpid(m_speaking, &status, WNOHANG) == 0)
            return; // still speaking; the next sentence waits its turn
        m_speaking = 0;
    }
    if (m_toSpeak.empty())
        return;
    std::string sentence = m_toSpeak.front();
    m_toSpeak.pop_front();
    if (m_espeak.empty())
        return;
    std::string voice = m_app.settings().language == "en" ? "en" : "cmn";
    std::vector<std::string> args{m_espeak, "-v", voice, "-s", "140"};
    // Where a hall records its announcements instead of (or without) a sound card: one WAV each.
    if (const char* dir = std::getenv("ZHUXUE_HALL_SPEECH_DIR"); dir && *dir) {
        args.push_back("-w");
        args.push_back(std::string(dir) + "/announce-" + std::to_string(m_spoken + 1) + ".wav");
    }
    args.push_back(sentence);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // ALSA's complaints on a machine without sound must not fill the display's log.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    if (posix_spawn(&pid, m_espeak.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
        m_speaking = pid;
        m_spoken++;
    }
    posix_spawn_file_actions_destroy(&actions);
}

void HallDisplay::draw() {
    speakNext();
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.05f, 0.10f, 0.20f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::Begin("##hall", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings);
    dataText(m_app, m_app.tr("hall.display.title"));
    if (!m_connected) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "  %s", m_app.tr("hall.display.offline"));
    }
    ImGui::Separator();
    std::vector<int> windows = m_hall ? m_hall->windows() : std::vector<int>{};
    for (const auto& [w, t] : m_current)
        if (std::find(windows.begin(), windows.end(), w) == windows.end())
            windows.push_back(w);
    int cols = windows.size() > 4 ? 3 : 2;
    float gap = 16;
    float cardW = (io.DisplaySize.x - gap * static_cast<float>(cols + 1)) / static_cast<float>(cols);
    int rows = static_cast<int>((windows.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
    float cardH = std::max(120.0f, (io.DisplaySize.y - 200 - gap * static_cast<float>(rows)) / std::max(1, rows));
    const auto& cat = m_app.texts().current();
    for (std::size_t i = 0; i < windows.size(); ++i) {
        int w = windows[i];
        if (i % static_cast<std::size_t>(cols))
            ImGui::SameLine(0, gap);
        bool latest = w == m_latestWindow && m_current.count(w);
        ImGui::PushStyleColor(ImGuiCol_ChildBg, latest ? ImVec4(0.75f, 0.15f, 0.10f, 1) : ImVec4(0.12f, 0.22f, 0.40f, 1));
        std::string id = "##hall.window." + std::to_string(w);
        ImGui::BeginChild(id.c_str(), ImVec2(cardW, cardH), true);
        dataText(m_app, cat.format("hall.display.window", {{"window", std::to_string(w)}}));
        auto it = m_current.find(w);
        if (it != m_current.end()) {
            codeText(m_app, it->second.code, std::min(ImGui::GetFontSize() * 4, cardH / 1.8f), cardW);
        } else {
            const char* idle = m_app.tr("hall.display.idle");
            ImGui::SetWindowFontScale(1.2f);
            ImGui::SetCursorPosX(std::max(8.0f, (cardW - ImGui::CalcTextSize(idle).x) * 0.5f));
            dataText(m_app, idle);
            ImGui::SetWindowFontScale(1.0f);
        }
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }
    // Who is next: how many wait for each service, in the hall's order.
    if (m_hall && m_connected) {
        ImGui::Separator();
        const std::string lang = m_app.settings().language == "en" ? "en" : "zh-CN";
        std::string line;
        for (const auto& s : m_hall->services) {
            auto n = m_waiting.find(s.id);
            auto name = s.name.count(lang) ? s.name.at(lang) : s.id;
            if (!line.empty())
                line += "    ";
            line += cat.format("hall.display.waiting",
                               {{"service", name}, {"n", std::to_string(n == m_waiting.end() ? 0 : n->second)}});
        }
        ImGui::SetWindowFontScale(1.2f);
        dataText(m_app, line);
        ImGui::SetWindowFontScale(1.0f);
    }
    ImGui::End();
    ImGui::PopStyleColor(2);
}

} // namespace zhuxue::ui::hall
