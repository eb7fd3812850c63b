#include "client/store/import/xlsx_reader.hpp"

#include "client/core/text/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <expat.h>
#include <functional>
#include <map>
#include <memory>
#include <unzip.h>
#include <vector>

namespace zhuxue::import {

namespace {

// ---- the zip ----------------------------------------------------------------------------------

class ZipArchive {
public:
    explicit ZipArchive(const std::filesystem::path& file) : m_zip(unzOpen64(file.c_str())) {}
    ~ZipArchive() {
        if (m_zip)
            unzClose(m_zip);
    }
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    bool ok() const { return m_zip != nullptr; }
    bool has(const std::string& part) { return unzLocateFile(m_zip, part.c_str(), 2) == UNZ_OK; }

    // Feeds the part's bytes to sink in chunks; false from sink stops early.
    Status stream(const std::string& part,
                  const std::function<bool(const char*, std::size_t)>& sink) {
        if (!has(part) || unzOpenCurrentFile(m_zip) != UNZ_OK)
            return Error("import.xlsx.damaged", {{"part", part}}, "missing from the zip");
        std::vector<char> buf(1 << 16);
        int n;
        bool more = true;
        while (more &&
               (n = unzReadCurrentFile(m_zip, buf.data(), static_cast<unsigned>(buf.size()))) > 0)
            more = sink(buf.data(), static_cast<std::size_t>(n));
        const int closed = unzCloseCurrentFile(m_zip); // checks the CRC when read to the end
        if (n < 0 || (more && closed != UNZ_OK))
            return Error("import.xlsx.damaged", {{"part", part}},
                         "zip read error " + std::to_string(n));
        return {};
    }

private:
    unzFile m_zip;
};

// ---- XML, namespace-blind ---------------------------------------------------------------------

// Generators differ in prefixes (<row> vs <x:row>); elements and attributes are matched by
// local name only, which is unambiguous within each SpreadsheetML part.
std::string_view localName(const XML_Char* name) {
    std::string_view s(name);
    const auto bar = s.rfind('|');
    return bar == std::string_view::npos ? s : s.substr(bar + 1);
}

const XML_Char* attr(const XML_Char** atts, std::string_view name) {
    for (int i = 0; atts[i]; i += 2)
        if (localName(atts[i]) == name)
            return atts[i + 1];
    return nullptr;
}

class XmlHandler {
public:
    virtual ~XmlHandler() = default;
    virtual void start(std::string_view name, const XML_Char** atts) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(const char*, int) {}
    Error failure; // set by a handler to stop with an error
    bool failed = false;
};

Status parsePart(ZipArchive& zip, const std::string& part, XmlHandler& handler) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreateNS(nullptr, '|'), &XML_ParserFree);
    XML_SetUserData(parser.get(), &handler);
    XML_SetElementHandler(
        parser.get(),
        [](void* h, const XML_Char* name, const XML_Char** atts) {
            static_cast<XmlHandler*>(h)->start(localName(name), atts);
        },
        [](void* h, const XML_Char* name) { static_cast<XmlHandler*>(h)->end(localName(name)); });
    XML_SetCharacterDataHandler(parser.get(), [](void* h, const XML_Char* s, int len) {
        static_cast<XmlHandler*>(h)->text(s, len);
    });
    std::string xmlError;
    auto status = zip.stream(part, [&](const char* data, std::size_t n) {
        if (XML_Parse(parser.get(), data, static_cast<int>(n), 0) == XML_STATUS_ERROR) {
            xmlError = XML_ErrorString(XML_GetErrorCode(parser.get()));
            return false;
        }
        return !handler.failed;
    });
    if (!status)
        return status;
    if (xmlError.empty() && !handler.failed &&
        XML_Parse(parser.get(), nullptr, 0, 1) == XML_STATUS_ERROR)
        xmlError = XML_ErrorString(XML_GetErrorCode(parser.get()));
    if (handler.failed)
        return handler.failure;
    if (!xmlError.empty())
        return Error("import.xlsx.damaged", {{"part", part}},
                     xmlError + " at line " +
                         std::to_string(XML_GetCurrentLineNumber(parser.get())));
    return {};
}

