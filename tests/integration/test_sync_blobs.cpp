// Attachments (photos, signatures) travel with sync: device A's files reach the server before the
// records that name them and arrive on device B byte for byte, sealed with B's own key. An upload
// cut mid-body resumes where the server's copy ends; a zhuxue-cli killed with -9 mid-upload
// converges when run again. A record whose file has not arrived shows as a pending download.
#include "client/store/crypto/key_vault.hpp"
#include "sync/engine/sync_engine.hpp"
#include "sync/protocol/wire.hpp"
#include "tests/support/device_fixture.hpp"
#include "tests/support/fault_proxy.hpp"

#include <doctest/doctest.h>
#include <csignal>
#include <fstream>
#include <thread>

using namespace zhuxue;
using namespace zhuxue::sync;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

const store::Actor kStaff{"staff"};

// Bytes that do not compress (like a JPEG): a xorshift stream.
std::string noise(std::size_t n, uint64_t seed) {
    std::string out(n, '\0');
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (auto& c : out) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        c = static_cast<char>(x >> 56);
    }
    return out;
}

std::span<const std::byte> bytesOf(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string text(const std::vector<std::byte>& b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

Student student(DeviceSyncStore& d) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "王小明";
    REQUIRE(d.store().save(s, kStaff).ok());
    return s;
}

Attachment attach(DeviceSyncStore& d, const Student& owner, AttachmentKind kind,
                  const std::string& bytes, const std::string& mime) {
    Attachment a;
    a.county = owner.county;
    a.ownerType = RecordType::Student;
    a.ownerId = owner.id;
    a.kind = kind;
    a.mime = mime;
    a.fileName = kind == AttachmentKind::Signature ? "签名.png" : "家访照片.jpg";
    auto r = d.store().addAttachment(a, bytesOf(bytes), kStaff);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    return *r;
}

Result<SyncReport> syncVia(DeviceSyncStore& d, const std::string& url,
                           SyncOptions options = SyncOptions{}) {
    auto cred = d.credentials();
    REQUIRE(cred.ok());
    SyncClient client(url.empty() ? cred->url : url, cred->token);
    client.setTimeoutMs(options.requestTimeoutMs);
    return syncOnce(d, client, options);
}

SyncReport syncNow(DeviceSyncStore& d) {
    auto r = syncVia(d, {});
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().key + " " + r.error().detail));
    return *r;
}

RemoteBlob serverBlob(DeviceSyncStore& d, const std::string& sha) {
    auto cred = d.credentials();
    SyncClient c(cred->url, cred->token);
    auto st = c.blobStatus(sha);
    REQUIRE(st.ok());
    return *st;
}

std::string fileBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("a photo and a signature reach another device byte for byte") {
    TempDir tmp("zhuxue-sync-blobs");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;

    Student s = student(*a);
    std::string photo = noise(300 * 1024, 1), signature = "\x89PNG\r\n\x1a\n" + noise(5000, 2);
    Attachment p = attach(*a, s, AttachmentKind::Photo, photo, "image/jpeg");
    Attachment g = attach(*a, s, AttachmentKind::Signature, signature, "image/png");
    CHECK(p.sha256 == sha256Hex(photo)); // the wire blob is the plaintext the record names
    CHECK(a->counts()->blobsUp == 2);

    auto ra = syncNow(*a);
    CHECK(ra.blobsUploaded == 2);
    CHECK(ra.blobBytesUp == static_cast<int64_t>(photo.size() + signature.size()));
    CHECK(a->counts()->blobsUp == 0);
    CHECK(serverBlob(*a, p.sha256).complete);
    // A second round sends nothing again.
    auto again = syncNow(*a);
    CHECK(again.blobsUploaded == 0);
    CHECK(again.blobBytesUp == 0);

    auto rb = syncNow(*b);
    CHECK(rb.blobsDownloaded == 2);
    CHECK(b->counts()->blobsDown == 0);
    CHECK(b->counts()->blobsUp == 0); // it came from the server: not sent back
    auto gotPhoto = b->store().readAttachment(p.sha256);
    auto gotSig = b->store().readAttachment(g.sha256);
    REQUIRE(gotPhoto.ok());
    REQUIRE(gotSig.ok());
    CHECK(text(*gotPhoto) == photo);
    CHECK(text(*gotSig) == signature);
    auto rec = b->store().get<Attachment>(g.id);
    REQUIRE(rec.ok());
    REQUIRE(rec->has_value());
    CHECK((*rec)->kind == AttachmentKind::Signature);
    CHECK((*rec)->fileName == "签名.png");
    // Sealed at rest on B with B's key: the file is not the plaintext, nor A's file.
    std::string onDiskB = fileBytes(b->store().attachmentPath(p.sha256));
    CHECK(onDiskB.rfind(std::string(store::crypto::kFileMagic), 0) == 0);
    CHECK(onDiskB.find(photo.substr(1000, 64)) == std::string::npos);
    CHECK(onDiskB != fileBytes(a->store().attachmentPath(p.sha256)));
    CHECK(syncNow(*b).blobsDownloaded == 0);
}

