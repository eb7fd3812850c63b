#include "client/store/import/pre_application.hpp"

#include "client/core/divisions.hpp"
#include "client/core/money.hpp"
#include "client/core/resident_id.hpp"
#include "client/core/text/utf8.hpp"
#include "client/core/validation.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace zhuxue::import {

namespace {

using core::Severity;

// Collects the issues of one row and remembers whether any of them was an error.
class RowIssues {
public:
    RowIssues(const SheetRow& row, const ColumnMap& map, std::vector<ImportIssue>& out)
        : m_row(row), m_map(map), m_out(out) {}

    void add(Field f, Severity severity, Error message) {
        ImportIssue issue;
        issue.row = m_row.number;
        issue.severity = severity;
        issue.message = std::move(message);
        if (m_map.has(f)) {
            issue.column = m_map.at(f);
            issue.header = m_map.header[static_cast<std::size_t>(f)];
        }
        m_rejected |= severity == Severity::Error;
        m_out.push_back(std::move(issue));
    }
    void error(Field f, Error message) { add(f, Severity::Error, std::move(message)); }
    void warning(Field f, Error message) { add(f, Severity::Warning, std::move(message)); }
    // Findings of a core check, all placed on column f.
    void add(Field f, const core::Findings& findings) {
        for (const auto& finding : findings.all())
            add(f, finding.severity, finding.message);
    }
    bool rejected() const { return m_rejected; }

private:
    const SheetRow& m_row;
    const ColumnMap& m_map;
    std::vector<ImportIssue>& m_out;
    bool m_rejected = false;
};

bool containsAsciiDigit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Gender> parseGender(std::string_view s) {
    if (s == "男" || s == "男性" || s == "M" || s == "m" || s == "male" || s == "Male")
        return Gender::Male;
    if (s == "女" || s == "女性" || s == "F" || s == "f" || s == "female" || s == "Female")
        return Gender::Female;
    return std::nullopt;
}

std::string_view genderText(Gender g) {
    return g == Gender::Male ? "男" : "女";
}

std::optional<StudyLevel> parseStudyLevel(std::string_view s) {
    for (std::string_view u : {"本科", "本科生", "第二学士学位", "预科"})
        if (s == u)
            return StudyLevel::Undergraduate;
    for (std::string_view v : {"专科", "大专", "高职", "高职(专科)", "高职（专科）", "专科生"})
        if (s == v)
            return StudyLevel::Vocational;
    for (std::string_view p : {"研究生", "硕士", "博士", "硕士研究生", "博士研究生"})
        if (s == p)
            return StudyLevel::Postgraduate;
    return std::nullopt;
}

std::optional<int> parseProgramYears(std::string_view s) {
    if (s.ends_with("年"))
        s.remove_suffix(std::string_view("年").size());
    int v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 1 || v > 8)
        return std::nullopt;
    return v;
}

// The ID number as a school officer typed it: full-width digits and spaces cleaned up.
std::string typedIdNumber(std::string_view text) {
    return core::normalizeResidentId(text::compactNumberInput(text));
}

// Excel turns an ID number typed into a General cell into a number and keeps 15 digits of it.
bool idMangledByExcel(const Cell* cell) {
    if (!cell)
        return false;
    if (cell->kind == CellKind::Number)
        return cell->text.find_first_of("eE.") != std::string::npos || cell->text.size() != 15;
    // the same number pasted back as text ("4.20527E+17")
    return cell->text.find("E+") != std::string::npos || cell->text.find("e+") != std::string::npos;
}

std::string chooseCounty(const std::vector<std::string>& idNumbers) {
    std::map<std::string, std::size_t> counts;
    for (auto& id : idNumbers)
        if (id.size() >= 6) {
            auto d = core::lookupDivision(id.substr(0, 6));
            if (d && d->level == core::DivisionLevel::County)
                ++counts[id.substr(0, 6)];
        }
    std::string best;
    std::size_t bestCount = 0;
    for (auto& [code, n] : counts)
        if (n > bestCount)
            best = code, bestCount = n;
    return best;
}

} // namespace

std::size_t ImportPlan::errorCount() const {
    return static_cast<std::size_t>(std::count_if(
        issues.begin(), issues.end(), [](auto& i) { return i.severity == Severity::Error; }));
}
std::size_t ImportPlan::warningCount() const {
    return issues.size() - errorCount();
}

