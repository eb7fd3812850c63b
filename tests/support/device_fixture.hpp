#pragma once
// Device stores for sync tests: the real client/store::Store (through the sync adapter) in a data
// directory that real `zhuxue-cli enroll/sync` processes use too. Header-only because only the
// sync tests (which link zhuxue_engine) need it.
#include "client/store/record_schema.hpp"
#include "sync/engine/device_sync_store.hpp"
#include "sync/engine/sync_engine.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

namespace zhuxue::test {

inline std::unique_ptr<sync::DeviceSyncStore> openDevice(const std::filesystem::path& dir) {
    auto s = sync::DeviceSyncStore::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

// A zhuxue-server in dir/server and two device stores (dir/a, dir/b) enrolled with it for
// county 420527: the start of most two-device sync tests (`auto& [server, a, b] = env;`).
struct ServerAndTwoDevices {
    ServerProcess server;
    std::unique_ptr<sync::DeviceSyncStore> a, b;
    explicit ServerAndTwoDevices(const std::filesystem::path& dir)
        : server(dir / "server"), a(openDevice(dir / "a")), b(openDevice(dir / "b")) {
        REQUIRE(enrollDevice(*a, server.url(), server.enrollCode("420527"), "A").ok());
        REQUIRE(enrollDevice(*b, server.url(), server.enrollCode("420527"), "B").ok());
    }
};

inline std::vector<std::string> cliArgv(const std::filesystem::path& dir,
                                        std::vector<std::string> command) {
    std::vector<std::string> argv{binPath("zhuxue-cli").string(), "--data-dir", dir.string()};
    for (auto& c : command)
        argv.push_back(std::move(c));
    return argv;
}

inline const char* kFaketimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

inline const char* kFaketimeMissing =
    "libfaketime 缺失（Debian 软件包 libfaketime：apt-get install libfaketime）/ libfaketime is "
    "missing (Debian package libfaketime)";

// The environment that runs a process with its clock moved by `offset` ("+365d", "-365d"; empty
// for none). libfaketime is preloaded directly (not through the faketime wrapper, which forks,
// so kill -9 reaches the real process). Under AddressSanitizer the preload comes before ASan's
// runtime, which ASan accepts once told not to verify the order (faketime only wraps the clock
// calls; ASan's interceptors stay in place).
inline std::map<std::string, std::string> skewEnv(const std::string& offset) {
    if (offset.empty())
        return {};
    std::map<std::string, std::string> env{
        {"LD_PRELOAD", kFaketimeLib}, {"FAKETIME", offset}, {"FAKETIME_DONT_RESET", "1"}};
#if defined(__SANITIZE_ADDRESS__)
    const char* asan = std::getenv("ASAN_OPTIONS");
    env["ASAN_OPTIONS"] = std::string(asan && *asan ? std::string(asan) + ":" : "") +
                          "verify_asan_link_order=0";
#endif
    return env;
}

inline bool canSkewClocks() { return std::filesystem::exists(kFaketimeLib); }

// `skew`: the device's clock offset for faketime ("+365d"), empty for the true time.
inline void enrollCli(const std::filesystem::path& dir, const std::string& url,
                      const std::string& code, const std::string& skew = {}) {
    Process p(cliArgv(dir, {"enroll", url, code}), skewEnv(skew), syncLogDir());
    auto rc = p.wait(std::chrono::seconds(30));
    REQUIRE_MESSAGE(rc == 0, p.stderrText());
}

// Runs `zhuxue-cli sync` to its end; returns its exit code (-1 when it did not finish).
inline int syncCli(const std::filesystem::path& dir, const std::string& skew = {}) {
    Process p(cliArgv(dir, {"sync"}), skewEnv(skew), syncLogDir());
    auto rc = p.wait(std::chrono::seconds(60));
    if (!rc || *rc != 0)
        MESSAGE("sync failed: " << p.stderrText());
    return rc.value_or(-1);
}

inline Uuid studentId(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "01900000-0000-7000-8000-%012d", n);
    return *Uuid::parse(buf);
}

inline std::set<std::string> pendingIds(store::Store& s) {
    std::set<std::string> ids;
    auto all = s.pendingChanges(1 << 30);
    REQUIRE(all.ok());
    for (const auto& c : *all)
        ids.insert(c.changeId.str());
    return ids;
}

// `edits` saves of random fields of students 0..students-1 (created when missing, with the
// student's consent), as a person would make them in the client. Returns the ids of the outbox changes the store made.
inline std::set<std::string> randomStudentEdits(store::Store& s, std::mt19937_64& rng, int edits,
                                                int students, const std::string& county = "420527",
                                                int firstStudent = 0) {
    std::set<std::string> before = pendingIds(s);
    for (int e = 0; e < edits; ++e) {
        Uuid id = studentId(firstStudent + static_cast<int>(rng() % students));
        auto got = s.get<Student>(id);
        REQUIRE(got.ok());
        Student st;
        if (*got)
            st = **got;
        else {
            st.id = id;
            st.county = county;
            // A new student's consent first, as the staff client records it (store.hpp).
            if (!s.list<Consent>("student_id", id)->size())
                consentStudent(s, county, id);
        }
        std::string v = "𠀀值-" + std::to_string(rng() % 1000);
        switch (rng() % 4) {
        case 0:
            st.name = "学生" + v;
            break;
        case 1:
            st.phone = "138" + std::to_string(10000000 + rng() % 89999999);
            break;
        case 2:
            st.notes = v;
            break;
        default:
            st.township = "镇" + v;
        }
        REQUIRE(s.save(st, store::Actor{"test"}).ok());
    }
    std::set<std::string> made;
    for (const auto& id : pendingIds(s))
        if (!before.count(id))
            made.insert(id);
    return made;
}

// Every synced record row of a county, as text: what a person sees, for comparing replicas.
inline std::string recordsDump(store::Store& s, const std::string& county) {
    std::string out;
    for (RecordType t : store::syncedRecordTypes()) {
        std::string table(store::tableSpec(t).table);
        auto q = s.db().prepare("SELECT * FROM " + table + " WHERE county = ? ORDER BY id");
        REQUIRE(q.ok());
        q->bind(1, county);
        while (true) {
            auto row = q->step();
            REQUIRE(row.ok());
            if (!*row)
                break;
            out += table;
            for (int c = 0; c < q->columnCount(); ++c) {
                std::string column = q->columnName(c), value = q->text(c);
                // Each device seals sensitive values with its own data key and nonce, and keys
                // its ID-number blind index itself: compare what the values say, not their bytes.
                if (column.ends_with("_lookup"))
                    continue;
                if (store::FieldCodec::sealed(value)) {
                    auto plain = s.codec().decode(table, column, value);
                    REQUIRE_MESSAGE(plain.ok(), table << "." << column << " does not open");
                    value = "plain:" + *plain;
                }
                out += "|" + column + "=" + value;
            }
            out += "\n";
        }
    }
    return out;
}

// Merge states of the records of a county.
inline std::map<sync::FieldKey, sync::FieldState> fieldsOf(sync::DeviceSyncStore& d,
                                                         const std::string& county) {
    auto all = d.fieldStates();
    REQUIRE(all.ok());
    std::map<sync::FieldKey, sync::FieldState> out;
    for (auto& [k, st] : *all)
        if (!st.heads.empty() && st.heads.front().county == county)
            out[k] = st;
    return out;
}

} // namespace zhuxue::test
