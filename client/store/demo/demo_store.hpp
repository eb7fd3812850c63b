#pragma once
// Writes a generated demo county into the device store through the store's functions (change
// log and audit included), a few hundred families per transaction.
#include "client/store/demo/demo_county.hpp"
#include "client/store/store.hpp"

#include <functional>

namespace zhuxue::demo {

struct DemoWriteSummary {
    std::size_t families = 0;
    std::size_t records = 0;
};

// progress(familiesWritten) is called after each committed transaction.
Result<DemoWriteSummary> writeDemoCounty(store::Store& store, DemoGenerator& generator,
                                         const store::Actor& who,
                                         const std::function<void(std::size_t)>& progress = {});

} // namespace zhuxue::demo
