#pragma once
// One field-level change, the unit that crosses the wire between devices and the server.
// Text forms are canonical and compared as text: ids are lowercase UUIDs (36 chars), HLC stamps
// are 16 lowercase hex digits (so text order equals numeric order), counties are 6-digit
// GB/T 2260 division codes.
#include "client/core/result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::sync {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::string_view kDeletedField = "_deleted";
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;

struct Change {
    std::string id;         // UUIDv7 of the change, made by the device
    std::string recordType; // one of recordTypes()
    std::string recordId;   // UUID of the record
    std::string county;     // 6-digit division code: decides who may see and write it
    std::string field;      // field name, or "_deleted"
    nlohmann::json value;   // the new value (any JSON; true for "_deleted")
    std::string hlc;        // stamp of this edit
    std::string device;     // UUID of the device that made the edit
    // The values this edit replaced. Usually one (the value the person saw), none for a first
    // value, several when a person resolves a conflict between several values. Each names a
    // value as "<hlc>@<device>" (exact) or just "<hlc>" (any device's value with that stamp; the
    // short form is accepted for compatibility, but two devices can stamp the same millisecond).
    // Text form on the wire: "" or the items joined by commas, sorted.
    std::vector<std::string> base;

    bool operator==(const Change&) const = default;
};

// Record types the protocol carries. A change naming anything else is rejected, so a typo on a
// device cannot create data nobody reads.
const std::vector<std::string>& recordTypes();
bool isRecordType(std::string_view type);

bool isUuidText(std::string_view s);         // canonical lowercase 8-4-4-4-12
bool isHlcText(std::string_view s);          // exactly 16 lowercase hex digits
bool isCountyCode(std::string_view s);       // exactly 6 digits, not starting with 0
// "420527,420528" <-> {"420527", "420528"} (empty items skipped), as the CLI and tables keep them.
std::vector<std::string> splitCountyList(std::string_view s);
std::string joinCountyList(const std::vector<std::string>& counties);
bool isFieldName(std::string_view s);        // [a-z][a-z0-9_]{0,63} or "_deleted"
uint64_t hlcValue(std::string_view hlcText); // 0 when not an HLC
std::string hlcText(uint64_t value);

// A change's base as the tables keep it: version refs joined by commas (none contains one).
std::string joinBase(const std::vector<std::string>& base);
std::vector<std::string> splitBase(std::string_view s);
// "<hlc>@<device>", the exact way to name a value in `base`.
std::string versionRef(const Change& c);
bool isBaseRef(std::string_view s);

// Checks every rule above plus hlc > every base. Error keys are sync.json keys.
Status validate(const Change& c);

nlohmann::json toJson(const Change& c);
// Strict: every key present, no unknown keys, types exact, then validate().
Result<Change> changeFromJson(const nlohmann::json& j);

} // namespace zhuxue::sync
