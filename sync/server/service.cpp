#include "service.hpp"
#include "queue_service.hpp"

#include "client/core/ids.hpp"
#include "client/core/version.hpp"
#include "sync/protocol/wire.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <httplib.h>
#include <set>
#include <sstream>

namespace zhuxue::sync::server {

int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {
constexpr const char* kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // no I, L, O, 0, 1

thread_local std::chrono::steady_clock::time_point t_requestStart;

void sendError(httplib::Response& res, int status, const Error& e) {
    res.status = status;
    res.set_content(errorBody(e).dump(), "application/json");
}

void sendJson(httplib::Response& res, const nlohmann::json& j) {
    res.status = 200;
    res.set_content(j.dump(), "application/json");
}

int64_t peakRssBytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return 0;
}

int64_t rssBytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return 0;
}

std::optional<int64_t> parseNonNegative(const std::string& s) {
    if (s.empty() || s.size() > 18 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoll(s);
}

// httplib (0.11) cuts every response body to the request's Range, error bodies included, and
// would cut a blob piece a second time. Handlers that honour Range (blobs) read the header
// themselves, so the parsed ranges are cleared before any handler runs. The Request object is
// httplib's own non-const local; only its `ranges` member changes.
void ignoreLibraryRanges(const httplib::Request& req) {
    const_cast<httplib::Request&>(req).ranges.clear();
}

// One byte range of a blob of `total` bytes: "bytes=F-L", "bytes=F-" or "bytes=-N" (the last N).
// nullopt when it is not one such range or lies wholly past the end (416).
std::optional<std::pair<int64_t, int64_t>> byteRange(const std::string& header, int64_t total) {
    const std::string unit = "bytes=";
    if (header.rfind(unit, 0) != 0)
        return std::nullopt;
    std::string spec = header.substr(unit.size());
    auto dash = spec.find('-');
    if (dash == std::string::npos)
        return std::nullopt;
    auto first = parseNonNegative(spec.substr(0, dash));
    auto last = parseNonNegative(spec.substr(dash + 1));
    if (dash == 0) { // suffix: the last N bytes
        if (!last || *last == 0 || total == 0)
            return std::nullopt;
        return std::make_pair(std::max<int64_t>(0, total - *last), total - 1);
    }
    if (!first || *first >= total || (dash + 1 < spec.size() && (!last || *last < *first)))
        return std::nullopt;
    return std::make_pair(*first, last ? std::min(*last, total - 1) : total - 1);
}

} // namespace

std::string newEnrollCode() {
    std::string hex = randomHex(12);
    std::string code;
    for (std::size_t i = 0; i < 12; ++i) {
        int v = std::stoi(hex.substr(i * 2, 2), nullptr, 16);
        if (i && i % 4 == 0)
            code += '-';
        code += kCodeAlphabet[v % 31];
    }
    return code;
}

