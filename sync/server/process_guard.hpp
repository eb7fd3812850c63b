#pragma once
// zhuxue-server holds device tokens and every county's records in memory: no core dumps
// (RLIMIT_CORE 0) and not dumpable/ptrace-able by other processes of its user (PR_SET_DUMPABLE 0).
namespace zhuxue::sync::server {

// Call first thing in main. Returns false when the kernel refused (the server still runs).
bool disableCoreDumps();

} // namespace zhuxue::sync::server
