// Separate consent for sensitive personal information (PIPL): the store refuses a party's
// sensitive values without that party's consent, says whose consent is missing and how to record
// it, accepts them once consent is recorded, refuses again after a withdrawal, never refuses what
// sync brings, and keeps the SHA-256 of the exact consent text shown.
#include "client/store/catalog_files.hpp"
#include "client/store/consent_files.hpp"
#include "client/store/paths.hpp"
#include "client/store/store.hpp"
#include "sync/protocol/change.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kStaff{"李老师"};
const std::string kCounty = "420527";

std::unique_ptr<Store> openStore(const std::filesystem::path& dir) {
    auto s = Store::open(dir);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().key + " " + s.error().detail));
    return std::move(*s);
}

Student student(const std::string& name) {
    Student s;
    s.id = newUuidV7();
    s.county = kCounty;
    s.name = name;
    s.idNumber = "11010519491231002X";
    s.phone = "13812345678";
    s.township = "茅坪镇";
    return s;
}

std::string zh(const Error& e) {
    auto cat = loadCatalog(assetsDir(), "zh-CN");
    REQUIRE(cat.ok());
    return cat->format(e);
}
} // namespace

TEST_CASE("a student's ID number and phone are refused without the student's consent") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("刘䶮");
    auto st = store->save(s, kStaff);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "store.consent_missing");
    const std::string text = zh(st.error());
    CHECK(text.find("学生“刘䶮”还没有签署") != std::string::npos); // whose consent is missing
    CHECK(text.find("知情同意") != std::string::npos);            // where to record it
    // Nothing of the refused save was written.
    CHECK_FALSE(store->get<Student>(s.id)->has_value());
    CHECK(*store->pendingCount() == 0);

    // The same student without sensitive values needs no consent (a name to search by).
    Student plain = s;
    plain.idNumber.clear();
    plain.phone.clear();
    CHECK(store->save(plain, kStaff).ok());

    // With the student's consent the details are accepted.
    test::consentStudent(*store, kCounty, s.id);
    REQUIRE(store->save(s, kStaff).ok());
    CHECK((*store->get<Student>(s.id))->phone == "13812345678");
}

TEST_CASE("the co-borrower gives consent separately: the student's does not cover a parent") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("向秭归");
    test::consentStudent(*store, kCounty, s.id);
    REQUIRE(store->save(s, kStaff).ok());
    CoBorrower c;
    c.id = newUuidV7();
    c.county = kCounty;
    c.studentId = s.id;
    c.name = "向𪚥";
    c.idNumber = "34052419800101001X";
    c.relation = "父亲";
    auto refused = store->save(c, kStaff);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "store.consent_missing");
    CHECK(zh(refused.error()).find("共同借款人“向𪚥”") != std::string::npos);
    test::consentCoBorrower(*store, kCounty, s.id, c.id);
    CHECK(store->save(c, kStaff).ok());
}

TEST_CASE("household income is saved with the student in one batch, consent saved last") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Household h;
    h.id = newUuidV7();
    h.county = kCounty;
    h.annualIncomeFen = 1'200'000;
    h.priorityGroups = {"城乡低保"};
    HouseholdMember m;
    m.id = newUuidV7();
    m.county = kCounty;
    m.householdId = h.id;
    m.name = "母亲";
    m.health = "慢性病";
    Student s = student("王𬌗");
    s.householdId = h.id;

    // Alone, a household belongs to nobody who consented.
    auto alone = store->save(h, kStaff);
    REQUIRE_FALSE(alone.ok());
    CHECK(alone.error().key == "store.consent_missing");

    {
        Batch b = store->batch(kStaff);
        REQUIRE(b.save(h).ok());
        REQUIRE(b.save(m).ok());
        REQUIRE(b.save(s).ok());
        auto refused = b.commit();
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().key == "store.consent_missing");
    }
    CHECK_FALSE(store->get<Household>(h.id)->has_value()); // the whole batch rolled back

    Batch b = store->batch(kStaff);
    REQUIRE(b.save(h).ok());
    REQUIRE(b.save(m).ok());
    REQUIRE(b.save(s).ok());
    REQUIRE(b.save(test::consentOf(ConsentParty::Student, kCounty, s.id, s.id)).ok());
    REQUIRE(b.commit().ok());
    CHECK((*store->get<Household>(h.id))->annualIncomeFen == 1'200'000);
    CHECK((*store->get<HouseholdMember>(m.id))->health == "慢性病");
}

