// I/O faults and a full disk. A SQLite VFS shim in this test wraps the default VFS and fails the
// k-th write, fsync or truncate (once, or from then on until cleared). A save that meets a fault
// must return an error (never a false "saved"); afterwards the database is intact and the retry
// succeeds. The disk-full test fills a real 2 MB tmpfs, mounted in a private mount namespace
// with unshare; another test has the shim return SQLITE_FULL.
#include "client/store/store.hpp"
#include "tests/support/requirements.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <fstream>
#include <set>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace zhuxue;
using namespace zhuxue::store;
namespace fs = std::filesystem;

namespace {

enum class Op { Write, Sync, Truncate };

struct FaultPlan {
    bool armed = false;
    Op op = Op::Write;
    int at = 0;           // fail the at-th operation of that kind after arming (1-based)
    bool forever = false; // and every later one until disarmed
    int error = SQLITE_IOERR;
    int seen = 0;
    int injected = 0;
};
FaultPlan g_plan;

bool shouldFail(Op op) {
    if (!g_plan.armed || op != g_plan.op)
        return false;
    ++g_plan.seen;
    if (g_plan.seen == g_plan.at || (g_plan.forever && g_plan.seen > g_plan.at)) {
        ++g_plan.injected;
        return true;
    }
    return false;
}

struct ShimFile {
    sqlite3_file base;
    sqlite3_file* real; // allocated right after this struct
};

sqlite3_vfs* g_real = nullptr;

sqlite3_file* realOf(sqlite3_file* f) {
    return reinterpret_cast<ShimFile*>(f)->real;
}

int shimClose(sqlite3_file* f) {
    return realOf(f)->pMethods->xClose(realOf(f));
}
int shimRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off) {
    return realOf(f)->pMethods->xRead(realOf(f), p, n, off);
}
int shimWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
    if (shouldFail(Op::Write))
        return g_plan.error == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return realOf(f)->pMethods->xWrite(realOf(f), p, n, off);
}
int shimTruncate(sqlite3_file* f, sqlite3_int64 size) {
    if (shouldFail(Op::Truncate))
        return SQLITE_IOERR_TRUNCATE;
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int shimSync(sqlite3_file* f, int flags) {
    if (shouldFail(Op::Sync))
        return SQLITE_IOERR_FSYNC;
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int shimFileSize(sqlite3_file* f, sqlite3_int64* size) {
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int shimLock(sqlite3_file* f, int l) {
    return realOf(f)->pMethods->xLock(realOf(f), l);
}
int shimUnlock(sqlite3_file* f, int l) {
    return realOf(f)->pMethods->xUnlock(realOf(f), l);
}
int shimCheckReserved(sqlite3_file* f, int* out) {
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int shimFileControl(sqlite3_file* f, int op, void* arg) {
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int shimSectorSize(sqlite3_file* f) {
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int shimDeviceCharacteristics(sqlite3_file* f) {
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int shimShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** p) {
    return realOf(f)->pMethods->xShmMap(realOf(f), page, size, extend, p);
}
int shimShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void shimShmBarrier(sqlite3_file* f) {
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int shimShmUnmap(sqlite3_file* f, int del) {
    return realOf(f)->pMethods->xShmUnmap(realOf(f), del);
}
int shimFetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) {
    return realOf(f)->pMethods->xFetch(realOf(f), off, amt, pp);
}
int shimUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    return realOf(f)->pMethods->xUnfetch(realOf(f), off, p);
}

const sqlite3_io_methods kShimMethods = {
    3,
    shimClose,
    shimRead,
    shimWrite,
    shimTruncate,
    shimSync,
    shimFileSize,
    shimLock,
    shimUnlock,
    shimCheckReserved,
    shimFileControl,
    shimSectorSize,
    shimDeviceCharacteristics,
    shimShmMap,
    shimShmLock,
    shimShmBarrier,
    shimShmUnmap,
    shimFetch,
    shimUnfetch,
};

int shimOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    auto* shim = reinterpret_cast<ShimFile*>(f);
    shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
    int rc = g_real->xOpen(g_real, name, shim->real, flags, outFlags);
    // The shim's methods are installed only when the real file opened (SQLite calls xClose only
    // for files whose pMethods is set).
    shim->base.pMethods = rc == SQLITE_OK ? &kShimMethods : nullptr;
    return rc;
}

sqlite3_vfs g_shim;

const char* shimVfs() {
    if (!g_real) {
        g_real = sqlite3_vfs_find(nullptr);
        g_shim = *g_real;
        g_shim.zName = "zhuxue-faults";
        g_shim.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_real->szOsFile;
        g_shim.xOpen = shimOpen;
        g_shim.pNext = nullptr;
        REQUIRE(sqlite3_vfs_register(&g_shim, 0) == SQLITE_OK);
    }
    return "zhuxue-faults";
}

Student makeStudent(const std::string& name) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = name;
    s.idNumber = "11010519491231002X";
    s.notes = std::string(3000, 'n'); // spans pages: several writes per save
    return s;
}

const char* opName(Op op) {
    return op == Op::Write ? "write" : op == Op::Sync ? "fsync" : "truncate";
}

} // namespace

TEST_CASE("an I/O fault at any write, fsync or truncate is an error, never a false save") {
    OpenOptions options;
    options.vfs = shimVfs();
    int faultsSeen = 0, savesFailed = 0;
    for (Op op : {Op::Write, Op::Sync, Op::Truncate}) {
        for (bool forever : {false, true}) {
            for (int k = 1; k <= 8; ++k) {
                CAPTURE(opName(op));
                CAPTURE(forever);
                CAPTURE(k);
                test::TempDir dir;
                std::vector<Student> saved;
                {
                    auto store = Store::open(dir.path(), options);
                    REQUIRE(store.ok());
                    for (int i = 0; i < 5; ++i) {
                        saved.push_back(makeStudent("张三" + std::to_string(i)));
                        REQUIRE(test::saveConsented(**store, saved.back(), {"t"}).ok());
                    }
                    Student s = makeStudent("王𬌗");
                    test::consentStudent(**store, s.county, s.id); // before the faults begin
                    g_plan = FaultPlan{true, op, k, forever, SQLITE_IOERR, 0, 0};
                    // A save, then a checkpoint that truncates the WAL (truncates happen there).
                    Status st = (*store)->save(s, {"t"});
                    Status cp = (*store)->db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
                    bool injected = g_plan.injected > 0;
                    g_plan.armed = false;
                    faultsSeen += injected;
                    if (st.ok()) {
                        saved.push_back(s);
                    } else {
                        ++savesFailed;
                        CHECK(injected);
                        CHECK((st.error().key == "store.io_error" ||
                               st.error().key == "store.disk_full"));
                        // The fault is gone: the same save now succeeds.
                        Status retry = (*store)->save(s, {"t"});
                        CHECK_MESSAGE(retry.ok(), (retry.ok() ? "" : retry.error().detail));
                        if (retry.ok())
                            saved.push_back(s);
                    }
                    (void)cp;
                }
                // Reopened without faults: everything reported saved is there, the file is whole.
                auto store = Store::open(dir.path(), options);
                REQUIRE_MESSAGE(store.ok(), store.error().key << " " << store.error().detail);
                for (const auto& s : saved) {
                    auto back = (*store)->get<Student>(s.id);
                    REQUIRE(back.ok());
                    REQUIRE_MESSAGE(back->has_value(), s.name);
                    CHECK((*back)->name == s.name);
                }
                auto problems = (*store)->check();
                REQUIRE(problems.ok());
                CHECK(problems->empty());
                // Every student has its change log (no record without outbox entries).
                auto pending = *(*store)->pendingChanges(10'000);
                std::set<Uuid> logged;
                for (auto& c : pending)
                    logged.insert(c.recordId);
                for (const auto& s : saved)
                    CHECK(logged.count(s.id) == 1);
            }
        }
    }
    MESSAGE("faults injected in " << faultsSeen << " runs; " << savesFailed
                                  << " saves failed and were retried");
    CHECK(savesFailed > 10);
}

TEST_CASE("disk full from the VFS: clear message, no partial record, retry works") {
    OpenOptions options;
    options.vfs = shimVfs();
    test::TempDir dir;
    auto store = Store::open(dir.path(), options);
    REQUIRE(store.ok());
    Student s = makeStudent("王𬌗");
    test::consentStudent(**store, s.county, s.id);
    const auto pendingBefore = *(*store)->pendingCount(); // the consent's changes
    g_plan = FaultPlan{true, Op::Write, 1, true, SQLITE_FULL, 0, 0};
    Status st = (*store)->save(s, {"t"});
    g_plan.armed = false;
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "store.disk_full");
    CHECK_FALSE((*store)->get<Student>(s.id)->has_value());
    CHECK(*(*store)->pendingCount() == pendingBefore);
    REQUIRE((*store)->save(s, {"t"}).ok());
    CHECK((*store)->get<Student>(s.id)->has_value());
}

namespace {
// The child of the tmpfs test, started inside `unshare -m` (root) or `unshare -rm` with the tmpfs mounted at `dir`.
[[noreturn]] void diskFullChild(const fs::path& dir) {
    auto fail = [](const std::string& why) {
        std::printf("FAIL %s\n", why.c_str());
        std::fflush(stdout);
        std::_Exit(1);
    };
    // Ballast that can be deleted to "free space" later.
    {
        std::ofstream ballast(dir / "ballast", std::ios::binary);
        std::string mb(512 * 1024, 'b');
        ballast << mb;
        if (!ballast)
            fail("ballast");
    }
    auto store = Store::open(dir / "data");
    if (!store)
        fail("open " + store.error().key + " " + store.error().detail);
    std::vector<Student> saved;
    Student failed;
    Error error;
    for (int i = 0; i < 10'000; ++i) {
        Student s = makeStudent("学生" + std::to_string(i));
        // The consent first (store.hpp); the disk may fill on either write.
        Status st = (*store)->save(test::consentOf(ConsentParty::Student, s.county, s.id, s.id), {"t"});
        if (st)
            st = (*store)->save(s, {"t"});
        if (!st) {
            failed = s;
            error = st.error();
            break;
        }
        saved.push_back(s);
    }
    if (error.key.empty())
        fail("the disk never filled");
    std::printf("ERROR %s after %zu saves\n", error.key.c_str(), saved.size());
    if ((*store)->get<Student>(failed.id)->has_value())
        fail("partial record");
    fs::remove(dir / "ballast");
    Status retry;
    if (auto have = (*store)->list<Consent>("student_id", failed.id); !have || have->empty())
        retry = (*store)->save(test::consentOf(ConsentParty::Student, failed.county, failed.id, failed.id), {"t"});
    if (retry)
        retry = (*store)->save(failed, {"t"});
    if (!retry)
        fail("retry " + retry.error().key + " " + retry.error().detail);
    store->reset();
    auto again = Store::open(dir / "data");
    if (!again)
        fail("reopen " + again.error().key);
    for (auto& s : saved)
        if (!(*again)->get<Student>(s.id)->has_value())
            fail("lost " + s.name);
    if (!(*again)->get<Student>(failed.id)->has_value())
        fail("retry not kept");
    auto problems = (*again)->check();
    if (!problems || !problems->empty())
        fail("integrity");
    std::printf("OK\n");
    std::fflush(stdout);
    std::_Exit(0);
}
} // namespace

// Not a test: the child of the tmpfs test (run with --no-skip inside unshare).
TEST_CASE("disk-full child" * doctest::skip()) {
    const char* dir = std::getenv("ZHUXUE_DISKFULL_DIR");
    REQUIRE(dir != nullptr);
    diskFullChild(dir);
}

TEST_CASE("a full tmpfs: clear message, no partial record, work resumes when space is freed") {
    test::TempDir dir;
    fs::path mount = dir / "small";
    fs::create_directories(mount);
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    // A mount namespace of its own: root needs no user namespace for it (and a chroot, such as
    // a fresh-machine root, refuses to make one); anyone else maps themselves to root in one.
    // In a chroot "/" is no mount point and cannot be made private: the tmpfs may then show
    // outside the namespace too, and is taken down below.
    std::string unshare = ::geteuid() == 0 ? "unshare -m" : "unshare -rm";
    if (::geteuid() == 0 && test::runShell("unshare -m true 2>&1").first != 0)
        unshare = "unshare -m --propagation unchanged";
    struct Unmount {
        fs::path dir;
        ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
    } unmount{mount};
    auto [probe, probeOut] = test::runShell(unshare + " sh -c 'mount -t tmpfs -o size=2m none " +
                                            mount.string() + "' 2>&1");
    ::umount2(mount.c_str(), MNT_DETACH);
    if (probe != 0) {
        test::cannotRun("tmpfs not mountable in a mount namespace of its own here (util-linux "
                        "unshare, mount): " + probeOut);
        return;
    }
    auto [rc, out] =
        test::runShell("ZHUXUE_DISKFULL_DIR=" + mount.string() + " " + unshare +
                       " sh -c 'mount -t tmpfs -o size=2m none " + mount.string() +
                       " && exec " + self + " --no-skip -tc=\"disk-full child\"' 2>&1");
    CHECK_MESSAGE(rc == 0, out);
    CHECK(out.find("ERROR store.disk_full") != std::string::npos);
    CHECK(out.find("OK") != std::string::npos);
}
