#include "sync_commands.hpp"

#include "sync/engine/local_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace zhuxue::cli {

bool isSyncCommand(const std::string& cmd) {
    return cmd == "enroll" || cmd == "sync";
}

namespace {
int report(const Error& e) {
    std::fprintf(stderr, "zhuxue-cli: %s (%s)\n", e.detail.c_str(), e.key.c_str());
    return sync::SyncClient::statusOf(e) == 0 && e.key == "sync.error.network" ? 3 : 1;
}
} // namespace

int runSyncCommand(const std::filesystem::path& dataDir,
                   const std::vector<std::string>& positional) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    auto store = sync::LocalSyncStore::open(dataDir / "sync.sqlite");
    if (!store)
        return report(store.error());
    if (positional[0] == "enroll") {
        if (positional.size() < 3 || positional.size() > 4) {
            std::fprintf(stderr, "用法 usage: zhuxue-cli enroll URL CODE [NAME]\n");
            return 2;
        }
        auto c = sync::enrollDevice(**store, positional[1], positional[2],
                                    positional.size() == 4 ? positional[3] : "");
        if (!c)
            return report(c.error());
        std::string counties;
        for (const auto& x : c->counties)
            counties += (counties.empty() ? "" : ",") + x;
        std::printf("已登记 enrolled device %s (县 counties %s)\n", c->device.c_str(),
                    counties.c_str());
        return 0;
    }
    auto cred = (*store)->credentials();
    if (!cred)
        return report(cred.error());
    if (!cred->enrolled()) {
        std::fprintf(
            stderr,
            "zhuxue-cli: 本机尚未登记 this device is not enrolled: zhuxue-cli enroll URL CODE\n");
        return 1;
    }
    sync::SyncClient client(cred->url, cred->token);
    // Scripts and tests on bad links may want to give up sooner than the 60 s default.
    if (const char* t = std::getenv("ZHUXUE_SYNC_TIMEOUT_MS"))
        client.setTimeoutMs(std::max(500L, std::atol(t)));
    auto r = sync::syncOnce(**store, client, sync::SyncOptions{});
    if (!r)
        return report(r.error());
    auto counts = (*store)->counts();
    std::printf("{\"pushed\": %lld, \"duplicates\": %lld, \"quarantined\": %lld, \"pulled\": %lld, "
                "\"pending\": %lld, "
                "\"conflicts\": %lld, \"bytes_sent\": %lld, \"bytes_received\": %lld}\n",
                static_cast<long long>(r->pushed), static_cast<long long>(r->duplicates),
                static_cast<long long>(r->quarantined), static_cast<long long>(r->pulled),
                static_cast<long long>(counts ? counts->pending : -1),
                static_cast<long long>(counts ? counts->conflicts : -1),
                static_cast<long long>(r->bytesSent), static_cast<long long>(r->bytesReceived));
    return 0;
}

} // namespace zhuxue::cli
