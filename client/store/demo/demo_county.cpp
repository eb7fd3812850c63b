#include "client/store/demo/demo_county.hpp"

#include "client/core/divisions.hpp"
#include "client/core/resident_id.hpp"
#include "client/core/validation.hpp"
#include "client/store/consent_files.hpp"
#include "client/store/paths.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace zhuxue::demo {

namespace {

constexpr std::string_view kDemoUser = "演示数据";

// The loan life cycle in order (records.hpp), the path a demo application walks.
constexpr LoanStatus kLifeCycle[] = {LoanStatus::PreApplication,
                                     LoanStatus::Applied,
                                     LoanStatus::MaterialsChecked,
                                     LoanStatus::ContractPreSigned,
                                     LoanStatus::CertificateIssued,
                                     LoanStatus::SchoolReceiptEntered,
                                     LoanStatus::BankApproved,
                                     LoanStatus::Disbursed,
                                     LoanStatus::InStudy,
                                     LoanStatus::GraduationConfirmed,
                                     LoanStatus::Grace,
                                     LoanStatus::Repaying,
                                     LoanStatus::Closed};

int stepOf(LoanStatus s) {
    for (int i = 0; i < static_cast<int>(std::size(kLifeCycle)); ++i)
        if (kLifeCycle[i] == s)
            return i;
    return -1;
}
bool atLeast(LoanStatus s, LoanStatus than) {
    return stepOf(s) >= stepOf(than);
}

// Annual caps by the autumn they apply to (DOMAIN.md §2), for plausible demo amounts only; rules
// that decide anything use the policy data.
Fen capFor(int schoolYear, StudyLevel level) {
    const bool pg = level == StudyLevel::Postgraduate;
    if (schoolYear >= 2024)
        return (pg ? 25000 : 20000) * 100;
    if (schoolYear >= 2023)
        return (pg ? 20000 : 16000) * 100;
    if (schoolYear >= 2021)
        return (pg ? 16000 : 12000) * 100;
    return (pg ? 12000 : 8000) * 100;
}

} // namespace

std::size_t DemoFamily::recordCount() const {
    return 2 + members.size() + (coBorrower ? 1 : 0) + consents.size() + applications.size() + statusChanges.size() +
           contracts.size() + checklists.size() + (assessment ? 1 : 0) + reviews.size() +
           (visit ? 1 : 0) + postLoanEvents.size();
}

Result<DemoGenerator> DemoGenerator::create(const DemoOptions& options) {
    auto d = core::lookupDivision(options.county);
    if (options.county.size() != 6 || !d || d->level != core::DivisionLevel::County)
        return Error("import.demo.county_unknown", {{"county", options.county}});
    DemoOptions withConsent = options;
    if (withConsent.consentSha256.empty()) {
        auto text = store::loadCurrentConsentText(assetsDir());
        if (!text)
            return text.error();
        withConsent.consentVersion = text->version;
        withConsent.consentSha256 = text->sha256("zh-CN");
    }
    DemoGenerator g(withConsent);
    g.m_county.code = options.county;
    g.m_county.name = std::string(d->county);
    g.m_county.prefecture = std::string(d->prefecture);
    g.m_county.province = std::string(d->province);
    g.m_county.townships = inventTownships(g.m_rng);
    g.m_county.highSchools = highSchools(g.m_county.name);
    return g;
}

DemoGenerator::DemoGenerator(const DemoOptions& options)
    : m_options(options),
      m_rng(options.seed ^ (std::stoull(options.county) * 0x9e3779b97f4a7c15ULL)) {
    // ids carry a time a few months before the as-of date and advance by a millisecond each
    m_idMillis = static_cast<std::uint64_t>(msOf(options.asOf, 0)) - 120ULL * 86400000ULL;
}

