// Roster rules: privacy of public notices (DOMAIN.md §5), grouping and ordering county →
// township → village → school with subtotals and totals, filters, aggregated sheets.
#include "client/reports/roster_builder.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include "tests/support/roster_fixture.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::reports;

namespace {

const Catalog& zh() {
    static Catalog cat = [] {
        auto c = loadCatalog(assetsDir(), "zh-CN");
        REQUIRE(c.ok());
        return *c;
    }();
    return cat;
}

RosterDefinition shipped(const char* kind) {
    auto def = loadDefinition(assetsDir(), kind);
    REQUIRE_MESSAGE(def.ok(), kind, ": ", def.ok() ? "" : zh().format(def.error()));
    return *def;
}

BuildOptions options() {
    BuildOptions o;
    o.countyName = "秭归县学生资助管理中心";
    o.today = *core::Date::parse("2025-09-10");
    o.noteArgs = {{"days", "5"}, {"contact", "县学生资助管理中心（0717-2882000）"}};
    return o;
}

std::string allText(const Table& t) {
    std::string s = t.title + "\n" + t.subtitle + "\n";
    for (const auto& c : t.columns)
        s += c.title + "\t";
    for (const auto& r : t.rows)
        for (size_t c = 0; c < r.cells.size(); ++c)
            s += cellText(r.cells[c], c < t.columns.size() ? t.columns[c].type : ColumnType::Text) + "\t";
    for (const auto& f : t.footnotes)
        s += f + "\n";
    return s;
}

std::vector<std::string> labelsOf(const Table& t, RowKind kind) {
    std::vector<std::string> out;
    for (const auto& r : t.rows)
        if (r.kind == kind) {
            for (const auto& c : r.cells)
                if (std::holds_alternative<std::string>(c) && !std::get<std::string>(c).empty()) {
                    out.push_back(std::get<std::string>(c));
                    break;
                }
        }
    return out;
}

std::vector<RosterRow> smallCounty() {
    using test::rosterRow;
    return {
        rosterRow("茅坪镇", "九里村", "秭归县第一中学", "王𪚥", "2008-03-01", 200000),
        rosterRow("茅坪镇", "九里村", "秭归县第一中学", "欧阳娜娜", "2007-11-30", 150000),
        rosterRow("茅坪镇", "兰陵溪村", "茅坪镇中学", "李龘", "2009-01-15", 100000),
        rosterRow("郭家坝镇", "擂鼓台村", "郭家坝镇中学", "张三", "2010-06-01", 100000),
        rosterRow("屈原镇", "西陵峡村", "屈原镇中学", "赵秭", "2006-02-02", 250000),
        // 13 years old on 2025-09-10: must never be published.
        rosterRow("屈原镇", "西陵峡村", "屈原镇小学", "周小童", "2012-09-11", 50000),
        // No usable birth date: cannot prove 14, so not published either.
        rosterRow("屈原镇", "西陵峡村", "屈原镇中学", "吴无生日", "", 80000),
    };
}

} // namespace

TEST_CASE("every shipped roster definition loads and passes the privacy checks") {
    for (const auto& kind : rosterKinds())
        CHECK_MESSAGE(loadDefinition(assetsDir(), kind).ok(), kind);
    CHECK(shipped("public-notice").isPublic);
    CHECK(shipped("public-notice").minimumAge == 14);
    auto unknown = loadDefinition(assetsDir(), "salaries");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().key == "reports.roster.unknown_kind");
}