// OOXML escapes characters XML cannot carry as _xHHHH_ (a literal "_x" is written _x005F_x).
void appendXstring(std::string& out, std::string_view s) {
    if (s.find("_x") == std::string_view::npos) {
        out.append(s);
        return;
    }
    auto hex4 = [](std::string_view h, unsigned& v) {
        return h.size() == 4 && std::from_chars(h.data(), h.data() + 4, v, 16).ptr == h.data() + 4;
    };
    for (std::size_t i = 0; i < s.size();) {
        unsigned v = 0;
        if (s.compare(i, 2, "_x") == 0 && i + 7 <= s.size() && s[i + 6] == '_' &&
            hex4(s.substr(i + 2, 4), v)) {
            unsigned lo = 0;
            if (v >= 0xD800 && v <= 0xDBFF && i + 14 <= s.size() &&
                s.compare(i + 7, 2, "_x") == 0 && s[i + 13] == '_' &&
                hex4(s.substr(i + 9, 4), lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                text::appendUtf8(out, 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
                i += 14;
            } else {
                text::appendUtf8(out, v);
                i += 7;
            }
            continue;
        }
        out += s[i++];
    }
}

// ---- parts ------------------------------------------------------------------------------------

struct RelsHandler : XmlHandler {
    std::map<std::string, std::pair<std::string, std::string>> byId; // id → (type, target)
    void start(std::string_view name, const XML_Char** atts) override {
        if (name != "Relationship")
            return;
        const char* id = attr(atts, "Id");
        const char* target = attr(atts, "Target");
        const char* type = attr(atts, "Type");
        if (id && target)
            byId[id] = {type ? type : "", target};
    }
    void end(std::string_view) override {}
    std::string targetOfType(std::string_view suffix) const {
        for (auto& [id, tt] : byId)
            if (tt.first.size() >= suffix.size() && tt.first.ends_with(suffix))
                return tt.second;
        return {};
    }
};

// Targets are relative to the folder of the part that names them, or absolute from the root.
std::string resolvePart(const std::string& base, const std::string& target) {
    if (target.empty())
        return {};
    if (target.front() == '/')
        return target.substr(1);
    std::vector<std::string> parts;
    auto split = [&](std::string_view path, bool dropLast) {
        std::size_t start = 0;
        while (start <= path.size()) {
            const std::size_t slash = std::min(path.find('/', start), path.size());
            const std::string_view piece = path.substr(start, slash - start);
            const bool last = slash == path.size();
            if (!(last && dropLast)) {
                if (piece == "..") {
                    if (!parts.empty())
                        parts.pop_back();
                } else if (!piece.empty() && piece != ".") {
                    parts.emplace_back(piece);
                }
            }
            start = slash + 1;
        }
    };
    split(base, true);
    split(target, false);
    std::string out;
    for (auto& p : parts)
        out += (out.empty() ? "" : "/") + p;
    return out;
}

std::string relsPathOf(const std::string& part) {
    const auto slash = part.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
    const std::string file = slash == std::string::npos ? part : part.substr(slash + 1);
    return dir + "_rels/" + file + ".rels";
}

struct WorkbookHandler : XmlHandler {
    std::vector<std::pair<std::string, std::string>> sheets; // name, relationship id
    bool date1904 = false;
    void start(std::string_view name, const XML_Char** atts) override {
        if (name == "sheet") {
            const char* n = attr(atts, "name");
            const char* id = attr(atts, "id");
            sheets.emplace_back(n ? n : "", id ? id : "");
        } else if (name == "workbookPr") {
            const char* d = attr(atts, "date1904");
            date1904 = d && (std::strcmp(d, "1") == 0 || std::strcmp(d, "true") == 0);
        }
    }
    void end(std::string_view) override {}
};

struct SharedStringsHandler : XmlHandler {
    std::vector<std::string> strings;
    std::string current, raw;
    bool inT = false;
    int phonetic = 0; // inside <rPh>: Japanese readings, not part of the text
    void start(std::string_view name, const XML_Char**) override {
        if (name == "si")
            current.clear();
        else if (name == "rPh")
            ++phonetic;
        else if (name == "t" && !phonetic)
            inT = true, raw.clear();
    }
    void end(std::string_view name) override {
        if (name == "t" && inT) {
            appendXstring(current, raw);
            inT = false;
        } else if (name == "rPh") {
            --phonetic;
        } else if (name == "si") {
            strings.push_back(std::move(current));
            current.clear();
        }
    }
    void text(const char* s, int len) override {
        if (inT)
            raw.append(s, static_cast<std::size_t>(len));
    }
};

struct StylesHandler : XmlHandler {
    std::map<int, std::string> customFormats;
    std::vector<int> xfFormat; // cellXfs index → numFmtId
    bool inCellXfs = false;
    void start(std::string_view name, const XML_Char** atts) override {
        if (name == "numFmt") {
            const char* id = attr(atts, "numFmtId");
            const char* code = attr(atts, "formatCode");
            if (id && code)
                customFormats[std::atoi(id)] = code;
        } else if (name == "cellXfs") {
            inCellXfs = true;
        } else if (name == "xf" && inCellXfs) {
            const char* id = attr(atts, "numFmtId");
            xfFormat.push_back(id ? std::atoi(id) : 0);
        }
    }
    void end(std::string_view name) override {
        if (name == "cellXfs")
            inCellXfs = false;
    }
};

std::string formatNumber(std::string_view raw, double& value) {
    const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (r.ec != std::errc() || r.ptr != raw.data() + raw.size())
        return std::string(raw);
    char buf[64];
    if (std::nearbyint(value) == value && std::fabs(value) < 1e15) {
        auto end = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value)).ptr;
        return std::string(buf, end);
    }
    // Beyond 15 digits Excel has already rounded the number (an ID number typed into a number
    // cell): show it in scientific form, as Excel does, rather than as digits that look real.
    auto end = std::fabs(value) >= 1e15
                   ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific).ptr
                   : std::to_chars(buf, buf + sizeof buf, value).ptr;
    return std::string(buf, end);
}

