#include "offline_tickets.hpp"

#include "client/core/ids.hpp"
#include "client/store/paths.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace zhuxue::ui::kiosk {

namespace fs = std::filesystem;

KioskConfig KioskConfig::load(const fs::path& dataDir) {
    KioskConfig c;
    std::ifstream in(dataDir / "kiosk.json");
    if (!in)
        return c;
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
        return c;
    c.prefix = j.value("prefix", c.prefix);
    c.idleSeconds = std::max(15, j.value("idle_seconds", c.idleSeconds));
    c.warnSeconds = std::clamp(j.value("warn_seconds", c.warnSeconds), 5, c.idleSeconds);
    c.printer = j.value("printer", c.printer);
    return c;
}

OfflineTickets::OfflineTickets(fs::path dataDir, std::string kioskPrefix)
    : m_file(dataDir / "kiosk_tickets.json"), m_prefix(std::move(kioskPrefix)) {}

nlohmann::json OfflineTickets::loadJson() const {
    std::ifstream in(m_file);
    if (!in)
        return nlohmann::json::object();
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

Status OfflineTickets::save(const nlohmann::json& j) const {
    return writeFileDurably(m_file, j.dump(1));
}

Result<hall::HallTicket> OfflineTickets::issue(const std::string& service, const std::string& letter,
                                               const std::string& township, int64_t nowMs,
                                               const std::string& day) {
    auto j = loadJson();
    if (j.value("day", "") != day) {
        j["day"] = day;
        j["counters"] = nlohmann::json::object();
    }
    int n = j["counters"].value(letter, 0) + 1;
    j["counters"][letter] = n;
    char code[64];
    std::snprintf(code, sizeof code, "%s-%s%03d", m_prefix.c_str(), letter.c_str(), n);
    hall::HallTicket t;
    t.id = newUuidV7().str();
    t.code = code;
    t.service = service;
    t.status = "waiting";
    t.township = township;
    t.issuedAt = nowMs;
    t.day = day;
    if (!j.contains("pending"))
        j["pending"] = nlohmann::json::array();
    j["pending"].push_back({{"id", t.id}, {"code", t.code}, {"service", service},
                            {"township", township}, {"issued_at", nowMs}, {"day", day}});
    if (auto st = save(j); !st)
        return st.error();
    return t;
}

std::vector<hall::HallTicket> OfflineTickets::pending() const {
    std::vector<hall::HallTicket> out;
    auto j = loadJson();
    for (const auto& p : j.value("pending", nlohmann::json::array()))
        out.push_back(hall::ticketFromJson(p));
    return out;
}

int OfflineTickets::reconcile(hall::QueueClient& client) {
    auto j = loadJson();
    auto pending = j.value("pending", nlohmann::json::array());
    nlohmann::json left = nlohmann::json::array();
    int done = 0;
    bool offline = false;
    for (const auto& p : pending) {
        if (!offline) {
            auto r = client.issue(p.value("id", ""), p.value("service", ""), p.value("township", ""),
                                  p.value("code", ""), p.value("issued_at", int64_t{0}), p.value("day", ""));
            if (r) {
                ++done;
                continue;
            }
            offline = hall::QueueClient::unreachable(r.error());
            // A refusal for good (e.g. unknown service after a configuration change) is dropped:
            // keeping it would retry forever; the family holds the printed code anyway.
            if (!offline && r.error().args.count("status") && r.error().args.at("status")[0] == '4')
                continue;
        }
        left.push_back(p);
    }
    if (done > 0 || left.size() != pending.size()) {
        j["pending"] = left;
        save(j);
    }
    return done;
}

} // namespace zhuxue::ui::kiosk
