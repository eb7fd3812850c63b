#pragma once
// The one place sensitive values pass on their way into and out of the database. Every column the
// registry (record_schema.hpp, mirrored in the sensitive_field table) marks sensitive is written
// as encode(plain) and read as decode(stored); the same holds for sensitive values in the outbox,
// conflict and quarantine tables.
//
// Encryption at rest (issue 8): encode seals the value with the device's data key
// (crypto/key_vault.hpp, XChaCha20-Poly1305, the column name authenticated); decode opens it.
// Exact lookup by ID number uses a separate *_lookup column holding lookupKey(): a keyed blind
// index (BLAKE2b under a key derived from the data key), never the number itself. searchable()
// keeps sensitive values out of the plain-text search index except the phone's last four digits.
//
// While the key is locked (nobody signed in on a staff machine) ready() is false: the store
// refuses reads and writes of records with store.locked before it reaches the codec, and
// encode/lookupKey throw if they are reached anyway, so a plaintext value is never written.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace zhuxue::store {

class FieldCodec {
public:
    FieldCodec() = default;
    explicit FieldCodec(std::filesystem::path dataDir) : m_dataDir(std::move(dataDir)) {}

    bool ready() const;
    std::string encode(std::string_view table, std::string_view field,
                       std::string_view plain) const;
    Result<std::string> decode(std::string_view table, std::string_view field,
                               std::string_view stored) const;
    // The value stored in *_lookup columns for an ID number (after normalizeIdNumber).
    std::string lookupKey(std::string_view normalizedIdNumber) const;
    bool searchable(std::string_view table, std::string_view field) const;
    // Whether a stored value is already ciphertext (values written before version 4 are not).
    static bool sealed(std::string_view stored);

private:
    std::filesystem::path m_dataDir;
};

// core::normalizeResidentId: spaces dropped, a trailing x upper-cased; no validation.
std::string normalizeIdNumber(std::string_view idNumber);

} // namespace zhuxue::store
