#include "http_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <mutex>

namespace zhuxue::sync {

namespace {
size_t onBody(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}
size_t onHeader(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    auto* r = static_cast<HttpResponse*>(user);
    if (line.size() > 12 && strncasecmp(line.c_str(), "retry-after:", 12) == 0) {
        try {
            r->retryAfterS = std::stoi(line.substr(12));
        } catch (...) {
            r->retryAfterS = 5;
        }
    }
    if (line.size() > 14 && strncasecmp(line.c_str(), "content-range:", 14) == 0) {
        auto b = line.find_first_not_of(" \t", 14), e = line.find_last_not_of(" \t\r\n");
        r->contentRange = b == std::string::npos ? "" : line.substr(b, e - b + 1);
    }
    if (line.size() > 15 && strncasecmp(line.c_str(), "zhuxue-time-ms:", 15) == 0) {
        char* end = nullptr;
        long long ms = std::strtoll(line.c_str() + 15, &end, 10);
        if (end != line.c_str() + 15 && ms > 0)
            r->serverTimeMs = ms;
    }
    return size * n;
}
} // namespace

bool plainHttpOffLoopback(const std::string& url) {
    if (url.size() < 7 || strncasecmp(url.c_str(), "http://", 7) != 0)
        return false;
    // The host: after the scheme and any user info, up to the port, path, query or fragment.
    std::string rest = url.substr(7);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string::npos)
        rest = rest.substr(at + 1);
    std::string host;
    if (!rest.empty() && rest.front() == '[')
        host = rest.substr(1, rest.find(']') == std::string::npos ? std::string::npos
                                                                  : rest.find(']') - 1);
    else
        host = rest.substr(0, rest.find(':'));
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (host == "localhost" || host == "::1")
        return false;
    // 127.0.0.0/8, written as four decimal numbers (so 127.0.0.1.example.com is not loopback).
    int parts[4];
    char tail = 0;
    if (std::sscanf(host.c_str(), "%d.%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &parts[3],
                    &tail) == 4 &&
        parts[0] == 127 &&
        std::all_of(parts + 1, parts + 4, [](int p) { return p >= 0 && p <= 255; }))
        return false;
    return true;
}

HttpClient::HttpClient() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_curl = curl_easy_init();
}

HttpClient::~HttpClient() {
    curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

HttpResponse HttpClient::send(const HttpRequest& r) {
    CURL* c = static_cast<CURL*>(m_curl);
    curl_easy_reset(c);
    HttpResponse out;
    if (!m_allowPlainHttp && plainHttpOffLoopback(r.url)) {
        out.plainHttpRefused = true;
        out.transportError = "plain http:// to a host off this machine is not allowed";
        return out;
    }
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r.timeoutMs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r.connectTimeoutMs);
    // A stalled link: give up when fewer than 10 bytes/s flow for 30 s (or the whole timeout).
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, std::min(30L, r.timeoutMs / 1000)));
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out);
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : r.headers)
        headers = curl_slist_append(headers, (k + ": " + v).c_str());
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (r.method == "POST" || r.method == "PUT") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        out.transportError = curl_easy_strerror(rc);
        return out;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t up = 0, down = 0;
    curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
    curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
    out.transportOk = true;
    out.status = static_cast<int>(status);
    out.bytesSent = static_cast<int64_t>(up);
    out.bytesReceived = static_cast<int64_t>(down);
    return out;
}

} // namespace zhuxue::sync