TEST_CASE("a withdrawn consent refuses new sensitive values; what is stored stays") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    Student s = student("张三");
    Consent c = test::consentOf(ConsentParty::Student, kCounty, s.id, s.id);
    REQUIRE(store->save(c, kStaff).ok());
    REQUIRE(store->save(s, kStaff).ok());

    c.withdrawnMs = systemNowMs();
    c.withdrawnBy = kStaff.user;
    REQUIRE(store->save(c, kStaff).ok());

    Student changed = s;
    changed.phone = "13900001111";
    auto refused = store->save(changed, kStaff);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().key == "store.consent_missing");
    CHECK((*store->get<Student>(s.id))->phone == "13812345678");

    HardshipAssessment a;
    a.id = newUuidV7();
    a.county = kCounty;
    a.studentId = s.id;
    a.answersJson = R"({"income": 3000})";
    CHECK(store->save(a, kStaff).error().key == "store.consent_missing");

    // Non-sensitive corrections and erasing a sensitive value remain possible (a person clears a
    // field they edited: Store::update names it; save() never blanks a stored value).
    Student erased = s;
    erased.university = "武汉大学";
    erased.phone.clear();
    CHECK(store->update(s, erased, kStaff).ok());
    CHECK((*store->get<Student>(s.id))->phone.empty());

    // A new consent (a new record) allows new values again.
    test::consentStudent(*store, kCounty, s.id);
    CHECK(store->save(changed, kStaff).ok());
}

TEST_CASE("changes arriving by sync are stored without a local consent") {
    test::TempDir dir;
    auto store = openStore(dir.path());
    DeviceId other = newDeviceId();
    Uuid sid = newUuidV7();
    Hlc hlc = Hlc::make(static_cast<std::uint64_t>(systemNowMs()), 1);
    auto remote = [&](std::string field, std::string value) {
        return RemoteApply{RemoteChange{newUuidV7(), RecordType::Student, sid, kCounty, std::move(field),
                                        std::move(value), hlc, other}};
    };
    std::vector<RemoteApply> batch{remote("county", "\"420527\""), remote("name", "\"李四\""),
                                   remote("phone", "\"13712345678\"")};
    REQUIRE(store->applyRemote(batch).ok());
    CHECK((*store->get<Student>(sid))->phone == "13712345678");
    CHECK(store->list<Consent>("student_id", sid)->empty());
}

TEST_CASE("a consent records the SHA-256 of the exact text shown, and syncs by name") {
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    auto file = readTextFile(assetsDir() / "consent" / "2025-1.json");
    REQUIRE(file.ok());
    auto j = nlohmann::json::parse(*file);
    std::string shown;
    for (const auto& p : j["text"]["zh-CN"])
        shown += (shown.empty() ? "" : "\n\n") + p.get<std::string>();
    CHECK(shown.find("撤回同意") != std::string::npos); // the right to withdraw is in the text

    auto all = loadConsentTexts(assetsDir());
    REQUIRE(all.ok());
    const ConsentText* v1 = nullptr;
    for (const auto& t : *all)
        if (t.version == "2025-1")
            v1 = &t;
    REQUIRE(v1 != nullptr);
    CHECK(v1->shown("zh-CN") == shown);
    CHECK(v1->appliesTo(ConsentParty::Student));
    CHECK(v1->appliesTo(ConsentParty::CoBorrower));
    Uuid sid = newUuidV7();
    Consent c = makeConsent(*v1, "zh-CN", ConsentParty::Student, kCounty, sid, sid, "刘䶮",
                            ConsentMethod::OnScreen, "li");
    CHECK(c.textSha256 == sha256Hex(shown));
    CHECK(c.textSha256 != v1->sha256("en"));
    CHECK(c.version == "2025-1");

    test::TempDir dir;
    auto store = openStore(dir.path());
    REQUIRE(store->save(c, kStaff).ok());
    auto back = store->get<Consent>(c.id);
    REQUIRE(back->has_value());
    CHECK((*back)->textSha256 == c.textSha256);
    CHECK((*back)->method == ConsentMethod::OnScreen);
    CHECK(sync::isRecordType("consent"));
    auto pending = store->pendingChanges(100);
    REQUIRE(pending.ok());
    bool sawHash = false;
    for (const auto& ch : *pending)
        if (ch.recordType == RecordType::Consent && ch.field == "text_sha256")
            sawHash = ch.valueJson == "\"" + c.textSha256 + "\"";
    CHECK(sawHash);
}

TEST_CASE("a consent file without Chinese text or parties is refused with the reason") {
    auto bad = parseConsentText(R"({"version":"x","parties":["student"],"text":{"en":["a"]}})", "x.json");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().key == "consent.invalid");
    auto noParty = parseConsentText(R"({"version":"x","parties":[],"text":{"zh-CN":["甲"]}})", "y.json");
    CHECK_FALSE(noParty.ok());
}
