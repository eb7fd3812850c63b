// Policy as data: the shipped years parse, the right year is chosen by the contract date, and a
// bad file is refused naming the file, the field and the reason.
#include "client/core/policy.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"
#include "tests/support/shipped_policies.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::core;

namespace {
std::vector<PolicyFile> shippedFiles() { return test::shippedPolicyFiles(); }

PolicySet shipped() {
    auto set = PolicySet::parse(shippedFiles());
    if (!set.ok())
        FAIL(set.error().key, " ", set.error().args.at("file"), " ", set.error().args.at("field"));
    return *set;
}

std::string shipped2024() {
    for (auto& f : shippedFiles())
        if (f.name == "2024.json")
            return f.content;
    FAIL("2024.json missing");
    return {};
}

// Parses 2024.json after an edit; returns the error (the edit must break it).
Error brokenBy(const std::function<void(nlohmann::json&)>& edit) {
    auto doc = nlohmann::json::parse(shipped2024());
    edit(doc);
    auto p = parsePolicy(doc.dump(), "2024.json");
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().args.at("file") == "2024.json");
    static const Catalog zh = *loadCatalog(assetsDir(), "zh-CN");
    static const Catalog en = *loadCatalog(assetsDir(), "en");
    CHECK_MESSAGE(zh.has(p.error().key), p.error().key);
    CHECK_MESSAGE(en.has(p.error().key), p.error().key);
    return p.error();
}
} // namespace

TEST_CASE("every policy period of DOMAIN §2 is shipped and parses") {
    auto set = shipped();
    std::vector<std::string> ids;
    for (auto& p : set.all())
        ids.push_back(p.id);
    CHECK(ids == std::vector<std::string>{"2014", "2015", "2020", "2021", "2023", "2024"});
    for (auto& p : set.all()) {
        CAPTURE(p.id);
        CHECK_FALSE(p.nameZh.empty());
        CHECK_FALSE(p.nameEn.empty());
        CHECK(p.minimum == yuan(1000));
        CHECK(p.multiple == yuan(100));
        CHECK(p.governmentInterestPercent == 100);
        CHECK(p.subsidyEnds == MonthDay{9, 1});
        CHECK(p.dueDate == MonthDay{12, 20});
        CHECK(p.repaymentWindowFrom == MonthDay{11, 1});
        CHECK(p.penaltyPercentOfRate == 130);
    }
}

TEST_CASE("caps by contract date, including the step from 2023 to 2024") {
    auto set = shipped();
    auto at = [&](int y, int m, int d) {
        const Policy* p = set.forDate({y, m, d});
        REQUIRE(p);
        return p;
    };
    CHECK(at(2014, 8, 1)->cap(StudentLevel::Undergraduate) == yuan(8000));
    CHECK(at(2014, 8, 1)->cap(StudentLevel::Postgraduate) == yuan(12000));
    CHECK(at(2021, 8, 1)->cap(StudentLevel::Undergraduate) == yuan(12000));
    CHECK(at(2021, 8, 1)->cap(StudentLevel::Postgraduate) == yuan(16000));
    CHECK(at(2023, 8, 1)->cap(StudentLevel::Undergraduate) == yuan(16000));
    CHECK(at(2023, 8, 1)->cap(StudentLevel::Postgraduate) == yuan(20000));
    CHECK(at(2024, 6, 30)->cap(StudentLevel::Undergraduate) == yuan(16000)); // still 2023 rules
    CHECK(at(2024, 7, 1)->cap(StudentLevel::Undergraduate) == yuan(20000));
    CHECK(at(2024, 8, 15)->cap(StudentLevel::Postgraduate) == yuan(25000));
    CHECK(at(2026, 8, 15)->cap(StudentLevel::Undergraduate) == yuan(20000));
    CHECK(set.forDate({2013, 12, 31}) == nullptr);
    auto none = set.require({2013, 12, 31});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().key == "policy.no_policy_for_date");
    CHECK(none.error().args.at("earliest") == "2014-07-01");
    CHECK(*set.require({2024, 8, 1}) == set.byId("2024"));

    // Limits feed the amount check directly.
    auto f = checkLoanAmount(yuan(18000), at(2023, 8, 1)->limits(StudentLevel::Undergraduate));
    CHECK(f.has("validation.loan.above_cap"));
    CHECK(
        checkLoanAmount(yuan(18000), at(2024, 8, 1)->limits(StudentLevel::Undergraduate)).empty());
}

