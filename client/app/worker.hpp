#pragma once
// A background thread for work that can take longer than a frame (password hashing, search over
// a large county, loading a family, exports). Jobs run in order; a job hands its result to the
// UI by posting to the main-thread queue (App::queue) and waking the frame loop.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace zhuxue::app {

class Worker {
public:
    Worker();
    ~Worker(); // finishes the running job, drops the rest, joins
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run(std::function<void()> job);
    // Jobs queued or running (for tests and a busy indicator).
    size_t busy() const;

private:
    void loop();
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_jobs;
    size_t m_running = 0;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace zhuxue::app
