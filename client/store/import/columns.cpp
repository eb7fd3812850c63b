#include "client/store/import/columns.hpp"

#include "client/core/text/utf8.hpp"

#include <algorithm>

namespace zhuxue::import {

namespace {

struct FieldInfo {
    Field field;
    std::string_view id;
    bool required;
    std::vector<std::string_view> headers; // normalised forms; the first one is canonical
};

// Synonyms seen in county and school templates. Normalised: no spaces, ASCII brackets, lower case.
const std::vector<FieldInfo>& fieldInfos() {
    static const std::vector<FieldInfo> infos = {
        {Field::SerialNumber, "serial_number", false, {"序号", "编号", "no.", "no"}},
        {Field::Name, "name", true, {"姓名", "学生姓名", "学生名字", "名字", "name"}},
        {Field::IdNumber,
         "id_number",
         true,
         {"身份证号", "身份证号码", "学生身份证号", "学生身份证号码", "身份证", "证件号码",
          "公民身份号码", "学生证件号码"}},
        {Field::Gender, "gender", false, {"性别", "学生性别"}},
        {Field::Ethnicity, "ethnicity", false, {"民族"}},
        {Field::BirthDate, "birth_date", false, {"出生日期", "出生年月日", "生日"}},
        {Field::Phone,
         "phone",
         false,
         {"联系电话", "电话", "手机", "手机号", "手机号码", "学生电话", "学生联系电话",
          "学生手机号", "联系方式"}},
        {Field::School,
         "school",
         true,
         {"学校", "学校名称", "就读学校", "所在学校", "高中学校", "毕业学校", "毕业高中",
          "就读高中"}},
        {Field::Grade, "grade", false, {"年级"}},
        {Field::ClassName, "class_name", false, {"班级", "班别"}},
        {Field::Township,
         "township",
         false,
         {"乡镇", "乡镇(街道)", "所在乡镇", "乡(镇)", "乡镇街道", "镇(乡)", "户籍乡镇"}},
        {Field::Village,
         "village",
         false,
         {"村", "村(社区)", "村居", "所在村", "村组", "村委会", "村(居)委会", "户籍村"}},
        {Field::Address,
         "address",
         false,
         {"家庭住址", "家庭地址", "住址", "详细地址", "通讯地址"}},
        {Field::University,
         "university",
         false,
         {"录取院校", "录取学校", "录取高校", "就读高校", "高校", "大学", "院校名称"}},
        {Field::Major, "major", false, {"专业", "录取专业"}},
        {Field::StudyLevel, "study_level", false, {"学历", "学历层次", "培养层次"}},
        {Field::ProgramYears, "program_years", false, {"学制", "学制(年)"}},
        {Field::Amount,
         "amount",
         false,
         {"申请金额", "贷款金额", "申请贷款金额", "拟贷款金额", "申请额度"}},
        {Field::CoName, "co_name", false, {"共同借款人姓名", "共同借款人"}},
        {Field::CoIdNumber,
         "co_id_number",
         false,
         {"共同借款人身份证号", "共同借款人身份证号码", "共同借款人证件号码", "共同借款人身份证"}},
        {Field::CoRelation,
         "co_relation",
         false,
         {"关系", "与学生关系", "共同借款人关系", "与借款学生关系", "共同借款人与学生关系",
          "与学生的关系"}},
        {Field::CoPhone,
         "co_phone",
         false,
         {"共同借款人电话", "共同借款人联系电话", "共同借款人手机", "共同借款人手机号",
          "共同借款人手机号码"}},
        {Field::Notes, "notes", false, {"备注", "说明"}},
    };
    return infos;
}

const FieldInfo& info(Field f) {
    return fieldInfos()[static_cast<std::size_t>(f)];
}

} // namespace

std::string_view fieldId(Field f) {
    return info(f).id;
}
std::string_view canonicalHeader(Field f) {
    return info(f).headers.front();
}
bool isRequiredField(Field f) {
    return info(f).required;
}

std::string normaliseHeader(std::string_view header) {
    std::string s = text::normaliseWidth(header); // （） → (), full-width letters → ASCII
    std::string out;
    out.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t start = pos;
        auto cp = text::decodeNext(s, pos);
        if (cp && (text::isSpaceLike(*cp) || *cp == '*' || *cp == ':' || *cp == U'：'))
            continue;
        if (cp && *cp >= 'A' && *cp <= 'Z')
            out += static_cast<char>(*cp - 'A' + 'a');
        else
            out.append(s, start, pos - start);
    }
    // Hints in brackets at the end ("身份证号码(18位)", "申请金额(元)", "关系【父/母】") are not
    // part of the name, unless the bracket is how the synonym is written ("乡镇(街道)").
    auto known = [](std::string_view h) {
        for (auto& fi : fieldInfos())
            if (std::find(fi.headers.begin(), fi.headers.end(), h) != fi.headers.end())
                return true;
        return false;
    };
    while (!known(out)) {
        std::size_t open = std::string::npos;
        if (out.ends_with(")"))
            open = out.rfind('(');
        else if (out.ends_with("】"))
            open = out.rfind("【");
        else if (out.ends_with("]"))
            open = out.rfind('[');
        if (open == std::string::npos || open == 0)
            break;
        out.resize(open);
    }
    return out;
}

