#pragma once
// Request and response bodies of the sync API (see PROTOCOL.md). Every decoder is strict:
// unknown keys, wrong types, a missing or newer protocol number are errors, not guesses.
#include "change.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::sync {

inline constexpr std::size_t kMaxBatchChanges = 5000;
inline constexpr std::size_t kMaxPullPage = 5000;

struct PushRequest {
    std::vector<Change> changes;
};

enum class PushStatus { Stored, Duplicate, Rejected };

struct PushResult {
    std::string id;
    PushStatus status = PushStatus::Stored;
    int code = 200;       // 403 outside scope, 409 same id other content
    std::string errorKey; // sync.json key when rejected
    std::string detail;
};

struct PushResponse {
    std::vector<PushResult> results;
};

struct PullResponse {
    std::vector<Change> changes;
    std::string cursor; // opaque; send it back as ?cursor= to continue
    bool more = false;
};

struct EnrollRequest {
    std::string code;
    std::string device;
    std::string name;
    // The role the device is set up as ("staff", "kiosk", "display"); the server refuses a code
    // made for another role (sync.error.wrong_role). Empty: not stated (older devices), the
    // code's role applies.
    std::string role;
};

struct EnrollResponse {
    std::string device;
    std::string token;
    std::vector<std::string> counties;
    int64_t expiresAt = 0; // Unix seconds
    std::string role = "staff"; // what the server enrolled the device as
};

nlohmann::json toJson(const PushRequest& r);
nlohmann::json toJson(const PushResponse& r);
nlohmann::json toJson(const PullResponse& r);
nlohmann::json toJson(const EnrollRequest& r);
nlohmann::json toJson(const EnrollResponse& r);

Result<PushRequest> pushRequestFromJson(const nlohmann::json& j);
Result<PushResponse> pushResponseFromJson(const nlohmann::json& j);
Result<PullResponse> pullResponseFromJson(const nlohmann::json& j);
Result<EnrollRequest> enrollRequestFromJson(const nlohmann::json& j);
Result<EnrollResponse> enrollResponseFromJson(const nlohmann::json& j);

// {"error": {"key": ..., "message": ..., "args": {...}}}: every 4xx/5xx body.
nlohmann::json errorBody(const Error& e);
// Reads an error body back; a body that is not one becomes sync.error.http with the text.
Error errorFromBody(int status, const std::string& body);

// JSON nesting deeper than this is refused before it is parsed (a value of 100,000 open
// brackets would otherwise exhaust the stack when the document is destroyed).
inline constexpr int kMaxJsonDepth = 32;
// The deepest nesting of arrays and objects in `text` (brackets inside strings not counted),
// scanning no further than one level past `stopAbove`.
int jsonDepth(std::string_view text, int stopAbove = kMaxJsonDepth);
// Parses text as JSON without exceptions; nesting deeper than kMaxJsonDepth is
// sync.error.too_deep.
Result<nlohmann::json> parseJson(const std::string& text);

} // namespace zhuxue::sync
