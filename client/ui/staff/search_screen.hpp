#pragma once
// Search as you type: every keystroke asks the store's search (any substring of name, ID number,
// phone tail, school, place; pinyin keys when present) on the worker, with its own connection;
// only the newest answer is shown, so typing never waits for a query.
#include "context.hpp"

#include <atomic>
#include <memory>

namespace zhuxue::ui {

class SearchScreen {
public:
    void draw(Context& ctx);
    // The store connection the worker searches with (opened by the client, used on the worker).
    void setReadStore(store::Store* s) { m_readStore = s; }
    bool searching() const { return m_inFlight > 0; }
    const std::vector<store::SearchHit>& results() const { return m_results; }

private:
    void ask(Context& ctx);

    store::Store* m_readStore = nullptr;
    std::string m_query, m_asked;
    std::vector<store::SearchHit> m_results;
    std::string m_error;
    int m_inFlight = 0;
    bool m_answered = false; // a search has been answered since start
    std::shared_ptr<std::atomic<uint64_t>> m_latest = std::make_shared<std::atomic<uint64_t>>(0);
};

} // namespace zhuxue::ui
