// Command-line options of the three programs.
#include "client/core/args.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;

namespace {
Result<Args> parse(std::vector<std::string> v) {
    std::vector<char*> argv;
    for (auto& s : v)
        argv.push_back(s.data());
    return Args::parse(static_cast<int>(argv.size()), argv.data(), {"port", "data-dir"}, {"help"});
}
} // namespace

TEST_CASE("values, inline values, flags and positionals") {
    auto a = parse({"prog", "--port", "80", "--data-dir=/tmp/x", "sync", "--help"});
    REQUIRE(a.ok());
    CHECK(a->value("port") == "80");
    CHECK(*a->integer("port", 0) == 80);
    CHECK(a->value("data-dir") == "/tmp/x");
    CHECK(a->flag("help"));
    REQUIRE(a->positional().size() == 1);
    CHECK(a->positional()[0] == "sync");
}

TEST_CASE("bad options are errors naming the option") {
    auto unknown = parse({"prog", "--nope"});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().key == "args.unknown_option");
    CHECK(unknown.error().args.at("option") == "--nope");
    CHECK(parse({"prog", "--port"}).error().key == "args.missing_value");
    auto notNumber = parse({"prog", "--port", "eighty"});
    REQUIRE(notNumber.ok());
    CHECK_FALSE(notNumber->integer("port", 0).ok());
}
