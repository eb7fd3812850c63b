#include "sync_commands.hpp"

#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "sync/protocol/enrollment.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace zhuxue::cli {

bool isSyncCommand(const std::string& cmd) {
    return cmd == "enroll" || cmd == "sync";
}

namespace {

int report(const Context& ctx, const Error& e) {
    ctx.fail(e);
    return sync::SyncClient::statusOf(e) == 0 && e.key == "sync.error.network" ? 3 : 1;
}

std::string n(int64_t v) {
    return std::to_string(v);
}

// Prints the round's progress on stderr about once a second while it runs (long first syncs on
// slow links must not look hung).
class ProgressPrinter {
public:
    ProgressPrinter(const Context& ctx, sync::SyncStatusBoard& board) : m_ctx(ctx), m_board(board) {
        m_thread = std::thread([this] { run(); });
    }
    ~ProgressPrinter() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }

private:
    void run() {
        int64_t shown = -1;
        std::unique_lock lock(m_mutex);
        while (!m_cv.wait_for(lock, std::chrono::seconds(1), [this] { return m_stop; })) {
            auto s = m_board.snapshot();
            if (s.recordsDone == shown)
                continue;
            shown = s.recordsDone;
            std::fprintf(stderr, "%s\n",
                         m_ctx.text("sync.cli.progress", {{"done", n(s.recordsDone)},
                                                          {"total", n(s.recordsTotal)},
                                                          {"kb", n(s.bytesDone / 1024)}})
                             .c_str());
        }
    }
    const Context& m_ctx;
    sync::SyncStatusBoard& m_board;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

// enroll URL CODE [NAME], or enroll TEXT [NAME] with the enrollment text zhuxue-enroll:URL#CODE
// that zhuxue-server enroll prints and shows as a QR code.
bool enrollWithText(const std::vector<std::string>& positional) {
    return positional.size() >= 2 && sync::isEnrollmentText(positional[1]);
}

bool enrollUsageOk(const std::vector<std::string>& positional) {
    std::size_t operands = enrollWithText(positional) ? 1 : 2;
    return positional.size() >= 1 + operands && positional.size() <= 2 + operands;
}

int runEnroll(const Context& ctx, sync::DeviceSyncStore& store) {
    const auto& positional = ctx.args->positional();
    bool asText = enrollWithText(positional);
    std::size_t operands = asText ? 1 : 2;
    sync::EnrollmentLink link;
    if (asText) {
        auto parsed = sync::parseEnrollmentText(positional[1]);
        if (!parsed)
            return report(ctx, parsed.error());
        link = *parsed;
        // A kiosk's or a display's code links that machine from its settings.json; this
        // command enrols a staff device's store.
        if (link.role != sync::DeviceRole::Staff)
            return report(ctx, Error("sync.error.wrong_role",
                                     {{"code_role", std::string(sync::roleName(link.role))},
                                      {"device_role", "staff"}},
                                     "this enrollment text is for a kiosk or a hall display"));
    } else {
        link = {positional[1], positional[2]};
    }
    std::string name = positional.size() == 2 + operands ? positional.back() : "";
    // Plain http:// off this machine only on request: everything, the token included, would
    // cross the network in clear.
    auto c = sync::enrollDevice(store, link.url, link.code, name, ctx.args->flag("insecure"));
    if (!c)
        return report(ctx, c.error());
    std::string counties;
    for (const auto& x : c->counties)
        counties += (counties.empty() ? "" : ",") + x;
    ctx.say("sync.cli.enrolled", {{"device", c->device}, {"counties", counties}, {"url", c->url}});
    return 0;
}

} // namespace

int runSyncCommand(const Context& ctx) {
    const auto& positional = ctx.args->positional();
    if (positional[0] == "enroll" && !enrollUsageOk(positional)) {
        std::fprintf(stderr, "%s\n", ctx.text("sync.cli.enroll_usage").c_str());
        return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(ctx.dataDir, ec);
    auto store = sync::DeviceSyncStore::open(ctx.dataDir);
    if (!store)
        return report(ctx, store.error());
    if (positional[0] == "enroll")
        return runEnroll(ctx, **store);
    auto cred = (*store)->credentials();
    if (!cred)
        return report(ctx, cred.error());
    if (!cred->enrolled()) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", ctx.text("sync.cli.not_enrolled").c_str());
        return 1;
    }
    if (cred->tokenLocked)
        return report(ctx, Error("store.locked", {}, "the device token is sealed: someone must sign in"));
    auto before = (*store)->counts();
    if (!before)
        return report(ctx, before.error());
    std::fprintf(stderr, "%s\n",
                 ctx.text("sync.cli.start", {{"url", cred->url}, {"pending", n(before->pending)}})
                     .c_str());
    sync::SyncClient client(cred->url, cred->token);
    client.setAllowPlainHttp(cred->allowPlainHttp);
    // Scripts and tests on bad links may want to give up sooner than the 60 s default.
    if (const char* t = std::getenv("ZHUXUE_SYNC_TIMEOUT_MS"))
        client.setTimeoutMs(std::max(500L, std::atol(t)));
    sync::SyncStatusBoard board;
    Result<sync::SyncReport> r = Error("sync.error.store");
    {
        ProgressPrinter progress(ctx, board);
        r = sync::syncOnce(**store, client, sync::SyncOptions{}, &board);
    }
    if (!r)
        return report(ctx, r.error());
    auto counts = (*store)->counts();
    if (!counts)
        return report(ctx, counts.error());
    ctx.say("sync.cli.done", {{"pushed", n(r->pushed + r->duplicates)},
                              {"pulled", n(r->pulled)},
                              {"pending", n(counts->pending)},
                              {"conflicts", n(counts->conflicts)},
                              {"quarantined", n(counts->quarantined)}});
    // Photos and signatures travel apart from the records: what went, what came, what waits.
    ctx.say("sync.cli.files", {{"up", n(r->blobsUploaded)},
                               {"up_kb", n((r->blobBytesUp + 1023) / 1024)},
                               {"down", n(r->blobsDownloaded)},
                               {"down_kb", n((r->blobBytesDown + 1023) / 1024)},
                               {"waiting_up", n(counts->blobsUp)},
                               {"waiting_down", n(counts->blobsDown)}});
    // One JSON line for scripts and tests.
    std::printf("{\"pushed\": %lld, \"duplicates\": %lld, \"quarantined\": %lld, \"pulled\": %lld, "
                "\"pending\": %lld, \"conflicts\": %lld, \"quarantine\": %lld, "
                "\"bytes_sent\": %lld, \"bytes_received\": %lld, \"accounts\": %lld, "
                "\"files_up\": %lld, \"files_down\": %lld, \"files_waiting_up\": %lld, "
                "\"files_waiting_down\": %lld, \"files_unavailable\": %lld}\n",
                static_cast<long long>(r->pushed), static_cast<long long>(r->duplicates),
                static_cast<long long>(r->quarantined), static_cast<long long>(r->pulled),
                static_cast<long long>(counts->pending), static_cast<long long>(counts->conflicts),
                static_cast<long long>(counts->quarantined),
                static_cast<long long>(r->bytesSent), static_cast<long long>(r->bytesReceived),
                static_cast<long long>(r->accounts), static_cast<long long>(r->blobsUploaded),
                static_cast<long long>(r->blobsDownloaded), static_cast<long long>(counts->blobsUp),
                static_cast<long long>(counts->blobsDown), static_cast<long long>(r->blobsUnavailable));
    return 0;
}

} // namespace zhuxue::cli
