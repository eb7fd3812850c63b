#pragma once
// The hall's layout as data (assets/hall/windows.json): which services are served at which
// windows, the letter that starts each service's ticket numbers, and the appointment slots per
// township and weekday (分乡镇错峰). Header-only because both zhuxue-server and the kiosk read the
// same file (the kiosk needs it to issue tickets while the server is unreachable) and the client
// must not link the server library.
#include "client/core/result.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace zhuxue::hall {

struct HallService {
    std::string id;     // first_loan, renewal, repayment, enquiry
    std::string prefix; // one capital letter: A023
    std::vector<int> windows;
    std::map<std::string, std::string> name; // language -> name
};

struct Township {
    std::string code;
    std::map<std::string, std::string> name;
    std::vector<int> weekdays; // 1 = Monday ... 7 = Sunday
};

struct HallConfig {
    std::vector<HallService> services;
    std::vector<std::string> slotTimes; // "HH:MM"
    int slotCapacity = 6;
    int daysAhead = 14;
    std::vector<Township> townships;

    const HallService* service(const std::string& id) const {
        for (const auto& s : services)
            if (s.id == id)
                return &s;
        return nullptr;
    }
    const Township* township(const std::string& code) const {
        for (const auto& t : townships)
            if (t.code == code)
                return &t;
        return nullptr;
    }
    // Services a window calls, in the order of the file.
    std::vector<std::string> servicesAt(int window) const {
        std::vector<std::string> out;
        for (const auto& s : services)
            if (std::find(s.windows.begin(), s.windows.end(), window) != s.windows.end())
                out.push_back(s.id);
        return out;
    }
    std::vector<int> windows() const {
        std::vector<int> out;
        for (const auto& s : services)
            out.insert(out.end(), s.windows.begin(), s.windows.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
};

inline std::string localName(const std::map<std::string, std::string>& names,
                             const std::string& lang) {
    if (auto it = names.find(lang); it != names.end())
        return it->second;
    if (auto it = names.find("zh-CN"); it != names.end())
        return it->second;
    return names.empty() ? std::string() : names.begin()->second;
}

inline Result<HallConfig> hallConfigFromJson(const nlohmann::json& j) {
    auto bad = [](const std::string& why) {
        return Error("hall.error.bad_config", {{"why", why}}, why);
    };
    if (!j.is_object() || j.value("hall_format", 0) != 1)
        return bad("hall_format must be 1");
    HallConfig c;
    auto names = [](const nlohmann::json& n) {
        std::map<std::string, std::string> out;
        if (n.is_object())
            for (auto it = n.begin(); it != n.end(); ++it)
                if (it->is_string())
                    out[it.key()] = it->get<std::string>();
        return out;
    };
    try {
        for (const auto& s : j.at("services")) {
            HallService hs{s.at("id").get<std::string>(), s.at("prefix").get<std::string>(),
                           s.at("windows").get<std::vector<int>>(), names(s.value("name", nlohmann::json{}))};
            if (hs.prefix.size() != 1 || hs.prefix[0] < 'A' || hs.prefix[0] > 'Z')
                return bad("service " + hs.id + ": prefix must be one capital letter");
            if (hs.windows.empty() ||
                std::any_of(hs.windows.begin(), hs.windows.end(), [](int w) { return w < 1 || w > 99; }))
                return bad("service " + hs.id + ": windows are numbers 1-99");
            if (c.service(hs.id))
                return bad("service " + hs.id + " appears twice");
            c.services.push_back(std::move(hs));
        }
        if (c.services.empty())
            return bad("no services");
        if (j.contains("slots")) {
            const auto& sl = j.at("slots");
            c.slotTimes = sl.value("times", std::vector<std::string>{});
            c.slotCapacity = sl.value("capacity", 6);
            c.daysAhead = sl.value("days_ahead", 14);
            for (const auto& t : c.slotTimes)
                if (t.size() != 5 || t[2] != ':')
                    return bad("slot time " + t + " is not HH:MM");
        }
        if (j.contains("townships"))
            for (const auto& t : j.at("townships"))
                c.townships.push_back(Township{t.at("code").get<std::string>(),
                                               names(t.value("name", nlohmann::json{})),
                                               t.value("weekdays", std::vector<int>{})});
    } catch (const std::exception& e) {
        return bad(e.what());
    }
    return c;
}

inline Result<HallConfig> loadHallConfig(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error("hall.error.no_config", {{"path", path}}, "cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded())
        return Error("hall.error.bad_config", {{"why", "not JSON"}}, path + " is not JSON");
    return hallConfigFromJson(j);
}

inline nlohmann::json hallConfigToJson(const HallConfig& c) {
    nlohmann::json services = nlohmann::json::array(), townships = nlohmann::json::array();
    for (const auto& s : c.services)
        services.push_back({{"id", s.id}, {"prefix", s.prefix}, {"windows", s.windows}, {"name", s.name}});
    for (const auto& t : c.townships)
        townships.push_back({{"code", t.code}, {"name", t.name}, {"weekdays", t.weekdays}});
    return {{"hall_format", 1},
            {"services", services},
            {"slots", {{"times", c.slotTimes}, {"capacity", c.slotCapacity}, {"days_ahead", c.daysAhead}}},
            {"townships", townships}};
}

} // namespace zhuxue::hall
