#pragma once
// On a family's page: who visits the family by when (open home-visit assignments, 家访任务), and
// for staff a small form giving the visit to an account of this device (staff or volunteer) with a
// due date. The assignment is an ordinary record (store/visit_assignments.hpp): it syncs to the
// assignee's devices, whose home lists it; the visit saved for the family completes it.
#include "client/core/findings.hpp"
#include "context.hpp"

#include <map>

namespace zhuxue::ui {

class VisitAssignPanel {
public:
    // Reads the family's open assignments and, for staff, the accounts to choose from.
    void load(Context& ctx, const Student& student);
    void draw(Context& ctx, const Student& student);

private:
    void assign(Context& ctx, const Student& student);

    std::vector<VisitAssignment> m_open;
    std::string nameOf(const std::string& user) const;

    std::vector<store::Account> m_accounts; // enabled accounts of this device, by user name
    std::map<std::string, std::string> m_names; // user name → display name, for "assigned by"
    int m_to = -1;                          // index into m_accounts
    std::string m_due;
    core::Findings m_findings;
    std::string m_status;
    Uuid m_statusFor; // the student m_status is about
    std::string m_error;
};

} // namespace zhuxue::ui
