#include "merge.hpp"

#include <algorithm>

namespace zhuxue::sync {

bool winsOver(const Change& a, const Change& b) {
    return std::tie(a.hlc, a.device, a.id) > std::tie(b.hlc, b.device, b.id);
}

MergeResult mergeField(const FieldState& state, const Change& change) {
    for (const auto& h : state.heads) {
        if (h.id == change.id)
            return {state, h == change ? MergeKind::Duplicate : MergeKind::IdConflict};
    }
    FieldState next;
    next.replaced = state.replaced;
    for (const auto& b : change.base) {
        auto it = std::lower_bound(next.replaced.begin(), next.replaced.end(), b);
        if (it == next.replaced.end() || *it != b)
            next.replaced.insert(it, b);
    }
    auto isReplaced = [&](const Change& c) {
        return std::binary_search(next.replaced.begin(), next.replaced.end(), c.hlc) ||
               std::binary_search(next.replaced.begin(), next.replaced.end(), versionRef(c));
    };
    for (const auto& h : state.heads) {
        if (!isReplaced(h))
            next.heads.push_back(h);
    }
    MergeKind kind = MergeKind::Superseded;
    if (!isReplaced(change)) {
        next.heads.push_back(change);
        kind = MergeKind::Added;
    }
    std::sort(next.heads.begin(), next.heads.end(), winsOver);
    return {std::move(next), kind};
}

MergeKind Replica::apply(const Change& c) {
    auto& st = m_fields[FieldKey{c.recordType, c.recordId, c.field}];
    auto r = mergeField(st, c);
    if (r.kind != MergeKind::IdConflict && r.kind != MergeKind::Duplicate)
        st = std::move(r.state);
    return r.kind;
}

std::size_t Replica::conflictCount() const {
    return static_cast<std::size_t>(std::count_if(
        m_fields.begin(), m_fields.end(), [](const auto& kv) { return kv.second.inConflict(); }));
}

} // namespace zhuxue::sync
