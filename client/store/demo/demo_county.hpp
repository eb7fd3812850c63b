#pragma once
// A realistic demo county for trying zhuxue, demos and benchmarks (`zhuxue-cli gen-demo`):
// real county codes and names (GB/T 2260, e.g. 秭归县 420527, 长阳 420528, 五峰 420529,
// 巴东 422823), invented townships and villages (演示数据，乡镇村为虚构), the county's high
// schools, real universities, Chinese names with rare characters (some outside the BMP),
// valid-checksum synthetic ID numbers with matching birth dates and sex digits, phones, families
// with members, co-borrowers, loan applications in every state of the life cycle with their
// status history, contracts, material checklists, hardship assessments with democratic reviews,
// home visits and post-loan events.
//
// Deterministic: the same options give the same county, record ids included (UUIDv7-shaped,
// time part from the as-of date), so saving it twice changes nothing. Families are produced one
// at a time, so 100,000 students never sit in memory at once.
#include "client/core/date.hpp"
#include "client/core/records.hpp"
#include "client/core/result.hpp"
#include "client/store/demo/demo_data.hpp"
#include "client/store/demo/demo_rng.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace zhuxue::demo {

struct DemoOptions {
    std::size_t students = 2000;
    std::string county = "420527"; // a county-level GB/T 2260 code
    std::uint64_t seed = 1;
    core::Date asOf{2025, 8, 20}; // "today" in the demo: mid loan season
    // The consent text every demo family agreed to (store.hpp: no sensitive data without it);
    // create() fills both from assets/consent (the current version) when left empty.
    std::string consentVersion{};
    std::string consentSha256{};
};

struct DemoCounty {
    std::string code;
    std::string name;       // 秭归县
    std::string prefecture; // 宜昌市
    std::string province;   // 湖北省
    std::vector<Township> townships;
    std::vector<std::string> highSchools;
};

// Everything about one student, parents before children so it can be saved in this order.
struct DemoFamily {
    Household household;
    std::vector<HouseholdMember> members;
    Student student;
    std::optional<CoBorrower> coBorrower;
    std::vector<Consent> consents; // the student's and the co-borrower's
    std::vector<LoanApplication> applications; // oldest first; the last is this season's
    std::vector<StatusChange> statusChanges;   // history of this season's application
    std::vector<Contract> contracts;
    std::vector<MaterialsChecklist> checklists;
    std::optional<HardshipAssessment> assessment;
    std::vector<DemocraticReview> reviews;
    std::optional<HomeVisit> visit;
    std::vector<PostLoanEvent> postLoanEvents;

    std::size_t recordCount() const;
};

// Scores a hardship assessment's answers (hardship.county_standard) into score and level; the
// caller passes the form evaluation. Without one, only priority-group students (identified
// directly, no score needed) get a level; the others stay drafts.
using AssessmentScorer =
    std::function<std::optional<std::pair<double, HardshipLevel>>(const std::string& answersJson)>;

class DemoGenerator {
public:
    // Error import.demo.county_unknown (args: county) when the code is not a known county.
    static Result<DemoGenerator> create(const DemoOptions& options);

    const DemoCounty& county() const { return m_county; }
    const DemoOptions& options() const { return m_options; }
    void setScorer(AssessmentScorer scorer) { m_scorer = std::move(scorer); }
    bool done() const { return m_made >= m_options.students; }
    std::size_t made() const { return m_made; }
    DemoFamily next();

private:
    explicit DemoGenerator(const DemoOptions& options);
    Uuid newId();
    UnixMs msOf(const core::Date& d, int hour = 9) const;
    std::string residentId(const core::Date& birth, bool male);
    core::Date birthDate(int year);

    DemoOptions m_options;
    DemoCounty m_county;
    DemoRng m_rng;
    AssessmentScorer m_scorer;
    std::size_t m_made = 0;
    std::uint64_t m_idMillis = 0;
    std::uint64_t m_contracts = 0;
    std::unordered_set<std::uint64_t> m_usedIds; // day number * 1000 + sequence
};

} // namespace zhuxue::demo
