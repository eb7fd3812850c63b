#include "family_screen.hpp"
#include "client/store/loan_journeys.hpp"

#include "client/core/money.hpp"
#include "client/core/post_loan_due.hpp"
#include "client/ui/widgets/fields.hpp"
#include "client/ui/widgets/local_time.hpp"
#include "client/ui/widgets/masking.hpp"

#include <imgui.h>

#include <algorithm>

namespace zhuxue::ui {

std::string codeText(app::App& app, std::string_view prefix, std::string_view code) {
    std::string key = std::string(prefix) + "." + std::string(code);
    return app.texts().current().has(key) ? app.tr(key) : std::string(code);
}

namespace {
template <class T> void keep(Result<std::vector<T>> r, std::vector<T>& into, std::string& error, app::App& app) {
    if (r)
        into = std::move(*r);
    else
        error = message(app, r.error());
}

std::string money(Fen f) { return core::formatMoney(f, {.currencySign = true}); }

} // namespace

void FamilyScreen::load(Context& ctx) {
    m_loadedFor = ctx.student;
    m_loadedVersion = ctx.dataVersion;
    m_loadedPulled = ctx.board ? ctx.board->snapshot().pulledTotal : 0;
    m_error.clear();
    m_student.reset();
    m_household.reset();
    m_members.clear();
    m_coBorrowers.clear();
    m_applications.clear();
    m_contracts.clear();
    m_assessments.clear();
    m_visits.clear();
    m_visitFiles.clear();
    m_attachments.clear();
    m_events.clear();
    m_changes.clear();
    if (!ctx.store)
        return;
    store::Store& db = *ctx.store;
    auto s = db.get<Student>(ctx.student);
    if (!s) {
        m_error = message(ctx.app, s.error());
        return;
    }
    m_student = *s;
    if (!m_student)
        return;
    if (!m_student->householdId.isNil()) {
        if (auto h = db.get<Household>(m_student->householdId); h && *h)
            m_household = **h;
        keep(db.list<HouseholdMember>("household_id", m_student->householdId), m_members, m_error, ctx.app);
    }
    keep(db.list<CoBorrower>("student_id", ctx.student), m_coBorrowers, m_error, ctx.app);
    keep(db.list<LoanApplication>("student_id", ctx.student), m_applications, m_error, ctx.app);
    for (const auto& a : m_applications) {
        std::vector<Contract> cs;
        keep(db.list<Contract>("application_id", a.id), cs, m_error, ctx.app);
        m_contracts.insert(m_contracts.end(), cs.begin(), cs.end());
        std::vector<PostLoanEvent> es;
        keep(db.list<PostLoanEvent>("application_id", a.id), es, m_error, ctx.app);
        m_events.insert(m_events.end(), es.begin(), es.end());
        std::vector<StatusChange> ss;
        keep(db.list<StatusChange>("application_id", a.id), ss, m_error, ctx.app);
        m_changes.insert(m_changes.end(), ss.begin(), ss.end());
    }
    m_names.clear();
    if (ctx.accounts && !m_changes.empty())
        if (auto all = ctx.accounts->list())
            for (const auto& a : *all)
                if (!a.displayName.empty())
                    m_names[a.user] = a.displayName;
    std::stable_sort(m_changes.begin(), m_changes.end(),
                     [](const StatusChange& a, const StatusChange& b) { return a.atMs < b.atMs; });
    std::stable_sort(m_events.begin(), m_events.end(),
                     [](const PostLoanEvent& a, const PostLoanEvent& b) { return a.eventDate < b.eventDate; });
    keep(db.list<HardshipAssessment>("student_id", ctx.student), m_assessments, m_error, ctx.app);
    keep(db.list<HomeVisit>("student_id", ctx.student), m_visits, m_error, ctx.app);
    // The same order on every device: by date, then by id (records synced from elsewhere are
    // inserted in another order here).
    std::sort(m_visits.begin(), m_visits.end(), [](const HomeVisit& a, const HomeVisit& b) {
        return a.visitDate != b.visitDate ? a.visitDate < b.visitDate : a.id.str() < b.id.str();
    });
    // Documents belong to the student or to one of the family's records: all of them are listed.
    std::vector<Uuid> owners{ctx.student};
    for (const auto& v : m_visits)
        owners.push_back(v.id);
    for (const auto& a : m_assessments)
        owners.push_back(a.id);
    for (const auto& a : m_applications)
        owners.push_back(a.id);
    for (const auto& owner : owners) {
        std::vector<Attachment> files;
        keep(db.list<Attachment>("owner_id", owner), files, m_error, ctx.app);
        m_attachments.insert(m_attachments.end(), files.begin(), files.end());
    }
    std::sort(m_attachments.begin(), m_attachments.end(), [](const Attachment& a, const Attachment& b) {
        return a.createdMs != b.createdMs ? a.createdMs < b.createdMs : a.id.str() < b.id.str();
    });
    for (const auto& a : m_attachments)
        if (a.ownerType == RecordType::HomeVisit)
            m_visitFiles[a.ownerId.str()].push_back(a);
    m_assign.load(ctx, *m_student);
}

void FamilyScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    // Saved here, or pulled by sync (another device's visit, its photos): read again.
    if (!(m_loadedFor == ctx.student) || m_loadedVersion != ctx.dataVersion ||
        (ctx.board && ctx.board->snapshot().pulledTotal != m_loadedPulled))
        load(ctx);
    if (!m_student) {
        dataTextWrapped(app, m_error.empty() ? app.tr("ui.family.not_found") : m_error);
        if (button(app, "ui.common.back", true, "family.back") || escapePressed())
            ctx.back();
        return;
    }
    const Student& s = *m_student;
    const bool revealed = m_revealedFor == s.id;
    const std::string staffOnly = app.tr("ui.common.staff_only");
    auto withheld = [&](RecordType type, std::string_view field) {
        return ctx.store && ctx.store->withholds(type, field);
    };
    auto idText = [&](const std::string& id) { return revealed ? id : maskIdNumber(id); };
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.10f, 0.25f, 0.50f, 1.0f));
    dataText(app, s.name);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    dataTextDisabled(app, s.township + " " + s.village);
    ImGui::Separator();
    if (!m_error.empty())
        dataTextWrapped(app, m_error);

    auto row = [&](const char* key, const std::string& value) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", app.tr(key));
        ImGui::TableNextColumn();
        dataText(app, value);
    };
    if (ImGui::BeginTable("##family.student", 4, ImGuiTableFlags_SizingStretchProp)) {
        row("ui.family.id_number", idText(s.idNumber));
        row("ui.family.birth_date", s.birthDate);
        row("ui.family.phone", s.phone);
        row("ui.family.high_school", s.highSchool);
        row("ui.family.university", s.university);
        row("ui.family.major", s.major);
        row("ui.family.address", s.address);
        ImGui::EndTable();
    }

    if (ImGui::CollapsingHeader(app.tr("ui.family.household"), ImGuiTreeNodeFlags_DefaultOpen)) {
        if (m_household) {
            std::string groups;
            for (auto& g : m_household->priorityGroups)
                groups += (groups.empty() ? "" : "、") + g;
            dataText(app, app.texts().current().format(
                              "ui.family.household_line",
                              {{"income", withheld(RecordType::Household, "annual_income_fen")
                                              ? staffOnly
                                              : money(m_household->annualIncomeFen)},
                               {"groups", withheld(RecordType::Household, "priority_groups") ? staffOnly
                                          : groups.empty()                                  ? "—"
                                                                                            : groups}}));
        }
        for (const auto& m : m_members)
            dataText(app, app.texts().current().format(
                              "ui.family.member_line",
                              {{"name", m.name},
                               {"relation", m.relation},
                               {"occupation", m.occupation},
                               {"income", withheld(RecordType::HouseholdMember, "annual_income_fen")
                                              ? staffOnly
                                              : money(m.annualIncomeFen)},
                               {"health", withheld(RecordType::HouseholdMember, "health") ? staffOnly
                                          : m.health.empty()                              ? "—"
                                                                                          : m.health}}));
        if (!m_household && m_members.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.co_borrowers"), ImGuiTreeNodeFlags_DefaultOpen)) {
        for (const auto& c : m_coBorrowers)
            dataText(app, c.name + "（" + c.relation + "） " + idText(c.idNumber) + " " + c.phone);
        if (m_coBorrowers.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.applications"), ImGuiTreeNodeFlags_DefaultOpen)) {
        for (const auto& a : m_applications)
            dataText(app, std::to_string(a.schoolYear) + " " + codeText(app, "ui.kind", toCode(a.kind)) + " " +
                              money(a.amountFen) + " · " + std::to_string(a.termYears) + app.tr("ui.common.years") +
                              " · " + codeText(app, "ui.status", toCode(a.status)));
        for (const auto& c : m_contracts)
            dataText(app, app.texts().current().format("ui.family.contract_line",
                                                       {{"number", c.contractNumber}, {"code", c.certificateCode},
                                                        {"date", c.signingDate}}));
        for (const auto& c : m_contracts)
            if (!c.settlementAccount.empty() || withheld(RecordType::Contract, "settlement_account"))
                dataText(app, app.texts().current().format(
                                  "ui.family.settlement_account",
                                  {{"number", c.contractNumber},
                                   {"account", withheld(RecordType::Contract, "settlement_account")
                                                   ? staffOnly
                                                   : revealed ? c.settlementAccount
                                                              : maskCard(c.settlementAccount)}}));
        if (m_applications.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.assessments"))) {
        for (const auto& a : m_assessments)
            dataText(app, std::to_string(a.schoolYear) + " " + codeText(app, "ui.level", toCode(a.level)));
        if (m_assessments.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.visits"), ImGuiTreeNodeFlags_DefaultOpen)) {
        for (std::size_t i = 0; i < m_visits.size(); ++i) {
            const HomeVisit& v = m_visits[i];
            std::string visitors;
            for (const auto& name : v.visitors)
                visitors += (visitors.empty() ? "" : "、") + name;
            dataText(app, app.texts().current().format(
                              "ui.family.visit_line",
                              {{"date", v.visitDate},
                               {"method", codeText(app, "ui.visit", toCode(v.method))}, // ui.visit.in_person, .phone, .video
                               {"visitors", visitors.empty() ? "—" : visitors},
                               {"level", codeText(app, "ui.level", toCode(v.recommendedLevel))}}));
            std::vector<Attachment> photos, signatures;
            if (auto it = m_visitFiles.find(v.id.str()); it != m_visitFiles.end())
                for (const auto& a : it->second)
                    (a.kind == AttachmentKind::Signature ? signatures : photos).push_back(a);
            ImGui::Indent();
            const std::string row = "family.visit" + std::to_string(i);
            dataTextDisabled(app, app.texts().current().format("ui.family.visit_photos",
                                                               {{"count", std::to_string(photos.size())}}));
            if (!photos.empty())
                m_pictures.draw(app, ctx.worker, ctx.readStore, photos, (row + ".photo").c_str());
            dataTextDisabled(app, app.texts().current().format("ui.family.visit_signatures",
                                                               {{"count", std::to_string(signatures.size())}}));
            if (!signatures.empty())
                m_pictures.draw(app, ctx.worker, ctx.readStore, signatures, (row + ".signature").c_str());
            ImGui::Unindent();
        }
        if (m_visits.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    m_assign.draw(ctx, s);
    if (ImGui::CollapsingHeader(app.tr("ui.family.attachments"), ImGuiTreeNodeFlags_DefaultOpen)) {
        for (const auto& a : m_attachments)
            dataText(app, app.texts().current().format(
                              "ui.family.attachment_line",
                              {{"kind", codeText(app, "ui.attachment_kind", toCode(a.kind))},
                               {"owner", codeText(app, "ui.attachment_owner", toCode(a.ownerType))},
                               {"name", a.fileName},
                               {"kb", std::to_string((a.sizeBytes + 1023) / 1024)},
                               {"when", a.createdMs > 0 ? localTimeText(a.createdMs) : std::string("—")}}));
        if (m_attachments.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.reminders"), ImGuiTreeNodeFlags_DefaultOpen)) {
        // One line per thing due: a student with a loan each year confirms graduation once.
        std::vector<std::string> due;
        for (const auto& a : m_applications) {
            auto d = core::postLoanDue(a.status, s.enrollmentYear, s.programYears, localYear());
            if (!d)
                continue;
            std::string line = d->due == core::PostLoanDue::GraduationConfirmation
                                   ? app.texts().current().format("ui.family.due_graduation",
                                                                  {{"year", std::to_string(d->graduationYear)}})
                                   : std::string(app.tr("ui.family.due_repayment"));
            if (std::find(due.begin(), due.end(), line) == due.end())
                due.push_back(std::move(line));
        }
        for (const auto& line : due)
            dataTextWrapped(app, line);
        bool any = !due.empty();
        for (const auto& e : m_events) {
            any = true;
            std::string line = app.texts().current().format(
                "ui.family.event_line",
                {{"date", e.eventDate}, {"kind", codeText(app, "ui.post_kind", toCode(e.kind))}});
            if (e.amountFen > 0)
                line += " " + money(e.amountFen);
            if (withheld(RecordType::PostLoanEvent, "note"))
                line += " " + staffOnly;
            else if (!e.note.empty())
                line += " " + e.note;
            dataTextWrapped(app, line);
        }
        if (!any)
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    if (ImGui::CollapsingHeader(app.tr("ui.family.history"))) {
        // A journey's own note in the reader's language; a person's reason as written.
        auto reasonText = [&](const std::string& reason) {
            std::string_view key = store::statusNoteKey(reason);
            return key.empty() ? reason : std::string(app.tr(key));
        };
        // Who did it by name, as the accounts of this device know them; the sign-in name else.
        auto personName = [&](const std::string& user) {
            auto it = m_names.find(user);
            return it == m_names.end() ? user : it->second;
        };
        for (const auto& c : m_changes)
            dataTextWrapped(app, app.texts().current().format(
                                     "ui.family.history_line",
                                     {{"when", localTimeText(c.atMs)},
                                      {"user", personName(c.byUser)},
                                      {"from", codeText(app, "ui.status", toCode(c.from))},
                                      {"to", codeText(app, "ui.status", toCode(c.to))},
                                      {"reason", withheld(RecordType::StatusChange, "reason") ? staffOnly : reasonText(c.reason)}}));
        if (m_changes.empty())
            ImGui::TextDisabled("%s", app.tr("ui.common.none"));
    }
    ImGui::Spacing();
    // Staff may see the numbers in full for this family; the audit says who looked, never what.
    if (ctx.can(Permission::SeeIncomes) && ctx.store) {
        if (!revealed) {
            if (button(app, "ui.family.show_full", true, "family.show_full")) {
                Status st = ctx.store->audit("show_full", RecordType::Student, s.id, s.county,
                                             "id_number,co_borrower.id_number,settlement_account",
                                             ctx.actor());
                if (st)
                    m_revealedFor = s.id;
                else
                    m_error = message(app, st.error());
            }
        } else if (button(app, "ui.family.hide_full", true, "family.hide_full")) {
            m_revealedFor = Uuid{};
        }
        ImGui::SameLine();
    }
    bool focus = ctx.entered; // the window's usual next step takes Enter on arrival
    focusNextIf(focus);
    if (button(app, "ui.family.start_loan", ctx.store != nullptr, "family.start_loan"))
        ctx.go(ScreenId::FirstLoan);
    ImGui::SameLine();
    if (button(app, "ui.family.home_visit", ctx.store != nullptr, "family.visit"))
        ctx.go(ScreenId::HomeVisit);
    ImGui::SameLine();
    if (button(app, "ui.family.assess", ctx.store != nullptr, "family.assess"))
        ctx.go(ScreenId::Assessment);
    ImGui::SameLine();
    if (button(app, "ui.common.back", true, "family.back") || (!m_pictures.fullViewOpen() && escapePressed()))
        ctx.back();
    m_pictures.drawFullView(app); // over the page, while a picture is open
}

} // namespace zhuxue::ui
