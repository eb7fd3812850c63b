#pragma once
// Process hardening for programs that hold personal data in memory (zhuxue, zhuxue-cli): no core
// dumps (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0, which also keeps other processes of
// the same user from attaching with ptrace and reading the unlocked data key).
namespace zhuxue::store::crypto {

// Call first thing in main. Returns false when the kernel refused (the program still runs).
bool disableCoreDumps();

} // namespace zhuxue::store::crypto