TEST_CASE("rates, grace years and term rules follow the contract year") {
    auto set = shipped();
    CHECK(set.forDate({2014, 9, 1})->graceYears == 2);
    CHECK(set.forDate({2019, 8, 1})->graceYears == 3);
    CHECK(set.forDate({2019, 8, 1})->term.plusYears == 13);
    CHECK(set.forDate({2019, 8, 1})->term.maxYears == 20);
    CHECK(set.forDate({2020, 8, 1})->graceYears == 5);
    CHECK(set.rateOn({2020, 8, 1})->annualRateBp == 435); // LPR 4.65% − 30 bp
    CHECK(set.rateOn({2023, 8, 1})->annualRateBp == 360); // LPR 4.20% − 60 bp
    CHECK(set.rateOn({2025, 8, 1})->annualRateBp == 280); // LPR 3.50% − 70 bp (DOMAIN §2)
    const TermRule rule = set.forDate({2025, 8, 1})->term;
    CHECK(maxLoanTermYears(4, rule) == 19);
    CHECK(maxLoanTermYears(5, rule) == 20);
    CHECK(maxLoanTermYears(8, rule) == 22);
}

TEST_CASE("a bad policy file is refused with the file, the field and the reason") {
    auto e = brokenBy([](auto& d) { d.erase("grace_years"); });
    CHECK(e.key == "policy.missing_field");
    CHECK(e.args.at("field") == "grace_years");

    e = brokenBy([](auto& d) { d["annual_cap_fen"]["undergraduate"] = "20000"; });
    CHECK(e.key == "policy.wrong_type");
    CHECK(e.args.at("field") == "annual_cap_fen.undergraduate");

    e = brokenBy([](auto& d) { d["term"]["max_years"] = 99; });
    CHECK(e.key == "policy.out_of_range");
    CHECK(e.args.at("field") == "term.max_years");

    e = brokenBy([](auto& d) { d["grace_yeras"] = 5; });
    CHECK(e.key == "policy.unknown_field");
    CHECK(e.args.at("field") == "grace_yeras");

    e = brokenBy([](auto& d) { d["effective_from"] = "2024-02-30"; });
    CHECK(e.key == "policy.bad_date");
    CHECK(e.args.at("field") == "effective_from");

    e = brokenBy([](auto& d) { d["repayment"]["due_date"] = "13-20"; });
    CHECK(e.key == "policy.bad_date");
    CHECK(e.args.at("field") == "repayment.due_date");

    e = brokenBy([](auto& d) { d["repayment"]["due_date"] = "10-20"; });
    CHECK(e.key == "policy.bad_value");
    CHECK(e.args.at("field") == "repayment.due_date");

    e = brokenBy([](auto& d) { d["annual_cap_fen"]["postgraduate"] = 1000000; });
    CHECK(e.key == "policy.bad_value");
    CHECK(e.args.at("field") == "annual_cap_fen.postgraduate");

    e = brokenBy([](auto& d) { d["minimum_fen"] = 100050; });
    CHECK(e.args.at("field") == "multiple_fen");

    e = brokenBy([](auto& d) { d["rate"]["base"] = "shibor"; });
    CHECK(e.key == "policy.bad_value");
    CHECK(e.args.at("field") == "rate.base");

    e = brokenBy([](auto& d) { d["policy_format"] = 2; });
    CHECK(e.args.at("field") == "policy_format");

    auto notJson = parsePolicy("{\"id\": ", "broken.json");
    CHECK(notJson.error().key == "policy.not_json");
    CHECK(notJson.error().args.at("file") == "broken.json");
}