std::optional<core::Date> parseLooseDate(std::string_view s) {
    if (s.size() > 10 && s[10] == ' ')
        s = s.substr(0, 10); // a date cell with a time of day
    int parts[3] = {0, 0, 0};
    int n = 0;
    std::size_t digitsInPart = 0;
    std::string compact;
    for (std::size_t pos = 0; pos < s.size();) {
        auto cp = text::decodeNext(s, pos);
        if (!cp)
            return std::nullopt;
        if (*cp >= '0' && *cp <= '9') {
            if (n >= 3)
                return std::nullopt;
            parts[n] = parts[n] * 10 + static_cast<int>(*cp - '0');
            compact += static_cast<char>(*cp);
            ++digitsInPart;
        } else if (*cp == '-' || *cp == '/' || *cp == '.' || *cp == U'年' || *cp == U'月' ||
                   *cp == U'日') {
            if (digitsInPart == 0)
                return std::nullopt;
            ++n, digitsInPart = 0;
        } else {
            return std::nullopt;
        }
    }
    if (digitsInPart > 0)
        ++n;
    if (n == 1 && compact.size() == 8) // 20060101
        return core::Date::make(std::stoi(compact.substr(0, 4)), std::stoi(compact.substr(4, 2)),
                                std::stoi(compact.substr(6, 2)));
    if (n != 3 || parts[0] < 1000)
        return std::nullopt;
    return core::Date::make(parts[0], parts[1], parts[2]);
}

std::string cleanName(std::string_view raw) {
    const std::string_view s = text::trimSpace(raw);
    struct Piece {
        std::optional<char32_t> cp;
        std::string_view bytes;
    };
    std::vector<Piece> pieces;
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t start = pos;
        auto cp = text::decodeNext(s, pos);
        pieces.push_back({cp, s.substr(start, pos - start)});
    }
    auto space = [&](std::size_t i) { return pieces[i].cp && text::isSpaceLike(*pieces[i].cp); };
    auto han = [&](std::size_t i) { return pieces[i].cp && text::isHan(*pieces[i].cp); };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (!space(i)) {
            out.append(pieces[i].bytes); // byte for byte, never re-encoded
            continue;
        }
        // a run of spaces: dropped between two Han characters, one ASCII space elsewhere
        std::size_t j = i;
        while (j < pieces.size() && space(j))
            ++j;
        if (!(i > 0 && j < pieces.size() && han(i - 1) && han(j)))
            out += ' ';
        i = j - 1;
    }
    return out;
}

