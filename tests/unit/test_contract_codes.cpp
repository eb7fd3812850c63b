// Contract number and 受理证明 校验码 as staff type them (issue #20 point 17): trimmed, folded
// from full width, upper-cased, format-checked; the receipt's file name never uses raw text.
// The rule and its basis are in client/core/contract_codes.hpp.
#include "client/core/contract_codes.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::core;

namespace {
const Catalog& zh() {
    static const Catalog c = *loadCatalog(assetsDir(), "zh-CN");
    return c;
}
const Catalog& en() {
    static const Catalog c = *loadCatalog(assetsDir(), "en");
    return c;
}
// The only finding's key, after checking both languages have a sentence for it.
std::string onlyKey(const Findings& f) {
    REQUIRE(f.all().size() == 1);
    const auto& m = f.all().front().message;
    CHECK(zh().has(m.key));
    CHECK(en().has(m.key));
    CHECK(zh().format(m).find('{') == std::string::npos);
    return m.key;
}
} // namespace

TEST_CASE("typed numbers are trimmed, folded from full width and upper-cased") {
    CHECK(normalizeContractCode("  ht-2025-0001\t") == "HT-2025-0001");
    CHECK(normalizeContractCode("\u3000ＨＴ２０２６４２０５２７００１\u3000") == "HT2026420527001");
    CHECK(normalizeContractCode("k7q2-9xpa") == "K7Q2-9XPA");
    // Inner text is kept, so the check below can refuse it.
    CHECK(normalizeContractCode(" HT 2025 ") == "HT 2025");
}

TEST_CASE("contract numbers in the forms the contracts print pass") {
    for (const char* ok : {"4205272026000123", "HT-2025-0001", "HT2026420527001",
                           " ht-2021-0007 ", "４２０５２７２０２６０００１２３"}) {
        CAPTURE(ok);
        CHECK(checkContractNumber(ok).empty());
    }
}

TEST_CASE("a contract number that cannot be on a contract is refused with a reason") {
    CHECK(onlyKey(checkContractNumber("")) == "validation.contract.number_empty");
    CHECK(onlyKey(checkContractNumber(" \u3000 ")) == "validation.contract.number_empty");
    for (const char* bad : {"HT 2025 0001", "../../etc/passwd", "HT/2025/0001", "HT.2025.0001",
                            "合同2025000001", "HT-2025\n0001", "-HT20250001", "HT--20250001",
                            "HT-2025-", "12345", "HT-ABC-123", // 5 chars; 3 digits only
                            "HT2025000000000000000000000000001"}) {  // 33 characters
        CAPTURE(bad);
        CHECK(onlyKey(checkContractNumber(bad)) == "validation.contract.number_format");
    }
    // The message shows the number as normalised, so staff see what was compared.
    auto f = checkContractNumber(" ht/2025 ");
    CHECK(f.all().front().message.args.at("value") == "HT/2025");
    CHECK(zh().format(f.all().front().message).starts_with("合同编号 HT/2025 格式不对"));
}

TEST_CASE("校验码: 4-16 letters, digits and single hyphens") {
    for (const char* ok : {"K7Q2-9XPA", "k7q29xpa", "ABCD", "ＡＢＣＤ２３４５", "1234567890ABCDEF"}) {
        CAPTURE(ok);
        CHECK(checkCertificateCode(ok).empty());
    }
    CHECK(onlyKey(checkCertificateCode("  ")) == "validation.contract.code_empty");
    for (const char* bad : {"ABC", "K7Q2 9XPA", "K7Q2/9XPA", "校验码1234", "1234567890ABCDEFG",
                            "-K7Q2", "K7Q2--9XPA"}) {
        CAPTURE(bad);
        CHECK(onlyKey(checkCertificateCode(bad)) == "validation.contract.code_format");
    }
}

TEST_CASE("the receipt's file name never carries '/', '..', control characters or raw text") {
    CHECK(receiptFileName(" ht-2025-0001 ") == "loan-HT-2025-0001.pdf");
    CHECK(receiptFileName("４２０５２７２０２６０００１２３") == "loan-4205272026000123.pdf");
    for (std::string raw : {std::string("../../etc/passwd"), std::string("a/b\\c"),
                            std::string("HT\n2025\x01"), std::string("合同/../1"),
                            std::string(".."), std::string(""), std::string(60, '9') + "/x"}) {
        const std::string name = receiptFileName(raw);
        CAPTURE(raw);
        CAPTURE(name);
        CHECK(name.starts_with("loan-"));
        CHECK(name.ends_with(".pdf"));
        const std::string stem = name.substr(5, name.size() - 9);
        CHECK_FALSE(stem.empty());
        CHECK(stem.size() <= 32);
        CHECK(stem.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == std::string::npos);
        CHECK(name.find("..") == std::string::npos);
    }
    CHECK(receiptFileName("../../etc/passwd") == "loan-______ETC_PASSWD.pdf");
}
