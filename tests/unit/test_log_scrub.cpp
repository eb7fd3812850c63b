// The log scrubber: ID numbers, cards and mobile numbers never reach a log; names in error
// arguments are dropped; dates, amounts, counts and county codes stay readable.
#include "client/store/crypto/log_scrub.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using zhuxue::store::crypto::scrubForLog;

TEST_CASE("personal numbers are redacted, ordinary numbers are kept") {
    const std::string r(zhuxue::store::crypto::kScrubbed);
    CHECK(scrubForLog("身份证 11010519491231002X 校验失败") == "身份证 " + r + " 校验失败");
    CHECK(scrubForLog("id=11010519491231002x;") == "id=" + r + ";");
    CHECK(scrubForLog("old 110105491231002") == "old " + r); // 15-digit legacy number
    CHECK(scrubForLog("card 6217002973142685016") == "card " + r);
    CHECK(scrubForLog("tel 13812345678.") == "tel " + r + ".");
    CHECK(scrubForLog("tel 138-1234-5678") == "tel " + r);
    CHECK(scrubForLog("tel 138 1234 5678 ok") == "tel " + r + " ok");
    CHECK(scrubForLog("tel +8613812345678") == "tel " + r);
    CHECK(scrubForLog("tel 008613812345678") == "tel " + r);
    // kept
    CHECK(scrubForLog("2025-09-01 12:30, county 420527, 1200000 fen, row 17") ==
          "2025-09-01 12:30, county 420527, 1200000 fen, row 17");
    CHECK(scrubForLog("12345678901") == "12345678901"); // 11 digits, not a mobile prefix
    CHECK(scrubForLog("") == "");
}

TEST_CASE("error arguments naming a person are dropped before formatting") {
    Error e("import.row.bad_id", {{"name", "王𪚥"}, {"co_borrower_name", "李秀英"},
                                  {"row", "7"}, {"id", "11010519491231002X"}},
            "student 王𪚥 phone 13812345678");
    Error s = scrubForLog(e);
    CHECK(s.args["name"] == std::string(zhuxue::store::crypto::kScrubbed));
    CHECK(s.args["co_borrower_name"] == std::string(zhuxue::store::crypto::kScrubbed));
    CHECK(s.args["row"] == "7");
    CHECK(s.args["id"].find("1101") == std::string::npos);
    CHECK(s.detail.find("13812345678") == std::string::npos);
    CHECK(s.key == e.key);
}
