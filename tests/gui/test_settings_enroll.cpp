// Settings: the text of an enrollment QR code (zhuxue-enroll:URL#CODE), pasted or scanned into the
// server field or the code field, fills both when the field is left; a damaged text says what is
// wrong and how to fix it, and changes nothing.
#include "staff_fixture.hpp"

#include <algorithm>

using namespace zhuxue;
using namespace zhuxue::test;

namespace {
bool shownExactly(const app::driver::Driver& d, const std::string& text) {
    const auto& all = d.shownText();
    return std::find(all.begin(), all.end(), text) != all.end();
}
} // namespace

TEST_CASE("the enrollment text fills the server address and the code") {
    StaffFixture f;
    f.addAccount("admin", store::Role::Admin);
    f.signIn("admin");
    auto& d = *f.d;
    REQUIRE(d.click("##home.settings"));
    REQUIRE(f.ctx().screen == ui::ScreenId::Settings);

    SUBCASE("pasted into the server field") {
        REQUIRE(d.typeInto("##settings.server", "zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN"));
    }
    SUBCASE("scanned into the code field, with the scanner's line end") {
        REQUIRE(d.typeInto("##settings.enrollment", " zhuxue-enroll:https://zz.example.cn:8720#ABCD-EFGH-JKMN\n"));
    }
    d.frame(2);
    CHECK_MESSAGE(shownExactly(d, "https://zz.example.cn:8720"), f.shown());
    CHECK_MESSAGE(shownExactly(d, "ABCD-EFGH-JKMN"), f.shown());
    CHECK(d.sawText("已从注册文字中读出服务器地址"));
    REQUIRE(d.click("##settings.save"));
    CHECK(f.app->settings().serverUrl == "https://zz.example.cn:8720");
    CHECK(f.app->settings().enrollmentCode == "ABCD-EFGH-JKMN");
}

TEST_CASE("a damaged enrollment text is refused with the reason and fills nothing") {
    StaffFixture f;
    f.addAccount("admin", store::Role::Admin);
    f.signIn("admin");
    auto& d = *f.d;
    REQUIRE(d.click("##home.settings"));
    REQUIRE(d.typeInto("##settings.server", "zhuxue-enroll:https://zz.example.cn:8720"));
    d.frame(2);
    CHECK_MESSAGE(d.sawText("注册信息不完整或已损坏"), f.shown()); // what is wrong, and to scan again
    CHECK(d.sawText("重新扫描二维码"));
    CHECK_FALSE(shownExactly(d, "https://zz.example.cn:8720"));
    REQUIRE(d.click("##settings.save"));
    CHECK(f.app->settings().enrollmentCode.empty());
    CHECK(f.app->settings().serverUrl.empty());
    CHECK(d.sawText("需要以 http:// 或 https:// 开头")); // and the address is not taken as it stands
}
