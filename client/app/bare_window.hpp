#pragma once
// A bare Dear ImGui + GLFW window (default font, one line of text), the baseline that
// client.start_to_first_frame is reported beside: same binary, same libraries, none of our work.
#include "app.hpp"

namespace zhuxue::app {

// Opens the window, writes options.readyFile after the first frame is on screen, and runs until
// closed, SIGTERM, or options.exitAfterFrames. Returns the exit code (3 without a display).
int runBareWindow(const LaunchOptions& options);

} // namespace zhuxue::app
