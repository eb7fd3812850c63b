// Encrypted backup of a device store to a "USB drive" and restore onto a replacement laptop, with
// the real zhuxue-cli: unsynced outbox entries come back, nothing personal is readable in the
// file, and a wrong passphrase, a cut-short or an altered file changes nothing.
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::store;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

const Actor kStaff{"李老师"};
const char* kPassphrase = "秭归县资助中心-2026";
const char* kName = "王𬌗秭";
const char* kIdNumber = "42052720050101002X";

struct Run {
    int rc;
    std::string out, err;
};

Run cli(const fs::path& dataDir, std::vector<std::string> args, const std::string& passphrase = kPassphrase) {
    std::vector<std::string> argv{binPath("zhuxue-cli").string(), "--data-dir", dataDir.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path logs = artifactPath("backup-logs");
    fs::create_directories(logs);
    Process p(argv, {{"ZHUXUE_BACKUP_PASSPHRASE", passphrase}}, logs);
    auto rc = p.wait(std::chrono::seconds(120));
    return {rc.value_or(-1), p.stdoutText(), p.stderrText()};
}

std::unique_ptr<Store> openStore(const fs::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

// A laptop with three students typed in and never synced.
Uuid fillDevice(const fs::path& dir, std::int64_t& pending) {
    auto store = openStore(dir);
    Uuid first;
    for (int i = 0; i < 3; ++i) {
        Student s;
        s.id = newUuidV7();
        s.county = "420527";
        s.name = i == 0 ? kName : "学生" + std::to_string(i);
        s.idNumber = i == 0 ? kIdNumber : "";
        REQUIRE(test::saveConsented(*store, s, kStaff).ok());
        if (i == 0)
            first = s.id;
    }
    pending = *store->pendingCount();
    REQUIRE(pending > 0);
    return first;
}

fs::path onlyBackupIn(const fs::path& dir) {
    fs::path found;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".zxbak")
            found = e.path();
        else
            FAIL("unexpected file on the drive: " << e.path());
    REQUIRE(!found.empty());
    return found;
}

} // namespace

TEST_CASE("backup-encrypted to a drive, restore-encrypted onto a fresh laptop keeps unsynced changes") {
    TempDir tmp("zhuxue-backup-enc");
    fs::path laptop = tmp / "laptop", usb = tmp / "usb", replacement = tmp / "replacement";
    fs::create_directories(usb);
    std::int64_t pending = 0;
    Uuid studentId = fillDevice(laptop, pending);

    auto b = cli(laptop, {"backup-encrypted", usb.string()});
    INFO(b.err);
    REQUIRE(b.rc == 0);
    fs::path file = onlyBackupIn(usb); // no .tmp or plaintext left on the drive
    std::string bytes = test::fileBytes(file);
    CHECK(bytes.rfind("ZXBACKUP", 0) == 0);
    CHECK(bytes.find(kName) == std::string::npos);
    CHECK(bytes.find(kIdNumber) == std::string::npos);
    CHECK(bytes.find("SQLite format 3") == std::string::npos);
    // Nor is a plaintext copy left behind in the laptop's data directory.
    for (const auto& e : fs::recursive_directory_iterator(laptop))
        CHECK(e.path().filename().string().find(".encrypting-") == std::string::npos);

    auto r = cli(replacement, {"restore-encrypted", file.string()});
    INFO(r.err);
    REQUIRE(r.rc == 0);
    auto store = openStore(replacement);
    CHECK(*store->pendingCount() == pending); // the outbox came back: nothing unsynced is lost
    auto s = store->get<Student>(studentId);
    REQUIRE(s.ok());
    REQUIRE(s->has_value());
    CHECK((*s)->name == kName);
    CHECK((*s)->idNumber == kIdNumber);
    CHECK(*store->count(RecordType::Student) == 3);
}

TEST_CASE("a wrong passphrase, a cut-short file or an altered byte is refused and changes nothing") {
    TempDir tmp("zhuxue-backup-enc-bad");
    fs::path laptop = tmp / "laptop", usb = tmp / "usb", other = tmp / "other";
    fs::create_directories(usb);
    std::int64_t pending = 0;
    fillDevice(laptop, pending);
    REQUIRE(cli(laptop, {"backup-encrypted", usb.string()}).rc == 0);
    fs::path file = onlyBackupIn(usb);
    std::string bytes = test::fileBytes(file);

    // The machine we restore onto holds its own work, which must survive every failed attempt.
    std::int64_t otherPending = 0;
    Uuid otherStudent = fillDevice(other, otherPending);
    auto unchanged = [&] {
        auto store = openStore(other);
        CHECK(*store->pendingCount() == otherPending);
        CHECK(store->get<Student>(otherStudent)->has_value());
        // Not even a before-restore copy was needed, and no plaintext is left behind.
        for (const auto& e : fs::recursive_directory_iterator(other)) {
            CHECK(e.path().filename().string().find("before-restore") == std::string::npos);
            CHECK(e.path().filename().string().find(".decrypting-") == std::string::npos);
        }
    };

    auto wrong = cli(other, {"restore-encrypted", file.string()}, "not the passphrase");
    CHECK(wrong.rc == 1);
    CHECK(wrong.err.find("密码不对") != std::string::npos);
    unchanged();

    fs::path cut = tmp / "cut.zxbak";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    auto truncated = cli(other, {"restore-encrypted", cut.string()});
    CHECK(truncated.rc == 1);
    CHECK(truncated.err.find("不完整") != std::string::npos);
    unchanged();

    fs::path altered = tmp / "altered.zxbak";
    std::string flipped = bytes;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    std::ofstream(altered, std::ios::binary) << flipped;
    auto tampered = cli(other, {"restore-encrypted", altered.string()});
    CHECK(tampered.rc == 1);
    CHECK((tampered.err.find("损坏") != std::string::npos));
    unchanged();

    fs::path notBackup = tmp / "plain.db";
    std::ofstream(notBackup) << "SQLite format 3 - no, just text";
    auto junk = cli(other, {"restore-encrypted", notBackup.string()});
    CHECK(junk.rc == 1);
    CHECK(junk.err.find("不是助学的加密备份") != std::string::npos);
    unchanged();

    // A short passphrase is refused before anything is written.
    auto shortPass = cli(laptop, {"backup-encrypted", usb.string()}, "1234");
    CHECK(shortPass.rc == 1);
    CHECK(fs::directory_iterator(usb) != fs::directory_iterator());
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(usb))
        ++files;
    CHECK(files == 1);
}