struct SheetHandler : XmlHandler {
    const std::vector<std::string>& shared;
    const std::vector<bool>& dateStyle; // per cellXfs index
    bool date1904;
    Sheet& sheet;

    SheetRow row;
    std::size_t nextRow = 1, nextCol = 0, col = 0;
    std::string type, value;
    std::size_t style = 0;
    bool inCell = false, inV = false, inT = false, inSheetData = false;
    int phonetic = 0;

    SheetHandler(const std::vector<std::string>& s, const std::vector<bool>& d, bool d1904,
                 Sheet& out)
        : shared(s), dateStyle(d), date1904(d1904), sheet(out) {}

    void start(std::string_view name, const XML_Char** atts) override {
        if (name == "sheetData") {
            inSheetData = true;
        } else if (!inSheetData) {
            return;
        } else if (name == "row") {
            const char* r = attr(atts, "r");
            row = SheetRow{};
            row.number = r ? std::strtoull(r, nullptr, 10) : nextRow;
            if (row.number == 0)
                row.number = nextRow;
            nextRow = row.number + 1;
            nextCol = 0;
        } else if (name == "c") {
            const char* r = attr(atts, "r");
            col = r ? columnFromReference(r) : nextCol;
            if (col == std::string_view::npos) {
                failed = true;
                failure = Error("import.xlsx.damaged", {{"part", "worksheet"}},
                                std::string("bad cell reference ") + r);
                return;
            }
            nextCol = col + 1;
            const char* t = attr(atts, "t");
            type = t ? t : "n";
            const char* s = attr(atts, "s");
            style = s ? std::strtoul(s, nullptr, 10) : 0;
            value.clear();
            inCell = true;
        } else if (inCell && name == "v") {
            inV = true;
        } else if (inCell && name == "rPh") {
            ++phonetic;
        } else if (inCell && name == "t" && !phonetic) {
            inT = true;
        }
    }

