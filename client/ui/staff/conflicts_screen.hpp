#pragma once
// Conflicts and quarantine (DESIGN "Sync rules"): when two devices changed the same field without
// seeing each other, both values are kept; here a person sees them side by side with the device
// and the time of each, and keeps one or types a merged value. Changes the server refused for good
// wait in quarantine with the server's reason: open the record to fix it, then send again, or give
// the change up (the local value stays). The list is read again whenever sync has applied changes
// (a conflict resolved on another device leaves it, with a note saying so).
#include "context.hpp"

#include <map>
#include <set>

namespace zhuxue::ui {

class ConflictsScreen {
public:
    void draw(Context& ctx);

private:
    void load(Context& ctx);
    void drawConflict(Context& ctx, const store::Conflict& c, size_t i);
    void drawQuarantined(Context& ctx, const store::QuarantinedChange& q, size_t i);
    std::string recordLabel(Context& ctx, RecordType type, const Uuid& id);
    std::string who(Context& ctx, const DeviceId& device, UnixMs at);

    uint64_t m_loadedVersion = ~uint64_t{0};
    int64_t m_loadedPulled = -1; // sync's count of pulled changes when the list was read
    std::set<std::string> m_resolvedHere; // "record|field" decided on this screen since the last read
    std::vector<store::Conflict> m_conflicts;
    std::vector<store::QuarantinedChange> m_quarantine;
    std::map<std::string, std::string> m_merged; // typed merged value by conflict id
    std::map<std::string, std::string> m_names;  // record labels by id (students' names)
    std::string m_status, m_error;
};

} // namespace zhuxue::ui
