// zhuxue-server's console speaks to the county's administrator Chinese first, then English: the
// texts come from assets/i18n (server.json, sync.json) built into the program. Every error the
// server's code can raise has both texts; real zhuxue-server processes show them for a short
// password, a mistake in the configuration file and a backup with nothing to back up.
#include "sync/server/console_text.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace zhuxue;
using namespace zhuxue::test;
namespace fs = std::filesystem;

namespace {

struct Run {
    int rc;
    std::string err;
};

Run server(std::vector<std::string> args, const std::string& input = {}) {
    std::string cmd = binPath("zhuxue-server").string();
    for (const auto& a : args)
        cmd += " '" + a + "'";
    auto [rc, out] = runShell("printf '%s\\n' '" + input + "' | " + cmd + " 2>&1 >/dev/null");
    return {rc, out};
}

// "中文 … English": both present, the Chinese first.
void checkChineseFirst(const std::string& text, const std::string& zh, const std::string& en) {
    INFO(text);
    auto z = text.find(zh), e = text.find(en);
    REQUIRE(z != std::string::npos);
    REQUIRE(e != std::string::npos);
    CHECK(z < e);
}

} // namespace

TEST_CASE("every error zhuxue-server's code can raise has Chinese and English console text") {
    const fs::path dir = fs::path(ZHUXUE_TEST_SOURCE_DIR).parent_path() / "sync" / "server";
    std::set<std::string> keys;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".cpp")
            continue;
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const std::string call : {"Error(", "backupError(", "configError("})
            for (auto at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
                auto open = text.find_first_not_of(" \t\n", at + call.size());
                if (open == std::string::npos || text[open] != '"')
                    continue;
                auto close = text.find('"', open + 1);
                std::string key = text.substr(open + 1, close - open - 1);
                if (key.find('.') != std::string::npos &&
                    key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") == std::string::npos)
                    keys.insert(key);
            }
    }
    CHECK(keys.size() >= 40); // the scan found the server's errors
    for (const auto& key : keys) {
        INFO(key);
        CHECK(sync::server::hasConsoleText(key));
    }
}

TEST_CASE("an error's arguments and detail fill the console text; an unknown key keeps its detail") {
    Error weak("account.weak_password", {{"min", "8"}}, "the password needs at least 8 characters");
    CHECK(sync::server::consoleText(weak) ==
          "密码太短：至少需要 8 个字符 The password is too short: it needs at least 8 characters "
          "(account.weak_password)");
    Error storage("sync.error.storage", {}, "could not connect to server: Connection refused");
    CHECK(sync::server::consoleText(storage) ==
          "服务器数据存储出错 Server storage error (sync.error.storage)\n"
          "  详情 detail: could not connect to server: Connection refused");
    Error other("made.up_key", {}, "something plain");
    CHECK(sync::server::consoleText(other) == "something plain (made.up_key)");
}

TEST_CASE("the administrator's mistakes are explained Chinese first by a real zhuxue-server") {
    TempDir tmp("zhuxue-server-console");
    const std::string data = (tmp / "data").string();

    auto weak = server({"account", "add", "bob", "--role", "staff", "--county", "420527",
                        "--data-dir", data},
                       "short");
    CHECK(weak.rc == 2);
    checkChineseFirst(weak.err, "密码太短：至少需要 8 个字符", "The password is too short");

    auto role = server({"account", "add", "bob", "--role", "boss", "--county", "420527",
                        "--data-dir", data},
                       "long enough password");
    CHECK(role.rc == 2);
    checkChineseFirst(role.err, "没有“boss”这个角色", "There is no role \"boss\"");

    const fs::path conf = tmp / "server.conf";
    std::ofstream(conf) << "# 秭归县\nport = 8720\nprot = 8721\n";
    auto typo = server({"serve", "--config", conf.string()});
    CHECK(typo.rc == 2);
    checkChineseFirst(typo.err, "配置文件 " + conf.string() + " 第 3 行：没有“prot”这个设置",
                      "Configuration file " + conf.string() + ", line 3: there is no setting \"prot\"");

    std::ofstream(conf) << "port = 99999\n";
    auto range = server({"serve", "--config", conf.string()});
    CHECK(range.rc == 2);
    checkChineseFirst(range.err, "第 1 行：port 的值“99999”不对：须为 0 到 65535 之间的整数",
                      "line 1: the value \"99999\" of port is wrong: it must be a whole number from 0 to 65535");
    CHECK(range.err.find("须为", range.err.find("Configuration file")) == std::string::npos);

    auto empty = server({"backup", (tmp / "b.sqlite").string(), "--data-dir", (tmp / "none").string()});
    CHECK(empty.rc == 1);
    checkChineseFirst(empty.err, "没有可备份的数据", "There is no data to back up");
    CHECK_FALSE(fs::exists(tmp / "b.sqlite"));

#ifdef ZHUXUE_WITH_POSTGRES
    // A database nobody listens at: the database, host and port, never the password, and
    // PostgreSQL's own words once, on a line of their own.
    auto pg = server({"serve", "--port", "0", "--db", "postgresql://zx:secret-pw@127.0.0.1:1/zhuxue"});
    CHECK(pg.rc == 1);
    checkChineseFirst(pg.err, "无法打开服务器数据 PostgreSQL zhuxue@127.0.0.1:1",
                      "Cannot open the server's data PostgreSQL zhuxue@127.0.0.1:1");
    CHECK(pg.err.find("\n  详情 detail: cannot connect to PostgreSQL") != std::string::npos);
    CHECK(pg.err.find("secret-pw") == std::string::npos);
#endif
}