std::string normalizeEnrollCode(const std::string& code) {
    std::string out;
    for (char c : code) {
        if (c == '-' || c == ' ')
            continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

int RateLimiter::blockedFor(const std::string& who, int64_t now) {
    std::lock_guard lock(m_mutex);
    auto& v = m_failures[who];
    v.erase(std::remove_if(v.begin(), v.end(), [&](int64_t t) { return t <= now - m_window; }),
            v.end());
    if (static_cast<int>(v.size()) < m_max)
        return 0;
    return static_cast<int>(v.front() + m_window - now) + 1;
}

void RateLimiter::fail(const std::string& who, int64_t now) {
    std::lock_guard lock(m_mutex);
    prune(now);
    m_failures[who].push_back(now);
}

int RateLimiter::take(const std::string& who, int64_t now) {
    std::lock_guard lock(m_mutex);
    prune(now);
    auto& v = m_failures[who];
    v.erase(v.begin(), std::find_if(v.begin(), v.end(), [&](int64_t t) { return t > now - m_window; }));
    if (static_cast<int>(v.size()) >= m_max)
        return static_cast<int>(v.front() + m_window - now) + 1;
    v.push_back(now);
    return 0;
}

void RateLimiter::prune(int64_t now) {
    // Once a window at most: drop the keys whose every event is older than the window.
    if (now - m_prunedAt < m_window)
        return;
    m_prunedAt = now;
    for (auto it = m_failures.begin(); it != m_failures.end();)
        it = !it->second.empty() && it->second.back() > now - m_window ? std::next(it)
                                                                        : m_failures.erase(it);
}

std::string clientAddress(const std::string& peer, const std::string& forwardedFor,
                          const std::vector<std::string>& trustedProxies) {
    if (forwardedFor.empty() ||
        std::find(trustedProxies.begin(), trustedProxies.end(), peer) == trustedProxies.end())
        return peer;
    // The proxy appends the address it saw last; anything before it the client could have sent.
    auto comma = forwardedFor.rfind(',');
    std::string last = comma == std::string::npos ? forwardedFor : forwardedFor.substr(comma + 1);
    auto b = last.find_first_not_of(" \t");
    auto e = last.find_last_not_of(" \t");
    return b == std::string::npos ? peer : last.substr(b, e - b + 1);
}

Service::Service(Storage& storage, ServiceOptions options)
    : m_storage(storage), m_options(options),
      m_limiter(options.enrollFailuresPerWindow, options.enrollWindowS),
      m_authLimiter(options.authFailuresPerWindow, options.authWindowS),
      m_tokenLimiter(options.tokenRequestsPerMinute, 60) {}

struct Handlers {
    Service& s;

    bool failBody(httplib::Response& res, bool tooLarge, std::size_t max) {
        s.m_clientErrors++;
        res.set_header("Connection", "close");
        if (tooLarge)
            sendError(res, 413,
                      Error("sync.error.body_too_large",
                            {{"max", std::to_string(max)}},
                            "the body is larger than " + std::to_string(max) +
                                " bytes"));
        else
            sendError(res, 400,
                      Error("sync.error.body_incomplete", {},
                            "the body ended early or could not be decoded"));
        return false;
    }

    std::string who(const httplib::Request& req) const {
        return clientAddress(req.remote_addr, req.get_header_value("X-Forwarded-For"),
                             s.m_options.trustedProxies);
    }

    // The device behind the bearer token, if it may call this route (`roles`); otherwise the
    // answer is written (401 unknown, revoked or expired; 403 a role the route does not allow;
    // 429 rate) and nullopt returned.
    std::optional<DeviceInfo> authenticate(const httplib::Request& req, httplib::Response& res,
                                           RoleSet roles) {
        auto d = check(req, res, roles);
        // A refused request's body is never read: close the connection rather than parse it as
        // the next request.
        if (!d && req.method != "GET" && req.method != "HEAD")
            res.set_header("Connection", "close");
        return d;
    }

    std::optional<DeviceInfo> check(const httplib::Request& req, httplib::Response& res, RoleSet roles) {
        const int64_t now = unixNow();
        auto h = req.get_header_value("Authorization");
        if (h.rfind("Bearer ", 0) != 0) {
            s.m_clientErrors++;
            sendError(res, 401,
                      Error("sync.error.no_token", {},
                            "send Authorization: Bearer <token> (enroll first)"));
            return std::nullopt;
        }
        auto dev = s.m_storage.deviceByToken(sha256Hex(h.substr(7)));
        if (!dev) {
            s.m_serverErrors++;
            res.set_header("Retry-After", "2");
            sendError(res, 503, dev.error());
            return std::nullopt;
        }
        if (!dev->has_value()) {
            // Only unknown tokens count against (and are refused for) their address.
            const std::string from = who(req);
            s.m_clientErrors++;
            s.m_authFailures++;
            if (int wait = s.m_authLimiter.blockedFor(from, now)) {
                res.set_header("Retry-After", std::to_string(wait));
                sendError(res, 429,
                          Error("sync.error.auth_rate", {{"seconds", std::to_string(wait)}},
                                "too many unknown tokens from this address; wait " +
                                    std::to_string(wait) + " s"));
                return std::nullopt;
            }
            s.m_authLimiter.fail(from, now);
            sendError(res, 401,
                      Error("sync.error.bad_token", {}, "unknown token: enroll this device again"));
            return std::nullopt;
        }
        const DeviceInfo& d = **dev;
        if (d.revokedAt != 0) {
            s.m_clientErrors++;
            sendError(res, 401,
                      Error("sync.error.revoked", {{"device", d.id}},
                            "this device was revoked on the server"));
            return std::nullopt;
        }
        if (d.expiresAt <= now) {
            s.m_clientErrors++;
            sendError(res, 401,
                      Error("sync.error.token_expired", {{"device", d.id}},
                            "the device token expired: enroll again"));
            return std::nullopt;
        }
        if (!roles.has(d.role)) {
            s.m_clientErrors++;
            // A kiosk or display asking for what it may not have is worth an administrator's look.
            std::fprintf(stderr, "zhuxue-server: audit refused role=%s device=%s %s %s\n",
                         std::string(roleName(d.role)).c_str(), d.id.c_str(), req.method.c_str(),
                         req.path.c_str());
            sendError(res, 403,
                      Error("sync.error.role_forbidden",
                            {{"role", std::string(roleName(d.role))}, {"path", req.path}},
                            "a " + std::string(roleName(d.role)) + " device may not call " +
                                req.method + " " + req.path));
            return std::nullopt;
        }
        if (int wait = s.m_tokenLimiter.take(d.id, now)) {
            s.m_clientErrors++;
            res.set_header("Retry-After", std::to_string(wait));
            sendError(res, 429,
                      Error("sync.error.token_rate", {{"seconds", std::to_string(wait)}},
                            "too many requests from this device; wait " + std::to_string(wait) +
                                " s"));
            return std::nullopt;
        }
        return d;
    }

    void push(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader& reader) {
        s.m_pushRequests++;
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        std::string body;
        bool tooLarge = false;
        if (!readBoundedBody(reader, body, s.m_options.maxBodyBytes, tooLarge)) {
            failBody(res, tooLarge, s.m_options.maxBodyBytes);
            return;
        }
        auto j = parseJson(body);
        if (!j) {
            s.m_clientErrors++;
            return sendError(res, 400, j.error());
        }
        auto batch = pushRequestFromJson(*j);
        if (!batch) {
            s.m_clientErrors++;
            // A change that breaks the rules is 422 and names its index and id, so the device can
            // quarantine exactly that change; a broken envelope is 400.
            return sendError(res, batch.error().args.count("index") ? 422 : 400, batch.error());
        }
        std::set<std::string> scope(dev->counties.begin(), dev->counties.end());
        // A stamp far ahead of the server's clock would win every merge of its field for good
        // and drag each receiving device's clock along: refused, like a change of another county.
        const uint64_t latestMs = static_cast<uint64_t>(unixNow()) * 1000 + kMaxHlcAheadMs;
        std::vector<PushResult> results(batch->changes.size());
        std::vector<Change> toStore;
        std::vector<std::size_t> where;
        for (std::size_t i = 0; i < batch->changes.size(); ++i) {
            const auto& c = batch->changes[i];
            if (c.device != dev->id) {
                results[i] = PushResult{c.id, PushStatus::Rejected, 403, "sync.error.wrong_device",
                                        "a device may push only its own changes"};
            } else if (!scope.count(c.county)) {
                results[i] =
                    PushResult{c.id, PushStatus::Rejected, 403, "sync.error.out_of_scope",
                               "county " + c.county + " is not among this device's counties"};
            } else if ((hlcValue(c.hlc) >> 16) > latestMs) {
                results[i] = PushResult{c.id, PushStatus::Rejected, 422, "sync.error.hlc_future",
                                        "the change's time stamp " + c.hlc +
                                            " is more than a day ahead of the server's clock"};
            } else {
                toStore.push_back(c);
                where.push_back(i);
            }
        }
        if (!toStore.empty()) {
            auto stored = s.m_storage.storeChanges(toStore, unixNow());
            if (!stored) {
                s.m_serverErrors++;
                res.set_header("Retry-After", "2");
                return sendError(res, 503, stored.error());
            }
            for (std::size_t k = 0; k < where.size(); ++k)
                results[where[k]] = (*stored)[k];
        }
        for (const auto& r : results) {
            if (r.status == PushStatus::Stored)
                s.m_stored++;
            else if (r.status == PushStatus::Duplicate)
                s.m_duplicates++;
            else
                s.m_rejected++;
        }
        sendJson(res, toJson(PushResponse{std::move(results)}));
    }

    // The staff accounts of the device's counties (PROTOCOL.md "Accounts"), all of them each time:
    // a county has tens of accounts, and a whole list lets the device disable what is gone.
    void accounts(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        if (!s.m_accounts) {
            s.m_serverErrors++;
            res.set_header("Retry-After", "30");
            return sendError(res, 503, Error("sync.error.storage", {}, "the accounts table is not available"));
        }
        auto list = s.m_accounts->forCounties(dev->counties);
        if (!list) {
            s.m_serverErrors++;
            res.set_header("Retry-After", "2");
            return sendError(res, 503, list.error());
        }
        if (s.m_options.auditReads)
            std::fprintf(stderr, "zhuxue-server: audit accounts device=%s accounts=%zu\n",
                         dev->id.c_str(), list->size());
        sendJson(res, toJson(AccountsResponse{std::move(*list)}));
    }

    void pull(const httplib::Request& req, httplib::Response& res) {
        s.m_pullRequests++;
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        int64_t cursor = 0;
        if (req.has_param("cursor") && !req.get_param_value("cursor").empty()) {
            auto c = parseNonNegative(req.get_param_value("cursor"));
            if (!c) {
                s.m_clientErrors++;
                return sendError(res, 400,
                                 Error("sync.error.bad_cursor", {},
                                       "cursor must be a value this server returned"));
            }
            cursor = *c;
        }
        std::size_t limit = 1000;
        if (req.has_param("limit")) {
            auto l = parseNonNegative(req.get_param_value("limit"));
            if (!l || *l < 1 || *l > static_cast<int64_t>(kMaxPullPage)) {
                s.m_clientErrors++;
                return sendError(res, 400,
                                 Error("sync.error.bad_limit",
                                       {{"max", std::to_string(kMaxPullPage)}},
                                       "limit must be 1-" + std::to_string(kMaxPullPage)));
            }
            limit = static_cast<std::size_t>(*l);
        }
        auto page = s.m_storage.pull(dev->counties, cursor, limit);
        if (!page) {
            s.m_serverErrors++;
            res.set_header("Retry-After", "2");
            return sendError(res, 503, page.error());
        }
        s.m_pulled += static_cast<int64_t>(page->changes.size());
        if (s.m_options.auditReads) {
            std::string counties;
            for (const auto& c : dev->counties)
                counties += (counties.empty() ? "" : ",") + c;
            std::fprintf(stderr, "zhuxue-server: audit pull device=%s counties=%s cursor=%lld..%lld changes=%zu\n",
                         dev->id.c_str(), counties.c_str(), static_cast<long long>(cursor),
                         static_cast<long long>(page->cursor), page->changes.size());
        }
        sendJson(res, toJson(PullResponse{std::move(page->changes), std::to_string(page->cursor),
                                          page->more}));
    }

    void enroll(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
        int64_t now = unixNow();
        const std::string who = this->who(req);
        if (int wait = s.m_limiter.blockedFor(who, now)) {
            s.m_clientErrors++;
            res.set_header("Retry-After", std::to_string(wait));
            return sendError(
                res, 429,
                Error("sync.error.enroll_rate", {{"seconds", std::to_string(wait)}},
                      "too many wrong enrollment codes; wait " + std::to_string(wait) + " s"));
        }
        std::string body;
        bool tooLarge = false;
        if (!readBoundedBody(reader, body, kMaxEnrollBody, tooLarge)) {
            failBody(res, tooLarge, kMaxEnrollBody);
            return;
        }
        auto j = parseJson(body);
        if (!j) {
            s.m_clientErrors++;
            return sendError(res, 400, j.error());
        }
        auto r = enrollRequestFromJson(*j);
        if (!r) {
            s.m_clientErrors++;
            return sendError(res, 400, r.error());
        }
        std::string token = randomHex(32);
        int64_t expires = now + s.m_options.tokenLifetimeS;
        EnrollClaim claim{r->device, r->name, sha256Hex(token), expires,
                          r->role.empty() ? std::nullopt : parseRole(r->role)};
        auto info = s.m_storage.redeemEnrollCode(sha256Hex(normalizeEnrollCode(r->code)), claim, now);
        if (!info) {
            const auto& k = info.error().key;
            if (k == "sync.error.bad_code" || k == "sync.error.wrong_role" ||
                k == "sync.error.device_exists") {
                // Every refused attempt counts: guessing codes and trying to take over an
                // enrolled device id are the same kind of mischief.
                s.m_enrollFailures++;
                s.m_clientErrors++;
                s.m_limiter.fail(who, now);
                std::fprintf(stderr, "zhuxue-server: enroll refused device=%s from=%s (%s)\n",
                             r->device.c_str(), who.c_str(), k.c_str());
                return sendError(res, k == "sync.error.device_exists" ? 409 : 403, info.error());
            }
            s.m_serverErrors++;
            return sendError(res, 503, info.error());
        }
        s.m_enrollments++;
        sendJson(res, toJson(EnrollResponse{info->id, token, info->counties, expires,
                                            std::string(roleName(info->role))}));
    }

    void putBlob(const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader& reader) {
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        std::string sha = req.matches[1];
        auto offset = parseNonNegative(req.get_param_value("offset"));
        auto total = parseNonNegative(req.get_param_value("total"));
        if (!isSha256Hex(sha) || !offset || !total || *total > s.m_options.maxBlobBytes) {
            s.m_clientErrors++;
            return sendError(res, 400,
                             Error("sync.error.bad_blob_request", {},
                                   "PUT /v1/blobs/<sha256>?offset=N&total=N with total <= " +
                                       std::to_string(s.m_options.maxBlobBytes)));
        }
        std::string body;
        bool tooLarge = false;
        if (!readBoundedBody(reader, body, s.m_options.maxBlobPiece, tooLarge)) {
            failBody(res, tooLarge, s.m_options.maxBlobPiece);
            return;
        }
        auto st = s.m_storage.appendBlob(sha, *offset, *total, body);
        if (!st) {
            const auto& k = st.error().key;
            s.m_clientErrors++;
            int status = k == "sync.error.blob_offset" ? 409
                         : k == "sync.error.blob_hash" ? 422
                         : k == "sync.error.blob_size" ? 400
                                                       : 503;
            return sendError(res, status, st.error());
        }
        s.m_blobBytesIn += static_cast<int64_t>(body.size());
        sendJson(res, {{"protocol", kProtocolVersion},
                       {"size", st->size},
                       {"total", st->total},
                       {"complete", st->complete}});
    }

    // Whether the device may see this blob: the first record on the server that named it is of
    // one of the device's counties. A blob no record names yet may be asked about (its uploader
    // asks before pushing the record that names it) but not read. False = answered already.
    bool blobInScope(const DeviceInfo& dev, const std::string& sha, bool reading,
                     httplib::Response& res) {
        auto owner = s.m_storage.blobOwnerCounty(sha);
        if (!owner) {
            s.m_serverErrors++;
            res.set_header("Retry-After", "2");
            sendError(res, 503, owner.error());
            return false;
        }
        bool allowed = *owner ? std::find(dev.counties.begin(), dev.counties.end(), **owner) !=
                                    dev.counties.end()
                              : !reading;
        if (allowed)
            return true;
        s.m_clientErrors++;
        if (s.m_options.auditReads)
            std::fprintf(stderr, "zhuxue-server: audit blob refused device=%s sha256=%s\n",
                         dev.id.c_str(), sha.c_str());
        sendError(res, 403,
                  Error("sync.error.blob_out_of_scope", {{"sha256", sha}},
                        "no attachment record of this device's counties names this blob"));
        return false;
    }

    void blobStatus(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        std::string sha = req.matches[1];
        if (!blobInScope(*dev, sha, false, res))
            return;
        auto st = s.m_storage.blobState(sha);
        if (!st)
            return sendError(res, 503, st.error());
        sendJson(res, {{"protocol", kProtocolVersion},
                       {"size", st->size},
                       {"total", st->total},
                       {"complete", st->complete}});
    }

    void getBlob(const httplib::Request& req, httplib::Response& res) {
        auto dev = authenticate(req, res, {DeviceRole::Staff});
        if (!dev)
            return;
        std::string sha = req.matches[1];
        int64_t offset = 0;
        if (req.has_param("offset")) {
            auto o = parseNonNegative(req.get_param_value("offset"));
            if (!o)
                return sendError(
                    res, 400,
                    Error("sync.error.bad_blob_request", {}, "offset must be a byte count"));
            offset = *o;
        }
        int64_t limit = static_cast<int64_t>(s.m_options.maxBlobPiece);
        if (req.has_param("limit")) {
            auto l = parseNonNegative(req.get_param_value("limit"));
            if (!l || *l < 1)
                return sendError(
                    res, 400,
                    Error("sync.error.bad_blob_request", {}, "limit must be a positive byte count"));
            limit = std::min(limit, *l);
        }
        // Only blobs that a record of this device's counties named first: a hash alone (from a
        // log, a screenshot, another county's device), or a record naming it that the device
        // pushed itself afterwards, does not open a photo or a signature.
        if (!blobInScope(*dev, sha, true, res))
            return;
        // Range (devices resume a cut download with it): 206 with Content-Range, at most one
        // piece (maxBlobPiece) per answer; the device asks again from where the answer ended.
        std::string range = req.get_header_value("Range");
        bool ranged = !range.empty();
        int64_t total = 0;
        if (ranged) {
            auto st = s.m_storage.blobState(sha);
            if (!st) {
                s.m_serverErrors++;
                return sendError(res, 503, st.error());
            }
            if (!st->complete) {
                s.m_clientErrors++;
                return sendError(res, 404, Error("sync.error.blob_missing", {{"sha256", sha}},
                                                 "the blob is not complete on the server"));
            }
            total = st->total;
            auto r = byteRange(range, total);
            if (!r) {
                s.m_clientErrors++;
                res.set_header("Content-Range", "bytes */" + std::to_string(total));
                return sendError(
                    res, 416,
                    Error("sync.error.bad_range",
                          {{"range", range}, {"size", std::to_string(st->total)}},
                          "one range bytes=FIRST-[LAST] or bytes=-N within the blob's " +
                              std::to_string(st->total) + " bytes"));
            }
            offset = r->first;
            limit = std::min(limit, r->second - r->first + 1);
        }
        auto data = s.m_storage.readBlob(sha, offset, limit);
        if (!data) {
            s.m_clientErrors++;
            return sendError(res, data.error().key == "sync.error.blob_missing" ? 404 : 503,
                             data.error());
        }
        s.m_blobBytesOut += static_cast<int64_t>(data->size());
        if (s.m_options.auditReads)
            std::fprintf(stderr, "zhuxue-server: audit blob device=%s sha256=%s offset=%lld bytes=%zu\n",
                         dev->id.c_str(), sha.c_str(), static_cast<long long>(offset), data->size());
        res.status = 200;
        if (ranged) {
            res.status = 206;
            int64_t last = offset + static_cast<int64_t>(data->size()) - 1;
            res.set_header("Content-Range", "bytes " + std::to_string(offset) + "-" +
                                                std::to_string(last) + "/" + std::to_string(total));
        }
        res.set_content(std::move(*data), "application/octet-stream");
    }
};

void Service::install(httplib::Server& server) {
    auto h = std::make_shared<Handlers>(Handlers{*this});
    server.set_payload_max_length(std::max(m_options.maxBodyBytes, m_options.maxBlobPiece) + 1024);
    // Bodies are bounded before a byte of them is read. httplib (0.11) reads the body of a route
    // without a ContentReader whole into memory, chunked or gzip without any limit; so every
    // route that takes a body has a ContentReader handler that stops at its limit, and this
    // handler, which runs once the headers are in, answers everything else that would bring a
    // body (another path or method) and every declared length over the route's limit, closing
    // the connection so the body is never read.
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        t_requestStart = std::chrono::steady_clock::now();
        // Every answer carries the server's time: devices stamp changes by it (PROTOCOL.md).
        res.set_header("Zhuxue-Time-Ms",
                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count()));
        ignoreLibraryRanges(req);
        const auto& m = req.method;
        if (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE" && m != "PRI")
            return httplib::Server::HandlerResponse::Unhandled;
        auto limit = bodyLimit(m, req.path);
        auto refuse = [&](int status, const Error& e) {
            m_clientErrors++;
            res.set_header("Connection", "close");
            sendError(res, status, e);
            return httplib::Server::HandlerResponse::Handled;
        };
        if (!limit)
            return refuse(404, Error("sync.error.not_found", {{"status", "404"}},
                                     "no such route takes a body: " + m + " " + req.path));
        if (req.has_header("Content-Length")) {
            auto declared = parseNonNegative(req.get_header_value("Content-Length"));
            if (!declared || static_cast<uint64_t>(*declared) > *limit)
                return refuse(413, Error("sync.error.body_too_large",
                                         {{"max", std::to_string(*limit)}},
                                         "the body is larger than " + std::to_string(*limit) +
                                             " bytes"));
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([this](const httplib::Request&, const httplib::Response&) {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - t_requestStart)
                      .count();
        m_latencySumUs += us;
        std::size_t b = 0;
        while (b < std::size(kBuckets) && us > static_cast<int64_t>(kBuckets[b] * 1e6))
            ++b;
        m_latency[b]++;
    });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        ignoreLibraryRanges(req); // a Range httplib could not parse ends here (416) too
        if (!res.body.empty())
            return;
        std::string key = res.status == 404   ? "sync.error.not_found"
                          : res.status == 416 ? "sync.error.bad_range"
                          : res.status == 413 ? "sync.error.body_too_large"
                          : res.status == 415 ? "sync.error.bad_encoding"
                                              : "sync.error.http";
        sendError(res, res.status,
                  Error(key, {{"status", std::to_string(res.status)}, {"range", req.get_header_value("Range")}},
                        "HTTP " + std::to_string(res.status)));
    });
    server.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            m_serverErrors++;
            std::string what = "unexpected error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            // The journal gets the exception's text; the client only that something failed
            // (the text may name tables, paths or values).
            std::fprintf(stderr, "zhuxue-server: internal error on %s %s: %s\n", req.method.c_str(),
                         req.path.c_str(), what.c_str());
            sendError(res, 500, Error("sync.error.internal", {}, "internal error"));
        });
    server.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
        sendJson(res, {{"status", "ok"}, {"version", kVersion}, {"protocol", kProtocolVersion}});
    });
    // Metrics (request counts, memory) for a collector on the server itself: a request through
    // a proxy or from another machine is refused.
    server.Get("/v1/metrics", [this](const httplib::Request& req, httplib::Response& res) {
        bool loopback = req.remote_addr == "::1" || req.remote_addr.rfind("127.", 0) == 0 ||
                        req.remote_addr.rfind("::ffff:127.", 0) == 0;
        if (!loopback || req.has_header("X-Forwarded-For")) {
            m_clientErrors++;
            return sendError(res, 403, Error("sync.error.metrics_local", {},
                                             "metrics are served to this machine only"));
        }
        res.set_content(metricsText(), "text/plain; version=0.0.4");
    });
    server.Post("/v1/push", [h](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& r) { h->push(req, res, r); });
    server.Get("/v1/pull",
               [h](const httplib::Request& req, httplib::Response& res) { h->pull(req, res); });
    m_accounts = std::make_unique<AccountStore>(m_storage.queueDb());
    if (auto st = m_accounts->init(); !st) {
        std::fprintf(stderr, "zhuxue-server: 账号表无法创建 accounts table: %s\n", st.error().detail.c_str());
        m_accounts.reset();
    }
    server.Get("/v1/accounts",
               [h](const httplib::Request& req, httplib::Response& res) { h->accounts(req, res); });
    server.Post("/v1/enroll", [h](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& r) { h->enroll(req, res, r); });
    server.Put(R"(/v1/blobs/([0-9a-f]{64}))",
               [h](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& r) { h->putBlob(req, res, r); });
    server.Get(
        R"(/v1/blobs/([0-9a-f]{64})/status)",
        [h](const httplib::Request& req, httplib::Response& res) { h->blobStatus(req, res); });
    server.Get(R"(/v1/blobs/([0-9a-f]{64}))",
               [h](const httplib::Request& req, httplib::Response& res) { h->getBlob(req, res); });
    installQueueRoutes(server, m_storage,
                       [h](const httplib::Request& req, httplib::Response& res, RoleSet roles) {
                           return h->authenticate(req, res, roles);
                       },
                       m_options.auditReads);
}

