#pragma once
// The enrollment text: one line that carries everything a device needs to enrol, the server's
// address and a one-time code, so an administrator can hand it over as a QR code or paste it.
//
//   zhuxue-enroll:<server URL>#<code>[;role=kiosk|display]
//   e.g. zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN            (a staff device)
//        zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN;role=kiosk (a hall kiosk)
//
// `zhuxue-server enroll --role ROLE` prints it (and its QR code); `zhuxue-cli enroll TEXT`
// accepts it. The code is made for one role on the server; the role in the text lets a device
// refuse a code meant for another kind of device before it is used (the server checks too).
#include "client/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace zhuxue::sync {

inline constexpr std::string_view kEnrollPrefix = "zhuxue-enroll:";

// What an enrolled device may do on the server (PROTOCOL.md "Device roles"): a staff device
// syncs records, accounts and attachments and calls numbers; a kiosk only takes tickets, books
// slots and hands in sealed submissions; a hall display only reads the calls.
enum class DeviceRole { Staff, Kiosk, Display };
std::string_view roleName(DeviceRole role); // "staff", "kiosk", "display"
std::optional<DeviceRole> parseRole(std::string_view name);

struct EnrollmentLink {
    std::string url;  // http(s)://host[:port][/path], no trailing slash
    std::string code; // as printed, e.g. ABCD-EFGH-JKMN
    DeviceRole role = DeviceRole::Staff;
};

std::string enrollmentText(const EnrollmentLink& link);
// Whether `text` is meant as an enrollment text (starts with the prefix, any case).
bool isEnrollmentText(std::string_view text);
// sync.error.bad_enrollment_text (args: text) when the URL or the code is missing or malformed.
Result<EnrollmentLink> parseEnrollmentText(std::string_view text);
// sync.error.bad_server_url (args: url) unless http:// or https:// with a host and no spaces.
Status checkServerUrl(std::string_view url);

} // namespace zhuxue::sync
