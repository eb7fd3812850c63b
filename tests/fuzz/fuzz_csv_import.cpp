// Fuzzes CSV import (client/store/import): encoding detection (UTF-8 with or without BOM,
// GB18030, UTF-16), RFC 4180 quoting, delimiter guessing, then the pure planning step of the
// pre-application import (column mapping, resident IDs, phones, co-borrower rules) over
// whatever sheet came out. The planning step is what decides what would be written, so a
// malformed file must end there as issues or an error.
#include "client/store/import/csv_reader.hpp"
#include "client/store/import/pre_application.hpp"
#include "fuzz_target.hpp"

#include <string_view>

using namespace zhuxue::import;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto sheet = readCsvBytes(bytes);
    if (sheet) {
        ImportOptions options;
        options.dryRun = true;
        options.schoolYear = 2025;
        options.today = zhuxue::core::Date{2025, 7, 1};
        (void)planPreApplications(*sheet, options);
    }
    (void)parseCsv(bytes);
    return 0;
}
