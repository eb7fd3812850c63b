// Store benchmarks on a generated county: 100,000 students (--quick: 5,000), each with a
// household of three (two parents as members), a co-borrower and a pre-application; one student
// in ten also has a home visit. Names include rare characters outside the BMP.
#include "bench.hpp"
#include "client/core/resident_id.hpp"
#include "client/core/text/pinyin.hpp"
#include "client/store/consent_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/search.hpp"
#include "client/store/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <sqlite3.h>

#include <random>
#include <stdexcept>

namespace zhuxue::bench {
namespace {

using namespace zhuxue::store;
namespace fs = std::filesystem;

const char* const kSurnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴",
                                 "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                 "屈", "谭", "向", "覃", "郑", "曾", "单", "解", "欧阳", "尉迟"};
const char* const kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                              "勇", "艳", "杰", "涛", "明", "超", "秀", "霞", "平", "刚",
                              "桂", "英", "华", "玉", "兰", "婷", "雪", "琳", "晨", "宇",
                              "浩", "然", "子", "涵", "欣", "怡", "𬌗", "𠀀", "𪚥", "淼"};
// 秭归县 (420527) townships are real; the villages are invented for the benchmark.
const char* const kTownships[] = {"茅坪镇", "归州镇", "屈原镇", "沙镇溪镇", "两河口镇", "郭家坝镇",
                                  "杨林桥镇", "九畹溪镇", "水田坝乡", "泄滩乡", "梅家河乡", "磨坪乡"};
const char* const kVillageHeads[] = {"月亮包", "杨家湾", "九里", "三星", "黄家坪", "龙潭",
                                     "青树", "桂花", "石门", "白果", "长岭", "柳林"};
const char* const kSchools[] = {"秭归县第一中学", "秭归县第二中学", "秭归县职业教育中心",
                                "宜昌市第一中学", "夷陵中学"};

struct County {
    test::TempDir dir{"zhuxue-bench"};
    std::unique_ptr<Store> store;
    std::vector<Uuid> students;
    std::vector<std::string> names;
    std::vector<std::string> idNumbers;
};

std::string randomName(std::mt19937_64& rng) {
    std::string n = kSurnames[rng() % std::size(kSurnames)];
    int given = 1 + static_cast<int>(rng() % 2);
    for (int i = 0; i < given; ++i)
        n += kGiven[rng() % std::size(kGiven)];
    return n;
}

std::string idNumber(std::mt19937_64& rng, int birthYear) {
    char body[18];
    std::snprintf(body, sizeof body, "420527%04d%02d%02d%03d", birthYear,
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28),
                  static_cast<int>(rng() % 1000));
    std::string s(body, 17);
    return s + core::residentIdCheckChar(s);
}