TEST_CASE("a record whose file is not on the server shows as a pending download, not an error") {
    TempDir tmp("zhuxue-sync-blobs-missing");
    ServerAndTwoDevices env(tmp.path());
    auto& [server, a, b] = env;
    // A record naming a file A does not have (a device from before attachments synced).
    Student s = student(*a);
    Attachment meta;
    meta.id = newUuidV7();
    meta.county = "420527";
    meta.ownerId = s.id;
    meta.sha256 = sha256Hex("a photo that never left its laptop");
    meta.sizeBytes = 34;
    REQUIRE(a->store().save(meta, kStaff).ok());
    CHECK(a->counts()->blobsDown == 1);
    CHECK(a->counts()->blobsUp == 0);
    syncNow(*a);
    SyncStatusBoard board;
    auto cred = b->credentials();
    SyncClient client(cred->url, cred->token);
    auto r = syncOnce(*b, client, SyncOptions{}, &board);
    REQUIRE(r.ok());
    CHECK(r->blobsUnavailable == 1);
    CHECK(board.snapshot().blobsPendingDown == 1);
    CHECK(b->counts()->blobsDown == 1);
    auto read = b->store().readAttachment(meta.sha256);
    REQUIRE(!read.ok());
    CHECK(read.error().key == "store.attachment_missing");
}

TEST_CASE("an upload cut mid-body resumes where the server's copy ends") {
    TempDir tmp("zhuxue-sync-blobs-resume");
    ServerProcess server(tmp / "server");
    FaultProxy proxy(server.port(), 7);
    auto a = openDevice(tmp / "a");
    auto b = openDevice(tmp / "b");
    REQUIRE(enrollDevice(*a, server.url(), server.enrollCode("420527"), "A").ok());
    REQUIRE(enrollDevice(*b, server.url(), server.enrollCode("420527"), "B").ok());
    Student s = student(*a);
    const std::size_t size = 640 * 1024;
    std::string photo = noise(size, 3);
    Attachment p = attach(*a, s, AttachmentKind::Photo, photo, "image/jpeg");

    SyncOptions o;
    o.blobPieceMin = o.blobPieceMax = 64 * 1024; // ten pieces
    o.requestTimeoutMs = 3000;
    // The line goes dead in the middle of the third piece's body; the device gives up on the
    // request (a reset on a reused connection is retried inside libcurl, so a stall is what
    // reliably ends the round), and the server throws the half piece away.
    Faults cut;
    cut.stall = 1;
    cut.stallMs = 5000;
    cut.faultDirection = 0;
    cut.minFaultByte = 150 * 1000;
    cut.maxFaultByte = 190 * 1000;
    proxy.setFaults(cut);
    auto first = syncVia(*a, proxy.url(), o);
    REQUIRE(!first.ok());
    CHECK(first.error().key == "sync.error.network");
    CHECK(proxy.faultsInjected() == 1);
    proxy.heal();
    std::this_thread::sleep_for(std::chrono::milliseconds(2500)); // the stalled piece ends
    auto mid = serverBlob(*a, p.sha256);
    CHECK(!mid.complete);
    CHECK(mid.size == 2 * 64 * 1024);
    CHECK(mid.size < static_cast<int64_t>(size));
    CHECK(mid.size % (64 * 1024) == 0); // whole pieces only: a cut piece is not kept
    CHECK(a->counts()->blobsUp == 1);
    CHECK(a->counts()->pending > 0); // the record waits for its file

    int64_t upBefore = proxy.bytesUp();
    auto second = syncVia(*a, proxy.url(), o);
    REQUIRE_MESSAGE(second.ok(), (second.ok() ? "" : second.error().key));
    CHECK(second->blobsUploaded == 1);
    // Only what the server lacked went up again (plus headers and the records).
    CHECK(second->blobBytesUp == static_cast<int64_t>(size) - mid.size);
    CHECK(proxy.bytesUp() - upBefore < static_cast<int64_t>(size) - mid.size + 32 * 1024);
    CHECK(a->counts()->blobsUp == 0);
    CHECK(a->counts()->pending == 0);

    syncNow(*b);
    auto got = b->store().readAttachment(p.sha256);
    REQUIRE(got.ok());
    CHECK(text(*got) == photo);
}

