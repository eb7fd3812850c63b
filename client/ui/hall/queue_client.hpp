#pragma once
// The hall queue as seen from a device (kiosk, staff client, hall display): blocking calls to
// zhuxue-server's /v1/queue routes (PROTOCOL.md "Hall queue"). Call them from a worker thread,
// never from a draw function. A failure whose args["status"] is "0" means the server could not
// be reached (the kiosk then issues a ticket itself).
#include "client/core/result.hpp"
#include "sync/engine/http_client.hpp"
#include "sync/protocol/enrollment.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::ui::hall {

struct HallTicket {
    std::string id, code, service, status, township, day;
    int window = 0;
    int transferTo = 0;
    int64_t issuedAt = 0, calls = 0, callSeq = 0;
};

struct HallAppointment {
    std::string id, day, time, service, township, code;
};

struct SlotDay {
    std::string day;
    int weekday = 0;
    std::vector<std::pair<std::string, int>> times; // time, places left
};

// What a family entered at the kiosk for one ticket or appointment, as staff receive it.
struct FamilyDetails {
    std::string ticketId, code, service, township;
    std::string studentName, studentId, studentPhone;
    std::string coName, coId, coPhone;
    int64_t submittedAt = 0;
    void wipe(); // overwrites every field, for when staff are done with it
};
// Reads the JSON object the kiosk sealed (KioskClient::detailsJson plus ticket_id and code).
FamilyDetails familyDetailsFromJson(const nlohmann::json& j);

// Where the hall device's token lives: <dataDir>/hall_device.json {"url", "device", "token",
// "allow_plain_http"} (mode 0600). Written by enrollHallDevice or by an installer. A kiosk or display has no staff
// sign-in to seal it with, so its role is what limits the token: a kiosk's takes tickets, books
// slots and hands in sealed details; a display's reads the calls (PROTOCOL.md "Device roles").
struct HallLink {
    std::string url, device, token;
    // Plain http:// off this machine allowed (settings.json "allow_plain_http" at enrolment).
    bool allowPlainHttp = false;
    bool usable() const { return !url.empty() && !token.empty(); }
};
Result<HallLink> readHallLink(const std::filesystem::path& dataDir);
Status writeHallLink(const std::filesystem::path& dataDir, const HallLink& link);
// Trades a one-time enrollment code made for this role (zhuxue-server enroll --role kiosk or
// --role display) for a token and writes hall_device.json. `code` may also be the whole
// enrollment text (zhuxue-enroll:URL#CODE;role=kiosk), whose URL then wins over `url`. A code
// for another role is refused (sync.error.wrong_role), before it is used when the text says so.
Result<HallLink> enrollHallDevice(const std::filesystem::path& dataDir, const std::string& url,
                                  const std::string& code, const std::string& name,
                                  sync::DeviceRole role, bool allowPlainHttp = false);

// What the hall display shows: the ticket being served at each window (with its call sequence
// number) and how many tickets wait per service id.
struct HallCalls {
    std::vector<HallTicket> calls;
    std::map<std::string, int> waiting;
};

class QueueClient {
public:
    explicit QueueClient(HallLink link);
    Result<HallTicket> issue(const std::string& id, const std::string& service,
                             const std::string& township, const std::string& localCode = {},
                             int64_t issuedAt = 0, const std::string& day = {});
    // what: next, recall, skip, transfer (to = target window). nullopt: nobody waiting / no call.
    Result<std::optional<HallTicket>> act(int window, const std::string& what, int to = 0);
    Result<HallCalls> calls();
    Result<std::vector<HallTicket>> tickets();
    Result<std::vector<HallAppointment>> appointments(const std::string& day = {});
    Result<std::vector<SlotDay>> slots(const std::string& township);
    Result<HallAppointment> book(const std::string& id, const std::string& service,
                                 const std::string& township, const std::string& day,
                                 const std::string& time);
    // The server's X25519 public key (hex) for sealing kiosk submissions.
    Result<std::string> sealKey();
    // Hands in one sealed submission (raw sealed bytes; idempotent on id).
    Status submit(const std::string& id, const std::string& sealed);
    // What the family entered at the kiosk for this ticket or appointment id; nullopt when they
    // entered nothing there (404). Error hall.error.submission_out_of_scope (403) when the kiosk
    // belongs to a county this device is not enrolled for.
    Result<std::optional<FamilyDetails>> familyDetails(const std::string& ticketId);
    static bool unreachable(const Error& e);

private:
    Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                const nlohmann::json& body = nlohmann::json());
    HallLink m_link;
    sync::HttpClient m_http;
};

HallTicket ticketFromJson(const nlohmann::json& j);

} // namespace zhuxue::ui::hall
