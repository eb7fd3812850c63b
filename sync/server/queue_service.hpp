#pragma once
// HTTP routes of the hall queue (PROTOCOL.md "Hall queue"): tickets, calls per window, the
// display's view and appointments. Every route needs an enrolled device's token, like push/pull,
// and states which device roles may call it: a kiosk takes tickets, books slots and hands in
// sealed submissions; a hall display reads the calls; staff devices do everything else.
#include "storage.hpp"

#include <functional>
#include <optional>

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
} // namespace httplib

namespace zhuxue::sync::server {

using Authenticator =
    std::function<std::optional<DeviceInfo>(const httplib::Request&, httplib::Response&, RoleSet)>;

// The largest body of a queue route (a ticket, a booking, a sealed submission).
inline constexpr std::size_t kMaxQueueBodyBytes = 64 * 1024;

// Reads a request body (already gunzipped, chunked or not) through the route's ContentReader
// into `body`, stopping as soon as it would pass `max` bytes. False = too large (tooLarge set)
// or cut.
bool readBoundedBody(const httplib::ContentReader& reader, std::string& body, std::size_t max,
                     bool& tooLarge);

// Where the hall configuration is read from: $ZHUXUE_HALL_CONFIG, else <assets>/hall/windows.json
// ($ZHUXUE_ASSETS_DIR, the source tree, or the installed assets).
std::string hallConfigPath();

// Opens the queue tables on the storage's database and installs the routes. When the hall
// configuration cannot be read the routes answer 503 with the reason (sync still works).
// auditReads: every read of a family's kiosk submission is logged (device, ticket, outcome; no
// content), like pulls.
void installQueueRoutes(httplib::Server& server, Storage& storage, Authenticator authenticate,
                        bool auditReads = true);

} // namespace zhuxue::sync::server
