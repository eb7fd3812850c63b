#include "field_codec.hpp"

#include "client/core/resident_id.hpp"
#include "crypto/key_vault.hpp"

#include <stdexcept>

namespace zhuxue::store {

namespace {
std::string context(std::string_view table, std::string_view field) {
    return std::string(table) + "." + std::string(field);
}
} // namespace

bool FieldCodec::ready() const {
    return crypto::KeyVault::unlocked(m_dataDir);
}

std::string FieldCodec::encode(std::string_view table, std::string_view field,
                               std::string_view plain) const {
    auto sealed = crypto::KeyVault::seal(m_dataDir, context(table, field), plain);
    if (!sealed)
        throw std::runtime_error("refusing to write " + context(table, field) +
                                 " without the data key: " + sealed.error().detail);
    return *sealed;
}

Result<std::string> FieldCodec::decode(std::string_view table, std::string_view field,
                                       std::string_view stored) const {
    return crypto::KeyVault::open(m_dataDir, context(table, field), stored);
}

std::string FieldCodec::lookupKey(std::string_view normalizedIdNumber) const {
    auto key = crypto::KeyVault::blindIndex(m_dataDir, normalizedIdNumber);
    if (!key)
        throw std::runtime_error("ID-number lookup without the data key");
    return *key;
}

bool FieldCodec::searchable(std::string_view table, std::string_view field) const {
    // Only the last four digits of a phone enter the index (search.cpp); ID numbers are found
    // through the blind index instead.
    return table == "student" && field == "phone";
}

bool FieldCodec::sealed(std::string_view stored) {
    return crypto::KeyVault::isSealed(stored);
}

std::string normalizeIdNumber(std::string_view idNumber) {
    return core::normalizeResidentId(idNumber);
}

} // namespace zhuxue::store
