#include "home_visit_screen.hpp"

#include "client/core/date.hpp"
#include "client/core/money.hpp"
#include "client/core/resident_id.hpp"
#include "client/store/paths.hpp"
#include "client/store/visit_assignments.hpp"
#include "client/ui/widgets/fields.hpp"
#include "family_screen.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <span>

namespace zhuxue::ui {

namespace {
// A member record of the student him- or herself: the same ID number, or "本人" with the name.
bool isTheStudent(const HouseholdMember& m, const Student& s) {
    if (!m.idNumber.empty() && !s.idNumber.empty())
        return core::normalizeResidentId(m.idNumber) == core::normalizeResidentId(s.idNumber);
    return m.relation == "本人" && m.name == s.name;
}

std::string mimeFor(const std::filesystem::path& p) {
    std::string ext = p.extension().string();
    for (auto& c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".jpg" || ext == ".jpeg")
        return "image/jpeg";
    if (ext == ".png")
        return "image/png";
    if (ext == ".pdf")
        return "application/pdf";
    return "application/octet-stream";
}

const HardshipLevel kLevels[] = {HardshipLevel::None, HardshipLevel::General, HardshipLevel::Fairly,
                                 HardshipLevel::Special};
} // namespace

void HomeVisitScreen::start(Context& ctx) {
    *this = HomeVisitScreen{};
    m_started = true;
    m_startedFor = ctx.student;
    m_date = todayIso();
    if (ctx.account)
        m_visitors = ctx.account->displayName;
    if (!ctx.store)
        return;
    if (auto s = ctx.store->get<Student>(ctx.student); s && *s) {
        m_student = **s;
        m_address = m_student->address;
        if (!m_student->householdId.isNil()) {
            if (auto h = ctx.store->get<Household>(m_student->householdId); h && *h)
                m_household = **h;
            if (auto ms = ctx.store->list<HouseholdMember>("household_id", m_student->householdId))
                for (const auto& m : *ms) {
                    // The table lists the others: the student is counted once, as "plus the
                    // student" below, even where a list (the demo county, a school's form)
                    // also recorded him or her as a member (本人).
                    if (isTheStudent(m, *m_student))
                        continue;
                    m_members.push_back({m.id, m.name, m.relation, m.birthYear ? std::to_string(m.birthYear) : "",
                                         m.occupation,
                                         core::formatMoney(m.annualIncomeFen, {.grouping = false, .alwaysCents = false}),
                                         m.health, m.ableToWork, m.inSchool});
                }
        }
    }
}

Fen HomeVisitScreen::perCapita() const {
    Fen total = 0;
    for (const auto& m : m_members)
        if (auto f = core::parseMoney(m.income.empty() ? "0" : m.income))
            total += *f;
    // The household is the listed members plus the student.
    Fen people = static_cast<Fen>(m_members.size()) + 1;
    return core::divideRounded(total, people, core::Rounding::HalfUp);
}

core::Findings HomeVisitScreen::check(Context&) {
    core::Findings f;
    if (!core::Date::parse(m_date))
        f.error("visit.date", Error("validation.date.invalid", {{"value", m_date}}));
    if (m_visitors.find_first_not_of(" ,，") == std::string::npos)
        f.error("visit.visitors", Error("ui.visit.need_visitor"));
    for (size_t i = 0; i < m_members.size(); ++i) {
        std::string field = "members[" + std::to_string(i) + "]";
        const auto& m = m_members[i];
        if (m.name.empty())
            f.error(field, Error("ui.visit.member_name", {{"row", std::to_string(i + 1)}}));
        if (!m.income.empty())
            if (auto r = core::parseMoney(m.income); !r)
                f.error(field, r.error());
        if (!m.birthYear.empty() && (m.birthYear.size() != 4 || m.birthYear.find_first_not_of("0123456789") != std::string::npos))
            f.error(field, Error("ui.visit.birth_year", {{"row", std::to_string(i + 1)}}));
    }
    if (m_guardianSign.empty())
        f.error("visit.guardian_signature", Error("ui.visit.need_guardian_signature"));
    return f;
}

void HomeVisitScreen::save(Context& ctx) {
    m_findings = check(ctx);
    if (!m_findings.ok() || !ctx.store || !m_student)
        return;
    std::string county = m_student->county;
    Household h = m_household.value_or(Household{});
    bool newHousehold = h.id.isNil();
    if (newHousehold) {
        h.id = newUuidV7();
        h.county = county;
        h.township = m_student->township;
        h.village = m_student->village;
    }
    h.address = m_address;
    Fen total = 0;
    std::vector<HouseholdMember> members;
    for (const auto& d : m_members) {
        HouseholdMember m;
        m.id = d.id.isNil() ? newUuidV7() : d.id;
        m.county = county;
        m.householdId = h.id;
        m.name = d.name;
        m.relation = d.relation;
        m.birthYear = d.birthYear.empty() ? 0 : std::stoi(d.birthYear);
        m.occupation = d.occupation;
        m.annualIncomeFen = d.income.empty() ? 0 : *core::parseMoney(d.income);
        m.health = d.health;
        m.ableToWork = d.ableToWork;
        m.inSchool = d.inSchool;
        total += m.annualIncomeFen;
        members.push_back(std::move(m));
    }
    // A volunteer does not see the stored incomes (store/access.hpp): the total of what they see
    // would be wrong, so an existing household keeps its stored income (the store keeps a field
    // left at its empty default) and the visit's per-capita income is left for staff.
    const bool incomesWithheld = ctx.store->withholds(RecordType::HouseholdMember, "annual_income_fen");
    h.annualIncomeFen = incomesWithheld && !newHousehold ? 0 : total;
    Student s = *m_student;
    s.householdId = h.id;
    s.address = m_address;

    HomeVisit v;
    v.id = newUuidV7();
    v.county = county;
    v.studentId = s.id;
    v.householdId = h.id;
    v.visitDate = m_date;
    v.method = m_method == 2 ? VisitMethod::Video : m_method == 1 ? VisitMethod::Phone : VisitMethod::InPerson;
    for (size_t from = 0; from < m_visitors.size();) { // "甲，乙" or "a, b"
        size_t comma = m_visitors.find_first_of(",", from);
        size_t cn = m_visitors.find("，", from);
        size_t cut = std::min(comma, cn);
        std::string one = m_visitors.substr(from, cut == std::string::npos ? std::string::npos : cut - from);
        one.erase(0, one.find_first_not_of(' '));
        if (!one.empty())
            v.visitors.push_back(one);
        from = cut == std::string::npos ? m_visitors.size() : cut + (cut == cn ? std::string("，").size() : 1);
    }
    v.peoplePresent = m_present;
    v.address = m_address;
    v.householdSize = static_cast<int>(members.size()) + 1;
    v.perCapitaIncomeFen = incomesWithheld && !newHousehold ? 0 : perCapita();
    v.observations = m_observations;
    v.recommendedLevel = kLevels[m_level];

    // The photos are read and the attachment files written off the UI thread (a phone's photos
    // are megabytes each); then the visit, its family and its attachments are saved in one
    // transaction: all of it or, when a photo cannot be read, nothing.
    VisitDraft draft{std::move(h), std::move(s), std::move(members), std::move(v)};
    std::vector<AttachmentSource> sources;
    for (const auto& path : m_photos)
        sources.push_back({AttachmentKind::Photo, path, std::filesystem::path(path).filename().string(),
                           mimeFor(path), {}});
    if (!m_visitorSign.empty())
        sources.push_back({AttachmentKind::Signature, {}, "signature-visitor.png", "image/png", m_visitorSign.png()});
    sources.push_back({AttachmentKind::Signature, {}, "signature-guardian.png", "image/png", m_guardianSign.png()});
    m_saving = true;
    m_status = ctx.tr("ui.visit.saving");
    if (!ctx.worker || !ctx.readStore) { // headless use: the same steps, here
        auto stored = storeAttachmentFiles(*ctx.store, draft.visit, sources);
        finishSave(ctx, std::move(draft), std::move(stored));
        return;
    }
    Context* c = &ctx;
    store::Store* files = ctx.readStore; // the worker's connection
    std::weak_ptr<int> alive = m_alive;
    ctx.worker->run([this, c, files, alive, draft = std::move(draft), sources = std::move(sources)]() mutable {
        auto stored = storeAttachmentFiles(*files, draft.visit, sources);
        c->app.queue().post([this, c, alive, draft = std::move(draft), stored = std::move(stored)]() mutable {
            if (alive.expired()) // the client closed meanwhile: the files stay unnamed, as after a crash
                return;
            finishSave(*c, std::move(draft), std::move(stored));
        });
        c->app.wake();
    });
}

Result<std::vector<Attachment>> HomeVisitScreen::storeAttachmentFiles(store::Store& files, const HomeVisit& visit,
                                                                       const std::vector<AttachmentSource>& sources) {
    std::vector<Attachment> out;
    for (const auto& src : sources) {
        std::span<const std::byte> bytes = src.bytes;
        Result<std::string> photo = std::string();
        if (!src.path.empty()) { // a photo: gone, unreadable or empty is refused, never saved blank
            photo = readTextFile(src.path);
            if (!photo || photo->empty())
                return Error("ui.visit.photo_unreadable", {{"path", src.path}});
            bytes = std::as_bytes(std::span(photo->data(), photo->size()));
        }
        Attachment a;
        a.county = visit.county;
        a.ownerType = RecordType::HomeVisit;
        a.ownerId = visit.id;
        a.kind = src.kind;
        a.fileName = src.fileName;
        a.mime = src.mime;
        auto stored = files.storeAttachmentFile(std::move(a), bytes);
        if (!stored)
            return stored.error();
        out.push_back(std::move(*stored));
    }
    return out;
}

void HomeVisitScreen::finishSave(Context& ctx, VisitDraft draft, Result<std::vector<Attachment>> attachments) {
    m_saving = false;
    if (!attachments) {
        m_status = message(ctx.app, attachments.error());
        return;
    }
    store::Batch batch = ctx.store->batch(ctx.actor());
    Status st = batch.save(draft.household);
    if (st)
        st = batch.save(draft.student);
    for (const auto& m : draft.members)
        if (st)
            st = batch.save(m);
    if (st)
        st = batch.save(draft.visit);
    for (const auto& a : *attachments) // their files are durable already
        if (st)
            st = batch.save(a);
    if (st) // the family's home-visit assignments (家访任务) are done by this visit
        st = store::completeVisitAssignments(*ctx.store, batch, draft.student.id, draft.visit.id, ctx.actor(),
                                             systemNowMs());
    if (st)
        st = batch.commit();
    if (!st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_savedVisit = draft.visit.id;
    m_household = draft.household;
    ++ctx.dataVersion;
    m_status = ctx.tr("ui.visit.saved");
}

void HomeVisitScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_started || !(m_startedFor == ctx.student))
        start(ctx);
    if (!m_student) {
        dataTextWrapped(app, app.tr("ui.family.not_found"));
        if (button(app, "ui.common.back", true, "visit.back") || escapePressed())
            ctx.back();
        return;
    }
    heading(app, "ui.visit.title");
    const bool incomesWithheld =
        ctx.store && ctx.store->withholds(RecordType::HouseholdMember, "annual_income_fen");
    dataText(app, m_student->name + " · " + m_student->township + " " + m_student->village);
    ImGui::BeginChild("##visit.form", ImVec2(0, ImGui::GetContentRegionAvail().y - 90), false);
    textField(app, "ui.visit.date", "visit.date", m_date, &m_findings, "visit.date", {.width = 160});
    ImGui::TextUnformatted(app.tr("ui.visit.method"));
    radioLabelled(app.tr("ui.visit.in_person"), &m_method, 0);
    ImGui::SameLine();
    radioLabelled(app.tr("ui.visit.phone"), &m_method, 1);
    ImGui::SameLine();
    radioLabelled(app.tr("ui.visit.video"), &m_method, 2);
    textField(app, "ui.visit.visitors", "visit.visitors", m_visitors, &m_findings, "visit.visitors",
              {.helpKey = "ui.visit.visitors_help"});
    textField(app, "ui.visit.present", "visit.present", m_present);
    textField(app, "ui.visit.address", "visit.address", m_address);

