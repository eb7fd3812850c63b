#pragma once
// What zhuxue-server says on its console when a command fails: Chinese first, then English,
// from catalogue texts built into the program (assets/i18n/<lang>/server.json, sync.json and
// kiosk.json, for the hall's errors, are embedded at build time: the server package ships no assets, and a missing file must not turn
// an error message into a key).
#include "client/core/i18n.hpp"
#include "client/core/result.hpp"

#include <string>
#include <string_view>

namespace zhuxue::sync::server {

// The embedded catalogue of "zh-CN" or "en" (anything else: en).
const Catalog& consoleCatalog(std::string_view lang);

// Whether both languages have a text for this error key: its own, or a console-only one under
// "server.console.<key>" (for keys whose catalogue text speaks to a device, such as
// sync.error.storage).
bool hasConsoleText(std::string_view key);

// "中文 English (key)" with the error's args filled in; an arg "reason_key" names the catalogue
// key of {reason}, so that each language gets its own. Under a console-only text the error's
// detail follows on a second line. An error without catalogue text prints its detail and key.
std::string consoleText(const Error& error);

} // namespace zhuxue::sync::server