TEST_CASE("a public notice refuses every forbidden column with a message naming it") {
    for (const char* key : {"id_number", "address", "phone", "bank_account", "income", "priority_group",
                            "health", "narrative", "photo"}) {
        RosterDefinition def = shipped("public-notice");
        def.columns.push_back(key);
        auto st = validate(def, "public-notice.json");
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().key == "reports.roster.forbidden_column");
        CHECK(st.error().args.at("column") == key);
        std::string message = zh().format(st.error());
        CHECK(message.find(key) != std::string::npos);
        CHECK(message.find("不得公示") != std::string::npos);
        // buildRoster checks again: a definition assembled in code cannot slip through.
        auto built = buildRoster(def, smallCounty(), {}, zh(), options());
        CHECK_FALSE(built.ok());
    }
    // Anything else not on the short list is refused too, also as a grouping (headings publish it).
    RosterDefinition def = shipped("public-notice");
    def.columns.push_back("birth_date");
    CHECK(validate(def, "x").error().key == "reports.roster.not_public_column");
    def = shipped("public-notice");
    def.groupBy = {"village", "school"};
    CHECK(validate(def, "x").error().key == "reports.roster.not_public_column");
    def = shipped("public-notice");
    def.minimumAge = 0;
    CHECK(validate(def, "x").error().key == "reports.roster.bad_definition");
    // The same columns are fine on an internal roster.
    def = shipped("programme");
    def.columns.push_back("phone");
    CHECK(validate(def, "x").ok());
}

TEST_CASE("a county's edited definition file that adds an ID column is refused") {
    auto def = parseDefinition(R"({"kind":"public-notice","title":"reports.roster.public_notice.title",
        "public":true,"minimum_age":14,"columns":["seq","name","school","id_number"]})", "public-notice.json");
    REQUIRE_FALSE(def.ok());
    CHECK(zh().format(def.error()).find("“id_number”") != std::string::npos);
    auto bad = parseDefinition(R"({"kind":"x","title":"t","columns":["seq","name"],"name_mask":"all"})", "x.json");
    CHECK(bad.error().key == "reports.roster.bad_definition");
}

TEST_CASE("public notice: only allowed fields, no child under 14, no row without a birth date") {
    auto built = buildRoster(shipped("public-notice"), smallCounty(), {}, zh(), options());
    REQUIRE(built.ok());
    const Table& t = built->table;
    std::string text = allText(t);
    CHECK(built->people == 5);
    CHECK(built->withheld == 2);
    CHECK(text.find("周小童") == std::string::npos);
    CHECK(text.find("吴无生日") == std::string::npos);
    CHECK(text.find("屈原镇小学") == std::string::npos); // the child's school would point at them
    for (const char* secret : {"420527", "三组 18 号", "13907170000", "6217000010001234567", "12,345.00",
                               "城乡低保", "母亲长期患病", "父亲务农", "九里村", "茅坪镇 小计"})
        CHECK_MESSAGE(text.find(secret) == std::string::npos, secret);
    CHECK(text.find("王𪚥") != std::string::npos);
    CHECK(text.find("比较困难") != std::string::npos);
    CHECK(t.footnotes.at(0).find("5 个工作日") != std::string::npos);
    std::vector<std::string> titles;
    for (const auto& c : t.columns)
        titles.push_back(c.title);
    CHECK(titles == std::vector<std::string>{"序号", "姓名", "学校（单位）", "年级", "班级", "困难等级"});
    CHECK(t.title == "家庭经济困难学生认定 公示花名册");
}

TEST_CASE("names are masked where the county chooses, per code point") {
    CHECK(maskName("张三丰", NameMask::Middle) == "张*丰");
    CHECK(maskName("张三", NameMask::Middle) == "张*");
    CHECK(maskName("欧阳娜娜", NameMask::Middle) == "欧**娜");
    CHECK(maskName("𪚥一二", NameMask::Middle) == "𪚥*二");
    CHECK(maskName("王𪚥", NameMask::Middle) == "王*");
    CHECK(maskName("张三丰", NameMask::None) == "张三丰");
    BuildOptions o = options();
    o.nameMask = NameMask::Middle;
    auto built = buildRoster(shipped("public-notice"), smallCounty(), {}, zh(), o);
    REQUIRE(built.ok());
    std::string text = allText(built->table);
    CHECK(text.find("欧**娜") != std::string::npos);
    CHECK(text.find("欧阳娜娜") == std::string::npos);
    CHECK(text.find("王*") != std::string::npos);
    CHECK(text.find("𪚥") == std::string::npos);
}

