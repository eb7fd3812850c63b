// A newcomer's machine has only what packaging/deps/ installs. Every program that a test, dev.sh,
// CI or the build calls must be in tests/support/programs.cpp's table with its Debian package,
// and that package in packaging/deps/ (unless Debian installs it everywhere): otherwise a test
// passes on a used machine and fails on a fresh one, as the curl program once did.
#include "tests/support/process.hpp"
#include "tests/support/programs.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {
const fs::path kRoot = fs::path(ZHUXUE_TEST_SOURCE_DIR).parent_path();

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> depsPackages() {
    std::set<std::string> out;
    for (const char* f : {"build.txt", "test.txt"}) {
        std::istringstream in(readAll(kRoot / "packaging" / "deps" / f));
        for (std::string line; std::getline(in, line);) {
            while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
                line.pop_back();
            if (!line.empty() && line[0] != '#')
                out.insert(line);
        }
    }
    return out;
}

// Why `word` (a program called at `where`) is not covered, or "" when it is.
std::string problem(const std::string& word, const std::string& where,
                    const std::set<std::string>& deps) {
    std::string name = fs::path(word).filename().string();
    if (name == "zhuxue" || name == "zhuxue-cli" || name == "zhuxue-server" ||
        name == "zhuxue-bench")
        return {};
    const ExternalProgram* p = findExternalProgram(name);
    if (!p)
        return where + " calls " + name + ", which is not in tests/support/programs.cpp";
    if (!p->essential && !deps.count(std::string(p->package)))
        return where + " calls " + name + ": its package " + std::string(p->package) +
               " is not in packaging/deps/";
    return {};
}

// The text of the C++ string literal that starts at s[at] == '"'.
std::string literalAt(const std::string& s, size_t at) {
    std::string out;
    for (size_t i = at + 1; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char e = s[++i];
            out += e == 'n' ? '\n' : e;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<fs::path> testSources() {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(kRoot / "tests"))
        if (e.is_regular_file() && (e.path().extension() == ".cpp" || e.path().extension() == ".hpp"))
            out.push_back(e.path());
    return out;
}

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

size_t skipSpace(const std::string& s, size_t i) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
    return i;
}

// Every position just after `needle` where it starts a word.
std::vector<size_t> after(const std::string& text, const std::string& needle) {
    std::vector<size_t> out;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        if (at == 0 || !identChar(text[at - 1]))
            out.push_back(at + needle.size());
    return out;
}

// Programs named in the tests' sources: the first literal given to runShell(...), tool("x"),
// the first literal of a Process's argv, and literal absolute paths of system programs.
// (Plain scanning: GCC 12 warns inside <regex> under the sanitizer build.)
std::vector<std::pair<std::string, std::string>> programsInTests() {
    std::vector<std::pair<std::string, std::string>> found; // program, where
    for (const auto& file : testSources()) {
        if (file.filename() == "programs.cpp" || file.filename() == "test_programs.cpp")
            continue;
        const std::string text = readAll(file);
        const std::string where = fs::relative(file, kRoot).string();
        for (size_t i : after(text, "runShell(")) {
            i = skipSpace(text, i);
            if (i < text.size() && text[i] == '"')
                for (const auto& w : shellCommandWords(literalAt(text, i)))
                    found.emplace_back(w, where);
        }
        for (size_t i : after(text, "tool(")) {
            i = skipSpace(text, i);
            if (i < text.size() && text[i] == '"')
                found.emplace_back(literalAt(text, i), where);
        }
        for (size_t i : after(text, "Process ")) { // Process name({"prog", ...}) or name{{...}}
            size_t j = skipSpace(text, i);
            while (j < text.size() && identChar(text[j]))
                ++j;
            j = skipSpace(text, j);
            if (j >= text.size() || (text[j] != '(' && text[j] != '{'))
                continue;
            j = skipSpace(text, j + 1);
            if (j >= text.size() || text[j] != '{')
                continue;
            j = skipSpace(text, j + 1);
            if (j < text.size() && text[j] == '"')
                found.emplace_back(literalAt(text, j), where);
        }
        for (const char* dir : {"\"/usr/bin/", "\"/usr/sbin/", "\"/usr/lib/postgresql/"})
            for (size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at + 1)) {
                std::string path = literalAt(text, at);
                path = path.substr(0, path.find_first_of(" '"));
                if (path.find("/bin/") != std::string::npos && path.back() != '/')
                    found.emplace_back(fs::path(path).filename().string(), where);
            }
    }
    return found;
}