TEST_CASE("a policy change is a data edit: a new year file changes the rules") {
    auto files = shippedFiles();
    auto doc = nlohmann::json::parse(shipped2024());
    doc["id"] = "2027";
    doc["effective_from"] = "2027-07-01";
    doc["annual_cap_fen"]["undergraduate"] = 2400000;
    doc["annual_cap_fen"]["postgraduate"] = 3000000;
    files.push_back({"2027.json", doc.dump()});
    auto set = PolicySet::parse(files);
    REQUIRE(set.ok());
    CHECK(set->forDate({2027, 8, 1})->cap(StudentLevel::Undergraduate) == yuan(24000));
    CHECK(set->forDate({2027, 6, 30})->cap(StudentLevel::Undergraduate) == yuan(20000));

    // Two files starting the same day cannot both apply.
    doc["id"] = "2027b";
    files.push_back({"2027b.json", doc.dump()});
    auto clash = PolicySet::parse(files);
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.error().key == "policy.same_start");
    CHECK(PolicySet::parse({}).error().key == "policy.none");
}

namespace {
// The shipped files with base_rates.json edited.
Result<PolicySet> withRates(const std::function<void(nlohmann::json&)>& edit) {
    auto files = shippedFiles();
    for (auto& f : files)
        if (f.name == "base_rates.json") {
            auto doc = nlohmann::json::parse(f.content);
            edit(doc);
            f.content = doc.dump();
        }
    return PolicySet::parse(files);
}
} // namespace

TEST_CASE("the contract rate is the base on the signing date plus the policy's spread") {
    auto set = shipped();
    // Issue #20's worked examples. Signed 2019-08-20: the 2015 rules (教财〔2015〕7号 period)
    // price on the PBoC 5-year-plus benchmark without spread, 4.90% since 2015-10-24 (PBoC's cut
    // of that day), although the first LPR was published the same day: LPR pricing of student
    // loans starts with the 2020 rules.
    auto r2019 = set.rateOn({2019, 8, 20});
    REQUIRE(r2019.ok());
    CHECK(r2019->policyId == "2015");
    CHECK(r2019->base == "benchmark_5y");
    CHECK(r2019->baseBp == 490);
    CHECK(r2019->baseSince == Date{2015, 10, 24});
    CHECK(r2019->spreadBp == 0);
    CHECK(r2019->annualRateBp == 490);
    // Signed 2024-11-05: the 2024 rules (LPR − 70 bp); the 5-year LPR published 2024-10-21 is
    // 3.60% (NIFC announcement of that day): 3.60% − 0.70 = 2.90%.
    auto r2024 = set.rateOn({2024, 11, 5});
    REQUIRE(r2024.ok());
    CHECK(r2024->policyId == "2024");
    CHECK(r2024->base == "lpr_5y");
    CHECK(r2024->baseBp == 360);
    CHECK(r2024->baseSince == Date{2024, 10, 21});
    CHECK(r2024->spreadBp == -70);
    CHECK(r2024->annualRateBp == 290);
    CHECK(ratePercentText(r2024->annualRateBp) == "2.90%");

    // One policy file, several base values (each figure from base_rates.json's announcements):
    CHECK(set.rateOn({2015, 7, 1})->annualRateBp == 540);   // 2015 rules, benchmark 5.40% from 2015-06-28
    CHECK(set.rateOn({2015, 8, 26})->annualRateBp == 515);  // cut of 2015-08-26, the day itself
    CHECK(set.rateOn({2015, 10, 23})->annualRateBp == 515); // the day before the next cut
    CHECK(set.rateOn({2019, 12, 31})->annualRateBp == 490); // last day of the benchmark rules
    CHECK(set.rateOn({2020, 1, 1})->annualRateBp == 450);   // 2020 rules: LPR 4.80% (2019-11-20) − 30 bp
    CHECK(set.rateOn({2020, 3, 1})->annualRateBp == 445);   // LPR 4.75% (2020-02-20) − 30 bp
    CHECK(set.rateOn({2022, 6, 1})->annualRateBp == 415);   // 2021 rules: LPR 4.45% (2022-05-20) − 30 bp
    CHECK(set.rateOn({2023, 6, 30})->annualRateBp == 390);  // 2021 rules, LPR 4.20% (2023-06-20) − 30 bp
    CHECK(set.rateOn({2024, 7, 10})->annualRateBp == 325);  // 2024 rules: LPR 3.95% (2024-02-20) − 70 bp
    CHECK(set.rateOn({2024, 8, 1})->annualRateBp == 315);   // LPR 3.85% (2024-07-22) − 70 bp
    CHECK(set.rateOn({2024, 10, 20})->annualRateBp == 315); // the day before the 2024-10-21 LPR
    CHECK(set.rateOn({2025, 5, 20})->annualRateBp == 280);  // LPR 3.50% (2025-05-20) − 70 bp
    CHECK(set.rateOn({2013, 1, 1}).error().key == "policy.no_policy_for_date");
}

