#include "queue_client.hpp"

#include <sodium.h>
#include <cstring>

#include "client/core/ids.hpp"
#include "client/store/paths.hpp"
#include "sync/engine/sync_client.hpp"
#include "sync/protocol/messages.hpp"

#include <fstream>
#include <sstream>

namespace zhuxue::ui::hall {

namespace fs = std::filesystem;

Result<HallLink> readHallLink(const fs::path& dataDir) {
    std::ifstream in(dataDir / "hall_device.json");
    if (!in)
        return HallLink{};
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
        return Error("hall.error.bad_link", {{"path", (dataDir / "hall_device.json").string()}},
                     "hall_device.json is not a JSON object");
    return HallLink{j.value("url", ""), j.value("device", ""), j.value("token", ""),
                    j.value("allow_plain_http", false)};
}

Status writeHallLink(const fs::path& dataDir, const HallLink& link) {
    // Owner-only: the token is a credential.
    return writeFileDurably(dataDir / "hall_device.json",
                            nlohmann::json{{"url", link.url},
                                           {"device", link.device},
                                           {"token", link.token},
                                           {"allow_plain_http", link.allowPlainHttp}}
                                .dump(2));
}

Result<HallLink> enrollHallDevice(const fs::path& dataDir, const std::string& url,
                                  const std::string& code, const std::string& name,
                                  sync::DeviceRole role, bool allowPlainHttp) {
    sync::EnrollmentLink given{url, code, role};
    if (sync::isEnrollmentText(code)) {
        auto parsed = sync::parseEnrollmentText(code);
        if (!parsed)
            return parsed.error();
        given = *parsed;
        if (given.role != role)
            return Error("sync.error.wrong_role",
                         {{"code_role", std::string(sync::roleName(given.role))},
                          {"device_role", std::string(sync::roleName(role))}},
                         "this enrollment text is for another kind of device");
    }
    HallLink link{given.url, newDeviceId().str(), "", allowPlainHttp};
    sync::SyncClient c(given.url);
    c.setAllowPlainHttp(allowPlainHttp);
    auto r = c.enroll(given.code, link.device, name, role);
    if (!r)
        return r.error();
    link.token = r->token;
    if (auto st = writeHallLink(dataDir, link); !st)
        return st.error();
    return link;
}

QueueClient::QueueClient(HallLink link) : m_link(std::move(link)) {
    m_http.setAllowPlainHttp(m_link.allowPlainHttp);
}

bool QueueClient::unreachable(const Error& e) {
    auto it = e.args.find("status");
    return it != e.args.end() && it->second == "0";
}

Result<nlohmann::json> QueueClient::call(const std::string& method, const std::string& path,
                                         const nlohmann::json& body) {
    if (!m_link.usable())
        return Error("hall.error.not_linked", {{"status", "0"}}, "no hall server configured");
    sync::HttpRequest r;
    r.method = method;
    r.url = m_link.url + path;
    r.headers["Authorization"] = "Bearer " + m_link.token;
    r.timeoutMs = 8000;
    r.connectTimeoutMs = 3000;
    if (!body.is_null()) {
        r.body = body.dump();
        r.headers["Content-Type"] = "application/json";
    }
    auto res = m_http.send(r);
    if (res.plainHttpRefused)
        return Error("sync.error.plain_http", {{"url", m_link.url}}, res.transportError);
    if (!res.transportOk)
        return Error("hall.error.unreachable", {{"status", "0"}}, res.transportError);
    if (res.status != 200) {
        Error e = sync::errorFromBody(res.status, res.body);
        e.args["status"] = std::to_string(res.status);
        return e;
    }
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (j.is_discarded())
        return Error("hall.error.bad_answer", {{"status", std::to_string(res.status)}}, "not JSON");
    return j;
}

Result<std::string> QueueClient::sealKey() {
    auto j = call("GET", "/v1/queue/seal-key");
    if (!j)
        return j.error();
    auto it = j->find("public_key");
    if (it == j->end() || !it->is_string())
        return Error("hall.error.bad_answer", {{"status", "200"}}, "no public_key in the answer");
    return it->get<std::string>();
}

Status QueueClient::submit(const std::string& id, const std::string& sealed) {
    std::string b64(sodium_base64_encoded_len(sealed.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(sealed.data()),
                      sealed.size(), sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    auto j = call("POST", "/v1/queue/submissions", {{"id", id}, {"sealed", b64}});
    if (!j)
        return j.error();
    return {};
}

void FamilyDetails::wipe() {
    for (std::string* f : {&ticketId, &code, &service, &township, &studentName, &studentId, &studentPhone, &coName,
                           &coId, &coPhone}) {
        sodium_memzero(f->data(), f->size());
        f->clear();
    }
    submittedAt = 0;
}

FamilyDetails familyDetailsFromJson(const nlohmann::json& j) {
    auto text = [](const nlohmann::json& o, const char* key) {
        auto it = o.find(key);
        return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto object = [](const nlohmann::json& o, const char* key) {
        auto it = o.find(key);
        return it != o.end() && it->is_object() ? *it : nlohmann::json::object();
    };
    FamilyDetails d;
    d.ticketId = text(j, "ticket_id");
    d.code = text(j, "code");
    d.service = text(j, "service");
    d.township = text(j, "township");
    nlohmann::json st = object(j, "student"), co = object(j, "co_borrower");
    d.studentName = text(st, "name");
    d.studentId = text(st, "id_number");
    d.studentPhone = text(st, "phone");
    d.coName = text(co, "name");
    d.coId = text(co, "id_number");
    d.coPhone = text(co, "phone");
    auto at = j.find("submitted_at");
    d.submittedAt = at != j.end() && at->is_number_integer() ? at->get<int64_t>() : 0;
    return d;
}

Result<std::optional<FamilyDetails>> QueueClient::familyDetails(const std::string& ticketId) {
    auto j = call("GET", "/v1/queue/tickets/" + ticketId + "/submission");
    if (!j) {
        if (j.error().key == "hall.error.no_submission")
            return std::optional<FamilyDetails>();
        return j.error();
    }
    auto it = j->find("details");
    if (it == j->end() || !it->is_object())
        return Error("hall.error.bad_answer", {{"status", "200"}}, "no details in the answer");
    return std::optional<FamilyDetails>(familyDetailsFromJson(*it));
}

HallTicket ticketFromJson(const nlohmann::json& j) {
    HallTicket t;
    t.id = j.value("id", "");
    t.code = j.value("code", "");
    t.service = j.value("service", "");
    t.status = j.value("status", "");
    t.township = j.value("township", "");
    t.day = j.value("day", "");
    t.window = j.value("window", 0);
    t.transferTo = j.value("transfer_to", 0);
    t.issuedAt = j.value("issued_at", int64_t{0});
    t.calls = j.value("calls", int64_t{0});
    t.callSeq = j.value("call_seq", int64_t{0});
    return t;
}

Result<HallTicket> QueueClient::issue(const std::string& id, const std::string& service,
                                      const std::string& township, const std::string& localCode,
                                      int64_t issuedAt, const std::string& day) {
    nlohmann::json body{{"id", id}, {"service", service}, {"township", township}};
    if (!localCode.empty())
        body["local_code"] = localCode;
    if (issuedAt > 0)
        body["issued_at"] = issuedAt;
    if (!day.empty())
        body["day"] = day;
    auto j = call("POST", "/v1/queue/tickets", body);
    if (!j)
        return j.error();
    return ticketFromJson(*j);
}

Result<std::optional<HallTicket>> QueueClient::act(int window, const std::string& what, int to) {
    nlohmann::json body;
    if (what == "transfer")
        body = {{"to", to}};
    auto j = call("POST", "/v1/queue/windows/" + std::to_string(window) + "/" + what, body);
    if (!j)
        return j.error();
    if (!j->contains("ticket") || (*j)["ticket"].is_null())
        return std::optional<HallTicket>();
    return std::optional<HallTicket>(ticketFromJson((*j)["ticket"]));
}

Result<HallCalls> QueueClient::calls() {
    auto j = call("GET", "/v1/queue/calls");
    if (!j)
        return j.error();
    HallCalls out;
    for (const auto& t : (*j)["calls"])
        out.calls.push_back(ticketFromJson(t));
    if (auto w = j->find("waiting"); w != j->end() && w->is_object())
        for (const auto& [service, n] : w->items())
            if (n.is_number_integer())
                out.waiting[service] = n.get<int>();
    return out;
}

Result<std::vector<HallTicket>> QueueClient::tickets() {
    auto j = call("GET", "/v1/queue/tickets");
    if (!j)
        return j.error();
    std::vector<HallTicket> out;
    for (const auto& t : (*j)["tickets"])
        out.push_back(ticketFromJson(t));
    return out;
}

Result<std::vector<HallAppointment>> QueueClient::appointments(const std::string& day) {
    auto j = call("GET", "/v1/queue/appointments" + (day.empty() ? std::string() : "?day=" + day));
    if (!j)
        return j.error();
    std::vector<HallAppointment> out;
    for (const auto& a : (*j)["appointments"])
        out.push_back({a.value("id", ""), a.value("day", ""), a.value("time", ""),
                       a.value("service", ""), a.value("township", ""), a.value("code", "")});
    return out;
}

Result<std::vector<SlotDay>> QueueClient::slots(const std::string& township) {
    auto j = call("GET", "/v1/queue/slots?township=" + township);
    if (!j)
        return j.error();
    std::vector<SlotDay> out;
    for (const auto& d : (*j)["days"]) {
        SlotDay sd{d.value("day", ""), d.value("weekday", 0), {}};
        for (const auto& t : d["times"])
            sd.times.emplace_back(t.value("time", ""), t.value("left", 0));
        out.push_back(std::move(sd));
    }
    return out;
}

Result<HallAppointment> QueueClient::book(const std::string& id, const std::string& service,
                                          const std::string& township, const std::string& day,
                                          const std::string& time) {
    auto j = call("POST", "/v1/queue/appointments",
                  {{"id", id}, {"service", service}, {"township", township}, {"day", day}, {"time", time}});
    if (!j)
        return j.error();
    return HallAppointment{j->value("id", ""), j->value("day", ""), j->value("time", ""),
                           j->value("service", ""), j->value("township", ""), j->value("code", "")};
}

} // namespace zhuxue::ui::hall
