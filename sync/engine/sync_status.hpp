#pragma once
// What the UI knows about sync: a snapshot the sync worker publishes and the UI copies once a
// frame. Times are Unix seconds (0 = never).
#include <cstdint>
#include <mutex>
#include <string>

namespace zhuxue::sync {

// WaitingForSignIn: the store is locked (a staff machine with nobody signed in); not an error,
// sync resumes by itself after sign-in.
enum class SyncState { NotConfigured, Idle, Syncing, Offline, Error, WaitingForSignIn };

struct SyncStatus {
    SyncState state = SyncState::NotConfigured;
    std::string serverUrl;
    int64_t lastSuccess = 0;
    int64_t pendingChanges = 0;
    int64_t conflicts = 0;
    int64_t quarantined = 0;
    int64_t blobsPendingUp = 0;   // attachment files not yet on the server
    int64_t blobsPendingDown = 0; // attachment records whose file is not on this device yet
    int64_t recordsDone = 0, recordsTotal = 0;
    int64_t bytesDone = 0;
    // Changes pulled and applied since the worker started: screens that count records (home's
    // "my work") count again when it grows, instead of waiting for their own timer.
    int64_t pulledTotal = 0;
    // Looks at a still-locked store since the worker started (each one a WaitingForSignIn poll):
    // tests tell "waited through many polls" from "happened to be waiting when looked at".
    int64_t signInChecks = 0;
    std::string lastErrorKey; // i18n key of the last error, empty when none
};

// Shared between the worker (writer) and the UI (reader).
class SyncStatusBoard {
public:
    SyncStatus snapshot() const {
        std::lock_guard lock(m_mutex);
        return m_status;
    }
    template <class Fn> void update(Fn&& fn) {
        std::lock_guard lock(m_mutex);
        fn(m_status);
    }

private:
    mutable std::mutex m_mutex;
    SyncStatus m_status;
};

} // namespace zhuxue::sync
