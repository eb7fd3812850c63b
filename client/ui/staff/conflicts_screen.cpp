#include "conflicts_screen.hpp"

#include "client/core/money.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "family_screen.hpp"

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <ctime>

namespace zhuxue::ui {

namespace {
// Money is stored as integer fen in fields named *_fen.
bool isMoneyField(std::string_view field) {
    return field.size() > 4 && field.substr(field.size() - 4) == "_fen";
}

// A stored JSON value as a person reads it: strings without quotes, money as ¥ with yuan and fen,
// the rest as written.
std::string readable(const std::string& valueJson, std::string_view field) {
    auto v = nlohmann::json::parse(valueJson, nullptr, false);
    if (v.is_discarded())
        return valueJson;
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_null())
        return "—";
    if (isMoneyField(field) && v.is_number_integer())
        return core::formatMoney(v.get<Fen>(), {.currencySign = true});
    return v.dump();
}

// What a person typed as a value of the same JSON kind as the two sides; money typed in yuan
// ("42000", "42,000.50") is stored in fen. Nothing when it cannot be read as one.
std::optional<std::string> asJson(const std::string& typed, const std::string& sample, std::string_view field) {
    auto s = nlohmann::json::parse(sample, nullptr, false);
    if (isMoneyField(field) && (s.is_discarded() || s.is_number_integer() || s.is_null())) {
        auto fen = core::parseMoney(typed);
        if (!fen)
            return std::nullopt;
        return nlohmann::json(*fen).dump();
    }
    if (!s.is_discarded() && !s.is_string()) {
        auto v = nlohmann::json::parse(typed, nullptr, false);
        if (!v.is_discarded())
            return v.dump();
    }
    return nlohmann::json(typed).dump();
}

} // namespace

void ConflictsScreen::load(Context& ctx) {
    m_loadedVersion = ctx.dataVersion;
    m_loadedPulled = ctx.board ? ctx.board->snapshot().pulledTotal : 0;
    std::set<std::string> before; // fields in conflict as listed until now
    for (const auto& c : m_conflicts)
        before.insert(c.recordId.str() + "|" + c.field);
    m_conflicts.clear();
    m_quarantine.clear();
    m_error.clear();
    if (!ctx.store)
        return;
    // Both tables are small (a person resolves them as they come): indexed reads, well under a frame.
    if (auto c = ctx.store->openConflicts(100))
        m_conflicts = std::move(*c);
    else
        m_error = message(ctx.app, c.error());
    if (auto q = ctx.store->listQuarantine())
        m_quarantine = std::move(*q);
    else
        m_error = message(ctx.app, q.error());
    // Fields that left the list without a decision here were decided on another device.
    std::set<std::string> now;
    for (const auto& c : m_conflicts)
        now.insert(c.recordId.str() + "|" + c.field);
    std::size_t elsewhere = 0;
    for (const auto& key : before)
        if (!now.count(key) && !m_resolvedHere.count(key))
            ++elsewhere;
    m_resolvedHere.clear();
    if (elsewhere > 0)
        m_status = ctx.app.texts().current().format("ui.conflicts.resolved_elsewhere",
                                                    {{"count", std::to_string(elsewhere)}});
}

