#include "sync_client.hpp"

#include "client/core/ids.hpp"
#include "sync/protocol/wire.hpp"

#include <algorithm>
#include <cstdio>

namespace zhuxue::sync {

SyncClient::SyncClient(std::string baseUrl, std::string token)
    : m_base(std::move(baseUrl)), m_token(std::move(token)) {
    while (!m_base.empty() && m_base.back() == '/')
        m_base.pop_back();
}

std::optional<int64_t> SyncClient::clockOffsetMs() const {
    if (!m_hasClockOffset)
        return std::nullopt;
    return m_clockOffsetMs.load();
}

int SyncClient::statusOf(const Error& e) {
    auto it = e.args.find("status");
    return it == e.args.end() ? 0 : std::atoi(it->second.c_str());
}

int SyncClient::retryAfterOf(const Error& e) {
    auto it = e.args.find("retry_after");
    return it == e.args.end() ? -1 : std::atoi(it->second.c_str());
}

Result<HttpResponse> SyncClient::exchange(HttpRequest req) {
    req.timeoutMs = m_timeoutMs;
    req.headers["Zhuxue-Protocol"] = std::to_string(kProtocolVersion);
    if (!m_token.empty())
        req.headers["Authorization"] = "Bearer " + m_token;
    const int64_t sentAt = systemNowMs();
    auto res = m_http.send(req);
    if (res.transportOk && res.serverTimeMs > 0) {
        const int64_t middle = sentAt + (systemNowMs() - sentAt) / 2;
        m_clockOffsetMs = res.serverTimeMs - middle;
        m_hasClockOffset = true;
    }
    m_counters.bytesSent += res.bytesSent;
    m_counters.bytesReceived += res.bytesReceived;
    if (res.plainHttpRefused)
        return Error("sync.error.plain_http", {{"url", m_base}}, res.transportError);
    if (!res.transportOk)
        return Error("sync.error.network", {{"status", "0"}, {"url", m_base}}, res.transportError);
    if (res.status != 200 && res.status != 206) {
        Error e = errorFromBody(res.status, res.body);
        e.args["status"] = std::to_string(res.status);
        if (res.status == 416 && res.contentRange.rfind("bytes */", 0) == 0)
            e.args["total"] = res.contentRange.substr(8);
        if (res.retryAfterS >= 0)
            e.args["retry_after"] = std::to_string(res.retryAfterS);
        return e;
    }
    return res;
}

Result<nlohmann::json> SyncClient::call(const std::string& method, const std::string& path,
                                        const std::string& body) {
    HttpRequest req;
    req.method = method;
    req.url = m_base + path;
    if (!body.empty()) {
        req.body = gzipCompress(body);
        req.headers["Content-Type"] = "application/json";
        req.headers["Content-Encoding"] = "gzip";
    }
    auto res = exchange(std::move(req));
    if (!res)
        return res.error();
    auto j = parseJson(res->body);
    if (!j) // a cut or garbled answer is a network failure: try again later
        return Error("sync.error.network", {{"status", "0"}},
                     "the server's answer was cut or garbled");
    return j;
}

namespace {
Result<RemoteBlob> remoteBlobFrom(const Result<nlohmann::json>& j) {
    if (!j)
        return j.error();
    if (!j->is_object() || !j->contains("size") || !(*j)["size"].is_number_integer() ||
        !j->contains("complete") || !(*j)["complete"].is_boolean())
        return Error("sync.error.network", {{"status", "0"}},
                     "the blob answer lacks size or complete");
    RemoteBlob b;
    b.size = (*j)["size"].get<int64_t>();
    b.total = j->value("total", int64_t{-1});
    b.complete = (*j)["complete"].get<bool>();
    return b;
}
} // namespace

Result<RemoteBlob> SyncClient::blobStatus(const std::string& sha256) {
    return remoteBlobFrom(call("GET", "/v1/blobs/" + sha256 + "/status", {}));
}

Result<RemoteBlob> SyncClient::putBlob(const std::string& sha256, int64_t offset, int64_t total,
                                       std::string_view piece) {
    HttpRequest req;
    req.method = "PUT";
    req.url = m_base + "/v1/blobs/" + sha256 + "?offset=" + std::to_string(offset) +
              "&total=" + std::to_string(total);
    req.body.assign(piece.data(), piece.size());
    req.headers["Content-Type"] = "application/octet-stream";
    auto res = exchange(std::move(req));
    if (!res)
        return res.error();
    auto j = parseJson(res->body);
    if (!j)
        return Error("sync.error.network", {{"status", "0"}},
                     "the server's answer was cut or garbled");
    return remoteBlobFrom(j);
}

Result<BlobPiece> SyncClient::getBlob(const std::string& sha256, int64_t offset, int64_t limit) {
    HttpRequest req;
    req.url = m_base + "/v1/blobs/" + sha256;
    req.headers["Range"] =
        "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + std::max<int64_t>(limit, 1) - 1);
    auto res = exchange(std::move(req));
    if (!res)
        return res.error();
    // 206 with "bytes FIRST-LAST/TOTAL"; anything else is not the piece that was asked for.
    long long first = -1, last = -1, total = -1;
    if (res->status != 206 ||
        std::sscanf(res->contentRange.c_str(), "bytes %lld-%lld/%lld", &first, &last, &total) != 3 ||
        first != offset || last - first + 1 != static_cast<long long>(res->body.size()) ||
        last >= total)
        return Error("sync.error.network", {{"status", "0"}},
                     "the server did not answer with the byte range asked for (" +
                         res->contentRange + ")");
    return BlobPiece{offset, total, std::move(res->body)};
}

Result<EnrollResponse> SyncClient::enroll(const std::string& code, const std::string& device,
                                          const std::string& name, DeviceRole role) {
    const std::string wanted(roleName(role));
    auto j = call("POST", "/v1/enroll", toJson(EnrollRequest{code, device, name, wanted}).dump());
    if (!j)
        return j.error();
    auto r = enrollResponseFromJson(*j);
    if (r && r->role != wanted)
        return Error("sync.error.wrong_role", {{"code_role", r->role}, {"device_role", wanted}},
                     "the server enrolled this device as " + r->role + ", not as " + wanted);
    return r;
}

Result<PushResponse> SyncClient::push(const std::vector<Change>& changes) {
    auto j = call("POST", "/v1/push", toJson(PushRequest{changes}).dump());
    if (!j)
        return j.error();
    auto r = pushResponseFromJson(*j);
    if (r && r->results.size() != changes.size())
        return Error("sync.error.network", {{"status", "0"}},
                     "the push answer does not match the batch");
    return r;
}

Result<PullResponse> SyncClient::pull(const std::string& cursor, std::size_t limit) {
    auto j = call("GET", "/v1/pull?cursor=" + cursor + "&limit=" + std::to_string(limit), {});
    if (!j)
        return j.error();
    return pullResponseFromJson(*j);
}

Result<AccountsResponse> SyncClient::accounts() {
    auto j = call("GET", "/v1/accounts", {});
    if (!j)
        return j.error();
    return accountsResponseFromJson(*j);
}

} // namespace zhuxue::sync
