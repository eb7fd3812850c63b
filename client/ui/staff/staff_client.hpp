#pragma once
// The staff and volunteer client: opens the device's store and accounts, holds every screen and
// the navigation between them, locks after idle time, and draws one frame. main.cpp runs it in
// a window; the GUI tests run it headless through the automation driver.
#include "accounts_screen.hpp"
#include "assessment_screen.hpp"
#include "calculator_screen.hpp"
#include "conflicts_screen.hpp"
#include "context.hpp"
#include "dashboard_screen.hpp"
#include "family_screen.hpp"
#include "first_loan_screen.hpp"
#include "home_screen.hpp"
#include "home_visit_screen.hpp"
#include "post_loan_screen.hpp"
#include "review_screen.hpp"
#include "search_screen.hpp"
#include "settings_screen.hpp"
#include "sign_in_screen.hpp"

#include <memory>

namespace zhuxue::ui {

class StaffClient {
public:
    // Opens <dataDir>/zhuxue.db (twice: one connection for the UI thread, one for the worker)
    // and <dataDir>/accounts.db. A store that cannot open is shown as an error, not a crash.
    // With OpenStores::InBackground (the desktop client) the two store connections open as the
    // worker's first job (key unwrapping and the search-index check take a while with a county on
    // the device), so the sign-in screen is on screen at once; store() is nullptr until
    // storesReady(). Every sign-in runs on the same worker after that job, so nobody reaches a
    // screen that needs the store before it is there.
    enum class OpenStores { Now, InBackground };
    StaffClient(app::App& app, const std::filesystem::path& dataDir,
                const sync::SyncStatusBoard* board = nullptr, OpenStores when = OpenStores::Now);
    ~StaffClient();
    StaffClient(const StaffClient&) = delete;
    StaffClient& operator=(const StaffClient&) = delete;

    void draw();
    Context& context() { return m_ctx; }
    store::Store* store() { return m_store.get(); }
    store::Accounts* accounts() { return m_accounts.get(); }
    // The store connections are open (or failed to open: store() is nullptr, context().storeError
    // says why).
    bool storesReady() const { return m_storesReady; }
    app::Worker& worker() { return *m_worker; }
    SearchScreen& search() { return m_search; }
    DashboardScreen& dashboard() { return m_dashboard; }

private:
    void topBar();
    void checkIdle();
    // Sets every Store of the client to the signed-in account's access level (Locked when nobody
    // is signed in) whenever who is signed in changes: sign-in, sign-out, idle lock.
    void followAccount();
    struct OpenedStores;
    static OpenedStores openStores(const std::filesystem::path& dataDir);
    void installStores(OpenedStores opened);

    std::unique_ptr<store::Store> m_store, m_readStore;
    std::unique_ptr<store::Accounts> m_accounts;
    std::unique_ptr<app::Worker> m_worker;
    Context m_ctx;
    SignInScreen m_signIn;
    HomeScreen m_home;
    SearchScreen m_search;
    FamilyScreen m_family;
    FirstLoanScreen m_firstLoan;
    HomeVisitScreen m_homeVisit;
    SettingsScreen m_settings;
    AccountsScreen m_accountsScreen;
    AssessmentScreen m_assessment;
    ReviewScreen m_review;
    CalculatorScreen m_calculator;
    PostLoanScreen m_postLoan;
    ConflictsScreen m_conflicts;
    DashboardScreen m_dashboard;
    double m_lastInput = 0;
    std::optional<ScreenId> m_drawnScreen; // the screen drawn last frame
    std::optional<std::pair<std::string, store::Role>> m_accessFor; // whose access is applied
    uint64_t m_syncedVersion = 0; // dataVersion the sync worker was last told about
    bool m_storesReady = false;
    // Results of the background open come back through the main-thread queue; this token
    // outlives stale callbacks.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace zhuxue::ui
