#include "http_get.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <mutex>
#include <stdexcept>

namespace zhuxue::test {

namespace {
size_t appendBody(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t addHeader(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.erase(value.begin());
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
            value.pop_back();
        (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
    }
    return size * n;
}
} // namespace

HttpAnswer httpGet(const std::string& url, const std::vector<std::string>& headers,
                   std::chrono::milliseconds timeout, const std::string& caFile) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    HttpAnswer a;
    CURL* curl = curl_easy_init();
    if (!curl) {
        a.error = "curl_easy_init failed";
        return a;
    }
    curl_slist* list = nullptr;
    for (const auto& h : headers)
        list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, addHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a.headers);
    if (!caFile.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, caFile.c_str());
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
    else
        a.error = curl_easy_strerror(rc);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return a;
}

double serverMetric(const std::string& serverUrl, const std::string& name) {
    HttpAnswer a = httpGet(serverUrl + "/v1/metrics");
    if (a.status != 200)
        throw std::runtime_error("/v1/metrics did not answer: " + a.error);
    auto at = ("\n" + a.body).find("\n" + name + " ");
    if (at == std::string::npos)
        throw std::runtime_error("/v1/metrics has no " + name);
    return std::stod(a.body.substr(at + name.size() + 1));
}

} // namespace zhuxue::test