// Programs a shell script calls in command position, leaving out its own functions and
// `case` patterns.
std::vector<std::string> programsInScript(const fs::path& script) {
    std::istringstream in(readAll(script));
    std::set<std::string> functions;
    std::string text;
    for (std::string line; std::getline(in, line);) {
        size_t i = skipSpace(line, 0), j = i;
        while (j < line.size() && (identChar(line[j]) || line[j] == '-'))
            ++j;
        if (j > i && line.compare(j, 4, "() {") == 0) { // name() {
            functions.insert(line.substr(i, j - i));
            line = line.substr(j + 3);
        } else {
            // a case pattern: `run) cmd_run ;;`, `'#'*) continue ;;`
            size_t close = line.find(')', i);
            size_t space = line.find_first_of(" \t", i);
            if (close != std::string::npos && (space == std::string::npos || close < space) &&
                line.find('(', i) > close)
                line = line.substr(close + 1);
        }
        text += line + "\n";
    }
    std::vector<std::string> out;
    for (const auto& w : shellCommandWords(text))
        if (!functions.count(w) && w.rfind("./", 0) != 0)
            out.push_back(w);
    return out;
}
} // namespace

TEST_CASE("every package of the programs table that Debian does not install everywhere is in "
          "packaging/deps") {
    const auto deps = depsPackages();
    REQUIRE(deps.count("cmake")); // the files were read
    for (const auto& p : externalPrograms()) {
        CAPTURE(p.name);
        if (!p.essential)
            CHECK_MESSAGE(deps.count(std::string(p.package)),
                          p.name << "'s package " << p.package << " is not in packaging/deps/");
    }
}

TEST_CASE("programs marked essential come with every Debian system") {
    std::set<std::string> checked;
    for (const auto& p : externalPrograms()) {
        if (!p.essential || !checked.insert(std::string(p.package)).second)
            continue;
        auto [rc, out] = runShell("dpkg-query -W -f='${Essential} ${Priority}' " +
                                  std::string(p.package) + " 2>&1");
        CAPTURE(p.package);
        REQUIRE(rc == 0);
        CHECK_MESSAGE((out.rfind("yes", 0) == 0 || out.find("required") != std::string::npos),
                      p.package << " is neither Essential nor Priority: required (" << out << ")");
    }
}

TEST_CASE("every program the tests call is in the table, with its package in packaging/deps") {
    const auto deps = depsPackages();
    auto found = programsInTests();
    // The scan sees the programs it must: a scan that finds nothing checks nothing.
    std::set<std::string> names;
    for (const auto& [w, where] : found)
        names.insert(fs::path(w).filename().string());
    for (const char* expected : {"pdftotext", "sqlite3", "identify", "dpkg-deb", "lintian",
                                 "openssl", "zbarimg", "Xvfb", "python3", "initdb"})
        CHECK_MESSAGE(names.count(expected), "the scan did not find " << std::string(expected));
    for (const auto& [w, where] : found) {
        std::string why = problem(w, where, deps);
        CHECK_MESSAGE(why.empty(), why);
    }
}

TEST_CASE("every program dev.sh and CI call is in the table, with its package in packaging/deps") {
    const auto deps = depsPackages();
    auto words = programsInScript(kRoot / "dev.sh");
    for (const char* expected : {"cmake", "ctest", "apt-get", "dpkg-source"})
        CHECK_MESSAGE(std::find(words.begin(), words.end(), expected) != words.end(),
                      "the scan of dev.sh did not find " << std::string(expected));
    for (const auto& w : words) {
        std::string why = problem(w, "dev.sh", deps);
        CHECK_MESSAGE(why.empty(), why);
    }
    for (const auto& w : programsInScript(kRoot / ".ci" / "run")) {
        std::string why = problem(w, ".ci/run", deps);
        CHECK_MESSAGE(why.empty(), why);
    }
}