Uuid DemoGenerator::newId() {
    Uuid id;
    const std::uint64_t ms = m_idMillis++;
    const std::uint64_t r1 = m_rng.next(), r2 = m_rng.next();
    for (int i = 0; i < 6; ++i)
        id.bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    for (int i = 6; i < 8; ++i)
        id.bytes[i] = static_cast<std::uint8_t>(r1 >> (8 * i));
    for (int i = 8; i < 16; ++i)
        id.bytes[i] = static_cast<std::uint8_t>(r2 >> (8 * (i - 8)));
    id.bytes[6] = static_cast<std::uint8_t>(0x70 | (id.bytes[6] & 0x0F)); // version 7
    id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3F)); // RFC 9562 variant
    return id;
}

UnixMs DemoGenerator::msOf(const core::Date& d, int hour) const {
    return d.dayNumber() * 86400000LL + hour * 3600000LL - 8 * 3600000LL; // Beijing time
}

core::Date DemoGenerator::birthDate(int year) {
    const int month = static_cast<int>(m_rng.range(1, 12));
    const int day = static_cast<int>(m_rng.range(1, core::daysInMonth(year, month)));
    return *core::Date::make(year, month, day);
}

std::string DemoGenerator::residentId(const core::Date& birth, bool male) {
    // sequence digits: odd for men, even for women; unique within the county and birth day
    std::uint64_t key;
    int seq;
    do {
        seq = static_cast<int>(m_rng.range(0, 499)) * 2 + (male ? 1 : 0);
        key = static_cast<std::uint64_t>(birth.dayNumber() + 100000) * 1000 +
              static_cast<std::uint64_t>(seq);
    } while (!m_usedIds.insert(key).second);
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%04d%02d%02d%03d", m_options.county.c_str(), birth.year,
                  birth.month, birth.day, seq);
    std::string id = buf;
    id += core::residentIdCheckChar(id);
    return id;
}

