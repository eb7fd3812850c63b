#include "sync_engine.hpp"

#include <chrono>
#include <random>

namespace zhuxue::sync {

namespace {
int64_t unixSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Status publishCounts(SyncStore& store, SyncStatusBoard* board) {
    if (!board)
        return {};
    auto counts = store.counts();
    if (!counts)
        return counts.error();
    board->update([&](SyncStatus& s) {
        s.pendingChanges = counts->pending;
        s.conflicts = counts->conflicts;
        s.quarantined = counts->quarantined;
    });
    return {};
}
} // namespace

Result<SyncReport> syncOnce(SyncStore& store, SyncClient& client, const SyncOptions& options,
                            SyncStatusBoard* board) {
    SyncReport report;
    auto finish = [&](Error e) -> Result<SyncReport> {
        publishCounts(store, board);
        return e;
    };
    const auto startSent = client.counters().bytesSent, startRecv = client.counters().bytesReceived;
    auto progress = [&](int64_t done, int64_t total) {
        if (board)
            board->update([&](SyncStatus& s) {
                s.recordsDone = done;
                s.recordsTotal = total;
                s.bytesDone = client.counters().bytesSent - startSent +
                              client.counters().bytesReceived - startRecv;
            });
    };
    // 1. Push the outbox in batches. 413 halves the batch; a change the server refuses for good
    //    goes to quarantine; anything else stops the round and is retried later.
    auto counts = store.counts();
    if (!counts)
        return counts.error();
    int64_t total = counts->pending, done = 0;
    std::size_t batch = options.pushBatch;
    for (;;) {
        auto pending = store.pending(batch);
        if (!pending)
            return finish(pending.error());
        if (pending->empty())
            break;
        auto res = client.push(*pending);
        if (!res) {
            int status = SyncClient::statusOf(res.error());
            if (status == 413 && batch > 1) {
                batch = std::max<std::size_t>(1, batch / 2);
                continue;
            }
            auto bad = res.error().args.find("change_id");
            if ((status == 413 && batch == 1) || (status == 422 && bad != res.error().args.end())) {
                std::string id = status == 413 ? pending->front().id : bad->second;
                for (const auto& c : *pending)
                    if (c.id == id) {
                        if (auto q = store.quarantine(c, res.error().key, res.error().detail); !q)
                            return finish(q.error());
                        report.quarantined++;
                    }
                continue;
            }
            report.retryAfterS = SyncClient::retryAfterOf(res.error());
            return finish(res.error());
        }
        std::vector<std::string> acked;
        for (std::size_t i = 0; i < res->results.size(); ++i) {
            const auto& r = res->results[i];
            if (r.status == PushStatus::Rejected) {
                if (auto q = store.quarantine((*pending)[i], r.errorKey, r.detail); !q)
                    return finish(q.error());
                report.quarantined++;
            } else {
                acked.push_back(r.id);
                (r.status == PushStatus::Stored ? report.pushed : report.duplicates)++;
            }
        }
        if (auto a = store.acknowledge(acked); !a)
            return finish(a.error());
        done += static_cast<int64_t>(pending->size());
        progress(done, std::max(total, done));
        if (batch < options.pushBatch)
            batch = std::min(options.pushBatch, batch * 2);
    }
    // 2. Pull until the server has nothing more; each page and its cursor commit together.
    for (;;) {
        auto cur = store.cursor();
        if (!cur)
            return finish(cur.error());
        auto page = client.pull(*cur, options.pullPage);
        if (!page) {
            report.retryAfterS = SyncClient::retryAfterOf(page.error());
            return finish(page.error());
        }
        if (auto a = store.applyRemote(page->changes, page->cursor); !a)
            return finish(a.error());
        report.pulled += static_cast<int64_t>(page->changes.size());
        progress(report.pulled, report.pulled);
        if (!page->more)
            break;
    }
    report.bytesSent = client.counters().bytesSent - startSent;
    report.bytesReceived = client.counters().bytesReceived - startRecv;
    if (auto p = publishCounts(store, board); !p)
        return p.error();
    return report;
}

Result<SyncCredentials> enrollDevice(SyncStore& store, const std::string& url,
                                     const std::string& code, const std::string& name) {
    auto device = store.deviceId();
    if (!device)
        return device.error();
    SyncClient client(url);
    auto r = client.enroll(code, *device, name);
    if (!r)
        return r.error();
    SyncCredentials c{url, r->device, r->token, r->counties, r->expiresAt};
    if (auto st = store.saveCredentials(c); !st)
        return st.error();
    return c;
}

std::chrono::milliseconds backoffDelay(int failures, std::chrono::milliseconds min,
                                       std::chrono::milliseconds max, double random01) {
    double base = static_cast<double>(min.count());
    for (int i = 0; i < failures && base < static_cast<double>(max.count()); ++i)
        base *= 2;
    base = std::min(base, static_cast<double>(max.count()));
    return std::chrono::milliseconds(static_cast<int64_t>(base * (0.5 + random01)));
}

SyncEngine::SyncEngine(StoreFactory openStore, SyncStatusBoard& board, SyncOptions options,
                       Timing timing)
    : m_openStore(std::move(openStore)), m_board(board), m_options(options), m_timing(timing) {}

SyncEngine::~SyncEngine() {
    stop();
}

void SyncEngine::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_now = true; // sync at start
    m_thread = std::thread([this] { run(); });
}

