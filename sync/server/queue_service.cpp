#include "queue_service.hpp"

#include "client/core/version.hpp"
#include "queue_store.hpp"
#include "sync/protocol/messages.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <httplib.h>
#include <map>
#include <sodium.h>

namespace zhuxue::sync::server {

namespace {

constexpr RoleSet kStaff{DeviceRole::Staff};
constexpr RoleSet kKiosk{DeviceRole::Kiosk, DeviceRole::Staff};
constexpr RoleSet kDisplay{DeviceRole::Display, DeviceRole::Staff};
constexpr RoleSet kAnyHallDevice{DeviceRole::Display, DeviceRole::Kiosk, DeviceRole::Staff};

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json toJson(const Ticket& t) {
    return {{"id", t.id},           {"day", t.day},         {"service", t.service},
            {"code", t.code},       {"number", t.number},   {"status", t.status},
            {"window", t.window},   {"transfer_to", t.transferTo}, {"issued_at", t.issuedAt},
            {"called_at", t.calledAt}, {"calls", t.calls},  {"call_seq", t.callSeq},
            {"township", t.township}};
}

nlohmann::json toJson(const Appointment& a) {
    return {{"id", a.id},         {"day", a.day},   {"time", a.time}, {"service", a.service},
            {"township", a.township}, {"code", a.code}, {"created_at", a.createdAt}};
}

void send(httplib::Response& res, int status, const nlohmann::json& j) {
    res.status = status;
    res.set_content(j.dump(), "application/json");
}

int statusFor(const Error& e) {
    if (e.key == "hall.error.slot_full" || e.key == "hall.error.ticket_conflict")
        return 409;
    if (e.key.rfind("hall.error.", 0) == 0)
        return 422;
    return 503;
}

void sendError(httplib::Response& res, const Error& e) {
    int status = statusFor(e);
    if (status == 503)
        res.set_header("Retry-After", "2");
    send(res, status, errorBody(e));
}

struct QueueRoutes {
    std::unique_ptr<QueueStore> store;
    Error unavailable; // set when store is null
    Authenticator auth;
    bool auditReads = true;

    // Authenticates (a device of one of `roles`) and checks the queue is configured; nullopt =
    // answered already.
    std::optional<DeviceInfo> enter(const httplib::Request& req, httplib::Response& res, RoleSet roles) {
        auto dev = auth(req, res, roles);
        if (!dev)
            return std::nullopt;
        if (!store) {
            res.set_header("Retry-After", "30");
            send(res, 503, errorBody(unavailable));
            return std::nullopt;
        }
        return dev;
    }

    // The request's JSON object, read through the route's ContentReader and never more than
    // kMaxQueueBodyBytes of it (after gunzip; chunked the same): nullopt = answered already.
    std::optional<nlohmann::json> body(const httplib::ContentReader& reader, httplib::Response& res) {
        std::string text;
        bool tooLarge = false;
        if (!readBoundedBody(reader, text, kMaxQueueBodyBytes, tooLarge)) {
            res.set_header("Connection", "close");
            if (tooLarge)
                send(res, 413, errorBody(Error("sync.error.body_too_large",
                                               {{"max", std::to_string(kMaxQueueBodyBytes)}},
                                               "queue bodies are small")));
            else
                send(res, 400, errorBody(Error("sync.error.body_incomplete", {},
                                               "the body ended early or could not be decoded")));
            return std::nullopt;
        }
        auto j = parseJson(text.empty() ? std::string("{}") : text);
        if (!j || !j->is_object()) {
            send(res, 400, errorBody(j ? Error("sync.error.malformed_json", {}, "the body is not a JSON object")
                                       : j.error()));
            return std::nullopt;
        }
        return std::move(*j);
    }

    std::string today() const { return localDay(nowMs() / 1000); }

    std::optional<int> window(const httplib::Request& req, httplib::Response& res) {
        int w = std::atoi(req.matches[1].str().c_str());
        auto ws = store->config().windows();
        if (std::find(ws.begin(), ws.end(), w) == ws.end()) {
            sendError(res, Error("hall.error.unknown_window", {{"window", std::to_string(w)}},
                                 "no such window in the hall configuration"));
            return std::nullopt;
        }
        return w;
    }

