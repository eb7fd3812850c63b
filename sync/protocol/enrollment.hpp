#pragma once
// The enrollment text: one line that carries everything a device needs to enrol, the server's
// address and a one-time code, so an administrator can hand it over as a QR code or paste it.
//
//   zhuxue-enroll:<server URL>#<code>      e.g. zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN
//
// `zhuxue-server enroll` prints it (and its QR code); `zhuxue-cli enroll TEXT` accepts it.
#include "client/core/result.hpp"

#include <string>
#include <string_view>

namespace zhuxue::sync {

inline constexpr std::string_view kEnrollPrefix = "zhuxue-enroll:";

struct EnrollmentLink {
    std::string url;  // http(s)://host[:port][/path], no trailing slash
    std::string code; // as printed, e.g. ABCD-EFGH-JKMN
};

std::string enrollmentText(const EnrollmentLink& link);
// Whether `text` is meant as an enrollment text (starts with the prefix, any case).
bool isEnrollmentText(std::string_view text);
// sync.error.bad_enrollment_text (args: text) when the URL or the code is missing or malformed.
Result<EnrollmentLink> parseEnrollmentText(std::string_view text);
// sync.error.bad_server_url (args: url) unless http:// or https:// with a host and no spaces.
Status checkServerUrl(std::string_view url);

} // namespace zhuxue::sync
