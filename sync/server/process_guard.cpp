#include "process_guard.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace zhuxue::sync::server {

bool disableCoreDumps() {
    struct rlimit none {};
    bool ok = setrlimit(RLIMIT_CORE, &none) == 0;
    ok = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && ok;
    return ok;
}

} // namespace zhuxue::sync::server