TEST_CASE("zhuxue-cli killed with -9 mid-upload converges when run again") {
    TempDir tmp("zhuxue-sync-blobs-kill");
    ServerProcess server(tmp / "server");
    FaultProxy proxy(server.port(), 11);
    std::string photo = noise(1536 * 1024, 4);
    std::string sha = sha256Hex(photo);
    Uuid attachmentId;
    {
        auto a = openDevice(tmp / "a");
        // The device talks to the server through the proxy (a slow line: 128 KiB/s).
        REQUIRE(enrollDevice(*a, proxy.url(), server.enrollCode("420527"), "A").ok());
        Student s = student(*a);
        attachmentId = attach(*a, s, AttachmentKind::Photo, photo, "image/jpeg").id;
    }
    auto a = openDevice(tmp / "a");
    Faults slow;
    slow.bytesPerSecond = 128 * 1024;
    proxy.setFaults(slow);
    auto cred = a->credentials();
    SyncClient probe(server.url(), cred->token);
    int64_t atKill = 0;
    {
        Process cli(cliArgv(tmp / "a", {"sync"}), {}, syncLogDir());
        bool midway = waitUntil(
            [&] {
                auto st = probe.blobStatus(sha);
                return st.ok() && st->size >= 256 * 1024;
            },
            std::chrono::seconds(60));
        REQUIRE(midway);
        cli.signal(SIGKILL);
        cli.wait(std::chrono::seconds(10));
        auto st = probe.blobStatus(sha);
        REQUIRE(st.ok());
        atKill = st->size;
        CHECK(!st->complete);
    }
    CHECK(atKill < static_cast<int64_t>(photo.size()));
    proxy.heal();
    int64_t upBefore = proxy.bytesUp();
    Process again(cliArgv(tmp / "a", {"sync"}), {}, syncLogDir());
    auto rc = again.wait(std::chrono::seconds(60));
    REQUIRE_MESSAGE(rc == 0, again.stderrText());
    // The restart continued from the server's offset instead of sending the photo again.
    CHECK(proxy.bytesUp() - upBefore < static_cast<int64_t>(photo.size()) - atKill + 64 * 1024);
    CHECK(probe.blobStatus(sha)->complete);
    CHECK(a->counts()->blobsUp == 0);
    CHECK(a->counts()->pending == 0);

    auto b = openDevice(tmp / "b");
    REQUIRE(enrollDevice(*b, server.url(), server.enrollCode("420527"), "B").ok());
    syncNow(*b);
    auto got = b->store().readAttachment(sha);
    REQUIRE(got.ok());
    CHECK(text(*got) == photo);
    auto rec = b->store().get<Attachment>(attachmentId);
    REQUIRE(rec.ok());
    CHECK(rec->has_value());
}
