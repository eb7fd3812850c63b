#include "access.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace zhuxue::store {

std::string_view toCode(Access access) {
    switch (access) {
    case Access::Locked: return "locked";
    case Access::Kiosk: return "kiosk";
    case Access::Volunteer: return "volunteer";
    case Access::Staff: return "staff";
    case Access::Admin: return "admin";
    case Access::System: return "system";
    }
    return "locked";
}

Access accessFor(Role role) {
    switch (role) {
    case Role::Admin: return Access::Admin;
    case Role::Staff: return Access::Staff;
    case Role::Volunteer: return Access::Volunteer;
    }
    return Access::Locked;
}

namespace {
constexpr std::array kWithheld{
    WithheldField{RecordType::Household, "annual_income_fen"},
    WithheldField{RecordType::Household, "priority_groups"},
    WithheldField{RecordType::HouseholdMember, "annual_income_fen"},
    WithheldField{RecordType::HouseholdMember, "health"},
    WithheldField{RecordType::Contract, "settlement_account"},
    WithheldField{RecordType::HardshipAssessment, "answers_json", "draft"},
    WithheldField{RecordType::HardshipAssessment, "score", "draft"},
    WithheldField{RecordType::HardshipAssessment, "priority_groups", "draft"},
    WithheldField{RecordType::HomeVisit, "answers_json"},
    WithheldField{RecordType::HomeVisit, "per_capita_income_fen"},
    WithheldField{RecordType::HomeVisit, "observations"},
};

struct Names {
    std::string_view zh, en;
};

Names roleName(Access a) {
    switch (a) {
    case Access::Locked: return {"未登录（已锁定）", "signed out (locked)"};
    case Access::Kiosk: return {"自助终端", "kiosk"};
    case Access::Volunteer: return {"志愿者", "volunteer"};
    case Access::Staff: return {"工作人员", "staff"};
    case Access::Admin: return {"管理员", "administrator"};
    case Access::System: return {"系统", "system"};
    }
    return {"", ""};
}
} // namespace

std::span<const WithheldField> volunteerWithheldFields() {
    return kWithheld;
}

const WithheldField* withheldRule(Access access, RecordType type, std::string_view field) {
    if (access != Access::Volunteer)
        return nullptr;
    for (const auto& w : kWithheld)
        if (w.type == type && w.field == field)
            return &w;
    return nullptr;
}

bool withheldFrom(Access access, RecordType type, std::string_view field) {
    return withheldRule(access, type, field) != nullptr;
}

bool mayReadRecords(Access access) {
    return access != Access::Locked && access != Access::Kiosk;
}
bool mayWriteRecords(Access access) {
    return access != Access::Locked && access != Access::Kiosk;
}
bool mayExport(Access access) {
    return access == Access::Staff || access == Access::Admin || access == Access::System;
}

Status mayDecide(Access access, RecordType type, std::string_view statusBefore,
                 std::string_view statusAfter) {
    if (access != Access::Volunteer)
        return {};
    if (type == RecordType::Contract)
        return accessDenied(access, "sign");
    if (type == RecordType::DemocraticReview)
        return accessDenied(access, "decide");
    if (statusAfter == statusBefore)
        return {};
    auto oneOf = [&](std::initializer_list<std::string_view> codes) {
        return std::find(codes.begin(), codes.end(), statusAfter) != codes.end();
    };
    if (type == RecordType::LoanApplication && !oneOf({"pre_application", "applied", "withdrawn"}))
        return accessDenied(access, "decide");
    if (type == RecordType::HardshipAssessment && !oneOf({"draft", "submitted"}))
        return accessDenied(access, "decide");
    return {};
}

Status mayAssign(Access access, bool creating, std::string_view field) {
    if (access != Access::Volunteer)
        return {};
    if (!creating && (field == "visit_id" || field == "completed_ms" || field == "completed_by"))
        return {};
    return accessDenied(access, "assign");
}

Error accessDenied(Access access, std::string_view action) {
    Names role = roleName(access);
    Names what{"查看记录", "read records"};
    Names needed{"志愿者、工作人员或管理员", "volunteer, staff or administrator"};
    if (action == "write") {
        what = {"修改记录", "change records"};
    } else if (action == "export") {
        what = {"导出名单", "export lists"};
        needed = {"工作人员或管理员", "staff or administrator"};
    } else if (action == "sign") {
        what = {"签订或修改借款合同", "sign or change loan contracts"};
        needed = {"工作人员或管理员", "staff or administrator"};
    } else if (action == "decide") {
        what = {"审核材料、评议或决定申请", "check materials, review or decide applications"};
        needed = {"工作人员或管理员", "staff or administrator"};
    } else if (action == "assign") {
        what = {"分派家访任务", "assign home visits"};
        needed = {"工作人员或管理员", "staff or administrator"};
    } else if (action == "withheld") {
        what = {"修改仅工作人员可见的内容", "change what only staff may see"};
        needed = {"工作人员或管理员", "staff or administrator"};
    }
    return Error("access.denied",
                 {{"role_zh", std::string(role.zh)},
                  {"role_en", std::string(role.en)},
                  {"action_zh", std::string(what.zh)},
                  {"action_en", std::string(what.en)},
                  {"needed_zh", std::string(needed.zh)},
                  {"needed_en", std::string(needed.en)},
                  {"role", std::string(toCode(access))},
                  {"action", std::string(action)}},
                 std::string(toCode(access)) + " may not " + std::string(action));
}

} // namespace zhuxue::store
