#include "staff_client.hpp"

#include "client/app/startup_trace.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"

#include <imgui.h>

#include <ctime>

namespace zhuxue::ui {

std::string todayIso() {
    return localDayText(systemNowMs());
}

bool allowed(store::Role role, Permission p) {
    switch (p) {
    case Permission::EditRecords: return true; // volunteers enter what families tell them
    case Permission::SignContracts:
    case Permission::DecideReviews:
    case Permission::SeeIncomes:
    case Permission::Export:
    case Permission::AssignVisits: return role != store::Role::Volunteer;
    case Permission::ManageAccounts:
    case Permission::ChangeSettings: return role == store::Role::Admin;
    }
    return false;
}

struct StaffClient::OpenedStores {
    std::unique_ptr<store::Store> store, readStore;
    Error error;
    std::optional<std::string> county;
};

StaffClient::OpenedStores StaffClient::openStores(const std::filesystem::path& dataDir) {
    OpenedStores out;
    // The screens read a page of rows at a time and save one family at a time: 8 MiB of page
    // cache each is plenty (the sync worker keeps its own 32 MiB connection for pulled pages).
    store::OpenOptions screens;
    screens.cacheKiB = 8 * 1024;
    if (auto s = store::Store::open(dataDir, screens)) {
        out.store = std::move(*s);
        if (auto r = store::Store::open(dataDir, screens))
            out.readStore = std::move(*r);
    } else {
        out.error = s.error();
    }
    if (out.store)
        if (auto c = sync::deviceCredentials(*out.store); c && c->enrolled() && !c->counties.empty())
            out.county = c->counties.front();
    // Nobody is signed in yet: the stores refuse every record read and write (access.hpp).
    if (out.store)
        out.store->setAccess(store::Access::Locked);
    if (out.readStore)
        out.readStore->setAccess(store::Access::Locked);
    return out;
}

void StaffClient::installStores(OpenedStores opened) {
    m_store = std::move(opened.store);
    m_readStore = std::move(opened.readStore);
    m_ctx.storeError = opened.error;
    if (opened.county)
        m_ctx.county = *opened.county;
    m_ctx.store = m_store.get();
    m_ctx.readStore = m_readStore.get();
    m_search.setReadStore(m_readStore.get());
    // The new connections take the access of whoever is signed in now (Locked for nobody).
    store::Access access = m_accessFor ? store::accessFor(m_accessFor->second) : store::Access::Locked;
    if (m_store)
        m_store->setAccess(access);
    if (m_readStore)
        m_readStore->setAccess(access);
    m_storesReady = true;
    app::startupMark("stores open");
}

StaffClient::StaffClient(app::App& app, const std::filesystem::path& dataDir,
                         const sync::SyncStatusBoard* board, OpenStores when)
    : m_worker(std::make_unique<app::Worker>()), m_ctx(app) {
    m_ctx.dataDir = dataDir;
    m_ctx.board = board;
    m_ctx.worker = m_worker.get();
    if (auto a = store::Accounts::open(dataDir))
        m_accounts = std::move(*a);
    m_dashboard.setAccess(store::Access::Locked);
    m_ctx.accounts = m_accounts.get();
    if (when == OpenStores::Now) {
        installStores(openStores(dataDir));
        return;
    }
    // The worker's first job, queued once the first frame is on screen (with a county on the
    // device the open takes long enough to delay that frame on a busy two-core laptop): every
    // later job (a sign-in among them) runs after it, and its result is posted to the main-thread
    // queue before theirs.
    std::weak_ptr<int> alive = m_alive;
    app.afterFirstFrame([this, alive, dataDir, app = &app] {
        if (alive.expired())
            return;
        m_worker->run([this, alive, dataDir, app] {
            auto opened = std::make_shared<OpenedStores>(openStores(dataDir));
            app->queue().post([this, alive, opened] {
                if (!alive.expired())
                    installStores(std::move(*opened));
            });
            app->wake();
        });
    });
}

StaffClient::~StaffClient() {
    // Finish the worker first, then run what it handed back while the screens still exist.
    m_worker.reset();
    m_ctx.app.queue().drain();
}

void StaffClient::followAccount() {
    std::optional<std::pair<std::string, store::Role>> now;
    if (m_ctx.account)
        now.emplace(m_ctx.account->user, m_ctx.account->role);
    if (now == m_accessFor)
        return;
    m_accessFor = now;
    store::Access access = now ? store::accessFor(now->second) : store::Access::Locked;
    if (m_store)
        m_store->setAccess(access);
    if (m_readStore)
        m_readStore->setAccess(access);
    m_dashboard.setAccess(access);
}

void StaffClient::checkIdle() {
    ImGuiIO& io = ImGui::GetIO();
    double now = ImGui::GetTime();
    bool input = io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 ||
                 !io.InputQueueCharacters.empty();
    for (int i = 0; i < 5 && !input; ++i)
        input = io.MouseDown[i];
    for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown) && !input; ++k)
        input = io.KeysDown[k];
    if (input)
        m_lastInput = now;
    if (m_ctx.account && m_ctx.accounts && !m_ctx.accounts->dataUnlocked()) {
        // The data key left memory without us (sync found this account disabled on the server).
        m_signIn.lockFor(m_ctx.account->user, ScreenId::Home, {},
                         message(m_ctx.app, Error("accounts.session_ended")));
        m_ctx.account.reset();
        m_ctx.history.clear();
        m_ctx.screen = ScreenId::SignIn;
        return;
    }
    if (m_ctx.account && now - m_lastInput > m_ctx.app.settings().idleLockSeconds) {
        // Lock: the same person signs in again; open forms keep their drafts behind the lock.
        m_signIn.lockFor(m_ctx.account->user, m_ctx.screen, m_ctx.history);
        m_ctx.account.reset();
        if (m_ctx.accounts)
            m_ctx.accounts->lockData(); // the data key leaves memory with the person

        m_ctx.history.clear();
        m_ctx.screen = ScreenId::SignIn;
    }
}

