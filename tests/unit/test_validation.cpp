// Validation rules from DOMAIN.md §2 and §6: resident IDs, mobiles, bank cards, loan amount and
// term, co-borrower, materials, dates; every message exists in both languages.
#include "client/core/resident_id.hpp"
#include "client/core/validation.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::core;

namespace {
const Date kToday{2026, 11, 23};

// Every finding must read as a sentence in both languages, never as a raw key.
void expectTexts(const Findings& findings) {
    static const Catalog zh = *loadCatalog(assetsDir(), "zh-CN");
    static const Catalog en = *loadCatalog(assetsDir(), "en");
    for (const auto& f : findings.all()) {
        CHECK_MESSAGE(zh.has(f.message.key), "zh-CN lacks ", f.message.key);
        CHECK_MESSAGE(en.has(f.message.key), "en lacks ", f.message.key);
        CHECK(zh.format(f.message).find('{') == std::string::npos);
    }
}

ResidentIdCheck check(std::string_view id, ResidentIdOptions options = {}) {
    auto r = checkResidentId(id, kToday, options);
    expectTexts(r.findings);
    return r;
}
} // namespace

TEST_CASE("the two valid IDs of DOMAIN §6 pass, with birth date and sex read from them") {
    auto a = check("11010519491231002X");
    REQUIRE(a.id);
    CHECK(a.findings.empty());
    CHECK(a.id->birthDate == Date{1949, 12, 31});
    CHECK(a.id->sex == Sex::Female); // sequence 002 is even
    REQUIRE(a.id->division);
    CHECK(a.id->division->county == "朝阳区");
    CHECK(a.id->division->province == "北京市");

    // 340524 is not in the division list: valid number, but a warning, not a rejection.
    auto b = check("34052419800101001X");
    REQUIRE(b.id);
    CHECK(b.findings.ok());
    CHECK(b.findings.warningCount() == 1);
    CHECK(b.findings.has("validation.id.division_unknown"));
    CHECK(b.findings.find("validation.id.division_unknown")->message.args.at("code") == "340524");
    CHECK(b.id->sex == Sex::Male); // sequence 001 is odd
}

TEST_CASE("a lower-case x is accepted and stored as X; spaces are tolerated") {
    auto r = check("11010519491231002x");
    REQUIRE(r.id);
    CHECK(r.id->number == "11010519491231002X");
    auto spaced = check("110105 19491231 002X");
    REQUIRE(spaced.id);
    CHECK(spaced.id->number == "11010519491231002X");
}