    void issue(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        auto dev = enter(req, res, kKiosk);
        if (!dev)
            return;
        auto j = body(reader, res);
        if (!j)
            return;
        NewTicket t;
        try {
            t.id = j->value("id", "");
            t.service = j->value("service", "");
            t.township = j->value("township", "");
            t.localCode = j->value("local_code", "");
            t.issuedAt = j->value("issued_at", int64_t{0});
        } catch (const std::exception& e) {
            return send(res, 400, errorBody(Error("sync.error.malformed_json", {}, e.what())));
        }
        std::string day = j->value("day", today());
        if (weekdayOf(day) == 0)
            return sendError(res, Error("hall.error.bad_day", {{"day", day}}, "day is YYYY-MM-DD"));
        auto r = store->issue(t, day, dev->id, nowMs());
        if (!r)
            return sendError(res, r.error());
        send(res, 200, toJson(*r));
    }

    void act(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        if (!enter(req, res, kStaff))
            return;
        auto j = body(reader, res);
        if (!j)
            return;
        auto w = window(req, res);
        if (!w)
            return;
        std::string what = req.matches[2].str();
        Result<std::optional<Ticket>> r = std::optional<Ticket>();
        if (what == "next") {
            r = store->callNext(today(), *w, nowMs());
        } else if (what == "recall") {
            r = store->recall(today(), *w, nowMs());
        } else if (what == "skip") {
            r = store->skip(today(), *w, nowMs());
        } else {
            int to = j->value("to", 0);
            auto ws = store->config().windows();
            if (to == *w || std::find(ws.begin(), ws.end(), to) == ws.end())
                return sendError(res, Error("hall.error.unknown_window", {{"window", std::to_string(to)}},
                                            "transfer to another configured window"));
            r = store->transfer(today(), *w, to, nowMs());
        }
        if (!r)
            return sendError(res, r.error());
        send(res, 200, {{"window", *w}, {"ticket", r->has_value() ? toJson(**r) : nlohmann::json()}});
    }

    void calls(const httplib::Request& req, httplib::Response& res) {
        if (!enter(req, res, kDisplay))
            return;
        std::string day = today();
        auto c = store->calls(day);
        if (!c)
            return sendError(res, c.error());
        auto all = store->tickets(day);
        if (!all)
            return sendError(res, all.error());
        nlohmann::json list = nlohmann::json::array();
        int64_t seq = 0;
        for (const auto& t : *c) {
            list.push_back(toJson(t));
            seq = std::max(seq, t.callSeq);
        }
        std::map<std::string, int> waiting;
        for (const auto& s : store->config().services)
            waiting[s.id] = 0;
        for (const auto& t : *all)
            if (t.status == "waiting")
                waiting[t.service]++;
        send(res, 200, {{"day", day}, {"calls", list}, {"last_call_seq", seq}, {"waiting", waiting}});
    }

    void tickets(const httplib::Request& req, httplib::Response& res) {
        if (!enter(req, res, kStaff))
            return;
        auto all = store->tickets(today());
        if (!all)
            return sendError(res, all.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& t : *all)
            list.push_back(toJson(t));
        send(res, 200, {{"day", today()}, {"tickets", list}});
    }

    void book(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        auto dev = enter(req, res, kKiosk);
        if (!dev)
            return;
        auto j = body(reader, res);
        if (!j)
            return;
        Appointment a;
        try {
            a.id = j->value("id", "");
            a.service = j->value("service", "");
            a.township = j->value("township", "");
            a.day = j->value("day", "");
            a.time = j->value("time", "");
        } catch (const std::exception& e) {
            return send(res, 400, errorBody(Error("sync.error.malformed_json", {}, e.what())));
        }
        a.device = dev->id;
        auto r = store->book(a, today(), nowMs());
        if (!r)
            return sendError(res, r.error());
        send(res, 200, toJson(*r));
    }

    void appointments(const httplib::Request& req, httplib::Response& res) {
        if (!enter(req, res, kStaff))
            return;
        std::string day = req.has_param("day") ? req.get_param_value("day") : today();
        if (weekdayOf(day) == 0)
            return sendError(res, Error("hall.error.bad_day", {{"day", day}}, "day is YYYY-MM-DD"));
        auto r = store->appointments(day);
        if (!r)
            return sendError(res, r.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : *r)
            list.push_back(toJson(a));
        send(res, 200, {{"day", day}, {"appointments", list}});
    }

