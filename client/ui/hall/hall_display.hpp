#pragma once
// The hall display (zhuxue --hall-display): the number being served at each window in large
// text, newest call highlighted, and a spoken announcement ("请 A023 号到 3 号窗口") through
// espeak-ng where it is installed. The server is polled on a thread of its own; speech runs as
// a child process that is never waited for inside a frame.
#include "client/app/app.hpp"
#include "client/ui/hall/queue_client.hpp"
#include "sync/server/queue_config.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace zhuxue::ui::hall {

// Finds espeak-ng on PATH; empty when it is not installed.
std::string findEspeak();

class HallDisplay {
public:
    HallDisplay(app::App& app, std::filesystem::path dataDir);
    ~HallDisplay();
    void draw();

    // For tests.
    bool connected() const { return m_connected; }
    const std::map<int, HallTicket>& current() const { return m_current; }
    const std::map<std::string, int>& waiting() const { return m_waiting; }
    // Every sentence announced (spoken, or only recorded where espeak-ng is missing).
    const std::vector<std::string>& announced() const { return m_announced; }
    int spoken() const { return m_spoken; }

private:
    void poll();
    void apply(const HallCalls& calls);
    void speakNext();

    app::App& m_app;
    std::filesystem::path m_dataDir;
    std::optional<zhuxue::hall::HallConfig> m_hall;
    std::map<int, HallTicket> m_current; // window -> ticket being served
    std::map<std::string, int> m_waiting; // service id -> tickets waiting
    int m_latestWindow = 0;
    int64_t m_lastSeq = -1; // -1 until the first answer: calls made before start are not spoken
    bool m_connected = false;
    std::vector<std::string> m_announced;
    std::deque<std::string> m_toSpeak;
    std::string m_espeak; // set with the hall configuration, before the first answer
    pid_t m_speaking = 0;
    int m_spoken = 0;

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
};

} // namespace zhuxue::ui::hall
