// validate-id: checks a resident ID number with the core rules (checksum, birth date, sequence,
// division code known or not, legacy 15-digit numbers). Exit 0 valid (warnings printed), 1 not.
#include "client/core/resident_id.hpp"
#include "command.hpp"

#include <cstdio>
#include <ctime>

namespace zhuxue::cli {

namespace {

core::Date today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return core::Date::make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday).value_or(core::Date{});
}

int validateId(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1) {
        std::fprintf(
            stderr, "%s\n",
            ctx.text("store.cli.usage_file", {{"example", "validate-id 11010519491231002X"}})
                .c_str());
        return 2;
    }
    auto check = core::checkResidentId(ops[0], today());
    for (const auto& f : check.findings.all()) {
        const char* mark = f.severity == core::Severity::Error ? "✗" : "!";
        std::printf("%s %s\n", mark,
                    ctx.texts ? ctx.texts->format(f.message).c_str() : f.message.key.c_str());
    }
    if (!check.findings.ok() || !check.id)
        return 1;
    const auto& id = *check.id;
    std::printf(
        "✓ %s  %s  %s\n", id.number.c_str(), id.birthDate.iso().c_str(),
        ctx.text(id.sex == core::Sex::Male ? "store.cli.male" : "store.cli.female").c_str());
    return 0;
}

} // namespace

void registerIdCommands(std::vector<Command>& out) {
    out.push_back(
        {"validate-id",
         "validate-id ID",
         "检查身份证号码（退出码 0 有效，1 无效）check a resident ID (exit 0 valid, 1 not)",
         {},
         {},
         validateId});
}

} // namespace zhuxue::cli
