#include "exporter.hpp"

#include <chrono>
#include <cstdlib>

namespace zhuxue::cli {

std::string Exporter::auditNote() const {
    return " role=" + std::string(store::toCode(role)) + (account ? " (account)" : " (stated)");
}

Result<Exporter> exporterFrom(const std::filesystem::path& dataDir, const Args& args,
                              std::istream& passwordIn) {
    Exporter e;
    const char* envUser = std::getenv("USER");
    e.user = args.value("user", envUser ? envUser : "zhuxue-cli");
    std::error_code ec;
    if (std::filesystem::exists(store::Accounts::path(dataDir), ec)) {
        auto accounts = store::Accounts::open(dataDir);
        if (!accounts)
            return accounts.error();
        if ((*accounts)->anyAccount()) {
            if (!args.has("user"))
                return Error("access.account_required");
            std::string password;
            std::getline(passwordIn, password);
            if (!password.empty() && password.back() == '\r')
                password.pop_back();
            auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
            auto account = (*accounts)->signIn(e.user, password, now);
            if (!account)
                return account.error();
            e.role = account->role;
            e.account = true;
            return e;
        }
    }
    if (!args.has("role"))
        return Error("access.role_required");
    auto role = store::roleFromCode(args.value("role"));
    if (!role)
        return Error("access.bad_role", {{"role", args.value("role")}});
    e.role = *role;
    return e;
}

} // namespace zhuxue::cli