std::string phone(std::mt19937_64& rng) {
    char b[12];
    std::snprintf(b, sizeof b, "1%d%09llu", 3 + static_cast<int>(rng() % 7),
                  static_cast<unsigned long long>(rng() % 1'000'000'000ULL));
    return b;
}

void check(const Status& st, const char* what) {
    if (!st)
        throw std::runtime_error(std::string(what) + ": " + st.error().key + " " + st.error().detail);
}

// Builds the county through the store's batch API (change log and audit included), then
// acknowledges the outbox as a synced device would have.
std::unique_ptr<County> generate(Context& ctx, int n) {
    auto c = std::make_unique<County>();
    auto opened = Store::open(c->dir.path());
    if (!opened)
        throw std::runtime_error(opened.error().key);
    c->store = std::move(*opened);
    std::mt19937_64 rng(20240901);
    const Actor who{"bench"};
    // Each family's consents, as the staff client records them (store.hpp refuses without).
    auto consentText = loadCurrentConsentText(assetsDir());
    if (!consentText)
        throw std::runtime_error(consentText.error().key);
    double ms = timeMs([&] {
        for (int start = 0; start < n; start += 500) {
            auto b = c->store->batch(who);
            for (int i = start; i < std::min(n, start + 500); ++i) {
                std::string township = kTownships[rng() % std::size(kTownships)];
                std::string village =
                    std::string(kVillageHeads[rng() % std::size(kVillageHeads)]) + "村";
                Household h{newUuidV7(), "420527", township, village,
                            village + std::to_string(1 + rng() % 12) + "组",
                            static_cast<Fen>(rng() % 6'000'000), {}, ""};
                if (rng() % 5 == 0)
                    h.priorityGroups = {"城乡低保"};
                check(b.save(h), "household");
                std::string surname = kSurnames[rng() % std::size(kSurnames)];
                HouseholdMember father{newUuidV7(), "420527", h.id, surname + kGiven[rng() % 36],
                                       "父亲", 1970 + static_cast<int>(rng() % 15),
                                       idNumber(rng, 1975), "务农", h.annualIncomeFen / 2, "健康",
                                       true, false};
                HouseholdMember mother{newUuidV7(), "420527", h.id, randomName(rng), "母亲",
                                       1972 + static_cast<int>(rng() % 15), idNumber(rng, 1977),
                                       "外出务工", h.annualIncomeFen / 2, "健康", true, false};
                check(b.save(father), "member");
                check(b.save(mother), "member");
                Student s;
                s.id = newUuidV7();
                s.county = "420527";
                s.name = surname + kGiven[rng() % std::size(kGiven)] +
                         (rng() % 2 ? kGiven[rng() % std::size(kGiven)] : "");
                s.idNumber = idNumber(rng, 2006 + static_cast<int>(rng() % 2));
                s.gender = rng() % 2 ? Gender::Male : Gender::Female;
                s.phone = phone(rng);
                s.householdId = h.id;
                s.township = township;
                s.village = village;
                s.highSchool = kSchools[rng() % std::size(kSchools)];
                s.studyLevel = StudyLevel::Undergraduate;
                s.programYears = 4;
                check(b.save(s), "student");
                CoBorrower cb{newUuidV7(), "420527",     s.id, father.name,
                              father.idNumber, "1975-01-01", "父亲", phone(rng), h.address};
                check(b.save(cb), "co-borrower");
                check(b.save(makeConsent(*consentText, "zh-CN", ConsentParty::Student, "420527", s.id,
                                         s.id, s.name, ConsentMethod::OnScreen, "bench")),
                      "consent");
                check(b.save(makeConsent(*consentText, "zh-CN", ConsentParty::CoBorrower, "420527",
                                         s.id, cb.id, cb.name, ConsentMethod::OnScreen, "bench")),
                      "consent");
                LoanApplication a;
                a.id = newUuidV7();
                a.county = "420527";
                a.studentId = s.id;
                a.coBorrowerId = cb.id;
                a.schoolYear = 2025;
                a.amountFen = 800'000 + static_cast<Fen>(rng() % 12) * 100'000;
                a.tuitionFen = 550'000;
                a.accommodationFen = 120'000;
                a.remainingStudyYears = 4;
                a.termYears = 19;
                a.createdMs = systemNowMs();
                check(b.save(a), "application");
                if (rng() % 10 == 0) {
                    HomeVisit v;
                    v.id = newUuidV7();
                    v.county = "420527";
                    v.studentId = s.id;
                    v.householdId = h.id;
                    v.visitDate = "2025-06-15";
                    v.visitors = {"李老师 (班主任)", "王干事 (资助中心)"};
                    v.peoplePresent = "父亲、母亲、学生本人";
                    v.householdSize = 3;
                    v.perCapitaIncomeFen = h.annualIncomeFen / 3;
                    v.observations = "房屋为砖木结构，家中有一位慢性病人，主要收入来自务农和外出务工。";
                    v.recommendedLevel = HardshipLevel::Fairly;
                    check(b.save(v), "visit");
                }
                c->students.push_back(s.id);
                c->names.push_back(s.name);
                c->idNumbers.push_back(s.idNumber);
            }
            check(b.commit(), "commit");
        }
    });
    auto pending = c->store->pendingCount();
    ctx.report("store.generate", ms / 1000.0, "s",
               {{"students", n}, {"outbox_entries", pending ? *pending : -1}});
    return c;
}

double dbBytes(Store& store) {
    auto st = store.stats();
    return st ? static_cast<double>(st->databaseBytes) : -1;
}

void storeBench(Context& ctx) {
    const int n = ctx.quick ? 5'000 : 100'000;
    auto county = generate(ctx, n);
    Store& store = *county->store;
    check(store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
    ctx.report("store.db_bytes_per_student_unsynced", dbBytes(store) / n, "B",
               {{"students", n}, {"note", "outbox of every field still pending"}});
    // A synced device: the outbox is acknowledged and emptied, field versions and audit stay.
    while (true) {
        auto batch = store.pendingChanges(50'000);
        if (!batch || batch->empty())
            break;
        std::vector<Uuid> ids;
        for (auto& c : *batch)
            ids.push_back(c.changeId);
        check(store.markAcknowledged(ids), "ack");
    }
    check(store.db().exec("VACUUM"), "vacuum");
    ctx.report("store.db_bytes_per_student", dbBytes(store) / n, "B",
               {{"students", n}, {"note", "after sync acknowledged the outbox, VACUUM"}});

    std::mt19937_64 rng(7);
    const int samples = ctx.quick ? 200 : 1000;

    // save_application: one renewal application per transaction, as the hall saves it.
    std::vector<double> save;
    for (int i = 0; i < samples; ++i) {
        LoanApplication a;
        a.id = newUuidV7();
        a.county = "420527";
        a.studentId = county->students[rng() % county->students.size()];
        a.kind = ApplicationKind::Renewal;
        a.status = LoanStatus::Applied;
        a.schoolYear = 2026;
        a.amountFen = 1'600'000;
        a.renewalMode = RenewalMode::OnSite;
        a.termYears = 18;
        a.createdMs = systemNowMs();
        Status st;
        save.push_back(timeMs([&] { st = store.save(a, {"bench"}); }));
        check(st, "save_application");
    }
    double storeP50 = percentile(save, 50), storeP95 = percentile(save, 95);
    ctx.report("store.save_application_p50", storeP50, "ms", {{"samples", samples}});
    ctx.report("store.save_application_p95", storeP95, "ms",
               {{"samples", samples}, {"goal", 2.0}, {"note", "synchronous=FULL, WAL; outbox+audit"}});

    // Baseline: the same row with a bare INSERT, same connection settings, one per transaction.
    std::vector<double> bare;
    {
        auto ins = store.db().prepare(
            "INSERT INTO loan_application(id, county, student_id, kind, status, school_year,"
            " amount_fen, renewal_mode, term_years, created_ms)"
            " VALUES(?, '420527', ?, 'renewal', 'applied', 2026, 1600000, 'on_site', 18, ?)");
        if (!ins)
            throw std::runtime_error(ins.error().detail);
        for (int i = 0; i < samples; ++i) {
            Uuid sid = county->students[rng() % county->students.size()];
            Status st;
            bare.push_back(timeMs([&] {
                st = store.db().exec("BEGIN IMMEDIATE");
                if (st) {
                    ins->bind(1, newUuidV7()).bind(2, sid).bind(3, systemNowMs());
                    st = ins->run();
                }
                if (st)
                    st = store.db().exec("COMMIT");
            }));
            check(st, "bare insert");
        }
    }
    double bareP50 = percentile(bare, 50), bareP95 = percentile(bare, 95);
    ctx.report("store.save_application_bare_sqlite_p50", bareP50, "ms", {{"samples", samples}});
    ctx.report("store.save_application_bare_sqlite_p95", bareP95, "ms", {{"samples", samples}});
    ctx.report("store.save_application_ratio_p50", bareP50 > 0 ? storeP50 / bareP50 : 0, "x",
               {{"note", "store save / bare SQLite insert, both fsync per commit"}});

    // Search: substrings of names, ID tails, pinyin.
    auto searchP95 = [&](const std::string& name, const std::function<std::string()>& query) {
        std::vector<double> t;
        std::size_t hits = 0;
        for (int i = 0; i < samples; ++i) {
            std::string q = query();
            Result<std::vector<SearchHit>> r = std::vector<SearchHit>();
            t.push_back(timeMs([&] { r = store.search(q, 20); }));
            if (!r)
                throw std::runtime_error(r.error().detail);
            hits += r->size();
        }
        ctx.report(name, percentile(t, 95), "ms",
                   {{"p50", percentile(t, 50)}, {"samples", samples}, {"goal", 10.0},
                    {"mean_hits", static_cast<double>(hits) / samples}, {"students", n}});
    };
    auto pick = [&] { return rng() % county->names.size(); };
    searchP95("store.search_substring_p95", [&] {
        // Two characters of a real name (the common case while typing), or a whole name.
        auto cps = splitCodePoints(county->names[pick()]);
        std::string q;
        for (std::size_t k = 0; k < std::min<std::size_t>(cps.size(), 2 + rng() % 2); ++k)
            q += cps[k];
        return q;
    });
    searchP95("store.search_id_tail_p95", [&] {
        const std::string& id = county->idNumbers[pick()];
        return id.substr(id.size() - 6);
    });
    searchP95("store.search_pinyin_p95", [&] {
        auto keys = text::pinyinKeys(county->names[pick()]);
        if (keys.empty())
            return std::string("zhang");
        // Alternate between full pinyin and initials.
        return rng() % 2 ? keys.front() : keys.back();
    });

    // Open and first query: what a person waits for when the program starts.
    fs::path dir = county->dir.path();
    double dbMb = dbBytes(store) / 1e6;
    county->store.reset();
    for (OpenCheck checkOnOpen : {OpenCheck::Quick, OpenCheck::None, OpenCheck::Full}) {
        std::vector<double> t;
        for (int i = 0; i < 5; ++i) {
            t.push_back(timeMs([&] {
                OpenOptions o;
                o.check = checkOnOpen;
                auto s = Store::open(dir, o);
                if (!s)
                    throw std::runtime_error(s.error().key);
                auto r = (*s)->search("张", 20);
                if (!r)
                    throw std::runtime_error(r.error().detail);
            }));
        }
        const char* names[] = {"store.open_first_query_full_check", "store.open_first_query",
                               "store.open_first_query_no_check"};
        const char* notes[] = {"PRAGMA quick_check of the whole file (warm page cache)",
                               "default OpenCheck::Quick (warm page cache)",
                               "no check (warm page cache)"};
        int k = checkOnOpen == OpenCheck::Full ? 0 : checkOnOpen == OpenCheck::Quick ? 1 : 2;
        ctx.report(names[k], percentile(t, 50), "ms",
                   {{"goal", 50.0}, {"note", notes[k]}, {"students", n},
                    {"db_mb", dbMb}});
    }
}

ZHUXUE_BENCH("store", storeBench);

} // namespace
} // namespace zhuxue::bench
