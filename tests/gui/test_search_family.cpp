// Search as you type finds a student by any part of the name (a rare character included) or the
// ID number; choosing the hit opens the family page with the household and the co-borrower.
#include "staff_fixture.hpp"

#include "client/core/resident_id.hpp"

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
Student seedFamily(store::Store& db) {
    store::Actor who{"seed"};
    Household h;
    h.id = newUuidV7();
    h.county = "420527";
    h.township = "茅坪镇";
    h.village = "秭归村";
    h.annualIncomeFen = 2'400'000;
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = "龚𪚥";
    s.idNumber = "42052720060101001";
    s.idNumber += core::residentIdCheckChar(s.idNumber);
    s.householdId = h.id;
    s.township = "茅坪镇";
    s.village = "秭归村";
    s.highSchool = "秭归县第一中学";
    s.university = "武汉大学";
    // The household's income with its student and the student's consent, in one transaction.
    store::Batch b = db.batch(who);
    REQUIRE(b.save(h).ok());
    REQUIRE(b.save(s).ok());
    REQUIRE(b.save(zhuxue::test::consentOf(ConsentParty::Student, s.county, s.id, s.id)).ok());
    REQUIRE(b.commit().ok());
    HouseholdMember m;
    m.id = newUuidV7();
    m.county = "420527";
    m.householdId = h.id;
    m.name = "龚䶮";
    m.relation = "父亲";
    m.occupation = "务农";
    REQUIRE(db.save(m, who).ok());
    for (int i = 0; i < 30; ++i) { // namesakes and neighbours to search among
        Student o;
        o.id = newUuidV7();
        o.county = "420527";
        o.name = (i % 2 ? "龚" : "李") + std::to_string(i);
        o.township = "茅坪镇";
        REQUIRE(db.save(o, who).ok());
    }
    return s;
}
} // namespace

TEST_CASE("search as you type, then the family page") {
    StaffFixture f;
    Student s = seedFamily(f.store());
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    REQUIRE(f.d->click("##home.search"));
    CHECK(f.ctx().screen == ui::ScreenId::Search);

    // The rare character alone finds her; the search runs on the worker.
    REQUIRE(f.d->click("##search.query"));
    f.d->type("𪚥");
    REQUIRE(f.d->frameUntil([&] { return !f.client->search().searching() && f.d->exists("龚𪚥"); }));
    CHECK(f.client->search().results().size() == 1);
    CHECK(f.app->fonts().hasGlyph(0x2A6A5));

    // Her whole ID number finds her too (an exact lookup through the keyed blind index: ID
    // numbers are encrypted at rest, only their last four characters are in the search index).
    REQUIRE(f.d->typeInto("##search.query", s.idNumber));
    REQUIRE(f.d->frameUntil([&] { return !f.client->search().searching() && f.d->exists("龚𪚥"); }));
    CHECK(f.client->search().results().size() == 1);

    REQUIRE(f.d->click("龚𪚥"));
    CHECK(f.ctx().screen == ui::ScreenId::Family);
    CHECK(f.ctx().student == s.id);
    f.d->frame(2);
    CHECK(f.d->sawText("龚𪚥"));
    CHECK(f.d->sawText("秭归县第一中学"));
    CHECK(f.d->sawText("龚䶮（父亲）"));          // household member
    CHECK(f.app->fonts().hasGlyph(0x4DAE));      // 䶮 joined the atlas when shown

    // Esc goes back to the results.
    f.d->press(ImGuiKey_Escape);
    CHECK(f.ctx().screen == ui::ScreenId::Search);
}

TEST_CASE("a query with no match says so and opens nothing") {
    StaffFixture f;
    seedFamily(f.store());
    f.addAccount("li", store::Role::Staff);
    f.signIn("li");
    REQUIRE(f.d->click("##home.search"));
    REQUIRE(f.d->click("##search.query"));
    f.d->type("没有这个人");
    REQUIRE(f.d->frameUntil([&] { return !f.client->search().searching() && f.d->sawText("找到 0 名学生"); }));
    CHECK(f.client->search().results().empty());
    f.d->press(ImGuiKey_Enter);
    CHECK(f.ctx().screen == ui::ScreenId::Search);
}
