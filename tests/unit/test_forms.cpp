// Forms as data: the shipped indicator tables and home-visit form parse and score as their
// descriptions say; relevance, computed values and validation per field; invalid definitions are
// refused with the file, the field and the reason.
#include "client/core/forms/form_instance.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/paths.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace zhuxue;
using namespace zhuxue::core;
using namespace zhuxue::core::forms;
using nlohmann::json;

namespace {
const Catalog& zh() {
    static const Catalog c = *loadCatalog(assetsDir(), "zh-CN");
    return c;
}
const Catalog& en() {
    static const Catalog c = *loadCatalog(assetsDir(), "en");
    return c;
}

// Every message must exist in both languages and have all its placeholders filled.
void expectReadable(const Error& e) {
    CHECK_MESSAGE(zh().has(e.key), "zh-CN lacks ", e.key);
    CHECK_MESSAGE(en().has(e.key), "en lacks ", e.key);
    CHECK_MESSAGE(zh().format(e).find('{') == std::string::npos, zh().format(e));
    CHECK_MESSAGE(en().format(e).find('{') == std::string::npos, en().format(e));
}

std::string readAsset(const std::string& name) {
    std::ifstream in(assetsDir() / "forms" / name);
    REQUIRE_MESSAGE(in, "missing ", name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

FormDefinition shipped(const std::string& name) {
    auto def = parseFormDefinition(readAsset(name), name);
    if (!def.ok())
        FAIL(zh().format(def.error()));
    return *def;
}

// A one-off definition around the given fields (and levels / score groups when given).
json form(json fields, json extra = json::object()) {
    json d = {{"form_format", 1},
              {"id", "test.form"},
              {"version", 1},
              {"kind", "questionnaire"},
              {"title", {{"zh-CN", "测试"}, {"en", "Test"}}},
              {"fields", std::move(fields)}};
    for (auto& [k, v] : extra.items())
        d[k] = v;
    return d;
}
json field(const char* id, const char* type, json extra = json::object()) {
    json f = {{"id", id}, {"type", type}, {"label", {{"zh-CN", id}, {"en", id}}}};
    for (auto& [k, v] : extra.items())
        f[k] = v;
    return f;
}
json options(std::initializer_list<const char*> ids) {
    json a = json::array();
    for (auto id : ids)
        a.push_back({{"id", id}, {"label", {{"zh-CN", id}}}});
    return a;
}

FormDefinition parsed(const json& d) {
    auto def = parseFormDefinition(d.dump(), "test.json");
    if (!def.ok())
        FAIL(zh().format(def.error()));
    return *def;
}
Error refused(const json& d) {
    auto def = parseFormDefinition(d.dump(), "bad.json");
    REQUIRE_FALSE(def.ok());
    CHECK(def.error().args.at("file") == "bad.json");
    expectReadable(def.error());
    return def.error();
}
} // namespace

TEST_CASE("the shipped forms parse, and every text is in Chinese and English") {
    for (const char* name :
         {"hardship_county_standard.json", "hardship_college_example.json", "home_visit.json"}) {
        CAPTURE(name);
        auto def = shipped(name);
        CHECK_FALSE(def.title.zh.empty());
        // Walk the raw JSON: every label, help and option label has both languages.
        std::function<void(const json&)> walk = [&](const json& node) {
            if (node.is_object()) {
                for (auto& [k, v] : node.items()) {
                    if ((k == "label" || k == "help" || k == "title" || k == "description") &&
                        v.is_object()) {
                        CHECK_MESSAGE(!v.value("zh-CN", "").empty(), name, " ", v.dump());
                        CHECK_MESSAGE(!v.value("en", "").empty(), name, " ", v.dump());
                    }
                    walk(v);
                }
            } else if (node.is_array()) {
                for (auto& v : node)
                    walk(v);
            }
        };
        walk(json::parse(readAsset(name)));
    }
    auto county = shipped("hardship_county_standard.json");
    REQUIRE(county.levels.size() == 4);
    CHECK(county.levels[0].label.zh == "特别困难");
    CHECK(county.levels[1].label.zh == "比较困难");
    CHECK(county.levels[2].label.zh == "一般困难");
    CHECK(county.levels[3].label.zh == "不困难");
    CHECK(shipped("home_visit.json").kind == "home_visit");
    CHECK_FALSE(shipped("home_visit.json").scored());
}

TEST_CASE("county indicator table: points per indicator, group caps, level by cut-off") {
    auto def = shipped("hardship_county_standard.json");
    json answers = {{"family_structure", "single_parent"}, // 12
                    {"location", "remote_village"},        // 10 → family 22
                    {"family_health", "chronic_illness"},  // 5
                    {"medical_cost", 800000},         // ¥8,000 → band < 10,000: 5 → health 10
                    {"parents_work", "migrant_work"}, // 8
                    {"household_size", 4},
                    {"household_income", "20,000"}, // per capita ¥5,000 → 15 → work 23
                    {"disaster", "minor_loss"},     // 3
                    {"siblings_in_school", 0},      // 0 → shocks 3
                    {"commitment", "agreed"}};
    auto r = evaluateForm(def, answers);
    for (auto& f : r.findings.all())
        FAIL(f.field, ": ", zh().format(f.message));
    CHECK(r.values["per_capita_income"] == 500000);
    CHECK(r.fieldScores.at("per_capita_income") == Decimal::fromInt(15));
    CHECK(r.groupScores.at("family") == Decimal::fromInt(22));
    CHECK(r.groupScores.at("health") == Decimal::fromInt(10));
    CHECK(r.groupScores.at("work_income") == Decimal::fromInt(23));
    CHECK(r.groupScores.at("shocks") == Decimal::fromInt(3));
    CHECK(r.totalScore == Decimal::fromInt(58));
    CHECK(r.level == "relatively_difficult"); // 45 ≤ 58 < 60
    CHECK_FALSE(r.levelDirect);
    CHECK(r.priorityGroups.empty());

    // Poorer: per capita ¥3,000 → 20 points, total 63 → 特别困难.
    answers["household_income"] = 1200000;
    r = evaluateForm(def, answers);
    CHECK(r.totalScore == Decimal::fromInt(63));
    CHECK(r.level == "particularly_difficult");

    // All healthy: the medical cost question is skipped, its answer and points ignored.
    answers["family_health"] = "all_healthy";
    r = evaluateForm(def, answers);
    CHECK_FALSE(r.relevant("medical_cost"));
    CHECK_FALSE(r.values.contains("medical_cost"));
    CHECK(r.fieldScores.count("medical_cost") == 0);
    CHECK(r.totalScore == Decimal::fromInt(53));

    // Low score with a wealthy per-capita income: not in difficulty.
    json comfortable = {{"family_structure", "both_parents"},
                        {"location", "city"},
                        {"family_health", "all_healthy"},
                        {"parents_work", "stable_job"},
                        {"household_size", 3},
                        {"household_income", 9000000},
                        {"disaster", "none"},
                        {"siblings_in_school", 0},
                        {"commitment", "agreed"}};
    r = evaluateForm(def, comfortable);
    CHECK(r.complete());
    CHECK(r.totalScore == Decimal::fromInt(0));
    CHECK(r.level == "not_difficult");
}

TEST_CASE("priority groups are identified directly, whatever the score") {
    auto def = shipped("hardship_county_standard.json");
    json answers = {{"priority_groups", {"dibao"}}, {"family_structure", "both_parents"},
                    {"location", "city"},           {"family_health", "all_healthy"},
                    {"parents_work", "stable_job"}, {"household_size", 3},
                    {"household_income", 9000000},  {"disaster", "none"},
                    {"siblings_in_school", 0},      {"commitment", "agreed"}};
    auto r = evaluateForm(def, answers);
    CHECK(r.complete());
    CHECK(r.level == "particularly_difficult");
    CHECK(r.levelDirect);
    CHECK(r.priorityGroups == std::vector<std::string>{"dibao"});

    answers["priority_groups"] = {"children_in_plight"};
    r = evaluateForm(def, answers);
    CHECK(r.level == "relatively_difficult");
    CHECK(r.levelDirect);
    // Several groups: the highest level wins.
    answers["priority_groups"] = {"children_in_plight", "orphan"};
    r = evaluateForm(def, answers);
    CHECK(r.level == "particularly_difficult");
    CHECK(r.priorityGroups.size() == 2);
}

TEST_CASE("a priority group raises the level to its own, never caps it (issue #20 point 11)") {
    auto def = shipped("hardship_county_standard.json");
    // A child in particular plight (county table: identified directly as 比较困难) whose answers
    // alone score 特别困难: orphaned, remote village, serious illness, unable to work, no income.
    json answers = {{"priority_groups", {"children_in_plight"}}, {"family_structure", "both_parents_deceased"},
                    {"location", "remote_village"},             {"family_health", "serious_illness"},
                    {"parents_work", "unable_to_work"},         {"household_size", 3},
                    {"household_income", 0},                    {"disaster", "serious_loss"},
                    {"siblings_in_school", 2},                  {"commitment", "agreed"}};
    auto scoredOnly = answers;
    scoredOnly["priority_groups"] = json::array();
    auto byScore = evaluateForm(def, scoredOnly);
    for (auto& f : byScore.findings.all())
        FAIL(f.field, ": ", zh().format(f.message));
    REQUIRE(byScore.level == "particularly_difficult");
    auto r = evaluateForm(def, answers);
    CHECK(r.level == "particularly_difficult"); // was 比较困难: the group capped the score
    CHECK_FALSE(r.levelDirect);                 // the score decided
    CHECK(r.priorityGroups == std::vector<std::string>{"children_in_plight"});

    // The college table scores every priority group 100 (DOMAIN §3), which its cut-offs make
    // 特别困难 (≥ 70); each group's direct level says the same.
    auto college = shipped("hardship_college_example.json");
    // Issue #20 point 12: the groups as the sources word them, the student's own illness too.
    for (const char* group :
         {"children_in_plight", "martyr_child", "needy_military_family_child", "disabled_veteran_child",
          "needy_worker", "sudden_hardship", "dibao", "disabled_student", "student_serious_illness",
          "needy_disabled_parent_child"}) {
        CAPTURE(group);
        json a = {{"priority_groups", {group}}, {"father_work", "stable_job"}, {"mother_work", "stable_job"},
                  {"medical_cost", 0}, {"members", json::array()}};
        auto c = evaluateForm(college, a);
        CHECK(c.groupScores.at("direct") == Decimal::fromInt(100));
        CHECK(c.level == "particularly_difficult");
    }
}

TEST_CASE("college table: direct 100, parents' work ≤ 50, medical ≤ 10, members' health ≤ 40") {
    auto def = shipped("hardship_college_example.json");
    auto member = [](const char* name, const char* relation, const char* health) {
        return json{{"name", name}, {"relation", relation}, {"health", health}};
    };
    json answers = {
        {"father_work", "farming"},            // 20
        {"mother_work", "deceased_or_unable"}, // 25 → parents' work 45
        {"medical_cost", 2500000},             // ¥25,000 → 10
        {"members",
         {member("李𠀾", "self", "healthy"), member("李父", "father", "serious_illness"),
          member("王奶奶", "grandparent", "chronic_illness")}},
        {"commitment", "agreed"}}; // required since the table has a commitment (issue #20.13)
    auto r = evaluateForm(def, answers);
    for (auto& f : r.findings.all())
        FAIL(f.field, ": ", zh().format(f.message));
    CHECK(r.values["members_seriously_ill"] == 1); // → 25
    CHECK(r.values["members_chronic"] == 1);       // → 10
    CHECK(r.groupScores.at("parents_work") == Decimal::fromInt(45));
    CHECK(r.groupScores.at("medical") == Decimal::fromInt(10));
    CHECK(r.groupScores.at("members_health") == Decimal::fromInt(35));
    CHECK(r.totalScore == Decimal::fromInt(90));
    CHECK(r.level == "particularly_difficult");
    CHECK(r.values["members"][0]["name"] == "李𠀾"); // a name outside the BMP kept whole

    // Members' health is capped at 40: two seriously ill (40) + two chronic (20) = 60 → 40.
    answers["members"] = {member("a", "self", "serious_illness"), member("b", "father", "disabled"),
                          member("c", "mother", "chronic_illness"),
                          member("d", "grandparent", "chronic_illness")};
    r = evaluateForm(def, answers);
    CHECK(r.groupScores.at("members_health") == Decimal::fromInt(40));
    CHECK(r.totalScore == Decimal::fromInt(95));

    // Two priority groups score 100, not 200, and identify the level directly.
    answers["priority_groups"] = {"dibao", "disabled_student"};
    r = evaluateForm(def, answers);
    CHECK(r.fieldScores.at("priority_groups") == Decimal::fromInt(100));
    CHECK(r.groupScores.at("direct") == Decimal::fromInt(100));
    CHECK(r.levelDirect);

    // A family with little hardship.
    json light = {{"father_work", "stable_job"},
                  {"mother_work", "farming"},
                  {"medical_cost", 300000},
                  {"members", {member("a", "self", "healthy"), member("b", "mother", "healthy")}}};
    r = evaluateForm(def, light);
    CHECK(r.totalScore == Decimal::fromInt(20));
    CHECK(r.level == "generally_difficult");
}

TEST_CASE("home visit: household members, computed income against the dibao line, skip logic") {
    auto def = shipped("home_visit.json");
    const std::string sig(64, 'a');
    auto person = [](const char* name, int age, const char* relation, const char* occupation,
                     json income, const char* health) {
        json m = {{"name", name},
                  {"age", age},
                  {"relation", relation},
                  {"occupation", occupation},
                  {"health", health}};
        if (!income.is_null())
            m["annual_income"] = income;
        return m;
    };
    json answers = {
        {"visit_date", "2025-07-12"},
        {"method", "in_person"},
        {"visitors",
         {{{"visitor_name", "张老师"},
           {"visitor_role", "school_teacher"},
           {"visitor_signature", sig}},
          {{"visitor_name", "覃书记"},
           {"visitor_role", "village_cadre"},
           {"visitor_signature", sig}}}},
        {"address", "湖北省宜昌市秭归县某镇某村3组"},
        {"members",
         {person("覃某", 18, "self", "student", 50000, "healthy"), // student: income skipped
          person("覃父", 45, "father", "farming", "12,000", "healthy"),
          person("向母", 44, "mother", "migrant_work", 1800000, "chronic_illness"),
          person("覃奶奶", 72, "grandparent", "unable_to_work", 0, "serious_illness")}},
        {"income_sources", {"farming", "migrant_work", "subsidies"}},
        {"other_income", 240000},
        {"local_dibao_line", 60000}, // ¥600 a month
        {"debts", 0},
        {"housing_type", "own_brick"},
        {"housing_condition", "fair"},
        {"vehicles", {"e_bike"}},
        {"disaster", "none"},
        {"observations", "住房为两层砖混房，家具简单；祖母长期卧床。"},
        {"recommended_level", "relatively_difficult"},
        {"guardian_signature", sig}};
    auto r = evaluateForm(def, answers);
    for (auto& f : r.findings.all())
        FAIL(f.field, ": ", zh().format(f.message));
    CHECK_FALSE(r.relevant("members[0].annual_income"));
    CHECK(r.relevant("members[1].annual_income"));
    CHECK(r.values["members"][1]["annual_income"] == 1200000);
    CHECK(r.values["household_size"] == 4);
    // 12,000 + 18,000 + 0 members + 2,400 other = ¥32,400; per capita ¥8,100.
    CHECK(r.values["household_income"] == 3240000);
    CHECK(r.values["per_capita_income"] == 810000);
    // ¥8,100 / (¥600 × 12) = 1.125 → rounded half-up to 1.13.
    CHECK(r.values["income_to_dibao_ratio"] == "1.13");
    CHECK(r.values["members_unable_to_work"] == 1);
    CHECK_FALSE(r.relevant("debt_reason"));
    CHECK_FALSE(r.relevant("disaster_loss"));
    CHECK_FALSE(r.relevant("certificates_checked"));
    CHECK_FALSE(r.relevant("car_note"));
    CHECK_FALSE(r.level); // a home visit is not scored

    // Debts make their reason required; a disaster its loss; a claimed group the certificate check.
    answers["debts"] = "30000";
    answers["disaster"] = "natural_disaster";
    answers["priority_groups_claimed"] = {"dibao"};
    answers["vehicles"] = {"car"};
    r = evaluateForm(def, answers);
    for (const char* path : {"debt_reason", "disaster_loss", "certificates_checked", "car_note"}) {
        CAPTURE(path);
        auto* f = r.findings.find("forms.answer.required");
        REQUIRE(f);
        bool found = false;
        for (auto& x : r.findings.all())
            found = found || (x.field == path && x.message.key == "forms.answer.required");
        CHECK(found);
    }

    // Nothing answered: each required field says so, by path.
    r = evaluateForm(def, json::object());
    CHECK_FALSE(r.complete());
    for (const char* path : {"visit_date", "visitors", "members", "address", "local_dibao_line",
                             "observations", "recommended_level", "guardian_signature"}) {
        bool found = false;
        for (auto& x : r.findings.all())
            found = found || (x.field == path && x.message.key == "forms.answer.required");
        CHECK_MESSAGE(found, path);
    }
    for (auto& f : r.findings.all())
        expectReadable(f.message);
}

TEST_CASE("answers are checked per field with messages a volunteer understands") {
    auto def = parsed(
        form({field("age", "number", {{"min", 0}, {"max", 120}, {"required", true}}),
              field("income", "money", {{"min", 0}}), field("day", "date"),
              field("color", "single_choice", {{"options", options({"red", "blue"})}}),
              field("tags", "multiple_choice", {{"options", options({"a", "b"})}}),
              field("note", "text", {{"max_length", 4}}), field("sig", "signature"),
              field("kids", "repeat", {{"max_count", 2}, {"fields", {field("kid_age", "number")}}}),
              field("rooms", "number",
                    {{"constraint", ". <= age"},
                     {"constraint_message",
                      {{"zh-CN", "房间数不能多于年龄"}, {"en", "No more rooms than years"}}}})}));
    auto keyAt = [](const FormEvaluation& r, const std::string& path) {
        for (auto& f : r.findings.all())
            if (f.field == path)
                return f.message.key;
        return std::string();
    };
    auto r = evaluateForm(def, {{"age", "abc"},
                                {"income", "1.234"},
                                {"day", "2024-02-30"},
                                {"color", "green"},
                                {"tags", {"a", "c"}},
                                {"note", "五个汉字啊"},
                                {"sig", "not-a-hash"},
                                {"kids", {{{"kid_age", 1}}, {{"kid_age", 2}}, {{"kid_age", 3}}}},
                                {"rooms", 5}});
    CHECK(keyAt(r, "age") == "forms.answer.not_a_number");
    CHECK(keyAt(r, "income") == "forms.answer.not_money");
    CHECK(keyAt(r, "day") == "forms.answer.not_a_date");
    CHECK(keyAt(r, "color") == "forms.answer.unknown_option");
    CHECK(keyAt(r, "tags") == "forms.answer.unknown_option");
    CHECK(keyAt(r, "note") == "forms.answer.too_long");
    CHECK(keyAt(r, "sig") == "forms.answer.not_an_attachment");
    CHECK(keyAt(r, "kids") == "forms.answer.too_many_rows");
    CHECK(keyAt(r, "rooms") == "forms.answer.constraint"); // age is unknown: "." <= null fails
    for (auto& f : r.findings.all())
        expectReadable(f.message);

    r = evaluateForm(def, {{"age", 130}, {"income", -5}, {"note", "四个汉字"}, {"rooms", 200}});
    CHECK(keyAt(r, "age") == "forms.answer.above_max");
    CHECK(keyAt(r, "income") == "forms.answer.below_min");
    CHECK(keyAt(r, "note").empty()); // four characters, twelve bytes: fits max_length 4
    auto constraint = r.findings.find("forms.answer.constraint");
    REQUIRE(constraint);
    CHECK(zh().format(constraint->message) == "房间数不能多于年龄");
    CHECK(en().format(constraint->message) == "No more rooms than years");

    r = evaluateForm(def,
                     {{"age", "30.5"}, {"income", "¥1,234.5"}, {"rooms", 3}, {"tags", {"b", "b"}}});
    CHECK(r.complete());
    CHECK(r.values["age"] == "30.5");
    CHECK(r.values["income"] == 123450);
    CHECK(r.values["tags"] == json{"b"});
}

TEST_CASE("the expression language: arithmetic, logic, null and group functions") {
    auto def = parsed(form(
        {field("a", "number"), field("b", "number"),
         field("members", "repeat",
               {{"fields",
                 {field("age", "number"),
                  field("sex", "single_choice", {{"options", options({"m", "f"})}})}}}),
         field("c1", "number", {{"computed", "a + b * 2 - -1"}}),
         field("c2", "number", {{"computed", "(a + b) * 2 / 3"}}),
         field("c3", "number", {{"computed", "sum(members, age) / count(members)"}}),
         field("c4", "number", {{"computed", "count(members, selected(sex, 'f') and age < 18)"}}),
         field("c5", "number",
               {{"computed", "if(a > b or not answered(b), min(a, b), max(a, b, 100))"}}),
         field("c6", "number", {{"computed", "a / (b - b)"}}),
         field("c7", "text", {{"computed", "if(a >= 3, 'big', 'small')"}}),
         field("shown", "text", {{"relevant", "c1 = 9 and c7 != 'small'"}, {"required", true}})}));
    json answers = {
        {"a", 3},
        {"b", 2},
        {"members",
         {{{"age", 40}, {"sex", "m"}}, {{"age", 12}, {"sex", "f"}}, {{"age", 17}, {"sex", "f"}}}}};
    auto r = evaluateForm(def, answers);
    CHECK(r.values["c1"] == 8);        // 3 + 4 + 1
    CHECK(r.values["c2"] == "3.3333"); // 10 / 3 rounded half-up to 4 decimals
    CHECK(r.values["c3"] == 23);       // 69 / 3
    CHECK(r.values["c4"] == 2);
    CHECK(r.values["c5"] == 2);           // 3 > 2: min(3, 2)
    CHECK_FALSE(r.values.contains("c6")); // division by zero is no value, not a crash
    CHECK(r.values["c7"] == "big");
    CHECK_FALSE(r.relevant("shown")); // c1 is 8

    answers["a"] = 4; // c1 = 9 → "shown" appears and is required
    r = evaluateForm(def, answers);
    CHECK(r.relevant("shown"));
    CHECK(r.findings.has("forms.answer.required"));

    answers.erase("b"); // null: arithmetic gives null, min/max skip it
    r = evaluateForm(def, answers);
    CHECK_FALSE(r.values.contains("c1"));
    CHECK(r.values["c5"] == 4); // not answered(b): min(4, null) = 4
}

TEST_CASE("invalid definitions are refused with the file, the field and the reason") {
    auto e = refused(form({field("a", "slider")}));
    CHECK(e.key == "forms.def.unknown_type");
    CHECK(e.args.at("field") == "a");
    CHECK(e.args.at("type") == "slider");

    e = refused(form({field("a", "text"), field("a", "number")}));
    CHECK(e.key == "forms.def.duplicate_id");
    e = refused(
        form({field("g", "repeat", {{"fields", {field("a", "text")}}}), field("a", "text")}));
    CHECK(e.key == "forms.def.duplicate_id");

    e = refused(form({field("a", "number"), field("b", "number", {{"computed", "a + * 2"}})}));
    CHECK(e.key == "forms.expr.unexpected");
    CHECK(e.args.at("field") == "b");
    CHECK(e.args.at("property") == "computed");
    CHECK(e.args.at("position") == "5");
    CHECK(e.args.at("found") == "*");

    e = refused(form({field("b", "number", {{"computed", "nosuch + 1"}})}));
    CHECK(e.key == "forms.expr.unknown_field");
    CHECK(e.args.at("name") == "nosuch");
    CHECK(e.args.at("position") == "1");

    e = refused(form({field("a", "text", {{"relevant", "b > 1"}}), field("b", "number")}));
    CHECK(e.key == "forms.expr.forward_reference");
    CHECK(e.args.at("name") == "b");

    e = refused(form({field("a", "number"), field("b", "number", {{"relevant", "(a > 1"}})}));
    CHECK(e.key == "forms.expr.unexpected_end");

    e = refused(form({field("a", "number"), field("b", "text", {{"relevant", "a = 'x"}})}));
    CHECK(e.key == "forms.expr.unterminated_string");
    CHECK(e.args.at("position") == "5");

    e = refused(form({field("a", "number"), field("b", "number", {{"computed", "avg(a)"}})}));
    CHECK(e.key == "forms.expr.unknown_function");
    e = refused(form({field("a", "number"), field("b", "number", {{"computed", "round(a)"}})}));
    CHECK(e.key == "forms.expr.arity");
    e = refused(form({field("a", "text"), field("b", "number", {{"computed", "a + 1"}})}));
    CHECK(e.key == "forms.expr.type");
    e = refused(form({field("c", "single_choice", {{"options", options({"x"})}}),
                      field("b", "text", {{"relevant", "selected(c, 'y')"}})}));
    CHECK(e.key == "forms.expr.unknown_option");
    CHECK(e.args.at("option") == "y");
    e = refused(form({field("g", "repeat", {{"fields", {field("age", "number")}}}),
                      field("b", "number", {{"computed", "age + 1"}})}));
    CHECK(e.key == "forms.expr.row_field_outside_group");
    e = refused(form({field("g", "repeat", {{"fields", {field("age", "number")}}}),
                      field("b", "number", {{"computed", "g + 1"}})}));
    CHECK(e.key == "forms.expr.group_as_value");
    e = refused(form({field("a", "number", {{"relevant", ". > 1"}})}));
    CHECK(e.key == "forms.expr.self_not_allowed");
    // Position counts characters, not bytes.
    e = refused(form({field("a", "text"), field("b", "text", {{"relevant", "a = '张三' and ?"}})}));
    CHECK(e.args.at("position") == "14");

    const json levels = {
        {{"id", "high"}, {"label", {{"zh-CN", "高"}}}, {"hardship_level", "special"}, {"min_score", 40}},
        {{"id", "low"}, {"label", {{"zh-CN", "低"}}}, {"hardship_level", "general"}, {"min_score", 60}}};
    e = refused(form({field("a", "number")}, {{"levels", levels}}));
    CHECK(e.key == "forms.def.cutoffs_not_ordered");
    CHECK(e.args.at("level") == "low");

    json okLevels = {
        {{"id", "high"}, {"label", {{"zh-CN", "高"}}}, {"hardship_level", "special"}, {"min_score", 60}}};
    json directTo = {{"id", "x"}, {"label", {{"zh-CN", "x"}}}, {"direct_level", "nowhere"}};
    e = refused(
        form({field("p", "multiple_choice", {{"options", {directTo}}})}, {{"levels", okLevels}}));
    CHECK(e.key == "forms.def.unknown_level");
    CHECK(e.args.at("level") == "nowhere");

    e = refused(form(
        {field("a", "single_choice", {{"options", options({"x"})}, {"score_group", "nope"}})}));
    CHECK(e.key == "forms.def.unknown_score_group");
    e = refused(form({field("a", "text", {{"options", options({"x"})}})}));
    CHECK(e.key == "forms.def.not_for_type");
    CHECK(e.args.at("key") == "options");
    e = refused(form({field("a", "single_choice", {{"options", json::array()}})}));
    CHECK(e.key == "forms.def.no_options");
    e = refused(form({field("a", "single_choice", {{"options", options({"x", "x"})}})}));
    CHECK(e.key == "forms.def.duplicate_option");
    e = refused(form({field(
        "g", "repeat", {{"fields", {field("h", "repeat", {{"fields", {field("x", "text")}}})}}})}));
    CHECK(e.key == "forms.def.nested_repeat");
    e = refused(form(
        {field("a", "number",
               {{"score_bands", {{{"below", 10}, {"score", 1}}, {{"below", 5}, {"score", 2}}}}})}));
    CHECK(e.key == "forms.def.bands_not_ordered");
    e = refused(form({field("A-1", "number")}));
    CHECK(e.key == "forms.def.bad_id");
    e = refused(form({field("a", "number", {{"requird", true}})}));
    CHECK(e.key == "forms.def.unknown_field");
    CHECK(e.args.at("field") == "a.requird");
    e = refused(form({field("a", "number", {{"constraint", ". > 0"}})}));
    CHECK(e.key == "forms.def.constraint_message_missing");
    e = refused(form({field("a", "number", {{"min", 5}, {"max", 1}})}));
    CHECK(e.key == "forms.def.min_above_max");
    e = refused(form({field("a", "number", {{"relevant", "1 + 2"}})}));
    CHECK(e.key == "forms.def.not_a_condition");
    e = refused(form(json::array()));
    CHECK(e.key == "forms.def.no_fields");
    auto missing = form({field("a", "number")});
    missing.erase("title");
    CHECK(refused(missing).key == "forms.def.missing_field");
    // A hostile definition cannot exhaust the stack.
    e = refused(form({field("a", "number"), field("b", "number",
                                                  {{"computed", std::string(5000, '(') + "a" +
                                                                    std::string(5000, ')')}})}));
    CHECK(e.key == "forms.expr.too_deep");
    e = refused(form({field("a", "number"),
                      field("b", "number", {{"computed", std::string(5000, '-') + "a"}})}));
    CHECK(e.key == "forms.expr.too_deep");
    auto notJson = parseFormDefinition("{\"form_format\": 1,", "broken.json");
    REQUIRE_FALSE(notJson.ok());
    CHECK(notJson.error().key == "forms.def.not_json");
    CHECK(notJson.error().args.at("file") == "broken.json");
}

// Issue #20 point 14. Each form level states the hardship level it records; nothing is taken
// from a level's id or its position.
TEST_CASE("form levels name their hardship level explicitly") {
    for (const char* name : {"hardship_county_standard.json", "hardship_college_example.json"}) {
        CAPTURE(name);
        auto def = shipped(name);
        REQUIRE(def.levels.size() == 4);
        CHECK(def.levels[0].hardship == HardshipLevel::Special);
        CHECK(def.levels[1].hardship == HardshipLevel::Fairly);
        CHECK(def.levels[2].hardship == HardshipLevel::General);
        CHECK(def.levels[3].hardship == HardshipLevel::None);
        CHECK(def.hardshipLevel(std::nullopt) == HardshipLevel::None);
        CHECK(def.hardshipLevel(std::string("nowhere")) == HardshipLevel::None);
    }
    // The county worked example (58 points → 比较困难) records Fairly.
    auto county = shipped("hardship_county_standard.json");
    auto r = evaluateForm(county, {{"family_structure", "single_parent"}, {"location", "remote_village"},
                                   {"family_health", "chronic_illness"}, {"medical_cost", 800000},
                                   {"parents_work", "migrant_work"},     {"household_size", 4},
                                   {"household_income", 2000000},       {"disaster", "minor_loss"},
                                   {"siblings_in_school", 0},           {"commitment", "agreed"}});
    CHECK(r.totalScore == Decimal::fromInt(58));
    CHECK(r.level == "relatively_difficult");
    CHECK(r.hardshipLevel == HardshipLevel::Fairly);

    // A school's two-level table: 特别困难 ≥ 60, 困难 ≥ 30. Its second level is 一般困难 by its own
    // key; by position it would have been recorded 比较困难.
    auto lvl = [](const char* id, const char* zhLabel, const char* key, int minScore) {
        json l = {{"id", id}, {"label", {{"zh-CN", zhLabel}}}, {"min_score", minScore}};
        if (key)
            l["hardship_level"] = key;
        return l;
    };
    const json scoreField = field("points", "number", {{"score_bands", {{{"score", 0}}}}});
    auto twoLevel = parsed(form({field("n", "number", {{"score_bands", {{{"below", 50}, {"score", 40}}, {{"score", 70}}}}})},
                                {{"levels", {lvl("special", "特别困难", "special", 60), lvl("hard", "困难", "general", 30)}}}));
    r = evaluateForm(twoLevel, {{"n", 10}}); // 40 points
    CHECK(r.level == "hard");
    CHECK(r.hardshipLevel == HardshipLevel::General);
    r = evaluateForm(twoLevel, {{"n", 80}}); // 70 points
    CHECK(r.hardshipLevel == HardshipLevel::Special);
    r = evaluateForm(parsed(form({scoreField}, {{"levels", {lvl("special", "特别困难", "special", 60)}}})),
                     {{"points", 1}}); // 0 points: below every cut-off
    CHECK_FALSE(r.level);
    CHECK(r.hardshipLevel == HardshipLevel::None);

    // Refused, naming the file and the level.
    auto e = refused(form({scoreField}, {{"levels", {lvl("special", "特别困难", "special", 60),
                                                      lvl("hard", "困难", nullptr, 30)}}}));
    CHECK(e.key == "forms.def.hardship_level_missing");
    CHECK(e.args.at("level") == "hard");
    CHECK(e.args.at("field") == "levels.hard");
    CHECK(zh().format(e).find("bad.json") != std::string::npos);
    CHECK(zh().format(e).find("hard") != std::string::npos);
    e = refused(form({scoreField}, {{"levels", {lvl("special", "特别困难", "very_hard", 60)}}}));
    CHECK(e.key == "forms.def.hardship_level_unknown");
    CHECK(e.args.at("level") == "special");
    CHECK(e.args.at("value") == "very_hard");
    // The codes are the record's (special / fairly / general / none), not the level ids.
    e = refused(form({scoreField}, {{"levels", {lvl("special", "特别困难", "particularly_difficult", 60)}}}));
    CHECK(e.key == "forms.def.hardship_level_unknown");
    // Two levels on one hardship level, or out of order, cannot be told apart on the record.
    e = refused(form({scoreField}, {{"levels", {lvl("a", "甲", "fairly", 60), lvl("b", "乙", "fairly", 30)}}}));
    CHECK(e.key == "forms.def.hardship_levels_not_ordered");
    CHECK(e.args.at("level") == "b");
    CHECK(e.args.at("previous") == "a");
    e = refused(form({scoreField}, {{"levels", {lvl("a", "甲", "general", 60), lvl("b", "乙", "special", 30)}}}));
    CHECK(e.key == "forms.def.hardship_levels_not_ordered");
    e = refused(form({scoreField}, {{"levels", {{{"id", "a"}, {"label", {{"zh-CN", "甲"}}}, {"min_score", 1},
                                                  {"hardship_level", 3}}}}}));
    CHECK(e.key == "forms.def.wrong_type");
}

// Issue #20 point 13. DOMAIN §3: since 2019 a written commitment (书面承诺) replaces the
// civil-affairs stamp; it is "本人和家长承诺": the student and a parent or guardian both sign.
TEST_CASE("written commitment: ticked, and signed by the student and the guardian") {
    const std::string studentSig(64, 'a'), guardianSig(64, 'b');
    for (const char* name : {"hardship_county_standard.json", "hardship_college_example.json"}) {
        CAPTURE(name);
        auto def = shipped(name);
        REQUIRE(def.commitment);
        CHECK(def.commitment->field == "commitment");
        CHECK(def.commitment->studentSignature == "student_signature");
        CHECK(def.commitment->guardianSignature == "guardian_signature");
        REQUIRE(def.field("commitment"));
        CHECK(def.field("commitment")->required);
        REQUIRE(def.field("guardian_signature"));
        CHECK(def.field("guardian_signature")->label.zh == "家长或监护人签字");
    }

    auto county = shipped("hardship_county_standard.json");
    json answers = {{"family_structure", "single_parent"}, {"location", "village"},
                    {"family_health", "all_healthy"},      {"parents_work", "farming"},
                    {"household_size", 4},                 {"household_income", 2000000},
                    {"disaster", "none"},                  {"siblings_in_school", 1}};
    // Not ticked: the form is incomplete and nothing is committed.
    auto r = evaluateForm(county, answers);
    CHECK_FALSE(r.complete());
    CHECK_FALSE(r.commitmentSigned);
    // Ticked, no signature; the student's alone: not yet the commitment.
    answers["commitment"] = "agreed";
    r = evaluateForm(county, answers);
    CHECK(r.complete());
    CHECK_FALSE(r.commitmentSigned);
    answers["student_signature"] = studentSig;
    CHECK_FALSE(evaluateForm(county, answers).commitmentSigned);
    // The guardian's alone neither.
    answers.erase("student_signature");
    answers["guardian_signature"] = guardianSig;
    CHECK_FALSE(evaluateForm(county, answers).commitmentSigned);
    // Both signatures and the tick: signed.
    answers["student_signature"] = studentSig;
    CHECK(evaluateForm(county, answers).commitmentSigned);
    // Signatures without the tick are no commitment.
    answers.erase("commitment");
    CHECK_FALSE(evaluateForm(county, answers).commitmentSigned);

    // The college example had no commitment at all; now it needs the tick to be complete.
    auto college = shipped("hardship_college_example.json");
    json c = {{"father_work", "farming"}, {"mother_work", "farming"}, {"medical_cost", 0},
              {"members", {{{"name", "李某"}, {"relation", "self"}, {"health", "healthy"}}}}};
    auto e = evaluateForm(college, c);
    CHECK_FALSE(e.complete());
    CHECK(e.findings.has("forms.answer.required"));
    c["commitment"] = "agreed";
    c["student_signature"] = studentSig;
    c["guardian_signature"] = guardianSig;
    e = evaluateForm(college, c);
    CHECK(e.complete());
    CHECK(e.commitmentSigned);

    // Definitions: an indicator table without a commitment is refused, naming the file.
    const json level = {{{"id", "hard"}, {"label", {{"zh-CN", "困难"}}}, {"hardship_level", "general"}, {"min_score", 1}}};
    json table = form({field("x", "single_choice", {{"options", options({"a"})}})},
                      {{"kind", "indicator_table"}, {"levels", level}});
    auto err = refused(table);
    CHECK(err.key == "forms.def.commitment_missing");
    // The names must be a required top-level choice and two different signature fields.
    const json fields = {field("x", "single_choice", {{"options", options({"a"})}}),
                         field("ok", "single_choice", {{"options", options({"agreed"})}, {"required", true}}),
                         field("s1", "signature"), field("s2", "signature")};
    auto with = [&](json commitment) {
        json d = form(fields, {{"kind", "indicator_table"}, {"levels", level}});
        d["commitment"] = std::move(commitment);
        return d;
    };
    auto good = parsed(with({{"field", "ok"}, {"student_signature", "s1"}, {"guardian_signature", "s2"}}));
    REQUIRE(good.commitment);
    err = refused(with({{"field", "x"}, {"student_signature", "s1"}, {"guardian_signature", "s2"}}));
    CHECK(err.key == "forms.def.commitment_bad_field"); // not required
    CHECK(err.args.at("name") == "x");
    err = refused(with({{"field", "ok"}, {"student_signature", "s1"}, {"guardian_signature", "ok"}}));
    CHECK(err.key == "forms.def.commitment_bad_signature");
    CHECK(err.args.at("field") == "commitment.guardian_signature");
    err = refused(with({{"field", "ok"}, {"student_signature", "s1"}, {"guardian_signature", "s1"}}));
    CHECK(err.key == "forms.def.commitment_bad_signature");
    err = refused(with({{"field", "ok"}, {"student_signature", "s1"}}));
    CHECK(err.key == "forms.def.missing_field");
}

// Issue #20 point 12. The groups are worded as their sources word them (assets/forms/README.md):
// 教财〔2018〕16号 names 孤残学生, 烈士子女 and 家庭经济困难残疾人子女 (a disabled parent's child
// only when the family is in financial difficulty); seed 003 (乳山市 2024) names
// "家庭经济状况较差的军烈属及优抚对象子女" (item 4) and "学生本人残疾或患严重疾病的" (item 6: the
// student's own illness was missing).
TEST_CASE("priority groups as the sources word them, the student's own illness included") {
    const std::vector<std::pair<std::string, std::string>> worded = {
        {"disabled_student", "残疾学生（学生本人残疾）"},
        {"student_serious_illness", "学生本人患严重疾病"},
        {"needy_disabled_parent_child", "家庭经济困难残疾人子女"},
        {"martyr_child", "烈士子女"},
        {"needy_military_family_child", "家庭经济状况较差的军烈属及优抚对象子女"}};
    for (auto [name, fieldId] :
         {std::pair<const char*, const char*>{"hardship_county_standard.json", "priority_groups"},
          {"hardship_college_example.json", "priority_groups"},
          {"home_visit.json", "priority_groups_claimed"}}) {
        CAPTURE(name);
        auto def = shipped(name);
        const FieldDef* groups = def.field(fieldId);
        REQUIRE(groups);
        for (const auto& [id, zhLabel] : worded) {
            CAPTURE(id);
            const Option* o = groups->option(id);
            REQUIRE(o);
            CHECK(o->label.zh == zhLabel);
        }
        // The old options that joined two groups (every child of a disabled parent; martyrs'
        // children with every entitled group, whatever the family's means) are gone.
        CHECK_FALSE(groups->option("disabled"));
        CHECK_FALSE(groups->option("martyr_family"));
    }

    // County table, worked: a comfortable city family (score 0, 不困难) with one group chosen.
    auto county = shipped("hardship_county_standard.json");
    json answers = {{"family_structure", "both_parents"}, {"location", "city"},
                    {"family_health", "all_healthy"},     {"parents_work", "stable_job"},
                    {"household_size", 3},                {"household_income", 9000000},
                    {"disaster", "none"},                 {"siblings_in_school", 0},
                    {"commitment", "agreed"}};
    auto r = evaluateForm(county, answers);
    REQUIRE(r.complete());
    CHECK(r.level == "not_difficult");
    // The student's own serious illness sits with the student's own disability in seed 003 item
    // 6; this table identifies both directly as 特别困难.
    for (const char* group : {"student_serious_illness", "disabled_student", "needy_disabled_parent_child"}) {
        CAPTURE(group);
        answers["priority_groups"] = {group};
        r = evaluateForm(county, answers);
        CHECK(r.complete());
        CHECK(r.level == "particularly_difficult");
        CHECK(r.levelDirect);
        CHECK(r.priorityGroups == std::vector<std::string>{group});
    }
    for (const char* group : {"martyr_child", "needy_military_family_child"}) {
        CAPTURE(group);
        answers["priority_groups"] = {group};
        r = evaluateForm(county, answers);
        CHECK(r.level == "relatively_difficult");
        CHECK(r.levelDirect);
    }
    // An answer saved with a retired option is not silently read as one of the new ones.
    answers["priority_groups"] = {"disabled"};
    r = evaluateForm(county, answers);
    CHECK(r.findings.has("forms.answer.unknown_option"));
    CHECK(r.priorityGroups.empty());
    // The college table scores each new group 100 → 特别困难: in the point 11 case above.
}

// Issue #20 point 15. "无劳动能力的成年成员": 成年 is 18 full years (民法典 art. 17, "十八周岁以上的
// 自然人为成年人"); the form counted from 16.
TEST_CASE("home visit: adults unable to work are members aged 18 or more") {
    auto def = shipped("home_visit.json");
    const FieldDef* count = def.field("members_unable_to_work");
    REQUIRE(count);
    CHECK(count->label.zh.find("成年") != std::string::npos);
    CHECK(count->help.zh.find("18周岁") != std::string::npos);
    auto member = [](const char* name, int age, const char* occupation, const char* health) {
        return json{{"name", name}, {"age", age}, {"relation", "other"}, {"occupation", occupation},
                    {"health", health}, {"annual_income", 0}};
    };
    auto unableToWork = [&](json members) {
        json answers = {{"members", std::move(members)}};
        auto r = evaluateForm(def, answers);
        return r.values.value("members_unable_to_work", json(-1));
    };
    // Aged 16 and 17, unable to work: minors, not counted (the old rule counted both).
    CHECK(unableToWork({member("甲", 16, "unable_to_work", "disabled"),
                        member("乙", 17, "unemployed", "serious_illness")}) == 0);
    // Aged 18: an adult, counted; 72 and bedridden: counted; 45 and healthy, farming: not.
    CHECK(unableToWork({member("丙", 18, "unable_to_work", "healthy"),
                        member("丁", 72, "retired", "serious_illness"),
                        member("戊", 45, "farming", "healthy"),
                        member("己", 17, "unable_to_work", "disabled")}) == 2);
}