std::string ConflictsScreen::recordLabel(Context& ctx, RecordType type, const Uuid& id) {
    std::string key = id.str();
    if (auto it = m_names.find(key); it != m_names.end())
        return it->second;
    std::string label = std::string(ctx.app.tr(("ui.conflicts.type." + std::string(toCode(type))).c_str()));
    // Whose file it is: the student's name, for the records that belong to one (a household by
    // its students), so that two families' conflicts on the same field can be told apart.
    auto studentName = [&](const Uuid& studentId) -> std::string {
        if (auto st = ctx.store->get<Student>(studentId); st && *st)
            return (*st)->name;
        return {};
    };
    auto householdNames = [&](const Uuid& householdId) -> std::string {
        std::string names;
        if (auto ss = ctx.store->list<Student>("household_id", householdId))
            for (const auto& st : *ss)
                names += (names.empty() ? "" : "、") + st.name;
        return names;
    };
    std::string who, detail;
    if (ctx.store) {
        switch (type) {
        case RecordType::Student: who = studentName(id); break;
        case RecordType::Household: who = householdNames(id); break;
        case RecordType::HouseholdMember:
            if (auto m = ctx.store->get<HouseholdMember>(id); m && *m) {
                detail = (*m)->name;
                who = householdNames((*m)->householdId);
            }
            break;
        case RecordType::CoBorrower:
            if (auto r = ctx.store->get<CoBorrower>(id); r && *r) {
                detail = (*r)->name;
                who = studentName((*r)->studentId);
            }
            break;
        case RecordType::LoanApplication:
            if (auto r = ctx.store->get<LoanApplication>(id); r && *r)
                who = studentName((*r)->studentId);
            break;
        case RecordType::HardshipAssessment:
            if (auto r = ctx.store->get<HardshipAssessment>(id); r && *r)
                who = studentName((*r)->studentId);
            break;
        case RecordType::HomeVisit:
            if (auto r = ctx.store->get<HomeVisit>(id); r && *r)
                who = studentName((*r)->studentId);
            break;
        default: break;
        }
    }
    if (type == RecordType::Student)
        label += who.empty() ? "" : " " + who;
    else {
        if (!detail.empty())
            label += " " + detail;
        if (!who.empty())
            label = ctx.app.texts().current().format("ui.conflicts.of_family", {{"family", who}}) + " · " + label;
    }
    return m_names[key] = label;
}

std::string ConflictsScreen::who(Context& ctx, const DeviceId& device, UnixMs at) {
    bool here = ctx.store && device == ctx.store->deviceId();
    std::string dev = here ? ctx.tr("ui.conflicts.this_device")
                           : ctx.app.texts().current().format("ui.conflicts.device", {{"id", device.str().substr(0, 8)}});
    return dev + " · " + localTimeText(at);
}

