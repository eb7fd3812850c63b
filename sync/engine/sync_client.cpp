#include "sync_client.hpp"

#include "sync/protocol/wire.hpp"

namespace zhuxue::sync {

SyncClient::SyncClient(std::string baseUrl, std::string token)
    : m_base(std::move(baseUrl)), m_token(std::move(token)) {
    while (!m_base.empty() && m_base.back() == '/')
        m_base.pop_back();
}

int SyncClient::statusOf(const Error& e) {
    auto it = e.args.find("status");
    return it == e.args.end() ? 0 : std::atoi(it->second.c_str());
}

int SyncClient::retryAfterOf(const Error& e) {
    auto it = e.args.find("retry_after");
    return it == e.args.end() ? -1 : std::atoi(it->second.c_str());
}

Result<nlohmann::json> SyncClient::call(const std::string& method, const std::string& path,
                                        const std::string& body) {
    HttpRequest req;
    req.method = method;
    req.url = m_base + path;
    req.timeoutMs = m_timeoutMs;
    req.headers["Zhuxue-Protocol"] = std::to_string(kProtocolVersion);
    if (!m_token.empty())
        req.headers["Authorization"] = "Bearer " + m_token;
    if (!body.empty()) {
        req.body = gzipCompress(body);
        req.headers["Content-Type"] = "application/json";
        req.headers["Content-Encoding"] = "gzip";
    }
    auto res = m_http.send(req);
    m_counters.bytesSent += res.bytesSent;
    m_counters.bytesReceived += res.bytesReceived;
    if (!res.transportOk)
        return Error("sync.error.network", {{"status", "0"}, {"url", m_base}}, res.transportError);
    if (res.status != 200) {
        Error e = errorFromBody(res.status, res.body);
        e.args["status"] = std::to_string(res.status);
        if (res.retryAfterS >= 0)
            e.args["retry_after"] = std::to_string(res.retryAfterS);
        return e;
    }
    auto j = parseJson(res.body);
    if (!j) // a cut or garbled answer is a network failure: try again later
        return Error("sync.error.network", {{"status", "0"}},
                     "the server's answer was cut or garbled");
    return j;
}

Result<EnrollResponse> SyncClient::enroll(const std::string& code, const std::string& device,
                                          const std::string& name) {
    auto j = call("POST", "/v1/enroll", toJson(EnrollRequest{code, device, name}).dump());
    if (!j)
        return j.error();
    return enrollResponseFromJson(*j);
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

} // namespace zhuxue::sync
