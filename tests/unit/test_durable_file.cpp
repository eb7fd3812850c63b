// paths.hpp's durable file replace, used for settings, keys, attachments, backups and kiosk files:
// the new content or the old, never a mix; owner-only; no temporary left behind; a failure says
// which file in the user's language.
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

using namespace zhuxue;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> namesIn(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}
} // namespace

TEST_CASE("a file is written whole, replaced whole, owner-only, with no temporary left") {
    test::TempDir dir;
    fs::path file = dir / "sub" / "settings.json"; // the folder is made
    REQUIRE(writeFileDurably(file, "{\"language\": \"zh-CN\"}\n").ok());
    CHECK(test::fileBytes(file) == "{\"language\": \"zh-CN\"}\n");
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    std::string big(3 << 20, '\0'); // bigger than one write() may take, with NUL bytes
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(i * 131 % 251);
    REQUIRE(writeFileDurably(file, big).ok());
    CHECK(test::fileBytes(file) == big);
    CHECK(namesIn(dir / "sub") == std::vector<std::string>{"settings.json"});
}

TEST_CASE("a failed replace leaves the old content and no temporary, and names the file") {
    test::TempDir dir;
    // A folder where the file should be: the rename cannot replace it (also when run as root).
    fs::path blocked = dir / "ticket.json";
    fs::create_directories(blocked / "inside");
    auto st = writeFileDurably(blocked, "new");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "fs.write_failed");
    CHECK(st.error().args.at("path") == blocked.string());
    CHECK(fs::is_directory(blocked / "inside"));
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"ticket.json"});

    auto zh = loadCatalog(assetsDir(), "zh-CN");
    REQUIRE(zh.ok());
    std::string text = zh->format(st.error());
    CHECK(text.find(blocked.string()) != std::string::npos);
    CHECK(text.find("没有保存") != std::string::npos);
    auto en = loadCatalog(assetsDir(), "en");
    REQUIRE(en.ok());
    CHECK(en->format(Error("fs.disk_full", {{"path", "/x"}})).find("disk is full") != std::string::npos);
}

TEST_CASE("a streamed temporary is committed in place, or removed when it cannot be") {
    test::TempDir dir;
    fs::path tmp = dir / "backup.zxb.part";
    std::ofstream(tmp, std::ios::binary) << "sealed backup";
    REQUIRE(commitFileDurably(tmp, dir / "backup.zxb").ok());
    CHECK(test::fileBytes(dir / "backup.zxb") == "sealed backup");
    CHECK_FALSE(fs::exists(tmp));

    std::ofstream(tmp, std::ios::binary) << "second";
    fs::create_directories(dir / "taken" / "inside");
    auto st = commitFileDurably(tmp, dir / "taken");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "fs.write_failed");
    CHECK_FALSE(fs::exists(tmp));
    CHECK(fs::is_directory(dir / "taken" / "inside"));
}

TEST_CASE("pieces appended one after another are all there, owner-only") {
    test::TempDir dir;
    fs::path part = dir / "partial" / "ab.part";
    REQUIRE(appendFileDurably(part, "piece one|").ok());
    REQUIRE(appendFileDurably(part, std::string("piece\0two", 9)).ok());
    CHECK(test::fileBytes(part) == std::string("piece one|piece\0two", 19));
    struct stat st {};
    REQUIRE(::stat(part.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto refused = appendFileDurably(dir / "partial", "x"); // a folder cannot be appended to
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "fs.write_failed");
}

TEST_CASE("a file created only when absent: the first writer's content stays") {
    test::TempDir dir;
    fs::path file = dir / "keys" / "device.key";
    auto first = createFileDurably(file, "first key");
    REQUIRE(first.ok());
    CHECK(*first);
    auto second = createFileDurably(file, "second key");
    REQUIRE(second.ok());
    CHECK_FALSE(*second); // someone was first: left as it was
    CHECK(test::fileBytes(file) == "first key");
    CHECK(namesIn(dir / "keys") == std::vector<std::string>{"device.key"}); // no temporary left
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}