    void end(std::string_view name) override {
        if (!inSheetData)
            return;
        if (name == "v") {
            inV = false;
        } else if (name == "t") {
            inT = false;
        } else if (name == "rPh") {
            --phonetic;
        } else if (name == "c") {
            finishCell();
            inCell = false;
        } else if (name == "row") {
            if (!row.blank())
                sheet.rows.push_back(std::move(row));
            row = SheetRow{};
        } else if (name == "sheetData") {
            inSheetData = false;
        }
    }

    void text(const char* s, int len) override {
        if (inV || inT)
            value.append(s, static_cast<std::size_t>(len));
    }

    void finishCell() {
        // A cell whose reference was refused (col == npos) must not be stored: the part is
        // already marked damaged (found by tests/fuzz/fuzz_xlsx_import: cells[npos] was written).
        if (failed || col == std::string_view::npos)
            return;
        Cell cell;
        if (type == "s") {
            std::size_t index = 0;
            auto r = std::from_chars(value.data(), value.data() + value.size(), index);
            if (r.ec != std::errc() || index >= shared.size()) {
                failed = true;
                failure = Error("import.xlsx.damaged", {{"part", "sharedStrings"}},
                                "shared string " + value + " out of range");
                return;
            }
            cell.text = shared[index];
            cell.kind = CellKind::Text;
        } else if (type == "inlineStr" || type == "str") {
            appendXstring(cell.text, value);
            cell.kind = CellKind::Text;
        } else if (type == "b") {
            cell.text = value == "1" || value == "true" ? "TRUE" : "FALSE";
            cell.kind = CellKind::Bool;
        } else if (type == "e") {
            cell.text = value;
            cell.kind = CellKind::Error;
        } else if (type == "d") {
            cell.text = value; // ISO 8601 already; keep the date part as written
            if (cell.text.size() > 10 && cell.text.find("T00:00:00") == 10)
                cell.text.resize(10);
            cell.kind = CellKind::Date;
        } else if (!value.empty()) {
            double number = 0;
            cell.text = formatNumber(value, number);
            cell.kind = CellKind::Number;
            if (style < dateStyle.size() && dateStyle[style] && number >= 0 && number < 2958466) {
                cell.text = excelSerialToText(number, date1904);
                cell.kind = CellKind::Date;
            }
        }
        if (cell.text.empty())
            cell.kind = CellKind::Empty;
        if (row.cells.size() <= col)
            row.cells.resize(col + 1);
        row.cells[col] = std::move(cell);
    }
};

// days since 1970-01-01 → civil date (H. Hinnant's algorithm)
void civilFromDays(long long z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

} // namespace

bool isDateFormat(int id, std::string_view code) {
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
        (id >= 50 && id <= 58))
        return true; // built-in date and time formats, including the East Asian ones
    if (id < 164 && code.empty())
        return false;
    // A custom format is a date when, outside quoted text, [..] sections and escapes, it uses
    // year, month, day, hour or second codes.
    bool quoted = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char ch = code[i];
        if (ch == '"') {
            quoted = !quoted;
        } else if (quoted) {
            continue;
        } else if (ch == '\\' || ch == '_' || ch == '*') {
            ++i; // escaped or padding character
        } else if (ch == '[') {
            const auto close = code.find(']', i);
            if (close == std::string_view::npos)
                break;
            const std::string_view inside = code.substr(i + 1, close - i - 1);
            if (inside == "h" || inside == "hh" || inside == "m" || inside == "mm" ||
                inside == "s" || inside == "ss")
                return true; // elapsed time
            i = close;
        } else if (ch != '\0' && std::strchr("yYmMdDhHsS", ch)) {
            return true;
        }
    }
    return false;
}

