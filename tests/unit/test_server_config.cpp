// zhuxue-server's configuration file: the shipped server.conf parses, every line error names the
// file and line, and the command line wins over the file.
#include "client/core/args.hpp"
#include "sync/server/config.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace zhuxue;
using namespace zhuxue::sync::server;

TEST_CASE("the packaged server.conf is accepted as shipped") {
    auto entries = loadConfigFile(std::string(ZHUXUE_TEST_SOURCE_DIR) + "/../packaging/systemd/server.conf");
    REQUIRE(entries.ok());
    std::map<std::string, std::string> got;
    for (const auto& e : *entries)
        got[e.name] = e.value;
    CHECK(got == std::map<std::string, std::string>{{"listen", "127.0.0.1"}, {"port", "8720"}, {"data-dir", "/var/lib/zhuxue"}});
}

TEST_CASE("names, values, comments and blank lines") {
    auto r = parseConfig("\xEF\xBB\xBF# top\n\n  port=9000   # trailing comment\r\ndata-dir =  /srv/有数据 \n--threads = 4\ndb =\n",
                         "s.conf");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 4);
    CHECK((*r)[0].name == "port");
    CHECK((*r)[0].value == "9000");
    CHECK((*r)[0].line == 3);
    CHECK((*r)[1].value == "/srv/有数据");
    CHECK((*r)[2].name == "threads");
    CHECK((*r)[3].name == "db");
    CHECK((*r)[3].value.empty());
    CHECK(parseConfig("", "empty.conf")->empty());
}

TEST_CASE("errors name the file and line and say why, Chinese first") {
    auto unknown = parseConfig("port = 1\n\nlisten-address = 0.0.0.0\n", "/etc/zhuxue/server.conf");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().key == "server.config.unknown_name");
    CHECK(unknown.error().args.at("line") == "3");
    CHECK(unknown.error().detail.rfind("/etc/zhuxue/server.conf:3: 没有这个设置 unknown setting \"listen-address\"", 0) == 0);

    auto port = parseConfig("port = 70000\n", "a.conf");
    REQUIRE_FALSE(port.ok());
    CHECK(port.error().key == "server.config.bad_value");
    CHECK(port.error().detail.find("a.conf:1: port = \"70000\": 需要 0-65535 之间的整数") == 0);
    CHECK(port.error().detail.find("needs a whole number from 0 to 65535") != std::string::npos);

    CHECK(parseConfig("threads = four\n", "a.conf").error().key == "server.config.bad_value");
    CHECK(parseConfig("threads = 0\n", "a.conf").error().key == "server.config.bad_value");
    CHECK(parseConfig("data-dir =\n", "a.conf").error().key == "server.config.bad_value");
    CHECK(parseConfig("db = mysql://x\n", "a.conf").error().key == "server.config.bad_value");
    auto syntax = parseConfig("# ok\nport 8720\n", "a.conf");
    CHECK(syntax.error().key == "server.config.syntax");
    CHECK(syntax.error().args.at("line") == "2");
    auto twice = parseConfig("port = 1\nport = 2\n", "a.conf");
    CHECK(twice.error().key == "server.config.duplicate");
    CHECK(twice.error().args.at("line") == "2");
    // Per-command options are not settings, and neither is config itself.
    CHECK(parseConfig("county = 420527\n", "a.conf").error().key == "server.config.unknown_name");
    CHECK(parseConfig("config = other.conf\n", "a.conf").error().key == "server.config.unknown_name");
    CHECK(loadConfigFile("/nonexistent/zhuxue.conf").error().key == "server.config.unreadable");
}

TEST_CASE("the command line wins over the file, and the file fills in the rest") {
    test::TempDir tmp("zhuxue-config");
    auto conf = (tmp / "server.conf").string();
    std::ofstream(conf) << "port = 9100\ndata-dir = /from/file\nthreads = 3\n";
    std::vector<std::string> cmd{"zhuxue-server", "serve", "--port", "9200", "--config", conf, "--threads=5"};
    auto argv = argvOf(cmd);
    auto merged = argumentsWithConfig(static_cast<int>(cmd.size()), argv.data());
    REQUIRE(merged.ok());
    auto mergedArgv = argvOf(*merged);
    auto args = Args::parse(static_cast<int>(merged->size()), mergedArgv.data(),
                            {"port", "data-dir", "threads", "config"}, {});
    REQUIRE(args.ok());
    CHECK(args->value("port") == "9200");
    CHECK(args->value("threads") == "5");
    CHECK(args->value("data-dir") == "/from/file");
    CHECK(args->positional() == std::vector<std::string>{"serve"});

    // No --config: the command line as it is.
    std::vector<std::string> plain{"zhuxue-server", "--port=1"};
    auto plainArgv = argvOf(plain);
    CHECK(*argumentsWithConfig(2, plainArgv.data()) == plain);

    // A bad file stops everything, naming the line.
    std::ofstream(conf) << "port = 9100\nthreads = many\n";
    auto bad = argumentsWithConfig(static_cast<int>(cmd.size()), argv.data());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().detail.rfind(conf + ":2:", 0) == 0);
}
