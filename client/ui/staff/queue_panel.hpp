#pragma once
// "Call next" for the staff client: the hall queue panel on the home screen. Staff pick their
// window, call the next ticket, call it again, skip it or send it to another window, and see who
// waits and today's appointments (also those booked at the kiosk). When a number is called (or an
// appointment opened) the panel fetches what the family entered at the kiosk and offers to start
// the first loan or renewal with it. Every server call runs on the staff client's worker; the
// draw code only reads what came back.
#include "client/ui/hall/queue_client.hpp"
#include "context.hpp"
#include "sync/server/queue_config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zhuxue::ui {

class QueuePanel {
public:
    void draw(Context& ctx);

    // For tests.
    const std::optional<hall::HallTicket>& current() const { return m_current; }
    int window() const { return m_window; }

private:
    void load(Context& ctx);
    void refresh(Context& ctx);
    void act(Context& ctx, const std::string& what, int to = 0);
    // Fetches the kiosk details of a ticket or appointment (once per id) on the worker.
    void fetchFamily(Context& ctx, const std::string& ticketId, const std::string& code);
    void closeFamily();
    void drawFamily(Context& ctx);

    bool m_loaded = false, m_loading = false;
    std::optional<zhuxue::hall::HallConfig> m_hall;
    hall::HallLink m_link;
    int m_window = 0, m_transferTo = 0;
    std::optional<hall::HallTicket> m_current;
    std::vector<hall::HallTicket> m_waiting;
    std::vector<hall::HallAppointment> m_appointments;
    std::string m_notice; // i18n key (hall.panel.empty) or an error message
    bool m_busy = false;       // an action (next, recall, ...) is on its way
    bool m_refreshing = false; // the lists are being fetched
    double m_refreshedAt = -1e9;
    double m_linkCheckedAt = 0; // when the worker last looked for an enrollment, while unlinked

    // The family of the called ticket or opened appointment.
    enum class Family { None, Loading, Shown, Missing, Failed };
    Family m_family = Family::None;
    std::string m_familyFor, m_familyCode, m_familyError;
    std::string m_autoFetchedFor; // the last called ticket whose details were asked for
    hall::FamilyDetails m_details;
    Uuid m_knownStudent; // this device's file of the same ID number, when there is one
};

// The panel of this staff client (one per Context), drawn in place: home_screen's hook.
void drawQueuePanel(Context& ctx);

} // namespace zhuxue::ui