std::string excelSerialToText(double serial, bool date1904) {
    long long days = static_cast<long long>(std::floor(serial));
    long long seconds = std::llround((serial - static_cast<double>(days)) * 86400.0);
    if (seconds >= 86400)
        ++days, seconds -= 86400;
    char buf[40];
    int y;
    unsigned m, d;
    if (!date1904 && days == 60) {
        y = 1900, m = 2, d = 29; // Excel's phantom leap day
    } else if (!date1904 && days == 0) {
        y = 1900, m = 1, d = 0; // how Excel shows serial 0
    } else {
        // 1900 system: serial 1 is 1900-01-01 and serials after 60 are one day "late";
        // 1904 system: serial 0 is 1904-01-01.
        // (days relative to 1970-01-01: 1904-01-01 is -24107, 1899-12-31 is -25568)
        const long long epoch = date1904 ? -24107 : (days < 60 ? -25568 : -25569);
        civilFromDays(epoch + days, y, m, d);
    }
    int len = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    if (seconds > 0)
        std::snprintf(buf + len, sizeof buf - static_cast<std::size_t>(len),
                      " %02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
    return buf;
}

Result<Sheet> readXlsxFile(const std::filesystem::path& file, const std::string& sheetName) {
    ZipArchive zip(file);
    if (!zip.ok())
        return Error("import.xlsx.not_xlsx", {{"file", file.filename().string()}},
                     "not a zip archive");

    // _rels/.rels names the workbook part; every generator we know uses xl/workbook.xml.
    std::string workbookPart = "xl/workbook.xml";
    if (zip.has("_rels/.rels")) {
        RelsHandler root;
        if (auto s = parsePart(zip, "_rels/.rels", root); !s)
            return s.error();
        if (auto t = root.targetOfType("/officeDocument"); !t.empty())
            workbookPart = resolvePart("", t);
    }
    if (!zip.has(workbookPart))
        return Error("import.xlsx.not_xlsx", {{"file", file.filename().string()}},
                     "no workbook part");

    WorkbookHandler workbook;
    if (auto s = parsePart(zip, workbookPart, workbook); !s)
        return s.error();
    RelsHandler rels;
    if (const std::string relsPart = relsPathOf(workbookPart); zip.has(relsPart))
        if (auto s = parsePart(zip, relsPart, rels); !s)
            return s.error();

    SharedStringsHandler strings;
    std::string sharedPart = resolvePart(workbookPart, rels.targetOfType("/sharedStrings"));
    if (sharedPart.empty())
        sharedPart = "xl/sharedStrings.xml";
    if (zip.has(sharedPart))
        if (auto s = parsePart(zip, sharedPart, strings); !s)
            return s.error();

    StylesHandler styles;
    std::string stylesPart = resolvePart(workbookPart, rels.targetOfType("/styles"));
    if (stylesPart.empty())
        stylesPart = "xl/styles.xml";
    if (zip.has(stylesPart))
        if (auto s = parsePart(zip, stylesPart, styles); !s)
            return s.error();
    std::vector<bool> dateStyle;
    for (int id : styles.xfFormat) {
        auto it = styles.customFormats.find(id);
        dateStyle.push_back(
            isDateFormat(id, it == styles.customFormats.end() ? std::string_view{} : it->second));
    }

    if (workbook.sheets.empty())
        return Error("import.xlsx.no_sheet", {{"sheet", sheetName}},
                     "the workbook lists no sheets");
    const std::pair<std::string, std::string>* chosen = &workbook.sheets.front();
    if (!sheetName.empty()) {
        chosen = nullptr;
        for (auto& s : workbook.sheets)
            if (s.first == sheetName)
                chosen = &s;
        if (!chosen)
            return Error("import.xlsx.no_sheet", {{"sheet", sheetName}});
    }
    std::string sheetPart;
    if (auto it = rels.byId.find(chosen->second); it != rels.byId.end())
        sheetPart = resolvePart(workbookPart, it->second.second);
    if (sheetPart.empty())
        sheetPart = "xl/worksheets/sheet1.xml";

    Sheet sheet;
    sheet.name = chosen->first;
    sheet.encoding = "XLSX";
    SheetHandler handler(strings.strings, dateStyle, workbook.date1904, sheet);
    if (auto s = parsePart(zip, sheetPart, handler); !s)
        return s.error();
    return sheet;
}

} // namespace zhuxue::import
