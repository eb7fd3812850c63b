#pragma once
// How each record type maps to its table: one FieldSpec per column (the wire field name equals the
// column name), its kind, whether it is sensitive personal information, and which table a Uuid
// column points to. This is the registry the store, the sync engine and the field codec share:
// the sync engine names fields by these names, the codec encrypts exactly the sensitive ones.
//
// A record converts to FieldValues (one JSON value per FieldSpec, in order) and back, so the store
// can diff, log and apply changes field by field without knowing each struct.
#include "client/core/records.hpp"

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

namespace zhuxue::store {

enum class FieldKind {
    Text, // JSON string, TEXT column
    Int,  // JSON integer, INTEGER column (money in fen, years, counts)
    Bool, // JSON true/false, INTEGER 0/1
    Real, // JSON number, REAL column (scores only; never money)
    Id,   // JSON string (canonical UUID) or null, 16-byte BLOB or NULL
    Code, // JSON string from toCode(), TEXT column
    Json, // JSON array/object, TEXT column holding its JSON text
};

struct FieldSpec {
    std::string_view name;
    FieldKind kind = FieldKind::Text;
    bool sensitive = false;
    std::string_view refTable; // for Id fields pointing to a parent record; empty otherwise
};

struct TableSpec {
    RecordType type;
    std::string_view table;                    // equals toCode(type)
    std::vector<FieldSpec> fields;             // every column except `id`; fields[0] is `county`
    int indexOf(std::string_view field) const; // -1 when unknown
};

using FieldValues = std::vector<nlohmann::json>;

const TableSpec& tableSpec(RecordType type);
// All synced record types (every RecordType except AuditEntry, which is local to the device).
std::span<const RecordType> syncedRecordTypes();
bool isSensitive(std::string_view table, std::string_view field);

// Record <-> values; defined for every record struct of records.hpp except AuditEntry.
template <class R> RecordType recordTypeOf();
template <class R> FieldValues toValues(const R& record);
// Values of the wrong JSON type are ignored (the field keeps its default): remote data is
// validated by the sync protocol, this only keeps a bad value from throwing.
template <class R> R fromValues(const Uuid& id, const FieldValues& values);

// The values a freshly default-constructed record has; fields equal to these are not logged on
// create (a remote device creates the row with the same defaults).
const FieldValues& defaultValues(RecordType type);

} // namespace zhuxue::store
