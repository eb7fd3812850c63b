#pragma once
// The one place sensitive values pass on their way into and out of the database. Every column the
// registry (record_schema.hpp, mirrored in the sensitive_field table) marks sensitive is written
// as encode(plain) and read as decode(stored); the same holds for sensitive values in the outbox,
// conflict and quarantine tables. Today the codec is the identity; encryption at rest (issue 8)
// replaces the bodies of these functions and nothing else.
//
// Exact lookup by ID number uses a separate column filled by lookupKey(), so it can become a
// keyed blind index (HMAC of the normalised number) without changing callers. searchable() says
// whether a sensitive value may enter the plain-text search index; with encryption it returns
// false and ID-number search falls back to the exact lookup.
#include "client/core/result.hpp"

#include <string>
#include <string_view>

namespace zhuxue::store {

class FieldCodec {
public:
    std::string encode(std::string_view table, std::string_view field,
                       std::string_view plain) const;
    Result<std::string> decode(std::string_view table, std::string_view field,
                               std::string_view stored) const;
    // The value stored in *_lookup columns for an ID number (after normalizeIdNumber).
    std::string lookupKey(std::string_view normalizedIdNumber) const;
    bool searchable(std::string_view table, std::string_view field) const;
};

// core::normalizeResidentId: spaces dropped, a trailing x upper-cased; no validation.
std::string normalizeIdNumber(std::string_view idNumber);

} // namespace zhuxue::store
