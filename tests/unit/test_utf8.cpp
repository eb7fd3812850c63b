// UTF-8 handling: names keep every character; typed numbers are cleaned up, not rejected.
#include "client/core/text/file_name.hpp"
#include "client/core/text/utf8.hpp"

#include <doctest/doctest.h>

using namespace zhuxue::text;

TEST_CASE("valid UTF-8 including characters outside the BMP") {
    CHECK(isValidUtf8("张三"));
    CHECK(isValidUtf8("𪚥䶮"));
    CHECK(countCodePoints("王𪚥") == 2);
    CHECK(toCodePoints("a张𪚥") == std::vector<char32_t>{U'a', U'张', U'\U0002A6A5'});
    CHECK(fromCodePoints({U'秭', U'归'}) == "秭归");
    CHECK(encodeUtf8(U'\U0002A6A5') == "\xF0\xAA\x9A\xA5");
    CHECK(encodeUtf8(0xD800) == "\xEF\xBF\xBD"); // a lone surrogate cannot be encoded
}

TEST_CASE("invalid UTF-8 is found at the right byte") {
    CHECK(firstInvalidUtf8("ab\xFF") == 2);
    CHECK(firstInvalidUtf8("\xC0\xAF") == 0);         // overlong '/'
    CHECK(firstInvalidUtf8("x\xED\xA0\x80") == 1);    // UTF-16 surrogate
    CHECK(firstInvalidUtf8("\xF4\x90\x80\x80") == 0); // above U+10FFFF
    CHECK(firstInvalidUtf8("张\xE5\xBC") == 3);       // truncated at the end
    CHECK(firstInvalidUtf8("\xD5\xC5\xC8\xFD") == 0); // 张三 in GBK
    CHECK_FALSE(isValidUtf8("\x80"));
    std::size_t pos = 0;
    CHECK_FALSE(decodeNext("\xE5\xBC"
                           "a",
                           pos));
    CHECK(pos == 2); // the truncated sequence is skipped, the 'a' is not swallowed
    CHECK(toCodePoints("\xE5\xBC"
                       "a") == std::vector<char32_t>{kReplacementChar, U'a'});
}

TEST_CASE("full-width digits, letters and spaces typed with a Chinese input method") {
    CHECK(normaliseWidth("４２０５２７　ｘ") == "420527 x");
    CHECK(normaliseWidth("张三") == "张三");
    CHECK(compactNumberInput("１３８－０００ ０\t0000") == "13800000000");
    CHECK(compactNumberInput("420527 2006 0101 001ｘ") == "4205272006010100"
                                                          "1x");
    CHECK(compactNumberInput("138\xE2\x80\x94"
                             "0000\xC2\xA0"
                             "0000") == "13800000000"); // em dash, NBSP
    CHECK(compactNumberInput("12\xFF") == "12\xFF"); // invalid bytes stay for validation to report
}

TEST_CASE("trimming pasted text") {
    CHECK(trimSpace("　张三 \t") == "张三");
    CHECK(trimSpace("\xEF\xBB\xBF姓名") == "姓名");
    CHECK(trimSpace("   ").empty());
    CHECK(trimSpace("张 三") == "张 三");
}

TEST_CASE("Han characters") {
    CHECK(isHan(U'张'));
    CHECK(isHan(U'䶮'));
    CHECK(isHan(U'\U0002A6A5'));
    CHECK_FALSE(isHan(U'a'));
    CHECK_FALSE(isHan(U'·'));
}

TEST_CASE("typed text as a file name never leaves its directory") {
    // The receipt printouts/loan-<contract number>.pdf (issue 19, L7).
    CHECK(fileNamePart("../../.ssh/authorized_keys") == "_______ssh_authorized_keys");
    CHECK(fileNamePart("..") == "__");
    CHECK(fileNamePart("/etc/passwd") == "_etc_passwd");
    CHECK(fileNamePart("a\\b\nc") == "a_b_c");
    CHECK(fileNamePart("\xC0\xAF").find_first_of("/.") == std::string::npos); // an overlong "/"
    CHECK(fileNamePart("HT2025-秭归-0001") == "HT2025-秭归-0001");
    CHECK(fileNamePart("") == "_");
    CHECK(fileNamePart(std::string(300, 'x')).size() == 100);
    CHECK(fileNamePart("秭归县", 7) == "秭归"); // cut at a character, never inside one
}
