// Policy as data: the shipped years parse, the right year is chosen by the contract date, and a
// bad file is refused naming the file, the field and the reason.
#include "client/core/policy.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::core;

namespace {
std::vector<PolicyFile> shippedFiles() {
    std::vector<PolicyFile> files;
    for (const auto& e : std::filesystem::directory_iterator(assetsDir() / "policy")) {
        if (e.path().extension() != ".json")
            continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        files.push_back({e.path().filename().string(), ss.str()});
    }
    return files;
}

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
    CHECK(ids == std::vector<std::string>{"2014", "2015", "2020", "2021", "2023", "2024", "2025"});
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
    CHECK(set.forDate({2020, 8, 1})->contractRateBp() == 435); // LPR 4.65% − 30 bp
    CHECK(set.forDate({2023, 8, 1})->contractRateBp() == 360); // LPR 4.20% − 60 bp
    CHECK(set.forDate({2025, 8, 1})->contractRateBp() == 280); // LPR 3.50% − 70 bp (DOMAIN §2)
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
