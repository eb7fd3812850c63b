#include "client/store/demo/demo_store.hpp"

namespace zhuxue::demo {

namespace {
template <class R> Status saveAll(store::Batch& batch, const std::vector<R>& records) {
    for (const R& r : records)
        if (auto st = batch.save(r); !st)
            return st;
    return {};
}

Status saveFamily(store::Batch& batch, const DemoFamily& f) {
    // parents before children: household, its members, the student, then what points to them
    if (auto st = batch.save(f.household); !st)
        return st;
    if (auto st = saveAll(batch, f.members); !st)
        return st;
    if (auto st = batch.save(f.student); !st)
        return st;
    if (f.coBorrower)
        if (auto st = batch.save(*f.coBorrower); !st)
            return st;
    if (auto st = saveAll(batch, f.consents); !st)
        return st;
    if (auto st = saveAll(batch, f.applications); !st)
        return st;
    if (auto st = saveAll(batch, f.statusChanges); !st)
        return st;
    if (auto st = saveAll(batch, f.contracts); !st)
        return st;
    if (auto st = saveAll(batch, f.checklists); !st)
        return st;
    if (f.assessment)
        if (auto st = batch.save(*f.assessment); !st)
            return st;
    if (auto st = saveAll(batch, f.reviews); !st)
        return st;
    if (f.visit)
        if (auto st = batch.save(*f.visit); !st)
            return st;
    return saveAll(batch, f.postLoanEvents);
}
} // namespace

Result<DemoWriteSummary> writeDemoCounty(store::Store& store, DemoGenerator& generator,
                                         const store::Actor& who,
                                         const std::function<void(std::size_t)>& progress) {
    constexpr std::size_t kFamiliesPerTransaction = 500;
    DemoWriteSummary summary;
    while (!generator.done()) {
        store::Batch batch = store.batch(who);
        std::size_t records = 0, families = 0;
        for (; families < kFamiliesPerTransaction && !generator.done(); ++families) {
            const DemoFamily f = generator.next();
            if (auto st = saveFamily(batch, f); !st)
                return st.error();
            records += f.recordCount();
        }
        if (auto st = batch.commit(); !st)
            return st.error();
        summary.families += families;
        summary.records += records;
        if (progress)
            progress(summary.families);
    }
    return summary;
}

} // namespace zhuxue::demo
