#pragma once
// The staff home: who is signed in, my work (files in the store that wait for someone), and where
// sync stands (from the sync worker's status board, or the store's own counts when sync has not
// started).
#include "context.hpp"

namespace zhuxue::ui {

class HomeScreen {
public:
    void draw(Context& ctx);

private:
    void refresh(Context& ctx);
    void countWork(Context& ctx);
    double m_refreshedAt = -1e9; // ImGui time of the last count (counts refresh every few seconds)
    std::optional<store::StoreStats> m_stats;
    // My work, counted on the worker (it walks the applications and assessments).
    struct Work {
        int visitsDue = 0;   // assessed as in hardship this year, no home visit yet
        int awaitingReview = 0;
        int remindersDue = 0; // graduation confirmations and repayments due this year
        // 家访任务 given to the signed-in person, earliest due date first (overdue lead).
        struct Task {
            Uuid studentId;
            std::string name, dueDate;
            bool overdue = false;
        };
        std::vector<Task> tasks;
    };
    std::optional<Work> m_work;
    bool m_counting = false;
    uint64_t m_countedVersion = ~uint64_t{0};
    int64_t m_countedPulled = 0; // the sync board's pulledTotal when last counted
    std::string m_countedFor; // the signed-in user the work was counted for
    double m_countedAt = -1e9;
};

// Human text for a sync status in the current language ("尚未同步" ...).
const char* syncStateKey(sync::SyncState state);

} // namespace zhuxue::ui
