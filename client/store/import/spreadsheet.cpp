#include "client/store/import/spreadsheet.hpp"

#include "client/store/import/csv_reader.hpp"
#include "client/store/import/xlsx_reader.hpp"

#include <fstream>

namespace zhuxue::import {

Result<Sheet> readSpreadsheetFile(const std::filesystem::path& file, const std::string& sheetName) {
    char magic[4] = {};
    {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            return Error("fs.read_failed", {{"path", file.string()}}, "cannot open");
        in.read(magic, sizeof magic);
    }
    if (std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4))
        return readXlsxFile(file, sheetName);
    if (std::string_view(magic, 4) == std::string_view("\xD0\xCF\x11\xE0", 4))
        return Error("import.xls_unsupported", {{"file", file.filename().string()}});
    return readCsvFile(file);
}

} // namespace zhuxue::import