DemoFamily DemoGenerator::next() {
    ++m_made;
    DemoRng& rng = m_rng;
    const core::Date& asOf = m_options.asOf;
    const int year = asOf.year;
    DemoFamily f;
    const std::string& county = m_options.county;

    // ---- where the family lives -----------------------------------------------------------
    const Township& town = rng.pick(m_county.townships);
    const std::string& village = rng.pick(town.villages);
    Household& h = f.household;
    h.id = newId();
    h.county = county;
    h.township = town.name;
    h.village = village;
    h.address = m_county.name + town.name + village + std::to_string(rng.range(1, 12)) + "组" +
                std::to_string(rng.range(1, 80)) + "号";
    h.notes = std::string(kDemoNotice);
    const std::size_t group = rng.weighted({70, 12, 7, 4, 3, 2, 1, 1});
    static const char* kGroups[] = {"",
                                    "脱贫家庭",
                                    "城乡低保",
                                    "防止返贫监测对象",
                                    "家庭经济困难残疾人子女",
                                    "特困救助供养",
                                    "孤儿",
                                    "烈士子女"};
    if (group > 0)
        h.priorityGroups.push_back(kGroups[group]);

    // ---- the family -------------------------------------------------------------------------
    const std::string familyName = surname(rng);
    const bool autonomous = m_county.name.find("自治") != std::string::npos ||
                            m_county.prefecture.find("自治州") != std::string::npos;
    const std::string ethnicity =
        autonomous && rng.chance(60) ? "土家族" : (rng.chance(2) ? "苗族" : "汉族");
    const bool singleParent = rng.chance(8);
    const bool fatherPresent = !singleParent || rng.chance(40);
    const int parentYear = year - static_cast<int>(rng.range(40, 52));
    struct Parent {
        std::string name, id, phone;
        core::Date birth;
        bool male;
    };
    std::vector<Parent> parents;
    static const std::vector<std::string> kJobs = {"务农",     "外出务工", "务农", "外出务工",
                                                   "个体经营", "灵活就业", "无业"};
    Fen householdIncome = 0;
    auto addMember = [&](const std::string& name, const std::string& relation, int birthYear,
                         const std::string& id, const std::string& job, Fen income,
                         const std::string& health, bool inSchool) {
        HouseholdMember m;
        m.id = newId();
        m.county = county;
        m.householdId = h.id;
        m.name = name;
        m.relation = relation;
        m.birthYear = birthYear;
        m.idNumber = id;
        m.occupation = job;
        m.annualIncomeFen = income;
        m.health = health;
        m.ableToWork = health != "残疾" && health != "重病";
        m.inSchool = inSchool;
        householdIncome += income;
        f.members.push_back(std::move(m));
    };
    auto health = [&] {
        return std::string(rng.chance(82)   ? "健康"
                           : rng.chance(60) ? "慢性病"
                           : rng.chance(50) ? "残疾"
                                            : "重病");
    };
    for (bool male : {true, false}) {
        if ((male && !fatherPresent) || (!male && fatherPresent && singleParent))
            continue;
        Parent p;
        p.male = male;
        p.name = male ? familyName + givenName(rng, Gender::Male) : personName(rng, Gender::Female);
        p.birth = birthDate(parentYear + static_cast<int>(male ? 0 : rng.range(0, 4)));
        p.id = residentId(p.birth, male);
        p.phone = mobile(rng);
        const std::string job = rng.pick(kJobs);
        const Fen income = job == "无业" ? 0 : rng.range(60, 600) * 10000; // ¥6,000-60,000
        addMember(p.name, male ? "父亲" : "母亲", p.birth.year, p.id, job, income, health(), false);
        parents.push_back(std::move(p));
    }
    if (rng.chance(30))
        addMember(familyName + givenName(rng, Gender::Male), "祖父",
                  year - static_cast<int>(rng.range(65, 80)), "", "务农", rng.range(0, 60) * 10000,
                  health(), false);
    const int siblings = static_cast<int>(rng.weighted({55, 35, 10}));
    for (int i = 0; i < siblings; ++i) {
        const bool brother = rng.chance(50);
        addMember(familyName + givenName(rng, brother ? Gender::Male : Gender::Female),
                  brother ? "兄弟" : "姐妹", year - static_cast<int>(rng.range(8, 24)), "", "学生",
                  0, "健康", true);
    }
    h.annualIncomeFen = householdIncome;

    // ---- the student ------------------------------------------------------------------------
    Student& st = f.student;
    st.id = newId();
    st.county = county;
    st.gender = rng.chance(50) ? Gender::Male : Gender::Female;
    st.name = familyName + givenName(rng, st.gender);
    st.householdId = h.id;
    st.township = h.township;
    st.village = h.village;
    st.address = h.address;
    st.ethnicity = ethnicity;
    st.highSchool = rng.pick(m_county.highSchools);
    if (rng.chance(75))
        st.phone = mobile(rng);
    // 0: freshman of this autumn, 1-3: in year 2-4, 4: graduated
    const std::size_t cohort = rng.weighted({62, 11, 10, 9, 8});
    const int graduatedYearsAgo = cohort == 4 ? static_cast<int>(rng.range(1, 4)) : 0;
    const auto& uni = rng.pick(universities());
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const auto majorPick = major(rng, uni.level);
    const std::string_view majorName = majorPick.first;
    const int programYears = majorPick.second;
    st.enrollmentYear = cohort == 0 ? year
                        : cohort == 4
                            ? year - programYears - graduatedYearsAgo
                            : year - std::min<int>(static_cast<int>(cohort), programYears - 1);
    const int age = year - st.enrollmentYear + 18;
    const core::Date birth = birthDate(year - age - static_cast<int>(rng.range(0, 1)));
    st.birthDate = birth.iso();
    st.idNumber = residentId(birth, st.gender == Gender::Male);
    addMember(st.name, "本人", birth.year, st.idNumber, "学生", 0, "健康", true);
    const bool admitted = cohort != 0 || rng.chance(55);
    if (admitted) {
        st.university = std::string(uni.name);
        st.major = std::string(majorName);
        st.studyLevel = uni.level;
        st.programYears = programYears;
    }
    st.notes = std::string(kDemoNotice);

    // ---- co-borrower: a parent (a grandparent's ID is not on file, so orphans have none) ----
    if (!parents.empty()) {
        const Parent& p = parents[parents.size() > 1 && rng.chance(30) ? 1 : 0];
        CoBorrower co;
        co.id = newId();
        co.county = county;
        co.studentId = st.id;
        co.name = p.name;
        co.idNumber = p.id;
        co.birthDate = p.birth.iso();
        co.relation = p.male ? "父亲" : "母亲";
        co.phone = p.phone;
        co.address = h.address;
        f.coBorrower = std::move(co);
    }

    // ---- consents: read and confirmed on screen at the centre before anything was recorded --
    auto consent = [&](ConsentParty party, const Uuid& person, const std::string& signer) {
        Consent c;
        c.id = newId();
        c.county = county;
        c.studentId = st.id;
        c.party = party;
        c.personId = person;
        c.signerName = signer;
        c.version = m_options.consentVersion;
        c.language = "zh-CN";
        c.textSha256 = m_options.consentSha256;
        c.consentedMs = msOf(asOf, 8);
        c.recordedBy = "demo";
        c.method = ConsentMethod::OnScreen;
        f.consents.push_back(std::move(c));
    };
    consent(ConsentParty::Student, st.id, st.name);
    if (f.coBorrower)
        consent(ConsentParty::CoBorrower, f.coBorrower->id, f.coBorrower->name);

    // ---- loan applications ------------------------------------------------------------------
    auto amountFor = [&](int schoolYear) {
        const Fen tuition = rng.range(40, 65) * 10000; // ¥4,000-6,500
        const Fen accommodation = rng.range(8, 12) * 10000;
        const Fen wanted =
            (tuition + accommodation + rng.range(0, 8) * 100000 + 99999) / 100000 * 100000;
        return std::pair{std::min(wanted, capFor(schoolYear, uni.level)),
                         std::pair{tuition, accommodation}};
    };
    auto makeApplication = [&](int schoolYear, ApplicationKind kind, LoanStatus status) {
        LoanApplication a;
        a.id = newId();
        a.county = county;
        a.studentId = st.id;
        if (f.coBorrower)
            a.coBorrowerId = f.coBorrower->id;
        a.kind = kind;
        a.status = status;
        a.schoolYear = schoolYear;
        auto [amount, fees] = amountFor(schoolYear);
        a.amountFen = amount;
        a.tuitionFen = fees.first;
        a.accommodationFen = fees.second;
        a.remainingStudyYears = std::max(1, programYears - (schoolYear - st.enrollmentYear));
        a.termYears = std::min(a.remainingStudyYears + 15, 22) -
                      (rng.chance(20) ? static_cast<int>(rng.range(1, 3)) : 0);
        a.renewalMode = kind == ApplicationKind::Renewal
                            ? (rng.chance(70) ? RenewalMode::Online : RenewalMode::OnSite)
                            : RenewalMode::None;
        a.proxySigned = a.renewalMode == RenewalMode::OnSite && rng.chance(20);
        a.createdMs = msOf(*core::Date::make(schoolYear, 7, static_cast<int>(rng.range(1, 28))));
        return a;
    };
    auto makeContract = [&](const LoanApplication& a, const core::Date& signing,
                            bool withCertificate) {
        Contract c;
        c.id = newId();
        c.county = county;
        c.applicationId = a.id;
        char number[40];
        std::snprintf(number, sizeof number, "%s%d%07llu", county.c_str(), a.schoolYear,
                      static_cast<unsigned long long>(++m_contracts));
        c.contractNumber = number;
        c.signingDate = signing.iso();
        if (withCertificate) {
            static const char kCodeChars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            for (int i = 0; i < 8; ++i)
                c.certificateCode += kCodeChars[rng.below(sizeof kCodeChars - 1)];
        }
        c.settlementAccountType =
            rng.chance(85) ? SettlementAccountType::BankCard : SettlementAccountType::Alipay;
        c.settlementAccount =
            c.settlementAccountType == SettlementAccountType::BankCard ? bankCard(rng) : st.phone;
        c.amountFen = a.amountFen;
        c.termYears = a.termYears;
        c.preSigned =
            !atLeast(a.status, LoanStatus::BankApproved) && a.status != LoanStatus::Overdue;
        c.signedByProxy = a.proxySigned;
        f.contracts.push_back(std::move(c));
    };

    // earlier years: done and in the post-study or study phase
    LoanStatus pastStatus = LoanStatus::InStudy;
    if (cohort == 4) {
        const std::size_t s = rng.weighted({70, 15, 5, 10});
        pastStatus = s == 0   ? LoanStatus::Grace
                     : s == 1 ? LoanStatus::Repaying
                     : s == 2 ? LoanStatus::Overdue
                              : LoanStatus::Closed;
    }
    const int lastPastYear = cohort == 4 ? st.enrollmentYear + programYears - 1 : year - 1;
    for (int y = st.enrollmentYear; cohort != 0 && y <= lastPastYear; ++y) {
        if (y > st.enrollmentYear && rng.chance(15))
            continue; // a year without a loan
        auto a = makeApplication(
            y, y == st.enrollmentYear ? ApplicationKind::FirstLoan : ApplicationKind::Renewal,
            pastStatus);
        makeContract(a, *core::Date::make(y, 8, static_cast<int>(rng.range(1, 28))), true);
        f.applications.push_back(std::move(a));
    }

    // this season's application, with its history
    if (cohort != 4) {
        LoanStatus status;
        ApplicationKind kind;
        LoanStatus start;
        if (cohort == 0) {
            static const LoanStatus kFresh[] = {
                LoanStatus::PreApplication,    LoanStatus::Applied,
                LoanStatus::MaterialsChecked,  LoanStatus::ContractPreSigned,
                LoanStatus::CertificateIssued, LoanStatus::SchoolReceiptEntered,
                LoanStatus::BankApproved,      LoanStatus::Rejected,
                LoanStatus::Withdrawn};
            status = kFresh[rng.weighted({35, 15, 10, 10, 15, 5, 5, 3, 2})];
            start = rng.chance(70) ? LoanStatus::PreApplication : LoanStatus::Applied;
            if (status == LoanStatus::PreApplication)
                start = LoanStatus::PreApplication;
            kind = status == LoanStatus::PreApplication ? ApplicationKind::PreApplication
                                                        : ApplicationKind::FirstLoan;
        } else {
            static const LoanStatus kRenew[] = {
                LoanStatus::Applied,           LoanStatus::ContractPreSigned,
                LoanStatus::CertificateIssued, LoanStatus::SchoolReceiptEntered,
                LoanStatus::BankApproved,      LoanStatus::InStudy};
            status = kRenew[rng.weighted({20, 15, 25, 15, 10, 15})];
            start = LoanStatus::Applied;
            kind = ApplicationKind::Renewal;
        }
        auto a = makeApplication(year, kind, status);
        // walk the life cycle from start to the final state, a few days per step
        const bool ending = status == LoanStatus::Rejected || status == LoanStatus::Withdrawn;
        const LoanStatus last =
            ending ? kLifeCycle[rng.range(stepOf(start) + 1, stepOf(LoanStatus::MaterialsChecked))]
                   : status;
        core::Date day = core::Date::fromDayNumber(asOf.dayNumber() - rng.range(40, 110));
        a.createdMs = msOf(day);
        std::optional<core::Date> signing;
        LoanStatus from = start;
        auto record = [&](LoanStatus to, const char* reason) {
            day = core::Date::fromDayNumber(
                std::min(day.dayNumber() + rng.range(1, 9), asOf.dayNumber()));
            StatusChange sc;
            sc.id = newId();
            sc.county = county;
            sc.applicationId = a.id;
            sc.from = from;
            sc.to = to;
            sc.byUser = std::string(kDemoUser);
            sc.atMs = msOf(day, static_cast<int>(rng.range(8, 17)));
            sc.reason = reason;
            f.statusChanges.push_back(std::move(sc));
            if (to == LoanStatus::ContractPreSigned)
                signing = day;
            from = to;
        };
        for (int s = stepOf(start) + 1; s <= stepOf(last) && start != last; ++s)
            record(kLifeCycle[s], "");
        if (ending)
            record(status, status == LoanStatus::Rejected ? "材料不全，多次联系未补齐"
                                                          : "学生本人申请撤回");
        if (signing && !ending)
            makeContract(a, *signing, atLeast(status, LoanStatus::CertificateIssued));
        if (kind != ApplicationKind::PreApplication && atLeast(last, LoanStatus::Applied)) {
            core::MaterialFacts facts;
            facts.type = kind == ApplicationKind::Renewal ? core::ApplicationType::Renewal
                                                          : core::ApplicationType::FirstLoan;
            facts.freshman = cohort == 0;
            facts.hadPreApplication = start == LoanStatus::PreApplication;
            facts.priorityGroup = !h.priorityGroups.empty();
            facts.remoteRenewal = a.renewalMode == RenewalMode::Online;
            MaterialsChecklist list;
            list.id = newId();
            list.county = county;
            list.applicationId = a.id;
            const bool checked = atLeast(last, LoanStatus::MaterialsChecked);
            for (core::Material m : core::requiredMaterials(facts))
                list.items.push_back(
                    {std::string(core::materialId(m)), true, checked || rng.chance(70), ""});
            if (checked) {
                list.checkedBy = std::string(kDemoUser);
                list.checkedMs = a.createdMs + 86400000LL * rng.range(1, 5);
            }
            f.checklists.push_back(std::move(list));
        }
        f.applications.push_back(std::move(a));
    }

    // ---- after the loan -----------------------------------------------------------------------
    if (cohort == 4 && !f.applications.empty()) {
        PostLoanEvent grad;
        grad.id = newId();
        grad.county = county;
        grad.applicationId = f.applications.back().id;
        grad.studentId = st.id;
        grad.kind = PostLoanKind::GraduationConfirmation;
        grad.eventDate = core::Date::make(st.enrollmentYear + programYears, 6,
                                          static_cast<int>(rng.range(10, 30)))
                             ->iso();
        f.postLoanEvents.push_back(grad);
        if (pastStatus != LoanStatus::Closed) {
            PostLoanEvent remind = grad;
            remind.id = newId();
            remind.kind = PostLoanKind::RepaymentReminder;
            remind.eventDate = core::Date::make(year, 3, static_cast<int>(rng.range(1, 31)))->iso();
            remind.note = "三月提醒月：请在12月20日前存足本年应还利息";
            f.postLoanEvents.push_back(std::move(remind));
        }
    }

    // ---- hardship assessment and its review ---------------------------------------------------
    if (!h.priorityGroups.empty() || rng.chance(40)) {
        HardshipAssessment as;
        as.id = newId();
        as.county = county;
        as.studentId = st.id;
        as.schoolYear = year;
        as.formId = "hardship.county_standard";
        as.formVersion = 2;
        static const std::vector<std::string> kGroupIds = {"",
                                                           "poverty_alleviated",
                                                           "dibao",
                                                           "monitored",
                                                           "needy_disabled_parent_child",
                                                           "destitute_support",
                                                           "orphan",
                                                           "martyr_child"};
        nlohmann::json answers;
        answers["priority_groups"] = nlohmann::json::array();
        if (group > 0)
            answers["priority_groups"].push_back(kGroupIds[group]);
        answers["family_structure"] = parents.size() == 2 ? "both_parents"
                                      : parents.empty()   ? "both_parents_deceased"
                                                          : "single_parent";
        static const std::vector<std::string> kLocations = {"remote_village", "village", "village",
                                                            "township"};
        answers["location"] = rng.pick(kLocations);
        static const std::vector<std::string> kHealth = {
            "all_healthy", "all_healthy", "chronic_illness", "serious_illness", "disability"};
        answers["family_health"] = rng.pick(kHealth);
        answers["medical_cost"] = rng.chance(30) ? rng.range(1, 50) * 100000 : 0;
        static const std::vector<std::string> kWork = {"farming", "migrant_work", "migrant_work",
                                                       "self_employed", "unable_to_work"};
        answers["parents_work"] = rng.pick(kWork);
        answers["household_size"] = f.members.size();
        answers["household_income"] = householdIncome;
        static const std::vector<std::string> kDisaster = {"none", "none", "none", "minor_loss",
                                                           "serious_loss"};
        answers["disaster"] = rng.pick(kDisaster);
        answers["siblings_in_school"] = siblings;
        answers["commitment"] = "agreed";
        as.answersJson = answers.dump();
        as.priorityGroups = h.priorityGroups;
        as.commitmentSigned = true;
        if (!h.priorityGroups.empty()) {
            // priority groups are identified directly (教财〔2018〕16号), without a score
            as.level = group <= 2 || group >= 5 ? HardshipLevel::Special : HardshipLevel::Fairly;
        } else if (m_scorer) {
            if (auto scored = m_scorer(as.answersJson)) {
                as.score = scored->first;
                as.level = scored->second;
            }
        }
        const bool decided = !h.priorityGroups.empty() || m_scorer;
        as.status = !decided ? AssessmentStatus::Draft
                             : static_cast<AssessmentStatus>(rng.weighted({0, 20, 30, 25, 25}));
        if (as.status >= AssessmentStatus::Reviewed) {
            DemocraticReview r;
            r.id = newId();
            r.county = county;
            r.assessmentId = as.id;
            r.reviewer = cohort == 0 ? "高三（" + std::to_string(rng.range(1, 12)) + "）班评议小组"
                                     : "年级评议小组";
            r.role = "班主任、学生代表";
            r.date = core::Date::fromDayNumber(asOf.dayNumber() - rng.range(20, 90)).iso();
            r.recommendedLevel = as.level;
            r.votesFor = static_cast<int>(rng.range(6, 11));
            r.votesAgainst = static_cast<int>(rng.range(0, 2));
            r.opinion = "同意认定";
            f.reviews.push_back(std::move(r));
        }
        f.assessment = std::move(as);
    }

    // ---- home visit: random checks of about one in eight, priority families more often ----------
    if (rng.chance(h.priorityGroups.empty() ? 10 : 25)) {
        HomeVisit v;
        v.id = newId();
        v.county = county;
        v.studentId = st.id;
        v.householdId = h.id;
        const core::Date date = core::Date::fromDayNumber(asOf.dayNumber() - rng.range(5, 150));
        v.visitDate = date.iso();
        v.method = static_cast<VisitMethod>(rng.weighted({80, 15, 5}));
        v.visitors = {personName(rng, Gender::Male) + "（县资助中心）",
                      personName(rng, Gender::Female) + "（班主任）"};
        v.peoplePresent = parents.empty() ? "学生本人、祖父" : "学生本人、" + parents.front().name;
        v.address = h.address;
        v.formId = "home_visit.standard";
        v.formVersion = 2;
        v.householdSize = static_cast<int>(f.members.size());
        v.perCapitaIncomeFen = householdIncome / std::max<Fen>(1, v.householdSize);
        static const std::vector<std::string> kHousing = {"own_brick", "own_brick",
                                                          "own_earth_wood", "rented"};
        static const std::vector<std::string> kCondition = {"good", "fair", "fair", "poor"};
        static const std::vector<std::string> kObservations = {
            "房屋为砖混结构，家中陈设简单，主要收入来自外出务工",
            "父亲常年患病，母亲在家务农并照顾老人", "家中有两名子女在读，教育支出较大",
            "土木结构老房，屋顶有漏雨，已申请危房改造", "家庭收入主要靠种植柑橘，去年受灾减产"};
        v.observations = rng.pick(kObservations);
        v.recommendedLevel = f.assessment ? f.assessment->level : HardshipLevel::None;
        nlohmann::json answers;
        answers["visit_date"] = v.visitDate;
        static const char* kMethods[] = {"in_person", "phone", "video"};
        answers["method"] = kMethods[static_cast<int>(v.method)];
        answers["visitors"] = nlohmann::json::array(
            {{{"visitor_name", v.visitors[0]}, {"visitor_role", "county_staff"}},
             {{"visitor_name", v.visitors[1]}, {"visitor_role", "school_teacher"}}});
        answers["people_present"] = v.peoplePresent;
        answers["address"] = v.address;
        answers["household_size"] = v.householdSize;
        answers["household_income"] = householdIncome;
        answers["housing_type"] = rng.pick(kHousing);
        answers["housing_condition"] = rng.pick(kCondition);
        answers["observations"] = v.observations;
        v.answersJson = answers.dump();
        f.visit = std::move(v);
    }
    return f;
}

} // namespace zhuxue::demo
