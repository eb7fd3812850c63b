#include "enrollment.hpp"

#include <algorithm>
#include <cctype>

namespace zhuxue::sync {

namespace {
bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

std::string trimmed(std::string_view s) {
    auto notSpace = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
    auto b = std::find_if(s.begin(), s.end(), notSpace);
    auto e = std::find_if(s.rbegin(), s.rend(), notSpace).base();
    return b < e ? std::string(b, e) : std::string();
}
} // namespace

std::string_view roleName(DeviceRole role) {
    switch (role) {
    case DeviceRole::Kiosk:
        return "kiosk";
    case DeviceRole::Display:
        return "display";
    case DeviceRole::Staff:
        break;
    }
    return "staff";
}

std::optional<DeviceRole> parseRole(std::string_view name) {
    for (auto r : {DeviceRole::Staff, DeviceRole::Kiosk, DeviceRole::Display})
        if (name == roleName(r))
            return r;
    return std::nullopt;
}

std::string enrollmentText(const EnrollmentLink& link) {
    std::string text = std::string(kEnrollPrefix) + link.url + "#" + link.code;
    if (link.role != DeviceRole::Staff)
        text += ";role=" + std::string(roleName(link.role));
    return text;
}

bool isEnrollmentText(std::string_view text) {
    return startsWithNoCase(trimmed(text), kEnrollPrefix);
}

Status checkServerUrl(std::string_view url) {
    std::string_view rest;
    if (startsWithNoCase(url, "https://"))
        rest = url.substr(8);
    else if (startsWithNoCase(url, "http://"))
        rest = url.substr(7);
    bool ok = !rest.empty() && rest.front() != '/' && rest.front() != ':' &&
              std::none_of(url.begin(), url.end(), [](char c) {
                  return std::isspace(static_cast<unsigned char>(c)) || c == '#';
              });
    if (!ok)
        return Error("sync.error.bad_server_url", {{"url", std::string(url)}},
                     "the server address must look like https://host:8720");
    return {};
}

Result<EnrollmentLink> parseEnrollmentText(std::string_view text) {
    std::string t = trimmed(text);
    Error bad("sync.error.bad_enrollment_text", {{"text", t}},
              "expected zhuxue-enroll:<server URL>#<code>");
    if (!startsWithNoCase(t, kEnrollPrefix))
        return bad;
    std::string body = t.substr(kEnrollPrefix.size());
    auto hash = body.rfind('#');
    if (hash == std::string::npos)
        return bad;
    EnrollmentLink link{body.substr(0, hash), body.substr(hash + 1)};
    if (auto semi = link.code.find(';'); semi != std::string::npos) {
        std::string tag = link.code.substr(semi + 1);
        link.code.resize(semi);
        std::string_view rolePrefix = "role=";
        auto role = tag.rfind(rolePrefix, 0) == 0 ? parseRole(std::string_view(tag).substr(rolePrefix.size()))
                                                  : std::nullopt;
        if (!role)
            return bad;
        link.role = *role;
    }
    while (!link.url.empty() && link.url.back() == '/')
        link.url.pop_back();
    bool codeOk = !link.code.empty() && std::all_of(link.code.begin(), link.code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
    });
    if (!codeOk || !checkServerUrl(link.url))
        return bad;
    return link;
}

} // namespace zhuxue::sync
