// The message catalogues: both languages say the same things, placeholders are filled.
#include "client/core/i18n.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/loan_journeys.hpp"
#include "client/store/paths.hpp"

#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <cctype>
#include <fstream>

using namespace zhuxue;

namespace {
Catalog load(const char* lang) {
    auto cat = loadCatalog(assetsDir(), lang);
    REQUIRE_MESSAGE(cat.ok(), "cannot read catalogue ", lang);
    return *cat;
}
bool keyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

// The string literal starting at text[open] (a quote) when it is a whole key: key characters,
// not ending in '.' (a prefix the code completes).
std::string keyAt(const std::string& text, std::size_t open) {
    std::size_t end = open + 1;
    while (end < text.size() && keyChar(text[end]))
        ++end;
    if (end >= text.size() || text[end] != '"' || end == open + 1 || text[end - 1] == '.')
        return {};
    return text.substr(open + 1, end - open - 1);
}

// Keys in source text: the first argument of Error("...") or Error{"..."}, and "ui.…" literals.
std::vector<std::string> messageKeysIn(const std::string& text) {
    std::vector<std::string> keys;
    for (std::size_t at = text.find("Error"); at != std::string::npos; at = text.find("Error", at + 5)) {
        std::size_t p = at + 5;
        if (p >= text.size() || (text[p] != '(' && text[p] != '{'))
            continue;
        ++p;
        while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p])))
            ++p;
        if (p < text.size() && text[p] == '"')
            if (auto key = keyAt(text, p); !key.empty())
                keys.push_back(key);
    }
    for (std::size_t at = text.find("\"ui."); at != std::string::npos; at = text.find("\"ui.", at + 1))
        if (auto key = keyAt(text, at); !key.empty())
            keys.push_back(key);
    return keys;
}
} // namespace

TEST_CASE("zh-CN and en have the same keys") {
    Catalog zh = load("zh-CN"), en = load("en");
    for (auto& [k, v] : zh.entries())
        CHECK_MESSAGE(en.entries().count(k), "en lacks ", k);
    for (auto& [k, v] : en.entries())
        CHECK_MESSAGE(zh.entries().count(k), "zh-CN lacks ", k);
}

TEST_CASE("placeholders are filled from error arguments") {
    auto cat = Catalog::fromJson(R"({"a":{"b":"选项 {option} 需要一个值"}})", "zh-CN");
    REQUIRE(cat.ok());
    CHECK(cat->format(Error("a.b", {{"option", "--port"}})) == "选项 --port 需要一个值");
    CHECK(cat->text("no.such.key") == "no.such.key");
}

TEST_CASE("English falls back to Chinese for a missing key, never to blank") {
    auto zh = Catalog::fromJson(R"({"x":"中文"})", "zh-CN");
    auto en = Catalog::fromJson(R"({})", "en");
    en->setFallback(&*zh);
    CHECK(en->text("x") == "中文");
}

TEST_CASE("every module's texts load, and a key defined in two files is refused") {
    zhuxue::test::TempDir dir;
    std::filesystem::create_directories(dir / "i18n" / "en");
    std::ofstream(dir / "i18n" / "en" / "a.json") << R"({"x": {"y": "one"}})";
    std::ofstream(dir / "i18n" / "en" / "b.json") << R"({"x.y": "two"})";
    auto cat = loadCatalog(dir.path(), "en");
    REQUIRE_FALSE(cat.ok());
    CHECK(cat.error().key == "i18n.duplicate_key");
    CHECK(cat.error().args.at("key") == "x.y");
}

TEST_CASE("a malformed catalogue is an error, not a crash") {
    CHECK_FALSE(Catalog::fromJson("{not json", "en").ok());
    CHECK_FALSE(Catalog::fromJson("[1,2]", "en").ok());
}

// Every message the client can show has a text: an Error key named in the client's code (or sent
// by the server's sync and hall routes, which the client shows), and every "ui." key. A key
// ending in "." is a prefix the code completes (codeText), checked by its own tests.
TEST_CASE("every message key the code names has a text") {
    Catalog zh = load("zh-CN");
    const auto& entries = zh.entries();
    auto known = [&](const std::string& key) {
        if (entries.count(key))
            return true;
        auto after = entries.lower_bound(key + ".");
        return after != entries.end() && after->first.rfind(key + ".", 0) == 0; // a prefix composed on
    };
    const std::filesystem::path root = assetsDir().parent_path();
    std::size_t checked = 0;
    for (const char* dir : {"client", "sync/engine", "sync/server"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
            const auto ext = entry.path().extension();
            if (ext != ".cpp" && ext != ".hpp")
                continue;
            std::ifstream in(entry.path());
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const bool server = std::string(dir) == "sync/server";
            for (const std::string& key : messageKeysIn(text)) {
                // The server's own console messages are its own; what it sends the client
                // (sync.*, hall.*) the client shows.
                if (server && key.rfind("sync.", 0) != 0 && key.rfind("hall.", 0) != 0)
                    continue;
                ++checked;
                CHECK_MESSAGE(known(key), entry.path().lexically_relative(root).string(), " names ", key,
                              ", which has no text in assets/i18n/zh-CN");
            }
        }
    }
    CHECK(checked > 300); // the scan found the code
}

TEST_CASE("every record type and journey note has its words in both languages") {
    // Issue #21 point 6: `zhuxue-cli stats` printed store.cli.type.consent, and the history read
    // "materials checked at the window" in the Chinese interface.
    for (const char* lang : {"zh-CN", "en"}) {
        Catalog cat = load(lang);
        for (int t = 0; t <= static_cast<int>(RecordType::AuditEntry); ++t) {
            std::string key = "store.cli.type." + std::string(toCode(static_cast<RecordType>(t)));
            CHECK_MESSAGE(cat.has(key), lang, " lacks ", key);
        }
        for (std::string_view key : {store::kStatusNoteMaterialsChecked, store::kStatusNoteSignedOnPad,
                                     store::kStatusNoteCertificatePrinted})
            CHECK_MESSAGE(cat.has(key), lang, " lacks ", key);
    }
    Catalog zh = load("zh-CN");
    CHECK(zh.text("store.status_note.materials_checked") == "窗口已核对材料");
    // Records written before the keys map to them, and a person's own reason stays as written.
    CHECK(store::statusNoteKey("materials checked at the window") == store::kStatusNoteMaterialsChecked);
    CHECK(store::statusNoteKey("受理证明 printed") == store::kStatusNoteCertificatePrinted);
    CHECK(store::statusNoteKey(store::kStatusNoteSignedOnPad) == store::kStatusNoteSignedOnPad);
    CHECK(store::statusNoteKey("材料齐全，同意").empty());
}
