#pragma once
// Start-up timing for finding where the time goes between exec and the first frame. Off unless
// ZHUXUE_STARTUP_TRACE is set (to anything but "0"); then each mark prints one line to stderr:
//   zhuxue startup: +12.3 ms (since exec ~20 ms) <what>
// "since exec" adds the time before main (loader, static constructors), taken from the kernel's
// process start time (10 ms resolution).
namespace zhuxue::app {

bool startupTraceOn();
void startupMark(const char* what);

} // namespace zhuxue::app
