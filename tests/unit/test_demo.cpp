// The demo county: deterministic, realistic and valid by the same rules the import applies.
#include "client/core/resident_id.hpp"
#include "client/core/text/utf8.hpp"
#include "client/core/validation.hpp"
#include "client/store/demo/demo_county.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace zhuxue;
using namespace zhuxue::demo;

namespace {
DemoOptions small(std::size_t n, std::uint64_t seed = 7) {
    DemoOptions o;
    o.students = n;
    o.seed = seed;
    return o;
}
} // namespace

TEST_CASE("a real county with invented townships, marked as such") {
    auto gen = DemoGenerator::create(small(10));
    REQUIRE(gen.ok());
    CHECK(gen->county().name == "秭归县");
    CHECK(gen->county().prefecture == "宜昌市");
    CHECK(gen->county().townships.size() >= 8);
    CHECK(gen->county().highSchools.front() == "秭归县第一中学");
    auto changyang = DemoGenerator::create(DemoOptions{.students = 1, .county = "420528"});
    REQUIRE(changyang.ok());
    CHECK(changyang->county().name == "长阳土家族自治县");
    auto family = gen->next();
    CHECK(family.household.notes == "演示数据，乡镇村为虚构");
    auto bad = DemoGenerator::create(DemoOptions{.county = "420500"}); // a prefecture, not a county
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().key == "import.demo.county_unknown");
}

TEST_CASE("the same seed gives the same county, ids included; another seed another one") {
    auto a = DemoGenerator::create(small(50));
    auto b = DemoGenerator::create(small(50));
    auto c = DemoGenerator::create(small(50, 8));
    bool anyDifferent = false;
    while (!a->done()) {
        auto fa = a->next(), fb = b->next(), fc = c->next();
        CHECK(fa.student.id == fb.student.id);
        CHECK(fa.student.name == fb.student.name);
        CHECK(fa.student.idNumber == fb.student.idNumber);
        CHECK(fa.applications.size() == fb.applications.size());
        CHECK(fa.recordCount() == fb.recordCount());
        anyDifferent |= fa.student.idNumber != fc.student.idNumber;
    }
    CHECK(anyDifferent);
    CHECK(b->done());
}

TEST_CASE("people pass the rules: valid unique IDs, adult co-borrowers, rare names, every state") {
    auto gen = DemoGenerator::create(small(4000));
    REQUIRE(gen.ok());
    const core::Date asOf = gen->options().asOf;
    std::set<std::string> ids;
    std::set<LoanStatus> statuses;
    std::size_t outsideBmp = 0, withCoBorrower = 0, visits = 0, assessments = 0;
    std::set<Uuid> recordIds;
    while (!gen->done()) {
        auto f = gen->next();
        auto check = core::checkResidentId(f.student.idNumber, asOf, {.acceptLegacy = false});
        REQUIRE_MESSAGE(check.findings.empty(), f.student.idNumber);
        CHECK(check.id->birthDate.iso() == f.student.birthDate);
        CHECK((check.id->sex == core::Sex::Male) == (f.student.gender == Gender::Male));
        CHECK(f.student.idNumber.substr(0, 6) == "420527");
        CHECK(ids.insert(f.student.idNumber).second);
        for (auto& m : f.members)
            if (!m.idNumber.empty() && m.relation != "本人")
                CHECK(ids.insert(m.idNumber).second);
        if (f.coBorrower) {
            ++withCoBorrower;
            core::CoBorrowerFacts facts;
            facts.signingDate = asOf;
            facts.coBorrowerBirthDate = core::Date::parse(f.coBorrower->birthDate);
            facts.coBorrowerIdNumber = f.coBorrower->idNumber;
            facts.studentIdNumber = f.student.idNumber;
            CHECK(core::checkCoBorrower(facts).ok());
            CHECK(core::checkResidentId(f.coBorrower->idNumber, asOf).findings.empty());
        }
        for (char32_t cp : text::toCodePoints(f.student.name))
            outsideBmp += cp > 0xFFFF;
        REQUIRE(text::isValidUtf8(f.student.name));
        for (auto& a : f.applications) {
            statuses.insert(a.status);
            CHECK(a.amountFen > 0);
            CHECK(a.amountFen % 100000 == 0); // whole thousands of yuan
            CHECK(a.termYears <= 22);
            CHECK(recordIds.insert(a.id).second);
        }
        // the status history of this season's application follows the life cycle
        for (auto& sc : f.statusChanges)
            CHECK_MESSAGE(canTransition(sc.from, sc.to), toCode(sc.from), " -> ", toCode(sc.to));
        visits += f.visit.has_value();
        assessments += f.assessment.has_value();
        CHECK(recordIds.insert(f.student.id).second);
        CHECK(recordIds.insert(f.household.id).second);
        CHECK(f.student.id.version() == 7);
    }
    CHECK(outsideBmp > 5);
    CHECK(withCoBorrower > 3500);
    CHECK(visits > 200);
    CHECK(assessments > 1000);
    for (LoanStatus s :
         {LoanStatus::PreApplication, LoanStatus::Applied, LoanStatus::MaterialsChecked,
          LoanStatus::ContractPreSigned, LoanStatus::CertificateIssued,
          LoanStatus::SchoolReceiptEntered, LoanStatus::BankApproved, LoanStatus::InStudy,
          LoanStatus::Grace, LoanStatus::Repaying, LoanStatus::Overdue, LoanStatus::Closed,
          LoanStatus::Rejected, LoanStatus::Withdrawn})
        CHECK_MESSAGE(statuses.count(s), "no application in state ", toCode(s));
}
