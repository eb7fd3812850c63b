#include "field_codec.hpp"

#include "client/core/resident_id.hpp"

namespace zhuxue::store {

std::string FieldCodec::encode(std::string_view, std::string_view, std::string_view plain) const {
    return std::string(plain);
}

Result<std::string> FieldCodec::decode(std::string_view, std::string_view,
                                       std::string_view stored) const {
    return std::string(stored);
}

std::string FieldCodec::lookupKey(std::string_view normalizedIdNumber) const {
    return std::string(normalizedIdNumber);
}

bool FieldCodec::searchable(std::string_view, std::string_view) const {
    return true;
}

std::string normalizeIdNumber(std::string_view idNumber) {
    return core::normalizeResidentId(idNumber);
}

} // namespace zhuxue::store
