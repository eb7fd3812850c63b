#pragma once
// The merge rule, shared by devices and the server. One pure function over one field.
//
// A field's state is a function of the SET of changes known for it, never of their order:
//   replaced = the union of every known change's `base` references;
//   heads    = the known changes not named in `replaced` (by "<hlc>@<device>", or by bare hlc).
// A change that names a value in `base` has seen it, so that value is superseded. Two heads are
// edits that did not see each other (concurrent): all of them are kept, the field is in
// conflict, and a person resolves it by writing a value whose base names every head. The value
// shown meanwhile is the head with the greatest (hlc, device, id): last writer wins, with a
// deterministic tiebreak, so every replica shows the same value.
//
// Because the state depends only on the set, merging is commutative, associative and
// idempotent: replicas that have seen the same changes hold the same state, whatever the
// delivery order or repetition. Keeping only heads (not every change) is enough: a change that is
// replaced stays replaced, and `replaced` remembers it for late arrivals.
#include "change.hpp"

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace zhuxue::sync {

struct FieldState {
    std::vector<Change> heads;         // winner first, then the other conflicting values
    std::vector<std::string> replaced; // sorted, unique base references

    bool empty() const { return heads.empty(); }
    bool inConflict() const { return heads.size() > 1; }
    const Change& winner() const { return heads.front(); }
    bool operator==(const FieldState&) const = default;
};

enum class MergeKind {
    Added,      // the change became a head (the new winner or a new conflicting value)
    Superseded, // the change is already replaced by a known change: recorded, not shown
    Duplicate,  // the very same change was known: nothing changes
    IdConflict, // a known change has the same id but other content: refused, state unchanged
};

struct MergeResult {
    FieldState state;
    MergeKind kind;
};

// (hlc, device, id) descending: the order of heads, the first wins.
bool winsOver(const Change& a, const Change& b);

MergeResult mergeField(const FieldState& state, const Change& change);

// A whole replica in memory: records of fields. Used by tests and tools; the device store and
// the server keep the same state in tables and call mergeField themselves.
struct FieldKey {
    std::string recordType, recordId, field;
    auto operator<=>(const FieldKey&) const = default;
};

class Replica {
public:
    MergeKind apply(const Change& c);
    const std::map<FieldKey, FieldState>& fields() const { return m_fields; }
    std::size_t conflictCount() const;
    bool operator==(const Replica& o) const { return m_fields == o.m_fields; }

private:
    std::map<FieldKey, FieldState> m_fields;
};

} // namespace zhuxue::sync
