// Property tests of the merge rule: random concurrent edit histories on several simulated
// devices, delivered in random order with repetition, converge; no edit disappears unless a
// device that had seen it replaced it.
#include "sync/protocol/merge.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <map>
#include <random>
#include <set>

using namespace zhuxue::sync;

namespace {

std::string uuidFor(uint64_t n, uint64_t salt) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(salt & 0xffffffff),
                  static_cast<unsigned long long>(n));
    return buf;
}

struct SimDevice {
    std::string id;
    int64_t skewMs = 0;
    uint64_t lastHlc = 0;
    Replica replica;
    std::vector<Change> known; // everything this device has seen, in arrival order
    std::set<std::string> knownIds;

    std::string tick(int64_t now) {
        uint64_t wall = static_cast<uint64_t>(now + skewMs) << 16;
        lastHlc = std::max(lastHlc + 1, wall);
        return hlcText(lastHlc);
    }
    void receive(const Change& c) {
        lastHlc = std::max(lastHlc, hlcValue(c.hlc));
        auto kind = replica.apply(c);
        REQUIRE(kind != MergeKind::IdConflict);
        if (knownIds.insert(c.id).second)
            known.push_back(c);
    }
};

struct History {
    std::vector<SimDevice> devices;
    std::map<std::string, std::set<std::string>> seenBy; // change id -> ids its author had seen
    std::vector<Change> all;
};

int iterations() {
    return std::getenv("ZHUXUE_FULL") ? 400 : 60;
}

} // namespace

TEST_CASE("random concurrent histories converge and keep every concurrent edit") {
    int totalConflicts = 0;
    for (int iter = 0; iter < iterations(); ++iter) {
        std::mt19937_64 rng(static_cast<uint64_t>(iter) * 7919 + 17);
        History h;
        int nDevices = 2 + static_cast<int>(rng() % 4);
        for (int d = 0; d < nDevices; ++d) {
            SimDevice dev;
            dev.id = uuidFor(static_cast<uint64_t>(d) + 1, 0xdddd);
            // Skewed clocks (up to a year either way) must not change the result's shape.
            dev.skewMs = static_cast<int64_t>(rng() % 3) == 0
                             ? static_cast<int64_t>(rng() % 63072000000ULL) - 31536000000LL
                             : 0;
            h.devices.push_back(std::move(dev));
        }
        const char* fields[] = {"name", "phone", "_deleted"};
        int64_t now = 1750000000000;
        uint64_t changeNo = 0;
        int steps = 30 + static_cast<int>(rng() % 60);
        for (int s = 0; s < steps; ++s) {
            now += static_cast<int64_t>(rng() % 5);
            auto& dev = h.devices[rng() % h.devices.size()];
            if (rng() % 3 != 0) {
                Change c;
                c.id = uuidFor(++changeNo, static_cast<uint64_t>(iter));
                c.recordType = "student";
                c.recordId = uuidFor(1 + rng() % 3, 0xaaaa);
                c.county = "420527";
                c.field = fields[rng() % 3];
                c.value = c.field == "_deleted" ? nlohmann::json(rng() % 2 == 0)
                                                : nlohmann::json("v" + std::to_string(changeNo));
                c.hlc = dev.tick(now);
                c.device = dev.id;
                auto it = dev.replica.fields().find(FieldKey{c.recordType, c.recordId, c.field});
                if (it != dev.replica.fields().end() && !it->second.empty()) {
                    // A person either resolves a visible conflict (names every head) or just
                    // edits the value shown (names the winner).
                    if (it->second.inConflict() && rng() % 2 == 0)
                        for (const auto& head : it->second.heads)
                            c.base.push_back(versionRef(head));
                    else
                        c.base.push_back(versionRef(it->second.winner()));
                    std::sort(c.base.begin(), c.base.end());
                }
                REQUIRE(validate(c).ok());
                h.seenBy[c.id] = dev.knownIds;
                dev.receive(c);
                h.all.push_back(c);
            } else {
                // Partial sync: a random subset of one device's knowledge, shuffled, repeated.
                auto& from = h.devices[rng() % h.devices.size()];
                std::vector<Change> batch;
                for (const auto& c : from.known)
                    if (rng() % 2 == 0)
                        batch.push_back(c);
                if (!batch.empty() && rng() % 2 == 0)
                    batch.push_back(batch[rng() % batch.size()]);
                std::shuffle(batch.begin(), batch.end(), rng);
                for (const auto& c : batch)
                    dev.receive(c);
            }
        }
        // Heal: everyone receives everything, each in its own random order, some twice.
        for (auto& dev : h.devices) {
            auto batch = h.all;
            for (int k = 0; k < 5 && !h.all.empty(); ++k)
                batch.push_back(h.all[rng() % h.all.size()]);
            std::shuffle(batch.begin(), batch.end(), rng);
            for (const auto& c : batch)
                dev.receive(c);
        }
        for (std::size_t d = 1; d < h.devices.size(); ++d)
            REQUIRE(h.devices[d].replica == h.devices[0].replica);

        // Nothing vanished silently: every change is still a head, or a change whose author had
        // seen it names it in its base.
        const auto& final = h.devices[0].replica.fields();
        for (const auto& c : h.all) {
            const auto& st = final.at(FieldKey{c.recordType, c.recordId, c.field});
            bool isHead = std::any_of(st.heads.begin(), st.heads.end(),
                                      [&](const Change& x) { return x.id == c.id; });
            if (isHead)
                continue;
            bool knowinglyReplaced = std::any_of(h.all.begin(), h.all.end(), [&](const Change& y) {
                return y.recordId == c.recordId && y.field == c.field &&
                       h.seenBy[y.id].count(c.id) &&
                       std::find(y.base.begin(), y.base.end(), versionRef(c)) != y.base.end();
            });
            INFO("change " << c.id << " disappeared");
            CHECK(knowinglyReplaced);
        }
        // Two changes to one field where neither author saw the other are both kept until a
        // person who saw them both replaces them.
        for (const auto& a : h.all)
            for (const auto& b : h.all) {
                if (a.id >= b.id || a.recordId != b.recordId || a.field != b.field)
                    continue;
                if (h.seenBy[a.id].count(b.id) || h.seenBy[b.id].count(a.id))
                    continue;
                const auto& st = final.at(FieldKey{a.recordType, a.recordId, a.field});
                auto headOrReplacedByWitness = [&](const Change& x) {
                    if (std::any_of(st.heads.begin(), st.heads.end(),
                                    [&](const Change& y) { return y.id == x.id; }))
                        return true;
                    return std::any_of(h.all.begin(), h.all.end(), [&](const Change& y) {
                        return h.seenBy[y.id].count(x.id) &&
                               std::find(y.base.begin(), y.base.end(), versionRef(x)) !=
                                   y.base.end();
                    });
                };
                CHECK(headOrReplacedByWitness(a));
                CHECK(headOrReplacedByWitness(b));
            }
        totalConflicts += static_cast<int>(h.devices[0].replica.conflictCount());
    }
    // The generator must actually produce conflicts, or the test above proves nothing.
    CHECK(totalConflicts > 0);
}

