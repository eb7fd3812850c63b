#pragma once
// Accounts of this device, for administrators: who may sign in (local accounts made here and
// server accounts received by sync), each one's role, whether it is locked after too many wrong
// passwords and when it last signed in. An administrator makes a staff or volunteer account,
// lifts a lockout and sets a new password for a local account (a server account's password is
// the server's: `zhuxue-server account passwd`). Every call to store::Accounts runs on the
// worker (hashing takes ~0.1 s); the draw code only reads what came back.
#include "context.hpp"

#include "client/core/findings.hpp"

#include <functional>
#include <memory>

namespace zhuxue::ui {

class AccountsScreen {
public:
    void draw(Context& ctx);

private:
    void reload(Context& ctx);
    // Runs job on the worker; then shows done (an i18n text with {user}) or the error, and reloads.
    void run(Context& ctx, std::function<Status(store::Accounts&)> job, const char* doneKey,
             const std::string& user);
    void drawList(Context& ctx);
    void drawNew(Context& ctx);
    void drawReset(Context& ctx);

    std::vector<store::Account> m_accounts;
    bool m_loaded = false, m_loading = false, m_busy = false;
    std::string m_user, m_name, m_password, m_password2;
    int m_role = 1; // 0 admin, 1 staff, 2 volunteer
    std::string m_resetFor, m_resetPassword, m_resetPassword2;
    core::Findings m_findings;
    std::string m_status;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace zhuxue::ui