std::optional<std::size_t> Service::bodyLimit(const std::string& method, const std::string& path) const {
    auto blobPut = [&] {
        const std::string prefix = "/v1/blobs/";
        return path.size() == prefix.size() + 64 && path.rfind(prefix, 0) == 0 &&
               isSha256Hex(path.substr(prefix.size()));
    };
    if (method == "POST" && path == "/v1/push")
        return m_options.maxBodyBytes;
    if (method == "POST" && path == "/v1/enroll")
        return kMaxEnrollBody;
    if (method == "PUT" && blobPut())
        return m_options.maxBlobPiece;
    if (method == "POST" && path.rfind("/v1/queue/", 0) == 0)
        return kMaxQueueBodyBytes;
    return std::nullopt;
}

std::string Service::metricsText() {
    std::ostringstream o;
    auto counter = [&](const char* name, const char* help, int64_t v) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
          << name << ' ' << v << '\n';
    };
    auto gauge = [&](const char* name, const char* help, int64_t v) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
          << name << ' ' << v << '\n';
    };
    counter("zhuxue_changes_stored_total", "Changes stored in the log.", m_stored);
    counter("zhuxue_changes_duplicate_total", "Changes received again (harmless).", m_duplicates);
    counter("zhuxue_changes_rejected_total", "Changes refused (scope, id conflict).", m_rejected);
    counter("zhuxue_changes_pulled_total", "Changes sent to devices.", m_pulled);
    counter("zhuxue_push_requests_total", "Push requests.", m_pushRequests);
    counter("zhuxue_pull_requests_total", "Pull requests.", m_pullRequests);
    counter("zhuxue_client_errors_total", "Requests answered with 4xx.", m_clientErrors);
    counter("zhuxue_server_errors_total", "Requests answered with 5xx.", m_serverErrors);
    counter("zhuxue_enrollments_total", "Devices enrolled.", m_enrollments);
    counter("zhuxue_enroll_failures_total", "Wrong enrollment codes.", m_enrollFailures);
    counter("zhuxue_auth_failures_total", "Requests with an unknown token.", m_authFailures);
    counter("zhuxue_blob_bytes_in_total", "Blob bytes received.", m_blobBytesIn);
    counter("zhuxue_blob_bytes_out_total", "Blob bytes sent.", m_blobBytesOut);
    gauge("zhuxue_process_resident_memory_bytes", "Resident memory.", rssBytes());
    gauge("zhuxue_process_peak_resident_memory_bytes", "Peak resident memory.", peakRssBytes());
    o << "# HELP zhuxue_request_seconds Request latency.\n# TYPE zhuxue_request_seconds "
         "histogram\n";
    int64_t cum = 0;
    for (std::size_t b = 0; b < std::size(kBuckets); ++b) {
        cum += m_latency[b];
        o << "zhuxue_request_seconds_bucket{le=\"" << kBuckets[b] << "\"} " << cum << '\n';
    }
    cum += m_latency[std::size(kBuckets)];
    o << "zhuxue_request_seconds_bucket{le=\"+Inf\"} " << cum << '\n';
    o << "zhuxue_request_seconds_sum " << static_cast<double>(m_latencySumUs.load()) / 1e6 << '\n';
    o << "zhuxue_request_seconds_count " << cum << '\n';
    return o.str();
}

Result<std::unique_ptr<Storage>> openStorage(const std::string& db, const std::string& dataDir) {
    if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
#ifdef ZHUXUE_WITH_POSTGRES
        return openPostgresStorage(db, 8);
#else
        return Error("sync.error.no_postgres", {},
                     "this zhuxue-server was built without PostgreSQL support");
#endif
    }
    if (!db.empty() && db.rfind("sqlite:", 0) != 0)
        return Error("sync.error.bad_db", {{"db", db}},
                     "--db takes postgresql://... (or nothing for SQLite)");
    std::string path = db.empty() ? dataDir + "/zhuxue-server.sqlite" : db.substr(7);
    return openSqliteStorage(path);
}

} // namespace zhuxue::sync::server
