// zhuxue-server as a real process: every read is scoped to the device's counties and written to
// the server's log as an audit line (device, counties, cursor range, count), with no record
// content. A device of one county pulls nothing of another, also when it asks with any cursor.
#include "sync/engine/sync_client.hpp"
#include "sync/protocol/wire.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
using namespace std::chrono_literals;

namespace {
std::string uuid(uint64_t a, uint64_t b) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08llx-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(a & 0xffffffff),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}
} // namespace

TEST_CASE("pulls are scoped to the device's counties and audited without content") {
    TempDir tmp("zhuxue-read-audit");
    ServerProcess s(tmp / "server");
    const std::string a = uuid(0xdddd0001, 1), b = uuid(0xdddd0002, 2);
    auto ea = SyncClient(s.url()).enroll(s.enrollCode("420527"), a, "秭归笔记本");
    auto eb = SyncClient(s.url()).enroll(s.enrollCode("420528"), b, "兴山笔记本");
    REQUIRE(ea.ok());
    REQUIRE(eb.ok());
    SyncClient ca(s.url(), ea->token), cb(s.url(), eb->token);
    std::vector<Change> batch;
    for (uint64_t n = 1; n <= 3; ++n)
        batch.push_back(Change{uuid(0x01900000, n), "student", uuid(0xaaaa, n), "420527", "name",
                               "金丝雀" + std::to_string(n),
                               hlcText((uint64_t{1750000000000} + n) << 16), a, {}});
    auto pushed = ca.push(batch);
    REQUIRE(pushed.ok());

    auto mine = ca.pull("", 100);
    REQUIRE(mine.ok());
    CHECK(mine->changes.size() == 3);
    for (const char* cursor : {"", "0", "1", "2"}) {
        auto theirs = cb.pull(cursor, 100);
        REQUIRE(theirs.ok());
        CHECK(theirs->changes.empty());
    }

    auto logged = [&](const std::string& needle) {
        return waitUntil([&] { return s.process().stderrText().find(needle) != std::string::npos; },
                         5s);
    };
    CHECK(logged("audit pull device=" + a + " counties=420527 cursor=0.."));
    CHECK(logged("changes=3"));
    CHECK(logged("audit pull device=" + b + " counties=420528 cursor=0.."));
    CHECK(s.process().stderrText().find("金丝雀") == std::string::npos); // no content
}