TEST_CASE("base_rates.json: every change dated and sourced, a bad table refused") {
    auto set = shipped();
    for (const char* id : {"benchmark_5y", "lpr_5y"}) {
        const BaseRateSeries* series = set.baseRates().series(id);
        REQUIRE(series);
        CHECK_FALSE(series->nameZh.empty());
        CHECK_FALSE(series->shortNameZh.empty());
        for (size_t i = 0; i < series->changes.size(); ++i) {
            CHECK(series->changes[i].source.find(std::to_string(series->changes[i].since.year)) != std::string::npos);
            if (i)
                CHECK(series->changes[i - 1].since < series->changes[i].since);
        }
    }
    CHECK(set.baseRates().at("lpr_5y", {2019, 8, 19}).error().key == "policy.no_base_rate");
    CHECK(set.baseRates().at("shibor", {2024, 1, 1}).error().key == "policy.no_base_rate");

    auto e = withRates([](auto& d) { d["series"]["lpr_5y"]["changes"][3]["since"] = "2019-01-01"; });
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().key == "policy.bad_value");
    CHECK(e.error().args.at("field") == "series.lpr_5y.changes[3].since");
    e = withRates([](auto& d) { d["series"]["lpr_5y"]["changes"][0]["source"] = ""; });
    CHECK(e.error().args.at("field") == "series.lpr_5y.changes[0].source");
    e = withRates([](auto& d) { d["series"]["lpr_5y"]["changes"][0]["bps"] = 485; });
    CHECK(e.error().key == "policy.unknown_field");
    e = withRates([](auto& d) { d["series"]["lpr_5y"]["changes"][0].erase("bp"); });
    CHECK(e.error().key == "policy.missing_field");
    // A policy whose base has no value on its first day cannot price its contracts.
    // Without the LPRs of 2019-08-20 and 2019-11-20 the first is 2020-02-20, after 2020.json's
    // 2020-01-01.
    e = withRates([](auto& d) {
        d["series"]["lpr_5y"]["changes"].erase(0);
        d["series"]["lpr_5y"]["changes"].erase(0);
    });
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().args.at("file") == "2020.json");
    CHECK(e.error().args.at("field") == "rate.base");
    // Without the table nothing is priced.
    auto files = shippedFiles();
    std::erase_if(files, [](const PolicyFile& f) { return f.name == "base_rates.json"; });
    CHECK(PolicySet::parse(files).error().key == "policy.no_base_rates");
    // The rate's value is in the table only: a policy file still naming one is refused.
    CHECK(brokenBy([](auto& d) { d["rate"]["base_bp"] = 385; }).key == "policy.unknown_field");
}