TEST_CASE("every program the build finds is in the table, with its package in packaging/deps") {
    const auto deps = depsPackages();
    int seen = 0;
    for (const auto& e : fs::recursive_directory_iterator(kRoot)) {
        const auto rel = fs::relative(e.path(), kRoot).string();
        if (rel.rfind("build", 0) == 0 || rel.rfind(".git", 0) == 0 || !e.is_regular_file())
            continue;
        const auto name = e.path().filename().string();
        if (name != "CMakeLists.txt" && e.path().extension() != ".cmake")
            continue;
        const std::string text = readAll(e.path());
        for (size_t i : after(text, "find_program(")) { // find_program(VAR [NAMES] name ...)
            std::istringstream args(text.substr(i, 200));
            std::string var, program;
            args >> var >> program;
            if (program == "NAMES")
                args >> program;
            while (!program.empty() && program.back() == ')')
                program.pop_back();
            ++seen;
            std::string why = problem(program, rel, deps);
            CHECK_MESSAGE(why.empty(), why);
        }
    }
    CHECK(seen >= 3); // help2man, gzip, python3
}

TEST_CASE("command words of a shell line") {
    using V = std::vector<std::string>;
    CHECK(shellCommandWords("pdftotext -enc UTF-8 'a b.pdf' -") == V{"pdftotext"});
    CHECK(shellCommandWords("cd '/tmp/x' && /usr/bin/python3 make.py 2>&1") ==
          V{"/usr/bin/python3"});
    CHECK(shellCommandWords("printf '%s\\n' 'pw' | '/b/zhuxue-cli' --x 2>&1 >/dev/null") ==
          V{"/b/zhuxue-cli"});
    CHECK(shellCommandWords("ZHUXUE_X=/m unshare -rm sh -c 'mount -t tmpfs none /m'") ==
          V{"unshare"});
    CHECK(shellCommandWords("nft list ruleset 2>&1; tc -s qdisc show dev lo 2>&1") ==
          V{"nft", "tc"});
    CHECK(shellCommandWords("[ \"$(id -u)\" -ne 0 ] && SUDO=sudo; $SUDO apt-get update -qq") ==
          V{"id", "apt-get"});
    CHECK(shellCommandWords("\"$ROOT/build/bin/zhuxue-server\" serve >log 2>&1 &") == V{});
    CHECK(shellCommandWords("x=$(cat \"$f\" | grep -q y) # curl is only named here") ==
          V{"cat", "grep"});
}

TEST_CASE("a program that is not in the table, or not installed, stops the test with the package "
          "to install") {
    try {
        (void)runShell("curl -s http://127.0.0.1:1/");
        FAIL("curl is not in the table: runShell must refuse it");
    } catch (const MissingProgram& e) {
        CHECK(std::string(e.what()).find("programs.cpp") != std::string::npos);
    }
    try {
        (void)tool("zhuxue-no-such-program");
        FAIL("an unknown program must be refused");
    } catch (const MissingProgram& e) {
        CHECK(std::string(e.what()).find("zhuxue-no-such-program") != std::string::npos);
    }
    // A program of the table that this machine lacks names its Debian package: hide PATH.
    const char* path = std::getenv("PATH");
    std::string saved = path ? path : "";
    TempDir empty;
    ::setenv("PATH", empty.path().c_str(), 1);
    std::string message;
    try {
        (void)tool("pdftotext");
    } catch (const MissingProgram& e) {
        message = e.what();
    }
    ::setenv("PATH", saved.c_str(), 1);
    CHECK(message.find("apt-get install poppler-utils") != std::string::npos);
}