std::optional<Field> fieldForHeader(std::string_view header) {
    const std::string h = normaliseHeader(header);
    if (h.empty())
        return std::nullopt;
    for (auto& fi : fieldInfos())
        if (std::find(fi.headers.begin(), fi.headers.end(), h) != fi.headers.end())
            return fi.field;
    return std::nullopt;
}

const Cell* ColumnMap::cell(const SheetRow& row, Field f) const {
    const std::size_t c = at(f);
    if (c == std::string_view::npos || c >= row.cells.size())
        return nullptr;
    return &row.cells[c];
}

std::string_view ColumnMap::text(const SheetRow& row, Field f) const {
    const Cell* c = cell(row, f);
    return c ? text::trimSpace(c->text) : std::string_view{};
}

std::optional<ColumnMap> mapColumns(const Sheet& sheet) {
    constexpr std::size_t kRowsToScan = 10;
    std::optional<ColumnMap> best;
    std::size_t bestCount = 0;
    for (std::size_t r = 0; r < std::min(kRowsToScan, sheet.rows.size()); ++r) {
        ColumnMap map;
        map.column.fill(std::string_view::npos);
        map.headerRowIndex = r;
        map.headerRowNumber = sheet.rows[r].number;
        std::size_t known = 0;
        const auto& cells = sheet.rows[r].cells;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string_view header = text::trimSpace(cells[c].text);
            if (header.empty())
                continue;
            auto f = fieldForHeader(header);
            if (!f) {
                map.unknown.emplace_back(c, std::string(header));
                continue;
            }
            const auto i = static_cast<std::size_t>(*f);
            if (map.column[i] != std::string_view::npos) {
                map.duplicates.emplace_back(c, std::string(header));
                continue;
            }
            map.column[i] = c;
            map.header[i] = std::string(header);
            ++known;
        }
        if (known > bestCount && known >= 2 && (map.has(Field::Name) || map.has(Field::IdNumber))) {
            bestCount = known;
            best = std::move(map);
        }
    }
    if (!best)
        return std::nullopt;
    const bool anyCo =
        best->has(Field::CoName) || best->has(Field::CoIdNumber) || best->has(Field::CoPhone);
    for (std::size_t i = 0; i < kFieldCount; ++i) {
        const auto f = static_cast<Field>(i);
        const bool required =
            isRequiredField(f) || (anyCo && (f == Field::CoName || f == Field::CoIdNumber));
        if (required && !best->has(f))
            best->missing.push_back(f);
    }
    return best;
}

} // namespace zhuxue::import