TEST_CASE("review roster: township → village → school by pinyin, subtotals and total") {
    auto built = buildRoster(shipped("review-staff"), smallCounty(), {}, zh(), options());
    REQUIRE(built.ok());
    const Table& t = built->table;
    // 郭家坝 guojiaba < 茅坪 maoping < 屈原 quyuan; 九里村 jiuli < 兰陵溪村 lanlingxi.
    CHECK(labelsOf(t, RowKind::GroupHeader) ==
          std::vector<std::string>{"郭家坝镇", "擂鼓台村", "郭家坝镇中学", "茅坪镇", "九里村", "秭归县第一中学",
                                   "兰陵溪村", "茅坪镇中学", "屈原镇", "西陵峡村", "屈原镇小学", "屈原镇中学"});
    auto subtotals = labelsOf(t, RowKind::Subtotal);
    CHECK(std::find(subtotals.begin(), subtotals.end(), "茅坪镇 小计 3 人") != subtotals.end());
    CHECK(std::find(subtotals.begin(), subtotals.end(), "九里村 小计 2 人") != subtotals.end());
    // The staff's review roster keeps everyone, children included, and shows the priority group.
    CHECK(built->people == 7);
    CHECK(built->amountFen == 930000);
    std::string text = allText(t);
    CHECK(text.find("周小童") != std::string::npos);
    CHECK(text.find("城乡低保") != std::string::npos);
    const Row& total = t.rows.back();
    CHECK(total.kind == RowKind::Total);
    size_t amountCol = 7;
    REQUIRE(t.columns[amountCol].type == ColumnType::MoneyFen);
    CHECK(std::get<int64_t>(total.cells[amountCol]) == 930000);
    // Sequence numbers run 1..n over data rows only.
    int64_t expect = 1;
    for (const auto& r : t.rows)
        if (r.kind == RowKind::Data)
            CHECK(std::get<int64_t>(r.cells[0]) == expect++);
    // The 茅坪镇 subtotal carries its three amounts.
    for (const auto& r : t.rows)
        if (r.kind == RowKind::Subtotal && labelsOf(Table{{}, {}, {}, t.columns, {r}, {}, {}}, RowKind::Subtotal)[0] == "茅坪镇 小计 3 人")
            CHECK(std::get<int64_t>(r.cells[amountCol]) == 450000);
}

TEST_CASE("filters: year, programme, status, level, township") {
    auto rows = test::generatedRows(2000);
    auto def = shipped("programme");
    RosterFilter f;
    f.year = 2025;
    f.programme = "免学费";
    f.statuses = {"disbursed"};
    f.level = HardshipLevel::Special;
    f.township = "归州镇";
    int64_t people = 0;
    Fen amount = 0;
    for (const auto& r : rows)
        if (r.programme == f.programme && r.status == "disbursed" && r.level == HardshipLevel::Special &&
            r.township == f.township) {
            ++people;
            amount += r.amountFen;
        }
    REQUIRE(people > 0);
    auto built = buildRoster(def, rows, f, zh(), options());
    REQUIRE(built.ok());
    CHECK(built->people == people);
    CHECK(built->amountFen == amount);
    CHECK(built->table.title == "2025年 免学费 分项目资助花名册");
    CHECK(built->table.subtitle.find("乡镇：归州镇") != std::string::npos);
    CHECK(built->table.subtitle.find("状态：已放款") != std::string::npos);
    f.year = 2024;
    CHECK(buildRoster(def, rows, f, zh(), options())->people == 0);
}

TEST_CASE("funds confirmation sheet: one line per school and programme, sums per township") {
    using test::rosterRow;
    std::vector<RosterRow> rows = {
        rosterRow("茅坪镇", "九里村", "茅坪镇中学", "甲", "2008-01-01", 100000, "国家助学金"),
        rosterRow("茅坪镇", "九里村", "茅坪镇中学", "乙", "2008-01-01", 150000, "国家助学金"),
        rosterRow("茅坪镇", "九里村", "茅坪镇中学", "丙", "2008-01-01", 60000, "免学费"),
        rosterRow("归州镇", "香溪村", "归州镇中学", "丁", "2008-01-01", 100000, "国家助学金"),
    };
    auto built = buildRoster(shipped("funds"), rows, {}, zh(), options());
    REQUIRE(built.ok());
    const Table& t = built->table;
    std::vector<std::vector<std::string>> data;
    for (const auto& r : t.rows)
        if (r.kind == RowKind::Data)
            data.push_back({cellText(r.cells[0], ColumnType::Text), cellText(r.cells[1], ColumnType::Text),
                            cellText(r.cells[2], ColumnType::Integer), cellText(r.cells[3], ColumnType::MoneyFen)});
    CHECK(data == std::vector<std::vector<std::string>>{{"归州镇中学", "国家助学金", "1", "1,000.00"},
                                                        {"茅坪镇中学", "国家助学金", "2", "2,500.00"},
                                                        {"茅坪镇中学", "免学费", "1", "600.00"}});
    const Row& total = t.rows.back();
    CHECK(std::get<int64_t>(total.cells[2]) == 4);
    CHECK(std::get<int64_t>(total.cells[3]) == 410000);
    CHECK(t.footnotes.at(0).find("盖章") != std::string::npos);
}

