#pragma once
// Results from worker threads reach the UI through this queue, drained once per frame on the
// main thread: swap the pending list out under the lock, unlock, then run (as Tracy's RunQueue).
#include <functional>
#include <mutex>
#include <vector>

namespace zhuxue::app {

class RunQueue {
public:
    void post(std::function<void()> fn) {
        std::lock_guard lock(m_mutex);
        m_pending.push_back(std::move(fn));
    }
    // Runs everything posted so far; returns how many ran.
    size_t drain() {
        std::vector<std::function<void()>> batch;
        {
            std::lock_guard lock(m_mutex);
            batch.swap(m_pending);
        }
        for (auto& fn : batch)
            fn();
        return batch.size();
    }

private:
    std::mutex m_mutex;
    std::vector<std::function<void()>> m_pending;
};

} // namespace zhuxue::app