TEST_CASE("two offline edits of one field become a conflict; the later one is shown") {
    Change a{uuidFor(1, 1), "student",          uuidFor(9, 9), "420527", "name",
             "张三",        "0000019000000000", uuidFor(1, 2), {}};
    Change b{uuidFor(2, 1), "student",          uuidFor(9, 9), "420527", "name",
             "張三",        "0000019000010000", uuidFor(2, 2), {}};
    Replica r1, r2;
    r1.apply(a);
    r1.apply(b);
    r2.apply(b);
    r2.apply(a);
    CHECK(r1 == r2);
    const auto& st = r1.fields().begin()->second;
    REQUIRE(st.inConflict());
    CHECK(st.winner().value == "張三");
    // A person resolves it, naming both values: the conflict ends everywhere.
    Change fix{uuidFor(3, 1), "student",          uuidFor(9, 9), "420527",      "name",
               "张叁",        "0000019000020000", uuidFor(1, 2), {a.hlc, b.hlc}};
    CHECK(r1.apply(fix) == MergeKind::Added);
    CHECK_FALSE(r1.fields().begin()->second.inConflict());
    CHECK(r1.fields().begin()->second.winner().value == "张叁");
    // A late duplicate of a replaced value changes nothing.
    CHECK(r1.apply(a) == MergeKind::Superseded);
    CHECK(r1.fields().begin()->second.heads.size() == 1);
}

TEST_CASE("same change twice is harmless; same id with other content is refused") {
    Change a{uuidFor(1, 1), "student",          uuidFor(9, 9), "420527", "phone",
             "13800000000", "0000019000000000", uuidFor(1, 2), {}};
    Replica r;
    CHECK(r.apply(a) == MergeKind::Added);
    CHECK(r.apply(a) == MergeKind::Duplicate);
    Change forged = a;
    forged.value = "13900000000";
    CHECK(r.apply(forged) == MergeKind::IdConflict);
    CHECK(r.fields().begin()->second.winner().value == "13800000000");
}

TEST_CASE("a change carrying a rare character outside the BMP round-trips through JSON") {
    Change a{uuidFor(1, 1), "student",          uuidFor(9, 9), "420527", "name",
             "𠀀𪚥李",      "0000019000000000", uuidFor(1, 2), {}};
    auto back = changeFromJson(nlohmann::json::parse(toJson(a).dump()));
    REQUIRE(back.ok());
    CHECK(*back == a);
}
