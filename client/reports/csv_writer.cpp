#include "writers.hpp"

#include <cstdio>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace zhuxue::reports {

namespace {
void putField(std::string& line, const std::string& field) {
    bool quote = field.find_first_of(",\"\r\n") != std::string::npos ||
                 (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        line += field;
        return;
    }
    line += '"';
    for (char c : field) {
        if (c == '"')
            line += '"';
        line += c;
    }
    line += '"';
}
} // namespace

std::optional<Format> parseFormat(std::string_view name) {
    if (name == "csv")
        return Format::Csv;
    if (name == "xlsx")
        return Format::Xlsx;
    if (name == "pdf")
        return Format::Pdf;
    return std::nullopt;
}

const char* formatExtension(Format format) {
    switch (format) {
    case Format::Csv: return "csv";
    case Format::Xlsx: return "xlsx";
    case Format::Pdf: return "pdf";
    }
    return "";
}

namespace detail {
std::filesystem::path partPath(const std::filesystem::path& out) {
    auto p = out;
    p += ".part-" + std::to_string(::getpid());
    return p;
}

Status commitPart(const std::filesystem::path& part, const std::filesystem::path& out) {
    std::error_code ec;
    std::filesystem::rename(part, out, ec);
    if (ec) {
        std::filesystem::remove(part, ec);
        return Error("reports.error.write", {{"path", out.string()}}, ec.message());
    }
    return {};
}
} // namespace detail

Status writeCsv(const Table& table, const std::filesystem::path& out) {
    std::string data = "\xEF\xBB\xBF";
    std::string line;
    for (size_t c = 0; c < table.columns.size(); ++c) {
        if (c)
            line += ',';
        putField(line, table.columns[c].title);
    }
    data += line + "\r\n";
    for (const Row& row : table.rows) {
        if (row.kind == RowKind::GroupHeader)
            continue;
        line.clear();
        for (size_t c = 0; c < table.columns.size(); ++c) {
            if (c)
                line += ',';
            if (c < row.cells.size())
                putField(line, cellText(row.cells[c], table.columns[c].type, false));
        }
        data += line;
        data += "\r\n";
    }

    auto part = detail::partPath(out);
    {
        std::ofstream f(part, std::ios::binary | std::ios::trunc);
        f.write(data.data(), std::streamsize(data.size()));
        f.flush();
        if (!f) {
            std::error_code ec;
            std::filesystem::remove(part, ec);
            return Error("reports.error.write", {{"path", out.string()}}, "cannot write " + part.string());
        }
    }
    return detail::commitPart(part, out);
}

Status writeTable(const Table& table, Format format, const std::filesystem::path& out,
                  const PageTexts& texts) {
    switch (format) {
    case Format::Csv: return writeCsv(table, out);
    case Format::Xlsx: return writeXlsx(table, out);
    case Format::Pdf: return writePdf(table, out, texts);
    }
    return Error("reports.error.format");
}

} // namespace zhuxue::reports
