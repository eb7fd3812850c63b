#pragma once
// Who is exporting, for zhuxue-cli's export commands (export, roster). An export must say who
// takes the list, before anything is read:
//  - on a device with staff accounts (accounts.db holds any): --user ACCOUNT, with the account's
//    password as the first line of standard input. It is a real sign-in (Argon2id check, failed
//    attempts counted toward the lockout) that also unlocks the data key for this process; the
//    account's role applies. Without --user: access.account_required.
//  - on a device without accounts (an office import/export machine that keeps device.key):
//    --role admin|staff states the role (the audit says "stated"); --user names the person for the
//    audit (default $USER). Without --role: access.role_required.
// The store then runs at that role's access level (store/access.hpp): a volunteer is refused with
// access.denied and no file is written. Every export names user and role in the audit trail.
#include "client/core/args.hpp"
#include "client/store/accounts.hpp"
#include "client/store/store.hpp"

#include <filesystem>
#include <istream>
#include <string>

namespace zhuxue::cli {

struct Exporter {
    std::string user;
    store::Role role = store::Role::Volunteer;
    bool account = false; // signed in with an account of this device
    store::Actor actor() const { return {user}; }
    // " role=staff (account)" for the audit summary.
    std::string auditNote() const;
};

// `passwordIn` is read (one line) only when an account signs in.
Result<Exporter> exporterFrom(const std::filesystem::path& dataDir, const Args& args,
                              std::istream& passwordIn);

} // namespace zhuxue::cli
