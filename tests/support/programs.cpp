#include "programs.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <unistd.h>

namespace zhuxue::test {
namespace fs = std::filesystem;

namespace {
// Sorted by package, then name. `essential`: Essential: yes or Priority: required in Debian 12,
// present on every Debian system (debootstrap's minbase), so packaging/deps/ does not list it.
constexpr std::array kPrograms{
    ExternalProgram{"apt-get", "apt", true},
    ExternalProgram{"ccache", "ccache"},
    ExternalProgram{"cmake", "cmake"},
    ExternalProgram{"cpack", "cmake"},
    ExternalProgram{"ctest", "cmake"},
    ExternalProgram{"basename", "coreutils", true},
    ExternalProgram{"cat", "coreutils", true},
    ExternalProgram{"chown", "coreutils", true},
    ExternalProgram{"cp", "coreutils", true},
    ExternalProgram{"dirname", "coreutils", true},
    ExternalProgram{"env", "coreutils", true},
    ExternalProgram{"head", "coreutils", true},
    ExternalProgram{"id", "coreutils", true},
    ExternalProgram{"mkdir", "coreutils", true},
    ExternalProgram{"mv", "coreutils", true},
    ExternalProgram{"nproc", "coreutils", true},
    ExternalProgram{"rm", "coreutils", true},
    ExternalProgram{"seq", "coreutils", true},
    ExternalProgram{"sleep", "coreutils", true},
    ExternalProgram{"tee", "coreutils", true},
    ExternalProgram{"touch", "coreutils", true},
    ExternalProgram{"sh", "dash", true},
    ExternalProgram{"dpkg", "dpkg", true},
    ExternalProgram{"dpkg-deb", "dpkg", true},
    ExternalProgram{"dpkg-query", "dpkg", true},
    ExternalProgram{"dpkg-source", "dpkg-dev"},
    ExternalProgram{"espeak-ng", "espeak-ng"},
    ExternalProgram{"faketime", "faketime"},
    ExternalProgram{"grep", "grep", true},
    ExternalProgram{"gzip", "gzip", true},
    ExternalProgram{"help2man", "help2man"},
    ExternalProgram{"convert", "imagemagick"},
    ExternalProgram{"identify", "imagemagick"},
    ExternalProgram{"import", "imagemagick"},
    ExternalProgram{"ip", "iproute2"},
    ExternalProgram{"tc", "iproute2"},
    ExternalProgram{"iconv", "libc-bin", true},
    ExternalProgram{"soffice", "libreoffice-calc-nogui"},
    ExternalProgram{"lintian", "lintian"},
    ExternalProgram{"mount", "mount", true},
    ExternalProgram{"nft", "nftables"},
    ExternalProgram{"openssl", "openssl"},
    ExternalProgram{"pdfinfo", "poppler-utils"},
    ExternalProgram{"pdftotext", "poppler-utils"},
    ExternalProgram{"initdb", "postgresql", false, "/usr/lib/postgresql/15/bin"},
    ExternalProgram{"pg_ctl", "postgresql", false, "/usr/lib/postgresql/15/bin"},
    ExternalProgram{"pg_dump", "postgresql", false, "/usr/lib/postgresql/15/bin"},
    ExternalProgram{"pg_restore", "postgresql", false, "/usr/lib/postgresql/15/bin"},
    ExternalProgram{"python3", "python3"},
    ExternalProgram{"sed", "sed", true},
    ExternalProgram{"sqlite3", "sqlite3"},
    ExternalProgram{"runuser", "util-linux", true},
    ExternalProgram{"unshare", "util-linux", true},
    ExternalProgram{"xauth", "xauth"},
    ExternalProgram{"xdotool", "xdotool"},
    ExternalProgram{"Xvfb", "xvfb"},
    ExternalProgram{"xvfb-run", "xvfb"},
    ExternalProgram{"zbarimg", "zbar-tools"},
};

// Words in command position that are not programs: shell keywords and builtins of dash and bash.
constexpr std::array<std::string_view, 32> kBuiltins{
    "!",     "[",     "[[",    "break",  "case",  "cd",      "command", "continue",
    "do",    "done",  "echo",  "elif",   "else",  "esac",    "eval",    "exec",
    "exit",  "export", "false", "fi",     "for",   "if",      "kill",    "local",
    "printf", "read", "return", "set",   "shift", "test",    "then",    "true"};

bool isBuiltin(std::string_view w) {
    static constexpr std::array<std::string_view, 16> more{
        "while", "until", "wait", "trap", "unset", "{", "}", "mapfile",
        "time", ".", "source", "pwd", "declare", "readonly", "umask", "type"};
    return std::find(kBuiltins.begin(), kBuiltins.end(), w) != kBuiltins.end() ||
           std::find(more.begin(), more.end(), w) != more.end();
}

bool isAssignment(std::string_view w) {
    auto eq = w.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return false;
    if (w[eq - 1] == '+') // VAR+=value
        --eq;
    return std::all_of(w.begin(), w.begin() + static_cast<long>(eq),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string onPath(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
    p += ":/usr/sbin:/sbin";
    size_t start = 0;
    while (start <= p.size()) {
        size_t colon = p.find(':', start);
        if (colon == std::string::npos)
            colon = p.size();
        fs::path candidate = fs::path(p.substr(start, colon - start)) / name;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
        start = colon + 1;
    }
    return {};
}

std::string installHint(const ExternalProgram& p) {
    return "缺少程序 " + std::string(p.name) + "（Debian 软件包 " + std::string(p.package) +
           "）：请运行 apt-get install " + std::string(p.package) +
           "，或用 ./dev.sh test 安装全部依赖 / missing program " + std::string(p.name) +
           " (Debian package " + std::string(p.package) + "): apt-get install " +
           std::string(p.package) + ", or let ./dev.sh test install every dependency";
}

// Programs of this project (from the build tree or an unpacked package) and the test programs
// themselves need no table entry.
bool isOwnProgram(const std::string& word) {
    const std::string name = fs::path(word).filename().string();
    if (name == "zhuxue" || name == "zhuxue-cli" || name == "zhuxue-server" ||
        name == "zhuxue-bench")
        return true;
    if (word.find('/') == std::string::npos)
        return false;
    const std::string s = fs::path(word).lexically_normal().string();
    const std::string build = fs::path(ZHUXUE_BIN_DIR).parent_path().lexically_normal().string();
    return s.rfind(build + "/", 0) == 0; // a test program re-running itself
}
} // namespace

std::span<const ExternalProgram> externalPrograms() { return kPrograms; }

const ExternalProgram* findExternalProgram(std::string_view name) {
    for (const auto& p : kPrograms)
        if (p.name == name)
            return &p;
    return nullptr;
}

std::string tool(std::string_view name) {
    const ExternalProgram* p = findExternalProgram(name);
    if (!p)
        throw MissingProgram("程序 " + std::string(name) +
                             " 不在 tests/support/programs.cpp 的表里：写明它的 Debian 软件包，并加进 "
                             "packaging/deps/ / program " + std::string(name) +
                             " is not in tests/support/programs.cpp's table: add it with its Debian "
                             "package, and the package to packaging/deps/");
    if (!p->dir.empty()) {
        fs::path full = fs::path(p->dir) / p->name;
        if (::access(full.c_str(), X_OK) == 0)
            return full.string();
        throw MissingProgram(installHint(*p));
    }
    std::string found = onPath(name);
    if (found.empty())
        throw MissingProgram(installHint(*p));
    return found;
}

std::vector<std::string> shellCommandWords(std::string_view command) {
    std::vector<std::string> words;
    std::string word;
    bool atCommand = true, fromVariable = false;
    char quote = 0;
    std::vector<char> open; // for each open ( or $(: the quote to return to at its )
    auto finish = [&] {
        if (word.empty() && !fromVariable)
            return;
        if (atCommand) {
            if (isAssignment(word)) {
                // VAR=value before the command: the command comes next
            } else if (fromVariable) {
                // "$SUDO apt-get": a lone variable is a prefix; "$ROOT/bin/x" cannot be checked
                atCommand = word.empty();
            } else if (isBuiltin(word)) {
                // `exec X`, `! X`, `if X`, `then X`: X is in command position
                atCommand = word == "!" || word == "exec" || word == "if" || word == "then" ||
                            word == "do" || word == "else" || word == "elif" || word == "while" ||
                            word == "until" || word == "{" || word == "time";
            } else {
                words.push_back(word);
                atCommand = word == "env"; // env VAR=x "$@" prog: prog is called too
            }
        }
        word.clear();
        fromVariable = false;
    };
    // $NAME, ${...}, $1, $?: the value is unknown here, so the word is marked, the name dropped.
    auto skipVariable = [&](size_t& i) {
        fromVariable = true;
        if (i + 1 >= command.size())
            return;
        char n = command[i + 1];
        if (n == '{') {
            while (i + 1 < command.size() && command[i + 1] != '}')
                ++i;
            ++i;
        } else if (std::isalnum(static_cast<unsigned char>(n)) || n == '_') {
            while (i + 1 < command.size() &&
                   (std::isalnum(static_cast<unsigned char>(command[i + 1])) || command[i + 1] == '_'))
                ++i;
        } else if (n == '?' || n == '@' || n == '#' || n == '$' || n == '!' || n == '*') {
            ++i;
        }
    };
    for (size_t i = 0; i < command.size(); ++i) {
        char c = command[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '$' && quote == '"' && i + 1 < command.size() && command[i + 1] == '(') {
                finish();
                atCommand = true; // "$( cmd )"
                open.push_back(quote);
                quote = 0;
                ++i;
            } else if (c == '$' && quote == '"')
                skipVariable(i);
            else
                word += c;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '\\' && i + 1 < command.size()) {
            word += command[++i];
        } else if (c == '$') {
            if (i + 1 < command.size() && command[i + 1] == '(') {
                finish();
                atCommand = true; // $( cmd )
                open.push_back(0);
                ++i;
            } else {
                skipVariable(i);
            }
        } else if (c == '#' && word.empty() && !fromVariable) {
            while (i < command.size() && command[i] != '\n')
                ++i;
            finish();
            atCommand = true;
        } else if (c == ' ' || c == '\t') {
            finish();
        } else if (c == '(') {
            finish();
            atCommand = true;
            open.push_back(0);
        } else if (c == ')') {
            finish();
            atCommand = true;
            if (!open.empty()) {
                quote = open.back();
                open.pop_back();
                atCommand = quote == 0;
            }
        } else if (c == '\n' || c == ';' || c == '`') {
            finish();
            atCommand = true;
        } else if (c == '|' || c == '&') {
            finish();
            atCommand = true;
            if (i + 1 < command.size() && command[i + 1] == c)
                ++i;
        } else if (c == '>' || c == '<') {
            // a redirection: the file name that follows is not a command
            bool saved = atCommand;
            finish();
            while (i + 1 < command.size() && (command[i + 1] == '>' || command[i + 1] == '&'))
                ++i;
            while (i + 1 < command.size() && command[i + 1] == ' ')
                ++i;
            // skip the target word
            while (i + 1 < command.size() && command[i + 1] != ' ' && command[i + 1] != ';' &&
                   command[i + 1] != '|' && command[i + 1] != '&' && command[i + 1] != '\n' &&
                   command[i + 1] != ')') {
                if (command[i + 1] == '\'' || command[i + 1] == '"') {
                    char q = command[++i];
                    while (i + 1 < command.size() && command[i + 1] != q)
                        ++i;
                }
                ++i;
            }
            atCommand = saved;
        } else {
            word += c;
        }
    }
    finish();
    // A word ending in a digit right before a redirection (2>&1) was split off as "2": drop
    // bare numbers, never a program name.
    std::erase_if(words, [](const std::string& w) {
        return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    });
    return words;
}

void checkCalledProgram(const std::string& argv0) {
    if (isOwnProgram(argv0))
        return;
    std::string name = fs::path(argv0).filename().string();
    if (argv0.find('/') != std::string::npos) {
        const ExternalProgram* p = findExternalProgram(name);
        if (!p)
            (void)tool(name); // throws: not in the table
        if (::access(argv0.c_str(), X_OK) != 0)
            throw MissingProgram(installHint(*p));
        return;
    }
    (void)tool(name);
}

void checkCalledPrograms(std::string_view command) {
    for (const auto& w : shellCommandWords(command))
        checkCalledProgram(w);
}

} // namespace zhuxue::test
