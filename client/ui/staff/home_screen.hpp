#pragma once
// The staff home screen: who we are, the version, and where sync stands.
#include "sync/engine/sync_status.hpp"

namespace zhuxue::app {
class App;
}

namespace zhuxue::ui {

class HomeScreen {
public:
    void draw(app::App& app, const sync::SyncStatus& status);
};

// Human text for a sync status in the current language ("尚未同步" ...).
const char* syncStateKey(sync::SyncState state);

} // namespace zhuxue::ui
