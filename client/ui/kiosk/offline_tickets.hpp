#pragma once
// Tickets a kiosk issues itself while the hall server cannot be reached: the kiosk's own prefix
// ("K1-A004") so they never clash with the server's numbers, kept in <dataDir>/kiosk_tickets.json
// until the server has them (reconcile). The file holds queue facts only (service, code, time),
// never a family's details.
#include "client/ui/hall/queue_client.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace zhuxue::ui::kiosk {

// <dataDir>/kiosk.json: {"prefix": "K1", "idle_seconds": 90, "warn_seconds": 20, "printer": ""}.
// printer: "" = no printing; "default" = the system's default printer; else a CUPS queue name.
struct KioskConfig {
    std::string prefix = "K1";
    int idleSeconds = 90;
    int warnSeconds = 20;
    std::string printer;
    static KioskConfig load(const std::filesystem::path& dataDir);
};

class OfflineTickets {
public:
    OfflineTickets(std::filesystem::path dataDir, std::string kioskPrefix);
    // A new local ticket for service (letter = the service's prefix), stored as pending.
    Result<hall::HallTicket> issue(const std::string& service, const std::string& letter,
                                   const std::string& township, int64_t nowMs, const std::string& day);
    std::vector<hall::HallTicket> pending() const;
    // Hands pending tickets to the server; returns how many were accepted. Stops at the first
    // network failure (the rest stay pending).
    int reconcile(hall::QueueClient& client);

private:
    Status save(const nlohmann::json& j) const;
    nlohmann::json loadJson() const;
    std::filesystem::path m_file;
    std::string m_prefix;
};

} // namespace zhuxue::ui::kiosk