    ImGui::Spacing();
    ImGui::TextUnformatted(app.tr("ui.visit.members"));
    helpMarker(app, "ui.visit.members_help");
    int remove = -1;
    if (ImGui::BeginTable("##visit.members", 8, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* k : {"ui.visit.m_name", "ui.visit.m_relation", "ui.visit.m_birth_year", "ui.visit.m_occupation",
                              "ui.visit.m_income", "ui.visit.m_health", "ui.visit.m_able", ""})
            ImGui::TableSetupColumn(*k ? app.tr(k) : "");
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < m_members.size(); ++i) {
            auto& m = m_members[i];
            ImGui::PushID(static_cast<int>(i));
            std::string row = std::to_string(i);
            auto cell = [&](const char* id, std::string& value) {
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(-FLT_MIN);
                ImGui::InputText((std::string("##visit.member") + row + "." + id).c_str(), &value);
                app.see(value);
            };
            ImGui::TableNextRow();
            cell("name", m.name);
            cell("relation", m.relation);
            cell("birth_year", m.birthYear);
            cell("occupation", m.occupation);
            if (incomesWithheld && !m.id.isNil()) { // stored values a volunteer may not see
                for (int k = 0; k < 2; ++k) {
                    ImGui::TableNextColumn();
                    dataTextDisabled(app, app.tr("ui.common.staff_only"));
                }
            } else {
                cell("income", m.income);
                cell("health", m.health);
            }
            ImGui::TableNextColumn();
            checkboxLabelled((std::string("##visit.member") + row + ".able").c_str(), &m.ableToWork);
            ImGui::TableNextColumn();
            if (ImGui::SmallButton((std::string(app.tr("ui.visit.remove")) + "##visit.member" + row + ".remove").c_str()))
                remove = static_cast<int>(i);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (remove >= 0)
        m_members.erase(m_members.begin() + remove);
    for (size_t i = 0; i < m_members.size(); ++i)
        findingsFor(app, m_findings, "members[" + std::to_string(i) + "]");
    if (button(app, "ui.visit.add_member", true, "visit.add_member"))
        m_members.push_back({});
    bool anyWithheld = false;
    for (const auto& m : m_members)
        anyWithheld = anyWithheld || (incomesWithheld && !m.id.isNil());
    dataText(app, app.texts().current().format(
                      "ui.visit.per_capita",
                      {{"size", std::to_string(m_members.size() + 1)},
                       {"income", anyWithheld ? std::string(app.tr("ui.common.staff_only"))
                                              : core::formatMoney(perCapita(), {.currencySign = true})}}));

    ImGui::Spacing();
    multilineField(app, "ui.visit.observations", "visit.observations", m_observations, 80,
                   {.helpKey = "ui.visit.observations_help"});
    ImGui::TextUnformatted(app.tr("ui.visit.level"));
    for (int i = 0; i < 4; ++i) {
        if (i)
            ImGui::SameLine();
        radioLabelled(codeText(app, "ui.level", toCode(kLevels[i])).c_str(), &m_level, i);
    }

    ImGui::Spacing();
    ImGui::TextUnformatted(app.tr("ui.visit.photos"));
    helpMarker(app, "ui.visit.photos_help");
    // From a folder, a camera card or a phone on USB, by clicking; or a path typed or pasted.
    if (ctx.worker && !m_picker.isOpen() && button(app, "ui.visit.choose_photos", true, "visit.choose_photos"))
        m_picker.open(app, *ctx.worker);
    if (ctx.worker)
        if (auto chosen = m_picker.draw(app, *ctx.worker, "visit.picker")) {
            std::string path = chosen->string();
            if (std::find(m_photos.begin(), m_photos.end(), path) == m_photos.end())
                m_photos.push_back(path);
        }
    textField(app, "ui.visit.photo_path", "visit.photo_path", m_photoPath, &m_findings, "visit.photo");
    if (button(app, "ui.visit.add_photo", !m_photoPath.empty(), "visit.add_photo")) {
        m_findings = {};
        std::error_code ec;
        if (std::filesystem::is_regular_file(m_photoPath, ec)) {
            m_photos.push_back(m_photoPath);
            m_photoPath.clear();
        } else {
            m_findings.error("visit.photo", Error("ui.visit.no_such_file", {{"path", m_photoPath}}));
        }
    }
    for (size_t i = 0; i < m_photos.size(); ++i) {
        dataTextDisabled(app, "· " + std::filesystem::path(m_photos[i]).filename().string());
        ImGui::SameLine();
        if (button(app, "ui.visit.remove_photo", true, ("visit.remove_photo." + std::to_string(i)).c_str())) {
            m_photos.erase(m_photos.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }

    ImGui::Spacing();
    ImGui::TextUnformatted(app.tr("ui.visit.visitor_signature"));
    m_visitorSign.draw("visit.sign_visitor", ImVec2(360, 120));
    ImGui::SameLine();
    if (button(app, "ui.visit.clear", true, "visit.clear_visitor"))
        m_visitorSign.clear();
    ImGui::TextUnformatted(app.tr("ui.visit.guardian_signature"));
    m_guardianSign.draw("visit.sign_guardian", ImVec2(360, 120));
    ImGui::SameLine();
    if (button(app, "ui.visit.clear", true, "visit.clear_guardian"))
        m_guardianSign.clear();
    findingsFor(app, m_findings, "visit.guardian_signature");
    ImGui::EndChild();

    ImGui::Separator();
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
    bool saved = !m_savedVisit.isNil();
    if (button(app, "ui.common.save", !saved && !m_saving && ctx.store != nullptr, "visit.save"))
        save(ctx);
    ImGui::SameLine();
    if (button(app, "ui.common.back", true, "visit.back") || escapePressed()) {
        m_started = false;
        ctx.back();
    }
}

} // namespace zhuxue::ui
