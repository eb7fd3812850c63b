#pragma once
// The staff dashboard: applications and amounts by township, status and month, pre-applied
// against signed, home visits done against assigned, as bar charts readable at a glance.
// The figures are loaded and computed on a worker thread (its own store connection) and arrive
// through the main-thread queue; draw() never blocks.
#include "client/core/result.hpp"
#include "client/reports/dashboard.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "client/store/access.hpp"

namespace zhuxue::app {
class App;
}

namespace zhuxue::ui {

class DashboardScreen {
public:
    // Where the rows come from; runs on the worker thread.
    using Loader = std::function<Result<reports::DashboardInput>()>;

    // Reads the device store in the app's data directory.
    DashboardScreen();
    explicit DashboardScreen(Loader loader);
    ~DashboardScreen(); // waits for a running refresh; its late result is dropped
    DashboardScreen(const DashboardScreen&) = delete;
    DashboardScreen& operator=(const DashboardScreen&) = delete;

    void draw(app::App& app);
    // Starts a refresh unless one is running (draw() does this on its first frame).
    void refresh(app::App& app);

    bool busy() const;
    // The access level the default loader's own Store reads at (the staff client passes the
    // signed-in account's; System when used on its own).
    void setAccess(store::Access access) { m_access = access; }
    const std::optional<reports::DashboardFigures>& figures() const { return m_figures; }
    double lastComputeMs() const { return m_computeMs; }

private:
    struct Alive {
        bool alive = true;
    };
    void accept(Result<reports::DashboardFigures> result, double ms);

    Loader m_loader;
    store::Access m_access = store::Access::System;
    std::shared_ptr<Alive> m_alive = std::make_shared<Alive>();
    std::thread m_worker;
    bool m_busy = false;
    bool m_started = false;
    bool m_newGlyphs = false; // figures arrived: their labels (township names) enter the atlas
    int m_year = 0; // 0 = every year
    std::optional<reports::DashboardFigures> m_figures;
    std::optional<Error> m_error;
    double m_computeMs = 0;
};

} // namespace zhuxue::ui
