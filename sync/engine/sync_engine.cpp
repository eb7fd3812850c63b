#include "sync_engine.hpp"

#include <algorithm>
#include <chrono>
#include <future>
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
        s.blobsPendingUp = counts->blobsUp;
        s.blobsPendingDown = counts->blobsDown;
        s.lastSuccess = std::max(s.lastSuccess, counts->lastSuccess);
    });
    return {};
}

bool isLocked(const Error& e) {
    return e.key == "store.locked";
}

// The next piece size: what the link moved in blobPieceSeconds, within the bounds.
void adaptPiece(SyncClient& client, const SyncOptions& o, int64_t bytes,
                std::chrono::steady_clock::duration took) {
    double s = std::max(0.001, std::chrono::duration<double>(took).count());
    auto next = static_cast<int64_t>(static_cast<double>(bytes) / s * o.blobPieceSeconds);
    // Grow at most fourfold at a time: one fast piece on a noisy link proves little.
    next = std::min(next, std::max<int64_t>(client.blobPiece(), bytes) * 4);
    client.setBlobPiece(std::clamp(next, o.blobPieceMin, o.blobPieceMax));
}

// The next push batch or pull page size after one of `size` changes took `took`.
std::size_t adaptPage(const SyncOptions& o, std::size_t size, std::size_t cap,
                      std::chrono::steady_clock::duration took) {
    double s = std::max(0.001, std::chrono::duration<double>(took).count());
    auto next = static_cast<std::size_t>(static_cast<double>(size) / s * o.pageSeconds);
    next = std::min(next, size * 2);
    return std::clamp(next, std::max<std::size_t>(1, std::min(o.pageMin, cap)),
                      std::max<std::size_t>(1, cap));
}

void shrinkPiece(SyncClient& client, const SyncOptions& o) {
    client.setBlobPiece(std::max(o.blobPieceMin, client.blobPiece() / 2));
}

// Uploads one blob, resuming where the server's copy ends. Ok also when the blob was set aside
// (refused for good, or the local file is damaged); an error stops the round.
Status uploadBlob(SyncStore& store, SyncClient& client, const SyncOptions& o, const BlobRef& ref,
                  SyncReport& report) {
    auto bytes = store.readBlob(ref.sha256);
    if (!bytes) {
        if (bytes.error().key == "store.attachment_damaged") {
            report.blobsRefused++; // nothing to send; the store's check reports the file
            return {};
        }
        return bytes.error();
    }
    const auto total = static_cast<int64_t>(bytes->size());
    auto st = client.blobStatus(ref.sha256);
    if (!st)
        return st.error();
    if (st->complete)
        return store.blobUploaded(ref.sha256);
    int64_t offset = st->total == total ? st->size : 0;
    for (int offsetFixes = 0;;) {
        int64_t len = std::min(client.blobPiece(), total - offset);
        auto t0 = std::chrono::steady_clock::now();
        auto r = client.putBlob(ref.sha256, offset, total,
                                std::string_view(*bytes).substr(static_cast<std::size_t>(offset),
                                                                static_cast<std::size_t>(len)));
        if (r) {
            report.blobBytesUp += len;
            if (len > 0)
                adaptPiece(client, o, len, std::chrono::steady_clock::now() - t0);
            if (r->complete) {
                report.blobsUploaded++;
                return store.blobUploaded(ref.sha256);
            }
            offset = r->size;
            continue;
        }
        int status = SyncClient::statusOf(r.error());
        if (status == 409 && ++offsetFixes <= 3) { // another upload moved it: continue there
            auto it = r.error().args.find("expected");
            offset = it == r.error().args.end() ? 0 : std::atoll(it->second.c_str());
            if (offset < 0 || offset > total)
                offset = 0;
            continue;
        }
        if (status == 413 && client.blobPiece() > o.blobPieceMin) {
            shrinkPiece(client, o);
            continue;
        }
        if (status == 0)
            shrinkPiece(client, o); // a piece that did not make it: smaller ones next time
        // Network, 5xx, 429 and a hash mismatch (the server discarded it) are retried later;
        // the rest is final for this blob.
        if (status == 0 || status >= 500 || status == 429 || status == 422 || status == 409 ||
            status == 401)
            return r.error();
        report.blobsRefused++;
        return store.blobRefused(ref.sha256, r.error().key);
    }
}