void ConflictsScreen::drawConflict(Context& ctx, const store::Conflict& c, size_t i) {
    app::App& app = ctx.app;
    std::string id = std::to_string(i);
    ImGui::PushID(static_cast<int>(i));
    dataText(app, recordLabel(ctx, c.recordType, c.recordId) + " · " + codeText(app, "ui.conflicts.field", c.field));
    bool may = ctx.can(Permission::EditRecords);
    auto resolve = [&](const std::string& valueJson) {
        Status st = ctx.store->resolveConflict(c.id, valueJson, ctx.actor());
        if (st) {
            m_status = ctx.tr("ui.conflicts.resolved");
            m_resolvedHere.insert(c.recordId.str() + "|" + c.field);
            ++ctx.dataVersion;
        } else if (st.error().key == "store.not_found") { // decided elsewhere meanwhile
            m_status = ctx.tr("ui.conflicts.already_resolved");
            m_resolvedHere.insert(c.recordId.str() + "|" + c.field);
            ++ctx.dataVersion;
        } else {
            m_status = message(app, st.error());
        }
    };
    if (ImGui::BeginTable("##sides", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) {
        // 本机的值 only when this device wrote it: a value this device holds from a third device
        // (it won here earlier) is named as such, with that device under it.
        const bool mine = ctx.store && c.localDevice == ctx.store->deviceId();
        ImGui::TableSetupColumn(app.tr(mine ? "ui.conflicts.local" : "ui.conflicts.local_from_other"));
        ImGui::TableSetupColumn(app.tr("ui.conflicts.remote"));
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        dataTextWrapped(app, readable(c.localValueJson, c.field));
        dataTextDisabled(app, who(ctx, c.localDevice, c.localHlc ? static_cast<UnixMs>(c.localHlc->millis()) : c.createdMs));
        if (button(app, "ui.conflicts.keep_local", may, ("conflict." + id + ".local").c_str()))
            resolve(c.localValueJson);
        ImGui::TableNextColumn();
        dataTextWrapped(app, readable(c.remoteValueJson, c.field));
        dataTextDisabled(app, who(ctx, c.remoteDevice, static_cast<UnixMs>(c.remoteHlc.millis())));
        if (button(app, "ui.conflicts.keep_remote", may, ("conflict." + id + ".remote").c_str()))
            resolve(c.remoteValueJson);
        ImGui::EndTable();
    }
    std::string& merged = m_merged[c.id.str()];
    textField(app, "ui.conflicts.merged", ("conflict." + id + ".merged").c_str(), merged, nullptr, {},
              {.helpKey = "ui.conflicts.merged_help"});
    if (button(app, "ui.conflicts.keep_merged", may && !merged.empty(), ("conflict." + id + ".merge").c_str())) {
        if (auto value = asJson(merged, c.localValueJson, c.field))
            resolve(*value);
        else
            m_status = message(app, Error("ui.conflicts.bad_money", {{"value", merged}}));
    }
    ImGui::Separator();
    ImGui::PopID();
}

void ConflictsScreen::drawQuarantined(Context& ctx, const store::QuarantinedChange& q, size_t i) {
    app::App& app = ctx.app;
    std::string id = std::to_string(i);
    ImGui::PushID(1000 + static_cast<int>(i));
    const auto& c = q.change;
    dataText(app, recordLabel(ctx, c.recordType, c.recordId) + " · " + codeText(app, "ui.conflicts.field", c.field) +
                      " = " + readable(c.valueJson, c.field));
    std::string reason = app.tr(q.reasonKey);
    if (!q.reasonDetail.empty())
        reason += "（" + q.reasonDetail + "）";
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.10f, 0.10f, 1.0f));
    dataTextWrapped(app, app.texts().current().format("ui.conflicts.server_said", {{"reason", reason}, {"at", localTimeText(q.atMs)}}));
    ImGui::PopStyleColor();
    bool may = ctx.can(Permission::EditRecords);
    if (c.recordType == RecordType::Student) {
        if (button(app, "ui.conflicts.open_record", true, ("quarantine." + id + ".open").c_str()))
            ctx.openFamily(c.recordId);
        ImGui::SameLine();
    }
    if (button(app, "ui.conflicts.resend", may, ("quarantine." + id + ".resend").c_str())) {
        Status st = ctx.store->requeueQuarantined(c.changeId, ctx.actor());
        m_status = st ? ctx.tr("ui.conflicts.resent") : message(app, st.error());
        if (st)
            ++ctx.dataVersion;
    }
    ImGui::SameLine();
    if (button(app, "ui.conflicts.dismiss", ctx.can(Permission::DecideReviews), ("quarantine." + id + ".dismiss").c_str())) {
        Status st = ctx.store->dismissQuarantined(c.changeId, ctx.actor());
        m_status = st ? ctx.tr("ui.conflicts.dismissed") : message(app, st.error());
        if (st)
            ++ctx.dataVersion;
    }
    ImGui::Separator();
    ImGui::PopID();
}

void ConflictsScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    // Saved here, or pulled and applied by sync (a conflict may have been resolved elsewhere).
    if (m_loadedVersion != ctx.dataVersion || (ctx.board && ctx.board->snapshot().pulledTotal != m_loadedPulled))
        load(ctx);
    heading(app, "ui.conflicts.title");
    if (!m_error.empty())
        dataTextWrapped(app, m_error);
    ImGui::BeginChild("##conflicts.body", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 2.5f), false);
    dataText(app, app.texts().current().format("ui.conflicts.open", {{"count", std::to_string(m_conflicts.size())}}));
    helpMarker(app, "ui.conflicts.help");
    for (size_t i = 0; i < m_conflicts.size(); ++i)
        drawConflict(ctx, m_conflicts[i], i);
    ImGui::Spacing();
    dataText(app, app.texts().current().format("ui.conflicts.quarantine", {{"count", std::to_string(m_quarantine.size())}}));
    helpMarker(app, "ui.conflicts.quarantine_help");
    for (size_t i = 0; i < m_quarantine.size(); ++i)
        drawQuarantined(ctx, m_quarantine[i], i);
    ImGui::EndChild();
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
    if (button(app, "ui.common.back", true, "conflicts.back") || escapePressed())
        ctx.back();
}

} // namespace zhuxue::ui
