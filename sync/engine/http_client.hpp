#pragma once
// A small libcurl wrapper for the sync engine. The result tells a transport failure (no
// connection, reset, timeout: retry later) from an HTTP status (the server answered).
#include <cstdint>
#include <map>
#include <string>

namespace zhuxue::sync {

struct HttpResponse {
    bool transportOk = false;
    std::string transportError; // curl's message when !transportOk
    int status = 0;
    std::string body;     // decoded (gunzipped) body
    int retryAfterS = -1; // Retry-After in seconds, -1 when absent
    std::string contentRange; // Content-Range value ("bytes 0-99/1000", "bytes */1000"), if any
    int64_t bytesSent = 0, bytesReceived = 0;
    int64_t serverTimeMs = -1; // Zhuxue-Time-Ms: the server's Unix ms when it answered; -1 absent
    // Not sent: plain http:// to a host off this machine, and plain HTTP was not allowed.
    bool plainHttpRefused = false;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::map<std::string, std::string> headers;
    std::string body;
    long timeoutMs = 60000;
    long connectTimeoutMs = 10000;
};

// Whether `url` is plain http:// to a host other than this machine (localhost, 127.0.0.0/8,
// ::1): everything sent there, tokens included, crosses the network in clear.
bool plainHttpOffLoopback(const std::string& url);

class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpResponse send(const HttpRequest& r);
    // Off by default: a plain http:// URL off loopback is refused without a byte sent
    // (plainHttpRefused). On only for a device enrolled with an explicit insecure flag.
    void setAllowPlainHttp(bool allow) { m_allowPlainHttp = allow; }

private:
    bool m_allowPlainHttp = false;
    void* m_curl; // one handle per client keeps the connection alive between requests
};

} // namespace zhuxue::sync
