#pragma once
// Sign-in with a local account (works offline). On a device with no accounts yet it asks for the
// first administrator instead. Hashing runs on the worker; the frame never waits for it.
#include "context.hpp"

#include <memory>
#include <string>

namespace zhuxue::ui {

class SignInScreen {
public:
    void draw(Context& ctx);
    // After an idle lock: the same user must sign in again; data in other screens stays, and
    // signing in returns to the screen (and its way back) that was open.
    // `why`: shown on the lock screen (e.g. the account was disabled on the server).
    void lockFor(const std::string& user, ScreenId screen, std::vector<ScreenId> history,
                 std::string why = {});

private:
    void submit(Context& ctx);
    void createFirstAdmin(Context& ctx);

    std::string m_user, m_password, m_displayName, m_password2;
    bool m_busy = false;
    bool m_locked = false;
    ScreenId m_lockedScreen = ScreenId::Home;
    std::vector<ScreenId> m_lockedHistory;
    std::string m_error;
    // Changes on this device not yet on the server, counted every few seconds (-1: not yet).
    std::int64_t m_pending = -1;
    double m_pendingAt = -100;
    // Results come back through the main-thread queue; this token outlives stale callbacks.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace zhuxue::ui
