#pragma once
// The device database schema as numbered migrations. Migration N (1-based) moves a database from
// user_version N-1 to N; each is a list of SQL steps run in one transaction together with the new
// user_version, so an interrupted upgrade leaves the old version intact. Never edit a released
// migration: add a new one.
#include "sqlite.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace zhuxue::store {

struct Migration {
    int version;
    std::string_view description;
    std::vector<std::string_view> steps;
};

std::span<const Migration> migrations();
int latestSchemaVersion();

// Brings `db` from its user_version up to `target` (default: latest). A database newer than this
// program is refused (store.too_new) rather than misread.
Status migrate(Db& db, int target = -1);

} // namespace zhuxue::store