    // Write-only for kiosks: a family's details go in sealed, and nothing of them comes out to a
    // kiosk (or to anything but a staff device of the kiosk's counties, see submission()).
    void submit(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        auto dev = enter(req, res, {DeviceRole::Kiosk});
        if (!dev)
            return;
        auto j = body(reader, res);
        if (!j)
            return;
        std::string id = j->value("id", ""), b64 = j->value("sealed", "");
        std::string sealed(b64.size(), '\0');
        std::size_t len = 0;
        if (id.empty() || sodium_base642bin(reinterpret_cast<unsigned char*>(sealed.data()), sealed.size(),
                                            b64.data(), b64.size(), nullptr, &len, nullptr,
                                            sodium_base64_VARIANT_ORIGINAL) != 0)
            return sendError(res, Error("hall.error.bad_seal", {}, "id and base64 \"sealed\" are needed"));
        sealed.resize(len);
        if (auto st = store->storeSubmission(id, sealed, dev->id, dev->counties, nowMs()); !st)
            return sendError(res, st.error());
        send(res, 200, {{"id", id}, {"stored", true}});
    }

    // What the family entered at the kiosk for a ticket or appointment, for staff of the kiosk's
    // counties only (every county the kiosk served must be among the device's); each answer is
    // audited without its content.
    void submission(const httplib::Request& req, httplib::Response& res) {
        auto dev = enter(req, res, kStaff);
        if (!dev)
            return;
        std::string ticket = req.matches[1].str();
        auto audit = [&](const char* outcome) {
            if (auditReads)
                std::fprintf(stderr, "zhuxue-server: audit submission device=%s ticket=%s %s\n", dev->id.c_str(),
                             ticket.c_str(), outcome);
        };
        auto r = store->submissionFor(ticket);
        if (!r)
            return sendError(res, r.error());
        if (!*r) {
            audit("none");
            return send(res, 404, errorBody(Error("hall.error.no_submission", {{"ticket", ticket}},
                                                  "no kiosk details for this ticket")));
        }
        const Submission& sub = **r;
        bool inScope = !sub.counties.empty();
        for (const auto& c : sub.counties)
            inScope = inScope && std::find(dev->counties.begin(), dev->counties.end(), c) != dev->counties.end();
        if (!inScope) {
            audit("refused");
            return send(res, 403, errorBody(Error("hall.error.submission_out_of_scope", {{"ticket", ticket}},
                                                  "the kiosk's county is not among this device's counties")));
        }
        auto details = nlohmann::json::parse(sub.payload, nullptr, false);
        if (!details.is_object())
            return sendError(res, Error("sync.error.storage", {}, "a stored submission is not a JSON object"));
        audit("read");
        send(res, 200, {{"ticket_id", sub.ticketId}, {"received_at", sub.receivedAt}, {"details", details}});
    }

