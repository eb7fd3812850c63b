#include "home_visit_screen.hpp"

#include "client/app/picture.hpp"
#include "client/core/date.hpp"
#include "client/core/money.hpp"
#include "client/store/paths.hpp"
#include "client/store/home_visits.hpp"
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
    if (!ctx.store)
        return;
    if (auto f = store::loadVisitFamily(*ctx.store, ctx.student)) {
        m_family = std::move(*f);
        // The table lists the others: the student is counted once, as "plus the student", even
        // where a list (the demo county, a school's form) also recorded him or her as a member.
        m_form = core::visitFormFor(*m_family, todayIso(), ctx.account ? ctx.account->displayName : std::string());
    }
}

core::Findings HomeVisitScreen::check(Context&) {
    core::Findings f = core::checkVisitForm(m_form);
    if (m_guardianSign.empty())
        f.error("visit.guardian_signature", Error("ui.visit.need_guardian_signature"));
    return f;
}

void HomeVisitScreen::save(Context& ctx) {
    m_findings = check(ctx);
    m_status.clear();
    if (!m_findings.ok()) {
        // Said beside the button too: the field's own red note may be scrolled out of sight (the
        // guardian's signature is at the bottom of the form).
        for (const auto& f : m_findings.all())
            if (f.severity == core::Severity::Error) {
                m_status = ctx.app.texts().current().format("ui.visit.not_saved", {{"reason", message(ctx.app, f.message)}});
                break;
            }
        return;
    }
    if (!ctx.store || !m_family)
        return;
    m_form.method = m_method == 2 ? VisitMethod::Video : m_method == 1 ? VisitMethod::Phone : VisitMethod::InPerson;
    m_form.level = kLevels[m_level];
    // A volunteer does not see the stored incomes (store/access.hpp): what they see would give a
    // wrong total, so the household keeps its stored income and the per-head figure is staff's.
    const bool incomesWithheld = ctx.store->withholds(RecordType::HouseholdMember, "annual_income_fen");
    core::VisitSave plan = core::planHomeVisit(*m_family, m_form, incomesWithheld);

    // The photos are read and the attachment files written off the UI thread (a phone's photos
    // are megabytes each); then the visit, its family and its attachments are saved in one
    // transaction: all of it or, when a photo cannot be read, nothing.
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
        auto stored = storeAttachmentFiles(*ctx.store, plan.visit, sources);
        finishSave(ctx, std::move(plan), std::move(stored));
        return;
    }
    Context* c = &ctx;
    store::Store* files = ctx.readStore; // the worker's connection
    std::weak_ptr<int> alive = m_alive;
    ctx.worker->run([this, c, files, alive, plan = std::move(plan), sources = std::move(sources)]() mutable {
        auto stored = storeAttachmentFiles(*files, plan.visit, sources);
        c->app.queue().post([this, c, alive, plan = std::move(plan), stored = std::move(stored)]() mutable {
            if (alive.expired()) // the client closed meanwhile: the files stay unnamed, as after a crash
                return;
            finishSave(*c, std::move(plan), std::move(stored));
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
            // Only a picture is kept as a photo: a text file or a half-copied one named .jpg is
            // refused here, before anything is written, not found unreadable by the reviewer.
            if (!app::decodePicture(bytes, 64))
                return Error("ui.visit.photo_not_picture", {{"path", src.path}});
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

void HomeVisitScreen::finishSave(Context& ctx, core::VisitSave plan, Result<std::vector<Attachment>> attachments) {
    m_saving = false;
    if (!attachments) {
        m_status = message(ctx.app, attachments.error());
        return;
    }
    if (Status st = store::saveHomeVisit(*ctx.store, ctx.actor(), *m_family, plan, *attachments, systemNowMs()); !st) {
        m_status = message(ctx.app, st.error());
        return;
    }
    m_savedVisit = plan.visit.id;
    ++ctx.dataVersion;
    m_status = ctx.tr("ui.visit.saved");
}

void HomeVisitScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (!m_started || !(m_startedFor == ctx.student))
        start(ctx);
    if (!m_family) {
        dataTextWrapped(app, app.tr("ui.family.not_found"));
        if (button(app, "ui.common.back", true, "visit.back") || escapePressed())
            ctx.back();
        return;
    }
    heading(app, "ui.visit.title");
    const bool incomesWithheld =
        ctx.store && ctx.store->withholds(RecordType::HouseholdMember, "annual_income_fen");
    const Student& student = m_family->student;
    dataText(app, student.name + " · " + student.township + " " + student.village);
    ImGui::BeginChild("##visit.form", ImVec2(0, ImGui::GetContentRegionAvail().y - 90), false);
    // A new visit opens at its first field (focused: the keys go there), not where the last
    // visit's form was left scrolled.
    if (m_scrollTop)
        ImGui::SetScrollY(0);
    focusNextIf(m_scrollTop);
    textField(app, "ui.visit.date", "visit.date", m_form.date, &m_findings, "visit.date", {.width = 160});
    ImGui::TextUnformatted(app.tr("ui.visit.method"));
    radioLabelled(app.tr("ui.visit.in_person"), &m_method, 0);
    ImGui::SameLine();
    radioLabelled(app.tr("ui.visit.phone"), &m_method, 1);
    ImGui::SameLine();
    radioLabelled(app.tr("ui.visit.video"), &m_method, 2);
    textField(app, "ui.visit.visitors", "visit.visitors", m_form.visitors, &m_findings, "visit.visitors",
              {.helpKey = "ui.visit.visitors_help"});
    textField(app, "ui.visit.present", "visit.present", m_form.present);
    textField(app, "ui.visit.address", "visit.address", m_form.address);

    ImGui::Spacing();
    ImGui::TextUnformatted(app.tr("ui.visit.members"));
    helpMarker(app, "ui.visit.members_help");
    int remove = -1;
    if (ImGui::BeginTable("##visit.members", 8, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* k : {"ui.visit.m_name", "ui.visit.m_relation", "ui.visit.m_birth_year", "ui.visit.m_occupation",
                              "ui.visit.m_income", "ui.visit.m_health", "ui.visit.m_able", ""})
            ImGui::TableSetupColumn(*k ? app.tr(k) : "");
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < m_form.members.size(); ++i) {
            auto& m = m_form.members[i];
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
        m_form.members.erase(m_form.members.begin() + remove);
    for (size_t i = 0; i < m_form.members.size(); ++i)
        findingsFor(app, m_findings, "members[" + std::to_string(i) + "]");
    if (button(app, "ui.visit.add_member", true, "visit.add_member"))
        m_form.members.push_back({});
    bool anyWithheld = false;
    for (const auto& m : m_form.members)
        anyWithheld = anyWithheld || (incomesWithheld && !m.id.isNil());
    dataText(app, app.texts().current().format(
                      "ui.visit.per_capita",
                      {{"size", std::to_string(m_form.members.size() + 1)},
                       {"income", anyWithheld ? std::string(app.tr("ui.common.staff_only"))
                                              : core::formatMoney(core::perCapitaIncome(m_form.members), {.currencySign = true})}}));

    ImGui::Spacing();
    multilineField(app, "ui.visit.observations", "visit.observations", m_form.observations, 80,
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
