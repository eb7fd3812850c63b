// Fuzzes XLSX import (client/store/import): the zip container (minizip), the workbook,
// relationships, shared strings, styles and the streamed worksheet (expat), dates and number
// formats, then the pure planning step of the pre-application import.
//
// Two kinds of input, chosen by the first byte:
//  - 'Z': the rest is the file's bytes as they are (a damaged or hostile zip);
//  - 'P': the rest is a list of parts, each "@@<part name>\n<content>", which the harness packs
//    into a valid zip (stored, CRCs right) first. Mutating a real zip mostly breaks its CRCs and
//    stops at the container; this mode lets the fuzzer reach the XML readers behind it.
// Other first bytes are ignored (a cheap no-op keeps the corpus honest). The reader takes a file,
// so each input is written to one scratch file in /dev/shm (or the temp directory).
#include "client/store/import/pre_application.hpp"
#include "client/store/import/xlsx_reader.hpp"
#include "fuzz_target.hpp"

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace zhuxue::import;
namespace fs = std::filesystem;

namespace {

fs::path scratchFile() {
    fs::path dir = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    return dir / ("zhuxue-fuzz-xlsx-" + std::to_string(getpid()) + ".xlsx");
}

void writeRaw(const fs::path& file, std::string_view bytes) {
    FILE* f = std::fopen(file.c_str(), "wb");
    if (!f)
        fuzzInvariantBroken("cannot write the scratch file");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
}

void writeZip(const fs::path& file, std::string_view parts) {
    zipFile z = zipOpen64(file.c_str(), APPEND_STATUS_CREATE);
    if (!z)
        fuzzInvariantBroken("cannot create the scratch zip");
    constexpr std::string_view kMark = "@@";
    std::size_t at = parts.find(kMark);
    while (at != std::string_view::npos) {
        std::size_t nameEnd = parts.find('\n', at);
        if (nameEnd == std::string_view::npos)
            break;
        std::string name(parts.substr(at + kMark.size(), nameEnd - at - kMark.size()));
        std::size_t next = parts.find(kMark, nameEnd + 1);
        std::string_view body = parts.substr(
            nameEnd + 1, next == std::string_view::npos ? std::string_view::npos : next - nameEnd - 1);
        if (!name.empty() && zipOpenNewFileInZip64(z, name.c_str(), nullptr, nullptr, 0, nullptr, 0,
                                                   nullptr, 0 /* stored */, 0, 0) == ZIP_OK) {
            zipWriteInFileInZip(z, body.data(), static_cast<unsigned>(body.size()));
            zipCloseFileInZip(z);
        }
        at = next;
    }
    zipClose(z, nullptr);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const fs::path file = scratchFile();
    if (size < 1)
        return 0;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] == 'Z')
        writeRaw(file, rest);
    else if (data[0] == 'P')
        writeZip(file, rest);
    else
        return 0;
    auto sheet = readXlsxFile(file);
    if (sheet) {
        ImportOptions options;
        options.dryRun = true;
        options.schoolYear = 2025;
        options.today = zhuxue::core::Date{2025, 7, 1};
        (void)planPreApplications(*sheet, options);
    }
    return 0;
}