    // The bookable days of a township with the places left per time.
    void slots(const httplib::Request& req, httplib::Response& res) {
        if (!enter(req, res, kKiosk))
            return;
        const auto& cfg = store->config();
        const hall::Township* tw = cfg.township(req.get_param_value("township"));
        if (!tw)
            return sendError(res, Error("hall.error.unknown_township",
                                        {{"township", req.get_param_value("township")}}, "unknown township"));
        nlohmann::json days = nlohmann::json::array();
        std::string first = today();
        for (int i = 0; i <= cfg.daysAhead; ++i) {
            std::string day = addDays(first, i);
            int wd = weekdayOf(day);
            if (std::find(tw->weekdays.begin(), tw->weekdays.end(), wd) == tw->weekdays.end())
                continue;
            auto use = store->slotUse(day);
            if (!use)
                return sendError(res, use.error());
            nlohmann::json times = nlohmann::json::array();
            for (const auto& t : cfg.slotTimes) {
                int used = 0;
                for (const auto& [time, n] : *use)
                    if (time == t)
                        used = n;
                times.push_back({{"time", t}, {"left", std::max(0, cfg.slotCapacity - used)}});
            }
            days.push_back({{"day", day}, {"weekday", wd}, {"times", times}});
        }
        send(res, 200, {{"township", tw->code}, {"days", days}});
    }
};

} // namespace

bool readBoundedBody(const httplib::ContentReader& reader, std::string& body, std::size_t max,
                     bool& tooLarge) {
    tooLarge = false;
    bool ok = reader([&](const char* data, size_t n) {
        if (body.size() + n > max) {
            tooLarge = true;
            return false;
        }
        body.append(data, n);
        return true;
    });
    return ok && !tooLarge;
}

std::string hallConfigPath() {
    if (const char* env = std::getenv("ZHUXUE_HALL_CONFIG"); env && *env)
        return env;
    std::filesystem::path assets;
    std::error_code ec;
    if (const char* env = std::getenv("ZHUXUE_ASSETS_DIR"); env && *env)
        assets = env;
    else if (std::filesystem::is_directory(std::filesystem::path(kSourceAssetsDir) / "hall", ec))
        assets = kSourceAssetsDir;
    else
        assets = kInstallAssetsDir;
    return (assets / "hall" / "windows.json").string();
}

void installQueueRoutes(httplib::Server& server, Storage& storage, Authenticator authenticate, bool auditReads) {
    auto q = std::make_shared<QueueRoutes>();
    q->auth = std::move(authenticate);
    q->auditReads = auditReads;
    auto cfg = hall::loadHallConfig(hallConfigPath());
    if (!cfg) {
        q->unavailable = Error("hall.error.no_config", {{"path", hallConfigPath()}},
                               "the hall queue is not configured: " + cfg.error().detail);
        std::fprintf(stderr, "zhuxue-server: 叫号未配置 hall queue off: %s\n", cfg.error().detail.c_str());
    } else {
        auto store = std::make_unique<QueueStore>(storage.queueDb(), std::move(*cfg));
        if (auto st = store->init(); !st) {
            q->unavailable = st.error();
            std::fprintf(stderr, "zhuxue-server: 叫号表无法创建 hall queue tables: %s\n",
                         st.error().detail.c_str());
        } else {
            q->store = std::move(store);
        }
    }
    using Reader = httplib::ContentReader;
    server.Get("/v1/queue/config", [q](const httplib::Request& req, httplib::Response& res) {
        if (q->enter(req, res, kAnyHallDevice))
            send(res, 200, hall::hallConfigToJson(q->store->config()));
    });
    server.Post("/v1/queue/tickets", [q](const httplib::Request& req, httplib::Response& res,
                                         const Reader& r) { q->issue(req, res, r); });
    server.Get("/v1/queue/tickets",
               [q](const httplib::Request& req, httplib::Response& res) { q->tickets(req, res); });
    server.Post(R"(/v1/queue/windows/(\d{1,2})/(next|recall|skip|transfer))",
                [q](const httplib::Request& req, httplib::Response& res, const Reader& r) { q->act(req, res, r); });
    server.Get("/v1/queue/calls",
               [q](const httplib::Request& req, httplib::Response& res) { q->calls(req, res); });
    server.Post("/v1/queue/appointments", [q](const httplib::Request& req, httplib::Response& res,
                                              const Reader& r) { q->book(req, res, r); });
    server.Get("/v1/queue/appointments",
               [q](const httplib::Request& req, httplib::Response& res) { q->appointments(req, res); });
    server.Get("/v1/queue/seal-key", [q](const httplib::Request& req, httplib::Response& res) {
        if (q->enter(req, res, kKiosk))
            send(res, 200, {{"public_key", q->store->sealPublicKeyHex()}, {"box", "crypto_box_seal"}});
    });
    server.Post("/v1/queue/submissions", [q](const httplib::Request& req, httplib::Response& res,
                                             const Reader& r) { q->submit(req, res, r); });
    server.Get(R"(/v1/queue/tickets/([0-9A-Za-z-]{1,64})/submission)",
               [q](const httplib::Request& req, httplib::Response& res) { q->submission(req, res); });
    server.Get("/v1/queue/slots",
               [q](const httplib::Request& req, httplib::Response& res) { q->slots(req, res); });
}

} // namespace zhuxue::sync::server
