// XLSX through libxlsxwriter in constant-memory mode: rows stream to disk as they are written,
// which keeps a 50,000-row roster fast and small in memory (strings are stored inline).
#include "writers.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <system_error>

namespace zhuxue::reports {

namespace {

// Excel sheet names: at most 31 characters, none of []:*?/\ .
std::string sheetName(const std::string& title) {
    std::u32string name;
    for (char32_t cp : decodeUtf8(title)) {
        if (name.size() == 31)
            break;
        bool bad = cp == '[' || cp == ']' || cp == ':' || cp == '*' || cp == '?' || cp == '/' ||
                   cp == '\\' || cp == '\'';
        name.push_back(bad ? U'_' : cp);
    }
    return name.empty() ? std::string("Sheet1") : encodeUtf8(name);
}

// '&' starts a control code in Excel page headers.
std::string headerText(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += '&';
        out += c;
    }
    // Excel limits a header to 255 characters including codes.
    auto cps = decodeUtf8(out);
    if (cps.size() > 200)
        cps.resize(200);
    return encodeUtf8(cps);
}

bool parseDate(const std::string& s, lxw_datetime& dt) {
    int y = 0, m = 0, d = 0;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
        return false;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    dt = lxw_datetime{y, m, d, 0, 0, 0.0};
    return true;
}

struct Formats {
    lxw_format* title;
    lxw_format* subtitle;
    lxw_format* header;
    lxw_format* cell[4];     // by ColumnType
    lxw_format* sub[4];      // subtotal rows
    lxw_format* total[4];    // total row
    lxw_format* group;
    lxw_format* footnote;
};

lxw_format* typed(lxw_workbook* wb, ColumnType type, uint32_t fill, bool bold, bool topBorder) {
    lxw_format* f = workbook_add_format(wb);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (topBorder)
        format_set_top(f, LXW_BORDER_MEDIUM);
    if (bold)
        format_set_bold(f);
    if (fill)
        format_set_bg_color(f, fill);
    switch (type) {
    case ColumnType::MoneyFen: format_set_num_format(f, "\xC2\xA5#,##0.00"); break; // ¥#,##0.00
    case ColumnType::Integer: format_set_num_format(f, "0"); break;
    case ColumnType::Date: format_set_num_format(f, "yyyy-mm-dd"); break;
    case ColumnType::Text: format_set_text_wrap(f); break;
    }
    return f;
}

Formats makeFormats(lxw_workbook* wb) {
    Formats f{};
    f.title = workbook_add_format(wb);
    format_set_bold(f.title);
    format_set_font_size(f.title, 16);
    format_set_align(f.title, LXW_ALIGN_CENTER);
    format_set_align(f.title, LXW_ALIGN_VERTICAL_CENTER);
    f.subtitle = workbook_add_format(wb);
    format_set_align(f.subtitle, LXW_ALIGN_CENTER);
    f.header = workbook_add_format(wb);
    format_set_bold(f.header);
    format_set_border(f.header, LXW_BORDER_THIN);
    format_set_bg_color(f.header, 0xD9E1F2);
    format_set_align(f.header, LXW_ALIGN_CENTER);
    format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f.header);
    for (int t = 0; t < 4; ++t) {
        auto type = ColumnType(t);
        f.cell[t] = typed(wb, type, 0, false, false);
        f.sub[t] = typed(wb, type, 0xF2F2F2, true, false);
        f.total[t] = typed(wb, type, 0xFFF2CC, true, true);
    }
    f.group = workbook_add_format(wb);
    format_set_bold(f.group);
    format_set_border(f.group, LXW_BORDER_THIN);
    format_set_bg_color(f.group, 0xE2EFDA);
    f.footnote = workbook_add_format(wb);
    format_set_text_wrap(f.footnote);
    format_set_align(f.footnote, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

std::vector<double> columnWidths(const Table& table) {
    std::vector<double> widths(table.columns.size(), 6);
    for (size_t c = 0; c < table.columns.size(); ++c)
        widths[c] = std::max(widths[c], double(displayWidth(table.columns[c].title)));
    for (const Row& row : table.rows) {
        if (row.kind == RowKind::GroupHeader)
            continue; // merged across the row; must not widen the first column
        for (size_t c = 0; c < row.cells.size() && c < widths.size(); ++c) {
            auto type = table.columns[c].type;
            int w = displayWidth(cellText(row.cells[c], type, true));
            if (type == ColumnType::MoneyFen)
                w += 2; // the ¥ sign and some air
            widths[c] = std::max(widths[c], double(w));
        }
    }
    for (double& w : widths)
        w = std::min(w + 2, 60.0); // longer text wraps instead
    return widths;
}

} // namespace

Status writeXlsx(const Table& table, const std::filesystem::path& out) {
    if (table.columns.empty())
        return Error("reports.error.no_columns");
    auto part = detail::partPath(out);
    std::string partName = part.string();
    std::string tmpdir = (out.has_parent_path() ? out.parent_path() : std::filesystem::path(".")).string();
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = tmpdir.data();
    options.use_zip64 = LXW_TRUE;
    lxw_workbook* wb = workbook_new_opt(partName.c_str(), &options);
    if (!wb)
        return Error("reports.error.write", {{"path", out.string()}}, "workbook_new_opt failed");

    Formats f = makeFormats(wb);
    std::string name = sheetName(table.title);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    const auto lastCol = lxw_col_t(table.columns.size() - 1);

    auto widths = columnWidths(table);
    for (size_t c = 0; c < widths.size(); ++c)
        worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), widths[c], nullptr);

    worksheet_set_paper(ws, 9); // A4
    double totalWidth = 0;
    for (double w : widths)
        totalWidth += w;
    if (totalWidth > 95)
        worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    std::string header = "&C" + headerText(table.county.empty() ? table.title : table.county + "  " + table.title);
    worksheet_set_header(ws, header.c_str());
    worksheet_set_footer(ws, "&C\xE7\xAC\xAC &P \xE9\xA1\xB5 \xE5\x85\xB1 &N \xE9\xA1\xB5"); // 第 &P 页 共 &N 页

    lxw_row_t r = 0;
    // One text across every column of row r, then the next row.
    auto wholeRow = [&](const std::string& text, lxw_format* fmt) {
        if (lastCol > 0)
            worksheet_merge_range(ws, r, 0, r, lastCol, text.c_str(), fmt);
        else
            worksheet_write_string(ws, r, 0, text.c_str(), fmt);
        ++r;
    };
    worksheet_set_row(ws, r, 28, nullptr);
    wholeRow(table.title, f.title);
    if (!table.subtitle.empty())
        wholeRow(table.subtitle, f.subtitle);
    for (const std::string& line : table.preface)
        wholeRow(line, f.footnote);
    const lxw_row_t headerRow = r;
    for (size_t c = 0; c < table.columns.size(); ++c)
        worksheet_write_string(ws, r, lxw_col_t(c), table.columns[c].title.c_str(), f.header);
    ++r;
    worksheet_freeze_panes(ws, r, 0);
    worksheet_repeat_rows(ws, headerRow, headerRow);

    lxw_datetime dt{};
    for (const Row& row : table.rows) {
        if (row.kind == RowKind::GroupHeader) {
            wholeRow(row.cells.empty() ? std::string() : cellText(row.cells[0], ColumnType::Text), f.group);
            continue;
        }
        lxw_format* const* fmts = row.kind == RowKind::Data ? f.cell : row.kind == RowKind::Subtotal ? f.sub : f.total;
        for (size_t c = 0; c < table.columns.size(); ++c) {
            auto type = table.columns[c].type;
            lxw_format* fmt = fmts[int(type)];
            auto col = lxw_col_t(c);
            const Cell* cell = c < row.cells.size() ? &row.cells[c] : nullptr;
            if (!cell || std::holds_alternative<std::monostate>(*cell)) {
                worksheet_write_blank(ws, r, col, fmt);
            } else if (std::holds_alternative<int64_t>(*cell)) {
                int64_t v = std::get<int64_t>(*cell);
                worksheet_write_number(ws, r, col, type == ColumnType::MoneyFen ? double(v) / 100.0 : double(v), fmt);
            } else {
                const std::string& s = std::get<std::string>(*cell);
                if (type == ColumnType::Date && parseDate(s, dt))
                    worksheet_write_datetime(ws, r, col, &dt, fmt);
                else
                    worksheet_write_string(ws, r, col, s.c_str(), row.kind == RowKind::Data ? f.cell[0] : fmts[0]);
            }
        }
        ++r;
    }

    if (!table.footnotes.empty())
        ++r;
    for (const std::string& note : table.footnotes)
        wholeRow(note, f.footnote);

    lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) {
        std::error_code ec;
        std::filesystem::remove(part, ec);
        return Error("reports.error.write", {{"path", out.string()}}, lxw_strerror(err));
    }
    return detail::commitPart(part, out);
}

} // namespace zhuxue::reports
