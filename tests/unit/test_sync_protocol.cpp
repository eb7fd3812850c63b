// Strict codecs: unknown keys, record types, bad stamps and versions are refused with keys a
// person can read; gzip is bounded.
#include "sync/protocol/enrollment.hpp"
#include "sync/protocol/accounts.hpp"
#include "sync/protocol/messages.hpp"
#include "sync/protocol/wire.hpp"

#include <doctest/doctest.h>

using namespace zhuxue::sync;
using nlohmann::json;

namespace {
json goodChange() {
    return json{{"id", "01900000-0000-7000-8000-000000000001"},
                {"record_type", "student"},
                {"record_id", "01900000-0000-7000-8000-0000000000aa"},
                {"county", "420527"},
                {"field", "name"},
                {"value", "王小明"},
                {"hlc", "0000019000000000"},
                {"device", "11111111-2222-4333-8444-555555555555"},
                {"base", ""}};
}
} // namespace

TEST_CASE("a valid change decodes and encodes back identically") {
    auto c = changeFromJson(goodChange());
    REQUIRE(c.ok());
    CHECK(toJson(*c) == goodChange());
}

TEST_CASE("change validation names what is wrong") {
    auto expect = [](json j, const char* key) {
        auto c = changeFromJson(j);
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().key == key);
    };
    auto j = goodChange();
    j["colour"] = "red";
    expect(j, "sync.error.unknown_change_field");
    j = goodChange();
    j["record_type"] = "spaceship";
    expect(j, "sync.error.unknown_record_type");
    j = goodChange();
    j.erase("hlc");
    expect(j, "sync.error.missing_change_field");
    j = goodChange();
    j["hlc"] = "0000019000000000X";
    expect(j, "sync.error.bad_hlc");
    j = goodChange();
    j["county"] = "42052";
    expect(j, "sync.error.bad_county");
    j = goodChange();
    j["base"] = "0000019000000001"; // a base newer than the edit itself
    expect(j, "sync.error.bad_base");
    j = goodChange();
    j["field"] = "_deleted";
    expect(j, "sync.error.bad_deleted");
    j = goodChange();
    j["id"] = "01900000-0000-7000-8000-00000000000A";
    expect(j, "sync.error.bad_change_id");
    j = goodChange();
    j["device"] = 5;
    expect(j, "sync.error.change_field_type");
}

TEST_CASE("batch envelopes are strict about version and keys") {
    json req{{"protocol", 1}, {"changes", json::array({goodChange()})}};
    CHECK(pushRequestFromJson(req).ok());
    req["protocol"] = 2;
    CHECK(pushRequestFromJson(req).error().key == "sync.error.protocol_version");
    req["protocol"] = 1;
    req["extra"] = true;
    CHECK(pushRequestFromJson(req).error().key == "sync.error.unknown_body_field");
    json bad{{"protocol", 1}, {"changes", json::array({goodChange(), json{{"id", "x"}}})}};
    auto r = pushRequestFromJson(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().args.at("index") == "1");
    CHECK(errorFromBody(422, errorBody(r.error()).dump()).key == r.error().key);
}

TEST_CASE("gzip round-trips and refuses bombs and truncation") {
    std::string text(1 << 20, 'a');
    auto gz = gzipCompress(text);
    CHECK(gz.size() < text.size() / 100);
    auto back = gzipDecompress(gz, 2 << 20);
    REQUIRE(back.ok());
    CHECK(*back == text);
    CHECK(gzipDecompress(gz, 1000).error().key == "sync.error.body_too_large");
    CHECK(gzipDecompress(gz.substr(0, gz.size() / 2), 2 << 20).error().key ==
          "sync.error.bad_gzip");
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("the enrollment text carries the server address and the code, and nothing less") {
    EnrollmentLink link{"https://zz.example.cn:8720/zhuxue", "ABCD-EFGH-JKMN"};
    std::string text = enrollmentText(link);
    CHECK(text == "zhuxue-enroll:https://zz.example.cn:8720/zhuxue#ABCD-EFGH-JKMN");
    CHECK(isEnrollmentText(text));
    auto back = parseEnrollmentText("  " + text + "\n"); // pasted with spaces and a newline
    REQUIRE(back.ok());
    CHECK(back->url == link.url);
    CHECK(back->code == link.code);
    auto upper = parseEnrollmentText("ZHUXUE-ENROLL:http://10.0.0.5:8720/#abcd-efgh-jkmn");
    REQUIRE(upper.ok());
    CHECK(upper->url == "http://10.0.0.5:8720"); // trailing slash dropped
    CHECK(!isEnrollmentText("https://zz.example.cn:8720"));
    for (const char* bad : {"zhuxue-enroll:https://zz.example.cn:8720", "zhuxue-enroll:#ABCD",
                            "zhuxue-enroll:https://zz.example.cn:8720#", "zhuxue-enroll:ftp://x#AB",
                            "zhuxue-enroll:https://#AB", "zhuxue-enroll:https://a b#AB",
                            "zhuxue-enroll:https://zz.example.cn#AB CD", "https://x#AB"}) {
        CAPTURE(bad);
        auto r = parseEnrollmentText(bad);
        REQUIRE(!r.ok());
        CHECK(r.error().key == "sync.error.bad_enrollment_text");
    }
    CHECK(checkServerUrl("https://zz.example.cn:8720").ok());
    CHECK(checkServerUrl("zz.example.cn:8720").error().key == "sync.error.bad_server_url");
}

TEST_CASE("account lists are strict: a bad field is named and nothing is taken") {
    json good{{"user", "wang"},
              {"name", "王老师"},
              {"role", "staff"},
              {"counties", {"420527"}},
              {"disabled", false},
              {"pw_hash", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"},
              {"public_key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
              {"secret_box", "argon2id$2$67108864$c2FsdHNhbHRzYWx0c2FsdA$Ym94"}};
    auto ok = accountsResponseFromJson(json{{"protocol", 1}, {"accounts", {good}}});
    REQUIRE(ok.ok());
    REQUIRE(ok->accounts.size() == 1);
    CHECK(toJson(ok->accounts[0]) == good);

    auto refused = [&](const char* key, json value) {
        json bad = good;
        bad[key] = std::move(value);
        auto r = accountsResponseFromJson(json{{"protocol", 1}, {"accounts", {bad}}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().key == "sync.error.bad_account");
        return r.error().args.at("field");
    };
    CHECK(refused("user", "wang li") == "user");
    CHECK(refused("role", "root") == "role");
    CHECK(refused("counties", {"42052"}) == "counties");
    CHECK(refused("disabled", "no") == "disabled");
    CHECK(refused("pw_hash", "plain password") == "pw_hash");
    CHECK(refused("secret_box", "aes$xyz") == "secret_box");
    json extra = good;
    extra["password"] = "x";
    CHECK(accountsResponseFromJson(json{{"protocol", 1}, {"accounts", {extra}}}).error().args.at("field") ==
          "password");
    CHECK(accountsResponseFromJson(json{{"protocol", 2}, {"accounts", json::array()}}).error().key ==
          "sync.error.protocol_version");
}
