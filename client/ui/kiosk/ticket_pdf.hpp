#pragma once
// The paper ticket: a small PDF page (80 mm receipt width) drawn with cairo and pango, sent to
// the system printer with `lp` where one is configured. It carries only the queue number, the
// window and the time, never a family's details.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace zhuxue::ui::kiosk {

struct TicketText {
    std::string title;
    std::string code;               // big: "A023"
    std::vector<std::string> lines; // window, time, notes
};

Status writeTicketPdf(const std::filesystem::path& file, const TicketText& text);
// Spawns `lp [-d printer] file` and waits for it (run on a worker). printer "default" = no -d.
// Error kiosk.ticket.print_failed when lp is missing or fails.
Status printTicket(const std::filesystem::path& file, const std::string& printer);

} // namespace zhuxue::ui::kiosk