TEST_CASE("pre-application progress: pre-applied against signed, rate per school") {
    using test::rosterRow;
    std::vector<RosterRow> rows;
    for (int i = 0; i < 8; ++i) {
        auto r = rosterRow("茅坪镇", "九里村", "秭归一中", "生" + std::to_string(i), "2007-01-01", 800000,
                           "生源地信用助学贷款");
        r.preApplied = true;
        r.contractSigned = i < 6;
        rows.push_back(r);
    }
    auto late = rosterRow("茅坪镇", "九里村", "秭归一中", "未预申请", "2007-01-01", 500000, "生源地信用助学贷款");
    late.contractSigned = true; // signed without pre-applying: counts as signed, not as pre-applied
    rows.push_back(late);
    auto built = buildRoster(shipped("pre-application"), rows, {}, zh(), options());
    REQUIRE(built.ok());
    const Row* line = nullptr;
    for (const auto& r : built->table.rows)
        if (r.kind == RowKind::Data)
            line = &r;
    REQUIRE(line);
    CHECK(std::get<int64_t>(line->cells[1]) == 8);
    CHECK(std::get<int64_t>(line->cells[2]) == 7);
    CHECK(std::get<int64_t>(line->cells[3]) == 2);
    CHECK(std::get<std::string>(line->cells[4]) == "75.0%"); // 6 of the 8 who pre-applied
    CHECK(std::get<int64_t>(line->cells[5]) == 6 * 800000 + 500000);
}

TEST_CASE("daily contracts: only the day's signed contracts, ordered by contract number") {
    auto rows = test::generatedRows(3000);
    RosterFilter f;
    f.signingDate = "2025-08-15";
    auto built = buildRoster(shipped("daily-contracts"), rows, f, zh(), options());
    REQUIRE(built.ok());
    int64_t expected = 0;
    for (const auto& r : rows)
        expected += r.contractSigned && r.signingDate == "2025-08-15";
    REQUIRE(expected > 0);
    CHECK(built->people == expected);
    std::string prevTownship, prev;
    for (const auto& r : built->table.rows) {
        if (r.kind == RowKind::GroupHeader) {
            prev.clear();
            continue;
        }
        if (r.kind != RowKind::Data)
            continue;
        std::string number = std::get<std::string>(r.cells[1]);
        CHECK(number > prev);
        prev = number;
    }
    CHECK(built->table.subtitle.find("签约日期：2025-08-15") != std::string::npos);
}

namespace {

// A county at the end of its hardship review (school year 2025), one row per assessment. Only
// the four recognised ones may reach the wall: review finished (reviewed, publicized, filed)
// with a level. Issue #20 point 1; rule in assets/rosters/public-notice.json.
std::vector<RosterRow> endOfReview() {
    using test::rosterRow;
    auto row = [](const char* name, const char* status, HardshipLevel level) {
        auto r = rosterRow("茅坪镇", "九里村", "秭归县第一中学", name, "2007-05-01", 0);
        r.status = status;
        r.level = level;
        return r;
    };
    return {
        row("已评议甲", "reviewed", HardshipLevel::Special),
        row("已公示乙", "publicized", HardshipLevel::Fairly),
        row("已存档丙", "filed", HardshipLevel::General),
        row("已评议丁", "reviewed", HardshipLevel::General),
        row("草稿戊", "draft", HardshipLevel::Special),         // not yet submitted
        row("已提交己", "submitted", HardshipLevel::Fairly),    // waiting for review
        row("不困难庚", "reviewed", HardshipLevel::None),       // refused: reviewed as 不困难
        row("草稿无等级辛", "draft", HardshipLevel::None),
    };
}

} // namespace