void StaffClient::topBar() {
    app::App& app = m_ctx.app;
    ImGui::TextUnformatted(app.tr("app.title"));
    if (m_ctx.account) {
        ImGui::SameLine();
        std::string who = m_ctx.account->displayName + " · " +
                          app.tr(("ui.role." + std::string(store::toCode(m_ctx.account->role))).c_str());
        dataTextDisabled(app, who);
        ImGui::SameLine(ImGui::GetContentRegionMax().x - 260);
        if (m_ctx.screen != ScreenId::Home && button(app, "ui.nav.home", true, "nav.home")) {
            m_ctx.history.clear();
            m_ctx.screen = ScreenId::Home;
        }
        ImGui::SameLine();
        if (button(app, "ui.nav.sign_out", true, "nav.sign_out")) {
            m_ctx.account.reset();
            if (m_ctx.accounts)
                m_ctx.accounts->lockData();
            m_ctx.history.clear();
            m_ctx.screen = ScreenId::SignIn;
            m_signIn = SignInScreen{};
            followAccount();
        }
    }
    ImGui::Separator();
}

void StaffClient::draw() {
    checkIdle();
    followAccount();
    if (m_ctx.dataVersion != m_syncedVersion) {
        // Something was saved: the sync worker pushes it shortly (it waits a moment to batch).
        m_syncedVersion = m_ctx.dataVersion;
        if (m_ctx.sync)
            m_ctx.sync->notifySaved();
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("##staff", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    topBar();
    if (!m_ctx.account && m_ctx.screen != ScreenId::SignIn)
        m_ctx.screen = ScreenId::SignIn;
    // One scrolling area per screen: a screen opens where it was left (or at the top), not
    // scrolled as far as the screen before it was.
    ImGui::PushID(static_cast<int>(m_ctx.screen));
    const ImGuiID screenArea = ImGui::GetID("##screen");
    ImGui::PopID();
    ImGui::BeginChild(screenArea, ImVec2(0, 0), false);
    m_ctx.entered = m_ctx.screen != m_drawnScreen;
    m_drawnScreen = m_ctx.screen;
    switch (m_ctx.screen) {
    case ScreenId::SignIn: m_signIn.draw(m_ctx); break;
    case ScreenId::Home: m_home.draw(m_ctx); break;
    case ScreenId::Search: m_search.draw(m_ctx); break;
    case ScreenId::Family: m_family.draw(m_ctx); break;
    case ScreenId::FirstLoan: m_firstLoan.draw(m_ctx); break;
    case ScreenId::HomeVisit: m_homeVisit.draw(m_ctx); break;
    case ScreenId::Settings: m_settings.draw(m_ctx); break;
    case ScreenId::Accounts: m_accountsScreen.draw(m_ctx); break;
    case ScreenId::Assessment: m_assessment.draw(m_ctx); break;
    case ScreenId::Review: m_review.draw(m_ctx); break;
    case ScreenId::Calculator: m_calculator.draw(m_ctx); break;
    case ScreenId::PostLoan: m_postLoan.draw(m_ctx); break;
    case ScreenId::Conflicts: m_conflicts.draw(m_ctx); break;
    case ScreenId::Dashboard:
        m_dashboard.draw(m_ctx.app);
        if (button(m_ctx.app, "ui.common.back", true, "dashboard.back") || escapePressed())
            m_ctx.back();
        break;
    }
    ImGui::EndChild();
    ImGui::End();
}

} // namespace zhuxue::ui