Result<ImportPlan> planPreApplications(const Sheet& sheet, const ImportOptions& options,
                                       const ExistingRecords& existing) {
    auto mapped = mapColumns(sheet);
    if (!mapped)
        return Error("import.columns.no_header");
    const ColumnMap& map = *mapped;
    if (!map.missing.empty()) {
        std::string names;
        for (Field f : map.missing)
            names += (names.empty() ? "" : "、") + std::string(canonicalHeader(f));
        return Error("import.columns.missing", {{"columns", names}});
    }

    ImportPlan plan;
    plan.encoding = sheet.encoding;
    plan.sheetName = sheet.name;
    plan.headerRow = map.headerRowNumber;
    for (auto& [col, header] : map.unknown)
        plan.issues.push_back({map.headerRowNumber, col, header, Severity::Warning,
                               Error("import.columns.ignored", {{"header", header}})});
    for (auto& [col, header] : map.duplicates)
        plan.issues.push_back({map.headerRowNumber, col, header, Severity::Warning,
                               Error("import.columns.duplicate", {{"header", header}})});

    // First pass: every student ID in the file, so a co-borrower who is also a borrowing student
    // is caught whichever row comes first, and the county can be chosen.
    std::vector<std::string> studentIds;
    std::unordered_set<std::string> fileStudents;
    for (std::size_t r = map.headerRowIndex + 1; r < sheet.rows.size(); ++r) {
        std::string id = typedIdNumber(map.text(sheet.rows[r], Field::IdNumber));
        if (!id.empty()) {
            fileStudents.insert(id);
            studentIds.push_back(std::move(id));
        }
    }
    plan.county = options.county.empty() ? chooseCounty(studentIds) : options.county;
    {
        auto d = core::lookupDivision(plan.county);
        if (plan.county.size() != 6 || !d || d->level != core::DivisionLevel::County)
            return Error("import.county.unknown", {{"county", plan.county}});
    }
    const int schoolYear = options.schoolYear ? options.schoolYear : options.today.year;
    const UnixMs now = systemNowMs();

    std::unordered_map<std::string, std::size_t> firstRowOfId;
    for (std::size_t r = map.headerRowIndex + 1; r < sheet.rows.size(); ++r) {
        const SheetRow& row = sheet.rows[r];
        ++plan.dataRows;
        RowIssues issues(row, map, plan.issues);
        PlannedRow planned;
        planned.row = row.number;
        Student& st = planned.student;
        st.county = plan.county;

        // name
        st.name = cleanName(map.text(row, Field::Name));
        if (st.name.empty())
            issues.error(Field::Name, Error("import.row.name_missing"));
        else if (containsAsciiDigit(st.name))
            issues.error(Field::Name, Error("import.row.name_digits", {{"value", st.name}}));
        else if (text::countCodePoints(st.name) > 40)
            issues.error(Field::Name, Error("import.row.name_too_long"));

        // resident ID
        std::optional<core::ResidentId> rid;
        const std::string_view idText = map.text(row, Field::IdNumber);
        if (idMangledByExcel(map.cell(row, Field::IdNumber))) {
            issues.error(Field::IdNumber,
                         Error("import.row.id_as_number", {{"value", std::string(idText)}}));
        } else {
            auto check = core::checkResidentId(text::compactNumberInput(idText), options.today,
                                               {.acceptLegacy = false}, "id_number");
            issues.add(Field::IdNumber, check.findings);
            rid = check.id;
        }
        if (rid) {
            st.idNumber = rid->number;
            st.birthDate = rid->birthDate.iso();
            st.gender = rid->sex == core::Sex::Male ? Gender::Male : Gender::Female;
            if (auto first = firstRowOfId.find(st.idNumber); first != firstRowOfId.end())
                issues.error(Field::IdNumber,
                             Error("import.row.duplicate_in_file",
                                   {{"first_row", std::to_string(first->second)}}));
            else
                firstRowOfId.emplace(st.idNumber, row.number);
        }

        // gender and birth date, when given, must agree with the ID number
        if (auto g = map.text(row, Field::Gender); !g.empty()) {
            auto parsed = parseGender(g);
            if (!parsed)
                issues.error(Field::Gender,
                             Error("import.row.gender_invalid", {{"value", std::string(g)}}));
            else if (rid && *parsed != st.gender)
                issues.error(Field::Gender,
                             Error("import.row.gender_mismatch",
                                   {{"value", std::string(g)},
                                    {"from_id", std::string(genderText(st.gender))}}));
        }
        if (auto b = map.text(row, Field::BirthDate); !b.empty()) {
            auto parsed = parseLooseDate(b);
            if (!parsed)
                issues.error(Field::BirthDate,
                             Error("validation.date.invalid", {{"value", std::string(b)}}));
            else if (rid && parsed->iso() != st.birthDate)
                issues.error(Field::BirthDate,
                             Error("import.row.birth_date_mismatch",
                                   {{"value", parsed->iso()}, {"from_id", st.birthDate}}));
        }

        // phone
        if (auto p = map.text(row, Field::Phone); !p.empty()) {
            const std::string compact = text::compactNumberInput(p);
            if (auto mobile = core::normalizeMobile(compact))
                st.phone = *mobile;
            else
                issues.add(Field::Phone, core::checkMobile(compact, "phone"));
        }

        st.ethnicity = std::string(map.text(row, Field::Ethnicity));
        st.township = std::string(map.text(row, Field::Township));
        st.village = std::string(map.text(row, Field::Village));
        st.address = std::string(map.text(row, Field::Address));
        st.highSchool = std::string(map.text(row, Field::School));
        if (st.highSchool.empty())
            issues.error(Field::School, Error("import.row.school_missing"));
        st.university = std::string(map.text(row, Field::University));
        st.major = std::string(map.text(row, Field::Major));
        if (auto lvl = map.text(row, Field::StudyLevel); !lvl.empty()) {
            if (auto parsed = parseStudyLevel(lvl))
                st.studyLevel = *parsed;
            else
                issues.error(Field::StudyLevel, Error("import.row.study_level_invalid",
                                                      {{"value", std::string(lvl)}}));
        }
        if (auto years = map.text(row, Field::ProgramYears); !years.empty()) {
            if (auto parsed = parseProgramYears(years))
                st.programYears = *parsed;
            else
                issues.error(Field::ProgramYears, Error("import.row.program_years_invalid",
                                                        {{"value", std::string(years)}}));
        }
        // The record has no grade or class fields: kept in the notes, as the school wrote them.
        std::string notes;
        for (auto [f, label] :
             {std::pair{Field::Grade, "年级"}, std::pair{Field::ClassName, "班级"}})
            if (auto v = map.text(row, f); !v.empty())
                notes += (notes.empty() ? "" : "；") + std::string(label) + "：" + std::string(v);
        if (auto v = map.text(row, Field::Notes); !v.empty())
            notes += (notes.empty() ? "" : "；") + std::string(v);
        st.notes = notes;

        // the loan pre-application
        LoanApplication& app = planned.application;
        app.county = plan.county;
        app.kind = ApplicationKind::PreApplication;
        app.status = LoanStatus::PreApplication;
        app.schoolYear = schoolYear;
        app.createdMs = now;
        if (auto a = map.text(row, Field::Amount); !a.empty()) {
            auto fen = core::parseMoney(a);
            if (!fen)
                issues.error(Field::Amount, fen.error());
            else if (*fen <= 0)
                issues.error(Field::Amount, Error("validation.loan.amount_not_positive"));
            else
                app.amountFen = *fen;
        }

        // the co-borrower, when the row names one
        const std::string_view coName = map.text(row, Field::CoName),
                               coId = map.text(row, Field::CoIdNumber),
                               coRel = map.text(row, Field::CoRelation),
                               coPhone = map.text(row, Field::CoPhone);
        if (!coName.empty() || !coId.empty() || !coPhone.empty()) {
            CoBorrower co;
            co.county = plan.county;
            co.name = cleanName(coName);
            co.relation = std::string(coRel);
            if (co.name.empty())
                issues.error(Field::CoName, Error("import.row.co_name_missing"));
            std::optional<core::ResidentId> coRid;
            if (idMangledByExcel(map.cell(row, Field::CoIdNumber))) {
                issues.error(Field::CoIdNumber,
                             Error("import.row.id_as_number", {{"value", std::string(coId)}}));
            } else {
                auto check = core::checkResidentId(text::compactNumberInput(coId), options.today,
                                                   {.acceptLegacy = false}, "co_id_number");
                issues.add(Field::CoIdNumber, check.findings);
                coRid = check.id;
            }
            if (coRid) {
                co.idNumber = coRid->number;
                co.birthDate = coRid->birthDate.iso();
                core::CoBorrowerFacts facts;
                facts.type = core::ApplicationType::PreApplication;
                facts.signingDate = options.today;
                facts.coBorrowerBirthDate = coRid->birthDate;
                facts.coBorrowerIdNumber = co.idNumber;
                facts.studentIdNumber = st.idNumber;
                facts.coBorrowerIsBorrowingStudent =
                    fileStudents.count(co.idNumber) ||
                    (existing.isBorrowingStudent && existing.isBorrowingStudent(co.idNumber));
                issues.add(Field::CoIdNumber, core::checkCoBorrower(facts));
            }
            if (!coPhone.empty()) {
                const std::string compact = text::compactNumberInput(coPhone);
                if (auto mobile = core::normalizeMobile(compact))
                    co.phone = *mobile;
                else
                    issues.add(Field::CoPhone, core::checkMobile(compact, "co_phone"));
            }
            planned.coBorrower = std::move(co);
        }

        if (issues.rejected()) {
            ++plan.rejectedRows;
            continue;
        }
        if (existing.studentExists && existing.studentExists(st.idNumber)) {
            issues.warning(Field::IdNumber,
                           Error("import.row.already_in_store", {{"name", st.name}}));
            ++plan.existingRows;
            continue;
        }
        st.id = newUuidV7();
        app.id = newUuidV7();
        app.studentId = st.id;
        if (planned.coBorrower) {
            planned.coBorrower->id = newUuidV7();
            planned.coBorrower->studentId = st.id;
            app.coBorrowerId = planned.coBorrower->id;
        }
        plan.rows.push_back(std::move(planned));
    }
    std::stable_sort(plan.issues.begin(), plan.issues.end(),
                     [](const ImportIssue& a, const ImportIssue& b) {
                         return a.row != b.row ? a.row < b.row : a.column < b.column;
                     });
    return plan;
}

} // namespace zhuxue::import
