#pragma once
// Plain HTTP(S) GETs from tests through libcurl (the library the client syncs with), so that no
// test needs the curl program: health checks, /v1/metrics, a blob with a Range header.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace zhuxue::test {

struct HttpAnswer {
    long status = 0;   // 0 when no HTTP answer came (error says why)
    std::string body;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string error; // libcurl's message when the request failed
};

// headers: "Name: value"; caFile: trust this certificate (PEM) for https://.
HttpAnswer httpGet(const std::string& url, const std::vector<std::string>& headers = {},
                   std::chrono::milliseconds timeout = std::chrono::seconds(5),
                   const std::string& caFile = {});

// A counter or gauge from a zhuxue-server's /v1/metrics (Prometheus text); throws when the
// server does not answer or does not report it.
double serverMetric(const std::string& serverUrl, const std::string& name);

} // namespace zhuxue::test