void SyncEngine::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void SyncEngine::requestSync() {
    {
        std::lock_guard lock(m_mutex);
        m_now = true;
    }
    m_cv.notify_all();
}

void SyncEngine::notifySaved() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_saved)
            m_savedAt = std::chrono::steady_clock::now();
        m_saved = true;
    }
    m_cv.notify_all();
}

void SyncEngine::requestEnroll(std::string url, std::string code, std::string name,
                               EnrollDone done) {
    {
        std::lock_guard lock(m_mutex);
        if (m_enroll && m_enroll->done)
            m_enroll->done(Error("sync.error.enroll_superseded"));
        m_enroll = EnrollRequest{std::move(url), std::move(code), std::move(name), std::move(done)};
    }
    m_cv.notify_all();
}

void SyncEngine::run() {
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int failures = 0;
    auto next = std::chrono::steady_clock::now();
    std::unique_ptr<SyncStore> store;
    std::unique_ptr<SyncClient> client;
    std::string clientFor;
    std::optional<EnrollRequest> enroll;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            for (;;) {
                if (m_stop)
                    return;
                auto now = std::chrono::steady_clock::now();
                // A person asking (requestSync) goes now; saves and the timer wait out a backoff.
                bool backingOff = failures > 0 && now < next;
                if (m_now || m_enroll)
                    break;
                if (!backingOff &&
                    (now >= next || (m_saved && now >= m_savedAt + m_timing.afterSave)))
                    break;
                auto wake = next;
                if (!backingOff && m_saved)
                    wake = std::min(wake, m_savedAt + m_timing.afterSave);
                m_cv.wait_until(lock, wake);
            }
            m_now = false;
            m_saved = false;
            if (m_enroll) {
                if (enroll && enroll->done)
                    enroll->done(Error("sync.error.enroll_superseded"));
                enroll = std::move(m_enroll);
                m_enroll.reset();
            }
        }
        if (!store) {
            auto s = m_openStore();
            if (!s) {
                m_board.update([&](SyncStatus& st) {
                    st.state = SyncState::Error;
                    st.lastErrorKey = s.error().key;
                });
                next =
                    std::chrono::steady_clock::now() +
                    backoffDelay(++failures, m_timing.backoffMin, m_timing.backoffMax, unit(rng));
                continue;
            }
            store = std::move(*s);
        }
        if (enroll) {
            m_board.update([&](SyncStatus& st) { st.serverUrl = enroll->url; });
            auto r = enrollDevice(*store, enroll->url, enroll->code, enroll->name);
            if (!r)
                m_board.update([&](SyncStatus& st) { st.lastErrorKey = r.error().key; });
            else
                failures = 0; // a new server: no reason to wait out the old one's backoff
            if (enroll->done)
                enroll->done(r);
            enroll.reset();
        }
        auto cred = store->credentials();
        if (!cred || !cred->enrolled()) {
            m_board.update([&](SyncStatus& st) { st.state = SyncState::NotConfigured; });
            publishCounts(*store, &m_board);
            next = std::chrono::steady_clock::now() + m_timing.period;
            continue;
        }
        if (!client || clientFor != cred->url + cred->token) {
            client = std::make_unique<SyncClient>(cred->url, cred->token);
            client->setTimeoutMs(m_options.requestTimeoutMs);
            clientFor = cred->url + cred->token;
        }
        m_board.update([&](SyncStatus& st) {
            st.state = SyncState::Syncing;
            st.serverUrl = cred->url;
        });
        auto r = syncOnce(*store, *client, m_options, &m_board);
        auto now = std::chrono::steady_clock::now();
        if (r) {
            failures = 0;
            next = now + m_timing.period;
            m_board.update([&](SyncStatus& st) {
                st.state = SyncState::Idle;
                st.lastSuccess = unixSeconds();
                st.lastErrorKey.clear();
            });
            continue;
        }
        ++failures;
        auto delay = backoffDelay(failures, m_timing.backoffMin, m_timing.backoffMax, unit(rng));
        if (int ra = SyncClient::retryAfterOf(r.error()); ra >= 0)
            delay = std::max(delay, std::chrono::milliseconds(static_cast<int64_t>(ra) * 1000));
        next = now + delay;
        bool network =
            SyncClient::statusOf(r.error()) == 0 && r.error().key == "sync.error.network";
        m_board.update([&](SyncStatus& st) {
            st.state = network ? SyncState::Offline : SyncState::Error;
            st.lastErrorKey = r.error().key;
        });
    }
}

} // namespace zhuxue::sync