TEST_CASE("a new LPR is a data edit: contracts signed after it take it, earlier ones keep theirs") {
    auto set = withRates([](auto& d) {
        d["series"]["lpr_5y"]["changes"].push_back(
            {{"since", "2027-01-20"}, {"bp", 330}, {"source", "test: an LPR of 3.30% published 2027-01-20"}});
    });
    REQUIRE(set.ok());
    CHECK(set->rateOn({2027, 1, 19})->annualRateBp == 280);
    CHECK(set->rateOn({2027, 1, 20})->annualRateBp == 260); // 3.30% − 70 bp

    // A contract keeps the rate recorded at signing, whatever the data say later.
    Contract k;
    k.signingDate = "2024-11-05";
    REQUIRE(recordContractRate(shipped(), k).ok());
    CHECK(k.annualRateBp == 290);
    CHECK(k.spreadBp == -70);
    CHECK(k.policyId == "2024");
    auto corrected = withRates([](auto& d) {
        d["series"]["lpr_5y"]["changes"].push_back(
            {{"since", "2024-11-01"}, {"bp", 300}, {"source", "test: a correction of the table"}});
        // keep ascending order: move the 2025 entry after it
        auto& c = d["series"]["lpr_5y"]["changes"];
        std::swap(c[c.size() - 1], c[c.size() - 2]);
    });
    REQUIRE(corrected.ok());
    CHECK(corrected->rateOn({2024, 11, 5})->annualRateBp == 230);
    auto kept = corrected->rateOf(k);
    REQUIRE(kept.ok());
    CHECK(kept->annualRateBp == 290);
    CHECK(kept->spreadBp == -70);
    CHECK(kept->baseBp == 360);
    CHECK(kept->policyId == "2024");
    // A contract recorded before rates were stored is priced from the data for its date.
    Contract old;
    old.signingDate = "2019-08-20";
    CHECK(shipped().rateOf(old)->annualRateBp == 490);
    old.signingDate = "";
    CHECK_FALSE(shipped().rateOf(old).ok());
}

TEST_CASE("the cap follows the loan's school year, the rate the signing date") {
    auto set = shipped();
    CHECK(schoolYearOfSigning({2024, 8, 20}) == 2024);
    CHECK(schoolYearOfSigning({2024, 7, 1}) == 2024);
    CHECK(schoolYearOfSigning({2025, 6, 30}) == 2024); // January-June: the autumn before
    CHECK(schoolYearOfSigning({2025, 3, 10}) == 2024);
    CHECK((*set.forSchoolYear(2023))->cap(StudentLevel::Undergraduate) == yuan(16000)); // 自2023年秋季学期起
    CHECK((*set.forSchoolYear(2024))->cap(StudentLevel::Undergraduate) == yuan(20000)); // 自2024年秋季学期起
    CHECK((*set.forSchoolYear(2019))->id == "2015");
    CHECK(set.forSchoolYear(2013).error().key == "policy.no_policy_for_date");

    // A 2023-2024 loan signed in March 2024: the 2023 caps (¥16,000), the 2023 spread on the
    // LPR of that day (3.95% since 2024-02-20 − 60 bp = 3.35%).
    auto spring = set.rulesFor(schoolYearOfSigning({2024, 3, 10}), {2024, 3, 10});
    REQUIRE(spring.ok());
    CHECK(spring->cap(StudentLevel::Undergraduate) == yuan(16000));
    CHECK(spring->rate.annualRateBp == 335);
    CHECK(checkLoanAmount(yuan(18000), spring->limits(StudentLevel::Undergraduate)).has("validation.loan.above_cap"));
    // A 2023-2024 loan signed on 2024-07-15, after the 2024 rules took effect: still the 2023
    // caps, but the 2024 rate (LPR 3.95% − 70 bp = 3.25%) and rules.
    auto late = set.rulesFor(2023, {2024, 7, 15});
    REQUIRE(late.ok());
    CHECK(late->capPolicy->id == "2023");
    CHECK(late->signingPolicy->id == "2024");
    CHECK(late->cap(StudentLevel::Postgraduate) == yuan(20000));
    CHECK(late->rate.annualRateBp == 325);
    // Autumn 2024: the new caps.
    auto autumn = set.rulesFor(2024, {2024, 8, 20});
    REQUIRE(autumn.ok());
    CHECK(autumn->cap(StudentLevel::Undergraduate) == yuan(20000));
    CHECK(autumn->rate.annualRateBp == 315); // LPR 3.85% (2024-07-22) − 70 bp
}

TEST_CASE("rates and spreads in words") {
    CHECK(ratePercentText(290) == "2.90%");
    CHECK(ratePercentText(490) == "4.90%");
    CHECK(ratePercentText(305) == "3.05%");
    CHECK(spreadPointsText(-70) == "0.7");
    CHECK(spreadPointsText(-30) == "0.3");
    CHECK(spreadPointsText(-5) == "0.05");
    CHECK(spreadPointsText(-100) == "1");
    CHECK(spreadPointsText(0) == "0");
}
