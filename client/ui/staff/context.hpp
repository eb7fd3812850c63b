#pragma once
// What every staff screen gets: the process (App), the device's store and accounts, the sync
// status board, a worker for long jobs, who is signed in, and navigation. Screens keep only their
// own UI state; data lives in the store.
#include "client/app/app.hpp"
#include "client/app/worker.hpp"
#include "client/core/date.hpp"
#include "client/core/ids.hpp"
#include "client/store/accounts.hpp"
#include "client/store/store.hpp"
#include "sync/engine/sync_status.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace zhuxue::sync {
class SyncEngine;
}

namespace zhuxue::ui {

enum class ScreenId { SignIn, Home, Search, Family, FirstLoan, HomeVisit, Settings, Assessment, Review, Calculator, PostLoan, Conflicts, Dashboard, Accounts };

// What a role may do. Volunteers guide families through forms; staff do casework; admins also
// manage accounts and device settings.
// DecideReviews: approve or reject files in review (评议); SeeIncomes: incomes and phone numbers in
// lists; Export: lists that leave the device.
// AssignVisits: give a family's home visit to someone (家访任务).
enum class Permission { EditRecords, SignContracts, DecideReviews, SeeIncomes, Export, AssignVisits, ManageAccounts, ChangeSettings };
bool allowed(store::Role role, Permission p);

// Today on this computer's calendar, "YYYY-MM-DD" (visit dates, due dates, review entries).
std::string todayIso();

// Details that start a first loan or renewal pre-filled (what a family entered at the kiosk): the
// screen takes them once, staff still confirm every step, consent included.
struct LoanPrefill {
    bool renewal = false;
    std::string name, idNumber, phone, township;
    std::string coName, coIdNumber, coPhone;
};

struct Context {
    app::App& app;
    store::Store* store = nullptr;       // nullptr when the database could not be opened
    store::Store* readStore = nullptr;   // a second connection: use it only inside worker jobs
    Error storeError;                    // why, then
    store::Accounts* accounts = nullptr;
    const sync::SyncStatusBoard* board = nullptr;
    app::Worker* worker = nullptr;
    std::filesystem::path dataDir;
    // The county this device works for: the first county of its enrolment (records are saved
    // with it). "420527" (the demo county) only while the device is not enrolled.
    std::string county = "420527";
    // The background sync worker (nullptr when none runs, e.g. in headless tests): notifySaved
    // after saves, requestSync for "sync now", requestEnroll from the settings screen.
    sync::SyncEngine* sync = nullptr;

    std::optional<store::Account> account; // who is signed in
    ScreenId screen = ScreenId::SignIn;
    std::vector<ScreenId> history;
    // True while a screen is drawn for the first time since it was entered (it then gives its
    // first field keyboard focus); set by the client each frame.
    bool entered = false;
    Uuid student; // the family page and journeys work on this student
    std::optional<LoanPrefill> loanPrefill; // taken by the first-loan screen when it starts
    uint64_t dataVersion = 0; // bumped by every save, so pages showing records reload
    // The day the loan journey signs on (policy, school year, remaining years, plan): the
    // computer's local date; tests fix it so their figures can be worked by hand.
    std::function<core::Date()> loanToday;

    explicit Context(app::App& a) : app(a) {}
    void go(ScreenId s) {
        if (s != screen)
            history.push_back(screen);
        screen = s;
    }
    void back() {
        if (!history.empty()) {
            screen = history.back();
            history.pop_back();
        }
    }
    void openFamily(const Uuid& id) {
        student = id;
        go(ScreenId::Family);
    }
    store::Actor actor() const { return {account ? account->user : std::string("unknown")}; }
    bool can(Permission p) const { return account && allowed(account->role, p); }
    const char* tr(std::string_view key) const { return app.tr(key); }
};

} // namespace zhuxue::ui