TEST_CASE("public notice lists only the recognised: review finished, with a level") {
    auto built = buildRoster(shipped("public-notice"), endOfReview(), {}, zh(), options());
    REQUIRE(built.ok());
    std::string text = allText(built->table);
    CHECK(built->people == 4);
    CHECK(built->withheld == 0); // left out by the status and level rules, not by age
    for (const char* name : {"已评议甲", "已公示乙", "已存档丙", "已评议丁"})
        CHECK_MESSAGE(text.find(name) != std::string::npos, name);
    for (const char* name : {"草稿戊", "已提交己", "不困难庚", "草稿无等级辛"})
        CHECK_MESSAGE(text.find(name) == std::string::npos, name);
    CHECK(text.find("不困难") == std::string::npos);
    // The wall does not say which statuses were filtered.
    CHECK(built->table.subtitle.find("状态") == std::string::npos);

    // A caller may narrow the list, never widen it: asking for drafts gives nobody.
    RosterFilter drafts;
    drafts.statuses = {"draft", "submitted"};
    auto none = buildRoster(shipped("public-notice"), endOfReview(), drafts, zh(), options());
    REQUIRE(none.ok());
    CHECK(none->people == 0);
    RosterFilter notDifficult;
    notDifficult.level = HardshipLevel::None;
    CHECK(buildRoster(shipped("public-notice"), endOfReview(), notDifficult, zh(), options())->people == 0);
    RosterFilter publicised;
    publicised.statuses = {"publicized"};
    CHECK(buildRoster(shipped("public-notice"), endOfReview(), publicised, zh(), options())->people == 1);

    // The staff's review roster still sees every assessment.
    CHECK(buildRoster(shipped("review-staff"), endOfReview(), {}, zh(), options())->people == 8);
}

TEST_CASE("validate refuses a public roster without the status and level filters") {
    RosterDefinition def = shipped("public-notice");
    CHECK(def.statuses == std::vector<std::string>{"reviewed", "publicized", "filed"});
    CHECK(def.levels == std::vector<std::string>{"general", "fairly", "special"});

    def.statuses.clear();
    auto st = validate(def, "public-notice.json");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "reports.roster.public_needs_filter");
    CHECK(st.error().args.at("filter") == "statuses");
    CHECK(zh().format(st.error()).find("公示花名册必须限定 statuses") != std::string::npos);
    CHECK_FALSE(buildRoster(def, endOfReview(), {}, zh(), options()).ok());

    def = shipped("public-notice");
    def.statuses.push_back("submitted");
    st = validate(def, "x");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().key == "reports.roster.public_status");
    CHECK(st.error().args.at("status") == "submitted");

    def = shipped("public-notice");
    def.levels.clear();
    CHECK(validate(def, "x").error().args.at("filter") == "levels");
    def.levels = {"none", "special"};
    CHECK(validate(def, "x").error().key == "reports.roster.public_level_none");
    def.levels = {"very"};
    CHECK(validate(def, "x").error().key == "reports.roster.bad_definition");

    // A county's file that drops the filters is refused when read.
    auto parsed = parseDefinition(R"({"kind":"public-notice","title":"reports.roster.public_notice.title",
        "public":true,"minimum_age":14,"notice_days":{"min":5,"max":7,"default":5},
        "columns":["seq","name","school","level"]})", "public-notice.json");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().key == "reports.roster.public_needs_filter");
    // ... and one without its posting days.
    parsed = parseDefinition(R"({"kind":"public-notice","title":"reports.roster.public_notice.title",
        "public":true,"minimum_age":14,"statuses":["reviewed"],"levels":["special"],
        "columns":["seq","name","school","level"]})", "public-notice.json");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().key == "reports.roster.bad_definition");
}