TEST_CASE("full-width digits and Ｘ/ｘ from a Chinese input method count as ASCII (issue #20.18)") {
    // Typed in full-width mode (U+FF10-U+FF19, U+FF38 Ｘ, U+FF58 ｘ, U+3000 ideographic space).
    auto upper = check("１１０１０５１９４９１２３１００２Ｘ");
    REQUIRE(upper.id);
    CHECK(upper.findings.empty());
    CHECK(upper.id->number == "11010519491231002X");
    CHECK(upper.id->birthDate == Date{1949, 12, 31});
    auto lower = check("１１０１０５\u3000１９４９１２３１\u3000００２ｘ");
    REQUIRE(lower.id);
    CHECK(lower.id->number == "11010519491231002X");
    // Mixed widths, as when a user switches input mode half way.
    auto mixed = check("420527２００６０１０１１２３４");
    REQUIRE(mixed.id);
    CHECK(mixed.id->number == "420527200601011234");
    CHECK(normalizeResidentId("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X");
    // The folding changes nothing else: a full-width wrong check character is still wrong.
    auto wrong = check("１１０１０５１９４９１２３１００２１");
    CHECK_FALSE(wrong.id);
    CHECK(wrong.findings.find("validation.id.checksum")->message.args.at("actual") == "1");
}

TEST_CASE("the check character per GB 11643-1999, worked by hand") {
    // ISO 7064 MOD 11-2: weight of position i (1..17) = 2^(18-i) mod 11
    //   = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; S = sum of digit x weight; check = table[S mod 11]
    //   with table 1 0 X 9 8 7 6 5 4 3 2.
    // 11010519491231002: 1x7 + 1x9 + 0x10 + 1x5 + 0x8 + 5x4 + 1x2 + 9x1 + 4x6 + 9x3 + 1x7 + 2x9
    //   + 3x10 + 1x5 + 0x8 + 0x4 + 2x2 = 167; 167 mod 11 = 2 -> 'X'.
    CHECK(residentIdCheckChar("11010519491231002") == 'X');
    // 42052720060101123: 4x7 + 2x9 + 0 + 5x5 + 2x8 + 7x4 + 2x2 + 0 + 0 + 6x3 + 0 + 1x9 + 0
    //   + 1x5 + 1x8 + 2x4 + 3x2 = 28+18+25+16+28+4+18+9+5+8+8+6 = 173; 173 mod 11 = 8 -> '4'.
    CHECK(residentIdCheckChar("42052720060101123") == '4');
}

TEST_CASE("a province code that does not exist is an error; an unknown county only warns") {
    // Same birth date and sequence as the DOMAIN §6 number, check character recomputed, so only
    // the first two digits are wrong. 00 and 99 are no province of GB/T 2260; neither is 10 or 66.
    for (std::string prefix : {"00", "99", "10", "66"}) {
        std::string first17 = prefix + "010519491231002";
        std::string id = first17 + residentIdCheckChar(first17);
        auto r = check(id);
        CAPTURE(id);
        CHECK_FALSE(r.id);
        REQUIRE(r.findings.has("validation.id.province_unknown"));
        CHECK(r.findings.find("validation.id.province_unknown")->severity == Severity::Error);
        CHECK(r.findings.find("validation.id.province_unknown")->message.args.at("code") == prefix);
    }
    static const Catalog zh = *loadCatalog(assetsDir(), "zh-CN");
    CHECK(zh.format(check("000105194912310024").findings.find("validation.id.province_unknown")
                        ->message)
              .starts_with("身份证号码前2位 00"));
    // A legacy 15-digit number is checked the same way.
    CHECK(check("990527860101123").findings.has("validation.id.province_unknown"));
    // Province 34 (安徽) exists, county 340524 is not in the list: only a warning (see above).
    CHECK(check("34052419800101001X").id);
    // 65 (新疆), 81/82 (香港/澳门, used on residence permits) are provinces.
    for (std::string first17 : {"65010219900101001", "81000019900101001", "82000019900101001"}) {
        auto r = check(first17 + residentIdCheckChar(first17));
        CAPTURE(first17);
        CHECK(r.id);
        CHECK_FALSE(r.findings.has("validation.id.province_unknown"));
    }
}

TEST_CASE("a wrong check character says which character it should be") {
    auto r = check("110105194912310021");
    CHECK_FALSE(r.id);
    auto f = r.findings.find("validation.id.checksum");
    REQUIRE(f);
    CHECK(f->severity == Severity::Error);
    CHECK(f->message.args.at("expected") == "X");
    CHECK(f->message.args.at("actual") == "1");
    static const Catalog zh = *loadCatalog(assetsDir(), "zh-CN");
    CHECK(zh.format(f->message).starts_with("第18位校验码应为 X"));

    // Two swapped neighbours are caught too.
    CHECK(check("11010591491231002X").findings.has("validation.id.checksum"));
    CHECK(residentIdCheckChar("42052720060101123") == '4');
}

TEST_CASE("birth dates must be real and not in the future") {
    // 2006-02-29 does not exist (check character recomputed so only the date is wrong).
    std::string noDay = "42052720060229002";
    noDay += residentIdCheckChar(noDay);
    auto r = check(noDay);
    CHECK_FALSE(r.id);
    REQUIRE(r.findings.has("validation.id.birth_date"));
    CHECK(r.findings.find("validation.id.birth_date")->message.args.at("value") == "2006-02-29");

    CHECK(check("420527200002290024").id); // 2000 is a leap year
    CHECK(check("420527200102290021").findings.has("validation.id.birth_date"));
    CHECK(check("420527204001010017").findings.has("validation.id.birth_future"));
    std::string month13 = "42052720061301002";
    month13 += residentIdCheckChar(month13);
    CHECK(check(month13).findings.has("validation.id.birth_date"));
}

TEST_CASE("length and characters are named precisely") {
    auto shortId = check("1101051949123100");
    CHECK(shortId.findings.has("validation.id.length"));
    CHECK(shortId.findings.find("validation.id.length")->message.args.at("length") == "16");
    CHECK(check("").findings.has("validation.id.empty"));
    auto letter = check("1101051949I231002X");
    REQUIRE(letter.findings.has("validation.id.not_digit"));
    CHECK(letter.findings.find("validation.id.not_digit")->message.args.at("position") == "11");
    CHECK(check("11010519491231002Y").findings.has("validation.id.last_char"));
}

TEST_CASE("legacy 15-digit numbers are accepted for old records and convert to 18") {
    auto r = check("420527860101123");
    REQUIRE(r.id);
    CHECK(r.id->legacy);
    CHECK(r.id->number == "420527860101123");
    CHECK(r.id->birthDate == Date{1986, 1, 1});
    CHECK(r.id->sex == Sex::Male);
    REQUIRE(r.id->division);
    CHECK(r.id->division->county == "秭归县");

    auto converted = check("420527860101123", {.acceptLegacy = true, .convertLegacy = true});
    REQUIRE(converted.id);
    CHECK(converted.id->number == "420527198601011234");
    CHECK(check(converted.id->number).id);
    CHECK(*convertLegacyId("420527860101123") == "420527198601011234");
    CHECK_FALSE(convertLegacyId("42052786010112").ok());

    auto refused = check("420527860101123", {.acceptLegacy = false});
    CHECK_FALSE(refused.id);
    CHECK(refused.findings.has("validation.id.legacy_not_accepted"));
    CHECK(check("420527861301123").findings.has("validation.id.birth_date"));
}

TEST_CASE("mobile numbers follow the loose pattern of DOMAIN §6") {
    CHECK(checkMobile("13800138000").empty());
    CHECK(checkMobile("+8613800138000").empty());
    CHECK(checkMobile("008619912345678").empty());
    CHECK(checkMobile("138 0013 8000").empty());
    CHECK(*normalizeMobile("+86 138-0013-8000") == "13800138000");
    for (const char* bad :
         {"12800138000", "1380013800", "238001380001", "+85213800138000", "1380013800a"}) {
        auto f = checkMobile(bad);
        CAPTURE(bad);
        CHECK(f.has("validation.mobile.invalid"));
        expectTexts(f);
    }
    CHECK(checkMobile("  ").has("validation.mobile.empty"));
}

TEST_CASE("bank cards: 16-19 digits, a failed Luhn check only warns") {
    CHECK(luhnValid("6222020200112233445") == false);
    CHECK(luhnValid("4111111111111111"));
    CHECK(checkBankCard("4111 1111 1111 1111").empty());
    auto luhn = checkBankCard("4111111111111112");
    CHECK(luhn.ok());
    CHECK(luhn.warningCount() == 1);
    CHECK(luhn.has("validation.bank_card.luhn"));
    CHECK(checkBankCard("411111111111111").has("validation.bank_card.length"));
    CHECK(checkBankCard("41111111111111111111").has("validation.bank_card.length"));
    CHECK(checkBankCard("4111-1111-1111-111a").has("validation.bank_card.not_digit"));
    expectTexts(luhn);
}

TEST_CASE("loan amount: minimum, cap and multiple") {
    const LoanLimits undergrad2024{yuan(20000), yuan(1000), yuan(100)};
    CHECK(checkLoanAmount(yuan(20000), undergrad2024).empty());
    CHECK(checkLoanAmount(yuan(1000), undergrad2024).empty());
    auto over = checkLoanAmount(yuan(20100), undergrad2024);
    REQUIRE(over.has("validation.loan.above_cap"));
    CHECK(over.find("validation.loan.above_cap")->message.args.at("cap") == "20,000");
    CHECK(checkLoanAmount(yuan(900), undergrad2024).has("validation.loan.below_minimum"));
    auto odd = checkLoanAmount(yuan(12345), undergrad2024);
    REQUIRE(odd.has("validation.loan.not_multiple"));
    CHECK(odd.find("validation.loan.not_multiple")->message.args.at("suggestion") == "12,300");
    CHECK(checkLoanAmount(0, undergrad2024).has("validation.loan.amount_not_positive"));
    expectTexts(odd);
    expectTexts(over);
}

TEST_CASE("term rule: remaining years + 15, at most 22 (DOMAIN §2 worked examples)") {
    const TermRule rule2020{15, 22};
    CHECK(maxLoanTermYears(4, rule2020) == 19); // 4-year freshman
    CHECK(maxLoanTermYears(5, rule2020) == 20); // 5-year medicine
    CHECK(maxLoanTermYears(8, rule2020) == 22); // 8-year programme, capped
    const TermRule rule2015{13, 20};
    CHECK(maxLoanTermYears(4, rule2015) == 17);
    CHECK(maxLoanTermYears(8, rule2015) == 20);

    CHECK(checkLoanTerm(19, 4, 5, rule2020).empty());
    CHECK(checkLoanTerm(10, 4, 5, rule2020).empty());
    auto tooLong = checkLoanTerm(20, 4, 5, rule2020);
    REQUIRE(tooLong.has("validation.loan.term_too_long"));
    CHECK(tooLong.find("validation.loan.term_too_long")->message.args.at("max") == "19");
    CHECK(checkLoanTerm(4, 4, 5, rule2020).has("validation.loan.term_too_short"));
    CHECK(checkLoanTerm(10, 0, 5, rule2020).has("validation.loan.remaining_years"));
    expectTexts(tooLong);
}

TEST_CASE("term ≥ remaining study years + chosen grace years + 1 (issue #20 point 9)") {
    const TermRule rule2020{15, 22};
    // A freshman (4 years left) with the full 5 grace years: study 4 + grace 5 + 1 repayment
    // year = 10. Terms of 5 to 9 years used to pass and then fail in the repayment plan.
    CHECK(minLoanTermYears(4, 5) == 10);
    for (int term = 5; term <= 9; ++term) {
        CAPTURE(term);
        auto f = checkLoanTerm(term, 4, 5, rule2020);
        REQUIRE(f.has("validation.loan.term_too_short"));
        CHECK(f.find("validation.loan.term_too_short")->message.args.at("min") == "10");
        expectTexts(f);
    }
    CHECK(checkLoanTerm(10, 4, 5, rule2020).empty());
    // Choosing fewer grace years allows a shorter term: 4 + 2 + 1 = 7; none at all: 4 + 0 + 1 = 5.
    CHECK(checkLoanTerm(7, 4, 2, rule2020).empty());
    CHECK(checkLoanTerm(6, 4, 2, rule2020).has("validation.loan.term_too_short"));
    CHECK(checkLoanTerm(5, 4, 0, rule2020).empty());
    // Grace is the borrower's choice from 0 to the policy's maximum (5 from 2020, 3 in 2015-2019).
    CHECK(checkGraceYears(0, 5).empty());
    CHECK(checkGraceYears(5, 5).empty());
    auto tooMuch = checkGraceYears(4, 3);
    REQUIRE(tooMuch.has("validation.loan.grace_years"));
    CHECK(tooMuch.find("validation.loan.grace_years")->message.args.at("max") == "3");
    CHECK(checkGraceYears(-1, 5).has("validation.loan.grace_years"));
    expectTexts(tooMuch);
}

TEST_CASE("co-borrower: an adult at signing, not the student, not a borrowing student") {
    CoBorrowerFacts ok{.type = ApplicationType::FirstLoan,
                       .signingDate = {2024, 8, 15},
                       .coBorrowerBirthDate = Date{1975, 3, 2},
                       .coBorrowerIdNumber = "420527197503021234",
                       .studentIdNumber = "420527200601011234"};
    CHECK(checkCoBorrower(ok).empty());

    auto minor = ok;
    minor.coBorrowerBirthDate = Date{2006, 8, 16}; // turns 18 the day after signing
    auto f = checkCoBorrower(minor);
    REQUIRE(f.has("validation.co_borrower.minor"));
    CHECK(f.find("validation.co_borrower.minor")->message.args.at("age") == "17");
    minor.coBorrowerBirthDate = Date{2006, 8, 15}; // 18th birthday on the signing day
    CHECK(checkCoBorrower(minor).empty());

    auto self = ok;
    self.coBorrowerIdNumber = "420527200601011234";
    CHECK(checkCoBorrower(self).has("validation.co_borrower.is_student"));
    // The same person written as an old 15-digit number is still the student.
    auto selfLegacy = ok;
    selfLegacy.studentIdNumber = "420527860101123";
    selfLegacy.coBorrowerIdNumber = "420527198601011234";
    CHECK(checkCoBorrower(selfLegacy).has("validation.co_borrower.is_student"));

    auto borrowing = ok;
    borrowing.coBorrowerIsBorrowingStudent = true;
    CHECK(checkCoBorrower(borrowing).has("validation.co_borrower.borrowing_student"));

    auto proxy = ok;
    proxy.representedByProxy = true;
    CHECK(checkCoBorrower(proxy).has("validation.co_borrower.proxy_first_loan"));
    proxy.type = ApplicationType::Renewal;
    auto renewal = checkCoBorrower(proxy);
    CHECK(renewal.ok());
    CHECK(renewal.has("validation.co_borrower.proxy_marked"));

    auto missing = ok;
    missing.coBorrowerBirthDate.reset();
    missing.coBorrowerIdNumber.clear();
    auto m = checkCoBorrower(missing);
    CHECK(m.has("validation.co_borrower.birth_date_missing"));
    CHECK(m.has("validation.co_borrower.id_missing"));
    expectTexts(f);
    expectTexts(m);
    expectTexts(renewal);
}

TEST_CASE(
    "materials per application type, with the priority-group and pre-application exceptions") {
    using M = Material;
    MaterialFacts first{.type = ApplicationType::FirstLoan};
    CHECK(requiredMaterials(first) == std::vector<M>{M::ApplicationForm, M::HardshipForm,
                                                     M::AdmissionNotice, M::StudentIdCard,
                                                     M::CoBorrowerIdCard, M::HouseholdRegister});
    auto pre = first;
    pre.hadPreApplication = true;
    pre.freshman = false;
    pre.householdRegistersDiffer = true;
    CHECK(requiredMaterials(pre) == std::vector<M>{M::ApplicationForm, M::StudentStatusProof,
                                                   M::StudentIdCard, M::CoBorrowerIdCard,
                                                   M::HouseholdRegister,
                                                   M::CoBorrowerHouseholdRegister});
    auto priority = first;
    priority.priorityGroup = true;
    auto list = requiredMaterials(priority);
    CHECK(std::count(list.begin(), list.end(), M::HardshipForm) == 0);
    CHECK(std::count(list.begin(), list.end(), M::PriorityGroupProof) == 1);

    CHECK(requiredMaterials({.type = ApplicationType::Renewal, .remoteRenewal = true}) ==
          std::vector<M>{M::RenewalStatement, M::FaceVerification});
    CHECK(requiredMaterials({.type = ApplicationType::Renewal}) ==
          std::vector<M>{M::ApplicationForm, M::StudentIdCard});
    CHECK(requiredMaterials({.type = ApplicationType::PreApplication}) ==
          std::vector<M>{M::ApplicationForm, M::HardshipForm, M::StudentIdCard,
                         M::HouseholdRegister});

    auto missing = checkMaterials(first, {M::ApplicationForm, M::StudentIdCard});
    CHECK(missing.errorCount() == 4);
    CHECK(missing.has("validation.material.co_borrower_id_card.missing"));
    CHECK(missing.find("validation.material.hardship_form.missing")->field ==
          "materials.hardship_form");
    // On-site renewal: the co-borrower may come instead of the student.
    CHECK(checkMaterials({.type = ApplicationType::Renewal},
                         {M::ApplicationForm, M::CoBorrowerIdCard})
              .empty());
    expectTexts(missing);

    static const Catalog zh = *loadCatalog(assetsDir(), "zh-CN");
    for (int i = 0; i <= static_cast<int>(M::FaceVerification); ++i) {
        auto m = static_cast<M>(i);
        CHECK(materialFromId(materialId(m)) == m);
        CHECK(zh.has(materialNameKey(m)));
    }
    CHECK(applicationTypeFromId("renewal") == ApplicationType::Renewal);
    CHECK_FALSE(applicationTypeFromId("loan"));
}

TEST_CASE("dates: parsed strictly and checked in order") {
    CHECK(*parseDateField("2024-08-15") == Date{2024, 8, 15});
    CHECK(parseDateField("2024-8-15").error().key == "validation.date.invalid");
    CHECK_FALSE(parseDateField("2023-02-29").ok());
    auto f = checkDatesInOrder({{"birth_date", Date{2006, 1, 1}},
                                {"application_date", Date{2024, 8, 10}},
                                {"signing_date", std::nullopt},
                                {"graduation_date", Date{2024, 7, 1}}});
    REQUIRE(f.errorCount() == 1);
    CHECK(f.all()[0].field == "graduation_date");
    CHECK(f.all()[0].message.args.at("earlier_field") == "application_date");
    CHECK(checkDatesInOrder({{"a", Date{2024, 1, 1}}, {"b", Date{2024, 1, 1}}}).empty());
    expectTexts(f);
}

TEST_CASE("calendar helpers") {
    CHECK(ageOn({2000, 2, 29}, {2018, 2, 28}) == 18);
    CHECK(ageOn({2000, 3, 1}, {2018, 2, 28}) == 17);
    CHECK(daysBetween({2024, 1, 1}, {2025, 1, 1}) == 366);
    CHECK(Date::fromDayNumber(Date{2042, 12, 20}.dayNumber()) == Date{2042, 12, 20});
    CHECK(Date{1969, 12, 31}.dayNumber() == -1);
}

TEST_CASE("满N周岁 counted as the Civil Code counts a period (民法典 art. 201-202)") {
    // Art. 201: the first day is not counted; the period runs from the next day. Born 2011-09-10:
    // the 14 years run 2011-09-11 .. 2025-09-10, so 满14周岁 from 2025-09-11.
    CHECK_FALSE(hasCompletedYears({2011, 9, 10}, {2025, 9, 9}, 14));
    CHECK_FALSE(hasCompletedYears({2011, 9, 10}, {2025, 9, 10}, 14)); // the birthday itself
    CHECK(hasCompletedYears({2011, 9, 10}, {2025, 9, 11}, 14));
    // Art. 202: no corresponding day → the month's last day ends the period (28 Feb 2026).
    CHECK_FALSE(hasCompletedYears({2012, 2, 29}, {2026, 2, 28}, 14));
    CHECK(hasCompletedYears({2012, 2, 29}, {2026, 3, 1}, 14));
    // In a leap year the 29th is the birthday itself.
    CHECK_FALSE(hasCompletedYears({2000, 2, 29}, {2028, 2, 29}, 28));
    CHECK(hasCompletedYears({2000, 2, 29}, {2028, 3, 1}, 28));
}
