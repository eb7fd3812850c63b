// Search as you type: substrings of names, ID numbers, phone tails, schools and places; short
// queries; ranking; names outside the BMP.
#include "client/store/search.hpp"
#include "client/store/store.hpp"
#include "tests/support/consent.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::store;

namespace {
const Actor kStaff{"李老师"};

Student student(std::string name, std::string idNumber, std::string phone, std::string village) {
    Student s;
    s.id = newUuidV7();
    s.county = "420527";
    s.name = std::move(name);
    s.idNumber = std::move(idNumber);
    s.phone = std::move(phone);
    s.township = "茅坪镇";
    s.village = std::move(village);
    s.highSchool = "秭归县第一中学";
    return s;
}

std::vector<std::string> names(Store& store, std::string_view q) {
    auto hits = store.search(q, 20);
    REQUIRE_MESSAGE(hits.ok(), (hits.ok() ? "" : hits.error().detail));
    std::vector<std::string> out;
    for (auto& h : *hits)
        out.push_back(h.name);
    return out;
}
} // namespace

TEST_CASE("search finds students by any substring of what identifies them") {
    test::TempDir dir;
    auto opened = Store::open(dir.path());
    REQUIRE(opened.ok());
    Store& store = **opened;
    REQUIRE(
        test::saveConsented(store, student("张三", "11010519491231002X", "13812345678", "月亮包村"), kStaff).ok());
    REQUIRE(test::saveConsented(store, student("张三丰", "34052419800101001X", "13900004321", "杨林桥村"), kStaff)
                .ok());
    REQUIRE(test::saveConsented(store, student("王𬌗", "420527200601010011", "13700009999", "月亮包村"), kStaff)
                .ok());
    REQUIRE(test::saveConsented(store, student("𠀀𪚥", "420527200602020022", "", "九里村"), kStaff).ok());

    CHECK(names(store, "张三丰") == std::vector<std::string>{"张三丰"});
    auto zs = names(store, "张三");
    CHECK(zs.size() == 2);
    CHECK(zs.front() == "张三"); // the exact, shorter name first
    CHECK(names(store, "张").size() == 2);
    CHECK(names(store, "𬌗") == std::vector<std::string>{"王𬌗"});
    CHECK(names(store, "王𬌗") == std::vector<std::string>{"王𬌗"});
    CHECK(names(store, "𠀀𪚥") == std::vector<std::string>{"𠀀𪚥"});
    CHECK(names(store, "002X") == std::vector<std::string>{"张三"}); // ID tail
    CHECK(names(store, "002x") == std::vector<std::string>{"张三"}); // case folded
    CHECK(names(store, "5678") == std::vector<std::string>{"张三"}); // phone tail
    CHECK(names(store, "1381234").empty());                          // only the tail is indexed
    CHECK(names(store, "月亮包").size() == 2);                       // village
    CHECK(names(store, "杨林桥村 张") == std::vector<std::string>{"张三丰"}); // all words
    CHECK(names(store, "第一中学").size() == 4);
    CHECK(names(store, "   ").empty());
    CHECK(names(store, "\"").empty()); // FTS syntax is quoted, never an error
    CHECK(names(store, "NEAR(a b)").empty());
    CHECK(store.search("张", 1)->size() == 1); // limit

    // Pinyin: full readings, prefixes and initials.
    auto zhangsan = names(store, "zhangsan");
    REQUIRE(zhangsan.size() == 2);
    CHECK(zhangsan.front() == "张三");
    CHECK(names(store, "zsf") == std::vector<std::string>{"张三丰"});
    CHECK(names(store, "zs").size() == 2);
    CHECK(names(store, "zh").size() >= 2);  // the start of a full reading
    CHECK(names(store, "qx").empty());      // no name has these initials
    CHECK(names(store, "ZS").size() == 2);
    CHECK(names(store, "zhang").size() == 2);
    CHECK(names(store, "ws").empty()); // initials across two keys do not join

    // Renaming updates the index.
    auto s = *store.studentsByIdNumber("11010519491231002X");
    s.front().name = "张叁";
    REQUIRE(store.save(s.front(), kStaff).ok());
    CHECK(names(store, "张三") == std::vector<std::string>{"张三丰"});
    CHECK(names(store, "张叁") == std::vector<std::string>{"张叁"});
}

TEST_CASE("the search document holds only the phone tail and every character of the name") {
    FieldCodec codec;
    Student s = student("王𬌗", "420527200601010011", "13700009999", "月亮包村");
    SearchDocument d = buildSearchDocument(s, codec);
    CHECK(d.name.starts_with("王𬌗"));
    CHECK(d.chars.starts_with("王 𬌗"));
    Student zs = student("张三", "", "", "");
    SearchDocument z = buildSearchDocument(zs, codec);
    CHECK(z.name.find("zhangsan") != std::string::npos);
    CHECK(z.chars.find("z s") != std::string::npos);
    CHECK(d.other.find("9999") != std::string::npos);
    CHECK(d.other.find("13700009999") == std::string::npos);
    CHECK(splitCodePoints("a王𬌗\xff").size() == 4);
}

TEST_CASE("students saved in a batch are found once it commits; a failed batch leaves no trace") {
    test::TempDir dir;
    auto opened = Store::open(dir.path());
    REQUIRE(opened.ok());
    Store& store = **opened;
    {
        Batch batch = store.batch(kStaff);
        Student a = student("覃𪚥", "420527200703150011", "13800001111", "月亮包村");
        REQUIRE(batch.save(a).ok());
        Student edited = a; // saved twice in one batch: the search holds the last version
        edited.village = "杨家湾村";
        REQUIRE(batch.save(edited).ok());
        Student b = student("向晓雪", "420527200801020022", "13900002222", "九里村");
        REQUIRE(batch.save(b).ok());
        for (const Student* x : {&a, &b})
            REQUIRE(batch.save(test::consentOf(ConsentParty::Student, x->county, x->id, x->id)).ok());
        REQUIRE(batch.commit().ok());
    }
    CHECK(names(store, "覃𪚥") == std::vector<std::string>{"覃𪚥"});
    CHECK(names(store, "杨家湾").size() == 1);
    CHECK(names(store, "月亮包").empty());
    CHECK(names(store, "向晓雪").size() == 1);
    {
        Batch batch = store.batch(kStaff);
        REQUIRE(batch.save(student("谭未存", "420527200905060033", "13700003333", "三星村")).ok());
        Student bad = student("坏记录", "", "", "");
        bad.county = "not-a-county";
        CHECK_FALSE(batch.save(bad).ok());
        CHECK_FALSE(batch.commit().ok());
    }
    CHECK(names(store, "谭未存").empty());
    // A single save after the batch is searchable at once.
    REQUIRE(test::saveConsented(store, student("屈原", "420527200611110044", "13600004444", "石门村"), kStaff).ok());
    CHECK(names(store, "屈原").size() == 1);
}
