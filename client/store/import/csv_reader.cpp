#include "client/store/import/csv_reader.hpp"

#include "client/store/import/encoding.hpp"
#include "client/store/paths.hpp"

namespace zhuxue::import {

namespace {
char detectDelimiter(std::string_view text) {
    std::size_t counts[3] = {0, 0, 0};
    const char candidates[3] = {',', '\t', ';'};
    bool quoted = false;
    for (char ch : text) {
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && (ch == '\n' || ch == '\r'))
            break;
        else if (!quoted)
            for (int i = 0; i < 3; ++i)
                counts[i] += ch == candidates[i];
    }
    int best = 0;
    for (int i = 1; i < 3; ++i)
        if (counts[i] > counts[best])
            best = i;
    return candidates[best];
}
} // namespace

Result<Sheet> parseCsv(std::string_view text) {
    Sheet sheet;
    const char delim = detectDelimiter(text);
    std::size_t record = 1;
    SheetRow row;
    std::string field;
    bool fieldQuoted = false;
    std::size_t quoteStartRecord = 0;

    auto endField = [&] {
        Cell cell;
        cell.kind = field.empty() ? CellKind::Empty : CellKind::Text;
        cell.text = std::move(field);
        row.cells.push_back(std::move(cell));
        field.clear();
        fieldQuoted = false;
    };
    auto endRow = [&] {
        endField();
        row.number = record++;
        if (!row.blank())
            sheet.rows.push_back(std::move(row));
        row = SheetRow{};
    };

    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const char ch = text[i];
        if (ch == '"' && field.empty() && !fieldQuoted) {
            // a quoted field: copy up to the closing quote, "" standing for one quote
            fieldQuoted = true;
            quoteStartRecord = record;
            ++i;
            while (true) {
                const std::size_t q = text.find('"', i);
                if (q == std::string_view::npos)
                    return Error("import.csv.unterminated_quote",
                                 {{"row", std::to_string(quoteStartRecord)}});
                field.append(text.substr(i, q - i));
                if (q + 1 < n && text[q + 1] == '"') {
                    field += '"';
                    i = q + 2;
                    continue;
                }
                i = q + 1;
                break;
            }
            continue;
        }
        if (ch == delim) {
            endField();
            ++i;
        } else if (ch == '\n' || ch == '\r') {
            endRow();
            i += (ch == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
        } else {
            // plain text up to the next delimiter or line end, copied in one piece; text after
            // a closing quote ("ab"c) is kept rather than refused, as Excel does
            std::size_t j = i;
            while (j < n && text[j] != delim && text[j] != '\n' && text[j] != '\r')
                ++j;
            field.append(text.substr(i, j - i));
            i = j;
        }
    }
    if (!field.empty() || fieldQuoted || !row.cells.empty())
        endRow();
    return sheet;
}

Result<Sheet> readCsvBytes(std::string_view bytes) {
    auto decoded = decodeText(bytes);
    if (!decoded)
        return decoded.error();
    auto sheet = parseCsv(decoded->text);
    if (sheet)
        sheet->encoding = decoded->encoding;
    return sheet;
}

Result<Sheet> readCsvFile(const std::filesystem::path& file) {
    auto bytes = readTextFile(file);
    if (!bytes)
        return bytes.error();
    return readCsvBytes(*bytes);
}

} // namespace zhuxue::import
