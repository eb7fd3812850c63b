#pragma once
// The columns of a school's pre-application list (预申请名单), found by their Chinese headers.
// Schools make these sheets by hand, so headers vary: "身份证号码（18位）", "*姓名", "联系 电话",
// "乡镇（街道）". Matching ignores spaces of any width, required-field stars, bracketed hints and
// ASCII case, and accepts the usual synonyms; column order does not matter. A title row above
// the header ("秭归县2025年预申请名单") is skipped.
#include "client/store/import/sheet.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::import {

enum class Field {
    SerialNumber, // 序号: recognised and ignored
    Name,
    IdNumber,
    Gender,
    Ethnicity,
    BirthDate,
    Phone,
    School,
    Grade,
    ClassName,
    Township,
    Village,
    Address,
    University,
    Major,
    StudyLevel,
    ProgramYears,
    Amount,
    CoName,
    CoIdNumber,
    CoRelation,
    CoPhone,
    Notes,
    Count_
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::Count_);

// The stable identifier of a field ("name", "co_id_number", ...), used in i18n keys
// (import.field.<id>) and reports.
std::string_view fieldId(Field f);
// The header a template should use for the field ("共同借款人身份证号").
std::string_view canonicalHeader(Field f);
// Fields every list must have; the co-borrower's name and ID become required as soon as any
// co-borrower column is present.
bool isRequiredField(Field f);

// A header cell's text reduced for matching (see the file comment).
std::string normaliseHeader(std::string_view header);
std::optional<Field> fieldForHeader(std::string_view header);

struct ColumnMap {
    std::size_t headerRowIndex = 0;              // index into Sheet::rows
    std::size_t headerRowNumber = 0;             // the row number as shown in Excel
    std::array<std::size_t, kFieldCount> column; // per field: 0-based column or npos
    std::array<std::string, kFieldCount> header; // the header text as written in the file
    std::vector<std::pair<std::size_t, std::string>> unknown;    // column, header: ignored
    std::vector<std::pair<std::size_t, std::string>> duplicates; // a second column for a field
    std::vector<Field> missing;                                  // required and absent

    bool has(Field f) const {
        return column[static_cast<std::size_t>(f)] != std::string_view::npos;
    }
    std::size_t at(Field f) const { return column[static_cast<std::size_t>(f)]; }
    // The cell of field f in row, trimmed of surrounding spaces; empty when absent.
    std::string_view text(const SheetRow& row, Field f) const;
    const Cell* cell(const SheetRow& row, Field f) const;
};

// Finds the header among the first rows (the one naming the most known fields) and maps it.
// Nullopt when no row names at least two known fields, one of them the name or ID number.
std::optional<ColumnMap> mapColumns(const Sheet& sheet);

} // namespace zhuxue::import