// Downloads one blob and keeps it when its SHA-256 is right. Ok also when the server does not
// have it (yet): the record stays "file missing" and the next round asks again. Each piece is
// kept (sealed) as it arrives, so a download cut midway resumes with a Range request for the
// rest; the whole is hash-checked at the end.
Status downloadBlob(SyncStore& store, SyncClient& client, const SyncOptions& o, const BlobRef& ref,
                    SyncReport& report) {
    auto kept = store.partialBlob(ref.sha256);
    if (!kept)
        return kept.error();
    std::string data = std::move(*kept);
    constexpr int64_t kMaxBlob = 1LL << 30;
    bool startedOver = false;
    for (;;) {
        const auto have = static_cast<int64_t>(data.size());
        int64_t want = client.blobPiece();
        auto t0 = std::chrono::steady_clock::now();
        auto r = client.getBlob(ref.sha256, have, want);
        if (!r) {
            int status = SyncClient::statusOf(r.error());
            if (status == 404 || status == 403) {
                report.blobsUnavailable++;
                return {};
            }
            if (status == 416) {
                // Nothing after `have`: the kept bytes are the whole blob (an empty one, or a
                // round killed before it stored the file), or they are not this blob's: start over.
                auto it = r.error().args.find("total");
                if (it != r.error().args.end() && std::atoll(it->second.c_str()) == have)
                    break;
                if (startedOver)
                    return r.error();
                store.dropPartialBlob(ref.sha256);
                data.clear();
                startedOver = true;
                continue;
            }
            if (status == 0)
                shrinkPiece(client, o);
            return r.error();
        }
        const auto got = static_cast<int64_t>(r->bytes.size());
        if (got > 0) {
            adaptPiece(client, o, got, std::chrono::steady_clock::now() - t0);
            if (auto st = store.appendPartialBlob(ref.sha256, have, r->bytes); !st)
                return st;
        }
        report.blobBytesDown += got;
        data += r->bytes;
        if (got == 0 || have + got >= r->total || have + got > kMaxBlob)
            break;
    }
    auto st = store.storeBlob(ref.sha256, data);
    if (!st) {
        if (st.error().key != "store.attachment_damaged")
            return st; // e.g. locked: the kept bytes wait for the next round
        store.dropPartialBlob(ref.sha256); // not what the record names: fetch it anew next time
        report.blobsRefused++;
        return {};
    }
    store.dropPartialBlob(ref.sha256);
    report.blobsDownloaded++;
    return {};
}
} // namespace

namespace {
// The device's stamps follow the server's clock: a device a year off still stamps changes the
// server takes and merges fairly (a stamp more than a day ahead of the server is refused).
Status learnClock(SyncStore& store, const SyncClient& client) {
    if (auto offset = client.clockOffsetMs())
        return store.setClockOffset(*offset);
    return {};
}
} // namespace