TEST_CASE("the review group's roster shows no priority group and no amount; staff keep theirs") {
    RosterDefinition group = shipped("review");
    CHECK(group.reviewGroup);
    auto built = buildRoster(group, smallCounty(), {}, zh(), options());
    REQUIRE(built.ok());
    std::string text = allText(built->table);
    CHECK(text.find("周小童") != std::string::npos); // everyone under review, children too
    for (const char* hidden : {"城乡低保", "困难类型", "金额", "2,000.00", "420527", "13907170000"})
        CHECK_MESSAGE(text.find(hidden) == std::string::npos, hidden);
    CHECK(text.find("比较困难") != std::string::npos);

    for (const char* key : {"priority_group", "amount", "income", "id_number", "health"}) {
        RosterDefinition def = shipped("review");
        def.columns.push_back(key);
        auto st = validate(def, "review.json");
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().key == "reports.roster.review_group_column");
        CHECK(zh().format(st.error()).find(std::string("“") + key + "”") != std::string::npos);
    }

    auto staff = buildRoster(shipped("review-staff"), smallCounty(), {}, zh(), options());
    REQUIRE(staff.ok());
    std::string staffText = allText(staff->table);
    CHECK(staffText.find("城乡低保") != std::string::npos);
    CHECK(staffText.find("2,000.00") != std::string::npos);
    CHECK(staffText.find("不得交给评议小组") != std::string::npos);
}

TEST_CASE("notice days: 5 to 7 whole days (seed 003), 5 unless given") {
    RosterDefinition def = shipped("public-notice");
    CHECK(noticeDays(def, "").value() == 5);
    CHECK(noticeDays(def, "5").value() == 5);
    CHECK(noticeDays(def, "6").value() == 6);
    CHECK(noticeDays(def, "7").value() == 7);
    for (const char* bad : {"4", "8", "0", "-5", "5天", "five", " 5", "5.5", "99999999999", "七"}) {
        auto d = noticeDays(def, bad);
        REQUIRE_FALSE_MESSAGE(d.ok(), bad);
        CHECK(d.error().key == "reports.roster.bad_notice_days");
        CHECK(zh().format(d.error()).find("5 到 7") != std::string::npos);
    }
    // The footnote carries the days chosen.
    BuildOptions o = options();
    o.noteArgs["days"] = std::to_string(noticeDays(def, "7").value());
    auto built = buildRoster(def, endOfReview(), {}, zh(), o);
    REQUIRE(built.ok());
    CHECK(built->table.footnotes.at(0).find("公示期为 7 个工作日") != std::string::npos);
    // An internal roster has no posting days.
    CHECK_FALSE(noticeDays(shipped("review"), "5").ok());
}

TEST_CASE("under 14: 满14周岁 begins the day after the 14th birthday (民法典 art. 201)") {
    using test::rosterRow;
    // Notice made on 2025-09-10 (options()).
    std::vector<RosterRow> rows = {
        rosterRow("茅坪镇", "九里村", "秭归县第一中学", "生日当天", "2011-09-10", 0), // 14th birthday today: withheld
        rosterRow("茅坪镇", "九里村", "秭归县第一中学", "生日次日", "2011-09-09", 0), // from today 满14周岁
        rosterRow("茅坪镇", "九里村", "秭归县第一中学", "明天生日", "2011-09-11", 0), // 13 years old
    };
    auto built = buildRoster(shipped("public-notice"), rows, {}, zh(), options());
    REQUIRE(built.ok());
    std::string text = allText(built->table);
    CHECK(built->people == 1);
    CHECK(built->withheld == 2);
    CHECK(text.find("生日次日") != std::string::npos);
    CHECK(text.find("生日当天") == std::string::npos);
    CHECK(text.find("明天生日") == std::string::npos);
    // Born 29 Feb: in a common year the period ends on 28 Feb (art. 202, 月末日), so 满14周岁
    // from 1 March.
    BuildOptions o = options();
    rows = {rosterRow("茅坪镇", "九里村", "秭归县第一中学", "闰日生", "2012-02-29", 0)};
    o.today = {2026, 2, 28};
    CHECK(buildRoster(shipped("public-notice"), rows, {}, zh(), o)->people == 0);
    o.today = {2026, 3, 1};
    CHECK(buildRoster(shipped("public-notice"), rows, {}, zh(), o)->people == 1);
}