Result<SyncReport> syncOnce(SyncStore& store, SyncClient& client, const SyncOptions& options,
                            SyncStatusBoard* board) {
    SyncReport report;
    auto finish = [&](Error e) -> Result<SyncReport> {
        learnClock(store, client);
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
    // 0. Blobs first: a change that names an attachment reaches other devices only after the
    //    server has the whole file.
    auto up = store.blobsToUpload();
    if (!up)
        return finish(up.error());
    for (const auto& ref : *up)
        if (auto st = uploadBlob(store, client, options, ref, report); !st) {
            report.retryAfterS = SyncClient::retryAfterOf(st.error());
            return finish(st.error());
        }
    // 1. Push the outbox in batches. 413 halves the batch; a change the server refuses for good
    //    goes to quarantine; anything else stops the round and is retried later.
    auto counts = store.counts();
    if (!counts)
        return counts.error();
    int64_t total = counts->pending, done = 0;
    std::size_t batch = std::min(options.pushBatch, options.pageMax);
    std::size_t batchCap = options.pageMax; // lowered by a 413: this server takes no more
    for (;;) {
        auto t0 = std::chrono::steady_clock::now();
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
                batchCap = batch;
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
        if (pending->size() == batch)
            batch = adaptPage(options, batch, batchCap, std::chrono::steady_clock::now() - t0);
    }
    // 2. Pull until the server has nothing more; each page and its cursor commit together. The
    //    next page is asked for (with the cursor the server returned) while this one is applied,
    //    so the server builds it meanwhile; pages are still applied one after another, in order.
    //    Only the fetching thread uses the client until its answer has been taken.
    auto cur = store.cursor();
    if (!cur)
        return finish(cur.error());
    std::size_t pageSize = std::min(options.pullPage, options.pageMax);
    auto fetch = [&client](std::string cursor, std::size_t size) {
        return std::async(std::launch::async, [&client, cursor = std::move(cursor), size] {
            return client.pull(cursor, size);
        });
    };
    auto next = fetch(*cur, pageSize);
    auto t0 = std::chrono::steady_clock::now();
    for (;;) {
        auto page = next.get();
        if (!page) {
            report.retryAfterS = SyncClient::retryAfterOf(page.error());
            return finish(page.error());
        }
        const auto count = static_cast<int64_t>(page->changes.size());
        progress(report.pulled + count, report.pulled + count);
        if (page->more) {
            auto t = std::chrono::steady_clock::now();
            if (static_cast<std::size_t>(count) == pageSize)
                pageSize = adaptPage(options, pageSize, options.pageMax, t - t0);
            t0 = t;
            next = fetch(page->cursor, pageSize);
        }
        if (auto a = store.applyRemote(page->changes, page->cursor); !a)
            return finish(a.error()); // a page in flight is awaited (and dropped) on return
        report.pulled += count;
        if (board && count > 0)
            board->update([&](SyncStatus& s) { s.pulledTotal += count; });
        if (!page->more)
            break;
    }
    // 3. Staff accounts of this device's counties (a server without them answers 404: skipped).
    //    A disabled account's signed-in session is locked here, within this round.
    auto accounts = client.accounts();
    if (!accounts && SyncClient::statusOf(accounts.error()) != 404) {
        report.retryAfterS = SyncClient::retryAfterOf(accounts.error());
        return finish(accounts.error());
    }
    if (accounts) {
        auto locked = store.applyAccounts(accounts->accounts);
        if (!locked)
            return finish(locked.error());
        report.accounts = static_cast<int64_t>(accounts->accounts.size());
        report.sessionLocked = *locked;
        if (*locked) // nobody is signed in any more: files wait for the next session
            return finish(Error("store.locked", {}, "the signed-in account was disabled on the server"));
    }
    // 4. Files of pulled attachment records.
    auto down = store.blobsMissingLocally();
    if (!down)
        return finish(down.error());
    for (const auto& ref : *down)
        if (auto st = downloadBlob(store, client, options, ref, report); !st) {
            report.retryAfterS = SyncClient::retryAfterOf(st.error());
            return finish(st.error());
        }
    report.bytesSent = client.counters().bytesSent - startSent;
    report.bytesReceived = client.counters().bytesReceived - startRecv;
    if (auto st = learnClock(store, client); !st)
        return st.error();
    if (auto st = store.recordSuccess(unixSeconds()); !st)
        return st.error();
    if (auto p = publishCounts(store, board); !p)
        return p.error();
    return report;
}

Result<SyncCredentials> enrollDevice(SyncStore& store, const std::string& url,
                                     const std::string& code, const std::string& name,
                                     bool allowPlainHttp) {
    auto device = store.deviceId();
    if (!device)
        return device.error();
    if (store.locked())
        return Error("store.locked", {}, "sign in first: the device token is kept sealed with the data key");
    SyncClient client(url);
    client.setAllowPlainHttp(allowPlainHttp);
    auto r = client.enroll(code, *device, name);
    if (!r)
        return r.error();
    SyncCredentials c{url, r->device, r->token, r->counties, r->expiresAt};
    c.allowPlainHttp = allowPlainHttp;
    if (auto st = store.saveCredentials(c); !st)
        return st.error();
    if (auto st = learnClock(store, client); !st)
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
                               EnrollDone done, bool allowPlainHttp) {
    {
        std::lock_guard lock(m_mutex);
        if (m_enroll && m_enroll->done)
            m_enroll->done(Error("sync.error.enroll_superseded"));
        m_enroll = EnrollRequest{std::move(url), std::move(code), std::move(name), std::move(done),
                                 allowPlainHttp};
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
        auto waitForSignIn = [&] {
            // Not a failure: no backoff, no error shown; look again shortly.
            m_board.update([&](SyncStatus& st) {
                st.state = SyncState::WaitingForSignIn;
                st.lastErrorKey.clear();
                ++st.signInChecks;
            });
            next = std::chrono::steady_clock::now() + m_timing.lockedPoll;
        };
        if (!store) {
            auto s = m_openStore();
            if (!s && isLocked(s.error())) {
                waitForSignIn();
                continue;
            }
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
            auto r = enrollDevice(*store, enroll->url, enroll->code, enroll->name,
                                  enroll->allowPlainHttp);
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
        if (cred->tokenLocked) { // the token opens only while someone is signed in
            publishCounts(*store, &m_board);
            waitForSignIn();
            continue;
        }
        if (!client || clientFor != cred->url + cred->token) {
            client = std::make_unique<SyncClient>(cred->url, cred->token);
            client->setAllowPlainHttp(cred->allowPlainHttp);
            client->setTimeoutMs(m_options.requestTimeoutMs);
            clientFor = cred->url + cred->token;
        }
        m_board.update([&](SyncStatus& st) {
            // A look at a still-locked store is not shown as syncing (no flicker every poll).
            if (st.state != SyncState::WaitingForSignIn)
                st.state = SyncState::Syncing;
            st.serverUrl = cred->url;
        });
        auto r = syncOnce(*store, *client, m_options, &m_board);
        if (!r && isLocked(r.error())) {
            waitForSignIn();
            continue;
        }
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
