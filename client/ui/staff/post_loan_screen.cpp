#include "post_loan_screen.hpp"

#include "client/core/money.hpp"
#include "client/core/post_loan_due.hpp"
#include "client/ui/widgets/fields.hpp"
#include "family_screen.hpp"

#include <imgui.h>

#include <ctime>
#include <map>

namespace zhuxue::ui {

namespace {
std::tm now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

struct Loaded {
    std::vector<PostLoanScreen::Item> items;
    std::string error;
};
} // namespace

void PostLoanScreen::reload(Context& ctx) {
    m_loadedVersion = ctx.dataVersion;
    if (!ctx.readStore || !ctx.worker)
        return;
    m_loading = true;
    store::Store* db = ctx.readStore;
    app::App* app = &ctx.app;
    int year = now().tm_year + 1900;
    ctx.worker->run([=, this] {
        auto loaded = std::make_shared<Loaded>();
        auto fill = [&](PostLoanScreen::Item& item) {
            if (auto s = db->get<Student>(item.studentId); s && *s) {
                const Student& st = **s;
                item.name = st.name;
                item.phone = st.phone;
                item.township = st.township;
                item.village = st.village;
                item.school = st.university.empty() ? st.highSchool : st.university;
                return std::optional<Student>(st);
            }
            return std::optional<Student>();
        };
        // A borrower with a loan each school year is one person to remind: one row per student
        // and thing due, with the yearly amounts added up.
        std::map<std::pair<int, std::string>, std::size_t> rowOf;
        Status st = db->forEach<LoanApplication>([&](const LoanApplication& a) {
            if (!core::postLoanDueMayApply(a.status))
                return true;
            Item item;
            item.studentId = a.studentId;
            item.amountFen = a.amountFen;
            item.status = a.status;
            auto s = fill(item);
            auto due = core::postLoanDue(a.status, s ? s->enrollmentYear : 0, s ? s->programYears : 0, year);
            if (!due)
                return true;
            if (due->due == core::PostLoanDue::GraduationConfirmation) {
                item.due = Due::Graduation;
                item.detail = std::to_string(due->graduationYear);
            } else
                item.due = Due::Repayment;
            auto key = std::make_pair(static_cast<int>(item.due), a.studentId.str());
            if (auto seen = rowOf.find(key); seen != rowOf.end()) {
                loaded->items[seen->second].amountFen += item.amountFen;
                return true;
            }
            rowOf.emplace(key, loaded->items.size());
            loaded->items.push_back(std::move(item));
            return true;
        });
        if (st)
            st = db->forEach<PostLoanEvent>([&](const PostLoanEvent& e) {
                if (e.kind != PostLoanKind::PrincipalDeferral && e.kind != PostLoanKind::RepaymentRelief)
                    return true;
                Item item;
                item.due = e.kind == PostLoanKind::PrincipalDeferral ? Due::Deferral : Due::Relief;
                item.studentId = e.studentId;
                item.amountFen = e.amountFen;
                item.detail = e.eventDate + " " + e.note;
                fill(item);
                loaded->items.push_back(std::move(item));
                return true;
            });
        if (!st)
            loaded->error = message(*app, st.error());
        app->queue().post([=, this] {
            m_loading = false;
            m_items = std::move(loaded->items);
            m_error = loaded->error;
        });
        app->wake();
    });
}

void PostLoanScreen::startExport(Context& ctx) {
    m_status.clear();
    // The store decides who may export (access.hpp), whatever the screen shows.
    if (Status may = ctx.store ? ctx.store->requireExport() : Status(ctx.storeError); !may) {
        m_status = message(ctx.app, may.error());
        return;
    }
    std::string path = m_path;
    std::string ext = m_format == 0 ? ".csv" : ".xlsx";
    if (path.size() < ext.size() || path.compare(path.size() - ext.size(), ext.size(), ext) != 0)
        path += ext;
    app::App& app = ctx.app;
    std::tm tm = now();
    reports::Table table;
    table.title = app.texts().current().format("ui.post.export_title", {{"year", std::to_string(tm.tm_year + 1900)}});
    table.county = ctx.county;
    for (const char* k : {"ui.post.col_name", "ui.post.col_township", "ui.post.col_village", "ui.post.col_school",
                          "ui.post.col_phone", "ui.post.col_remind"})
        table.columns.push_back({app.tr(k), reports::ColumnType::Text});
    table.columns.push_back({app.tr("ui.post.col_amount"), reports::ColumnType::MoneyFen});
    std::vector<Item> rows;
    for (const auto& i : m_items)
        if (i.due == Due::Graduation || i.due == Due::Repayment)
            rows.push_back(i);
    m_total = static_cast<int>(rows.size());
    m_done->store(0);
    m_exporting = true;
    std::string remindGraduation = app.tr("ui.post.remind_graduation");
    std::string remindRepayment = app.tr("ui.post.remind_repayment");
    app::App* appPtr = &app;
    store::Store* db = ctx.store;
    store::Actor who = ctx.actor();
    std::string county = ctx.county;
    auto done = m_done;
    auto format = m_format == 0 ? reports::Format::Csv : reports::Format::Xlsx;
    ctx.worker->run([=, this, table = std::move(table), rows = std::move(rows)]() mutable {
        for (const auto& r : rows) {
            table.rows.push_back({reports::RowKind::Data, 0,
                                  {r.name, r.township, r.village, r.school, r.phone,
                                   r.due == Due::Graduation ? remindGraduation : remindRepayment,
                                   static_cast<int64_t>(r.amountFen)}});
            done->fetch_add(1);
        }
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
        Status st = reports::writeTable(table, format, path);
        appPtr->queue().post([=, this] {
            m_exporting = false;
            if (!st) {
                m_status = message(*appPtr, st.error());
                return;
            }
            // Exports leave the device with personal data: the audit says who took which list.
            (void)db->audit("export", RecordType::PostLoanEvent, Uuid{}, county,
                            "reminder list " + std::to_string(rows.size()) + " rows", who);
            m_exportedTo = path;
            m_status = appPtr->texts().current().format("ui.post.exported",
                                                        {{"count", std::to_string(rows.size())}, {"path", path}});
        });
        appPtr->wake();
    });
}

void PostLoanScreen::list(Context& ctx, Due due, const char* titleKey, const char* id) {
    app::App& app = ctx.app;
    int n = 0;
    for (const auto& i : m_items)
        n += i.due == due;
    std::string title = app.texts().current().format(titleKey, {{"count", std::to_string(n)}}) + "##" + id;
    if (!ImGui::CollapsingHeader(title.c_str(), ImGuiTreeNodeFlags_DefaultOpen))
        return;
    bool phones = ctx.can(Permission::SeeIncomes);
    if (n == 0) {
        ImGui::TextDisabled("%s", app.tr(m_loading ? "ui.common.working" : "ui.common.none"));
        return;
    }
    if (ImGui::BeginTable(("##" + std::string(id) + ".table").c_str(), 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* k : {"ui.post.col_name", "ui.post.col_township", "ui.post.col_school", "ui.post.col_phone",
                              "ui.post.col_detail"})
            ImGui::TableSetupColumn(app.tr(k));
        ImGui::TableHeadersRow();
        int row = 0;
        for (const auto& i : m_items) {
            if (i.due != due)
                continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            app.see(i.name);
            if (ImGui::Selectable((i.name + "##" + id + "." + std::to_string(row++)).c_str(), false,
                                  ImGuiSelectableFlags_SpanAllColumns))
                ctx.openFamily(i.studentId);
            ImGui::TableNextColumn();
            dataText(app, i.township + " " + i.village);
            ImGui::TableNextColumn();
            dataText(app, i.school);
            ImGui::TableNextColumn();
            dataText(app, phones ? i.phone : std::string("***"));
            ImGui::TableNextColumn();
            std::string detail = due == Due::Graduation
                                     ? app.texts().current().format("ui.post.graduated", {{"year", i.detail}})
                                 : due == Due::Repayment ? codeText(app, "ui.status", toCode(i.status))
                                                         : i.detail;
            dataText(app, detail);
        }
        ImGui::EndTable();
    }
}

void PostLoanScreen::draw(Context& ctx) {
    app::App& app = ctx.app;
    if (m_loadedVersion != ctx.dataVersion && !m_loading)
        reload(ctx);
    if (m_path.empty()) {
        std::tm tm = now();
        char date[16];
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
        m_path = (ctx.dataDir / "exports" / (std::string(app.tr("ui.post.file_stem")) + "-" + date)).string();
    }
    heading(app, "ui.post.title");
    std::tm tm = now();
    int md = (tm.tm_mon + 1) * 100 + tm.tm_mday;
    dataTextWrapped(app, app.tr(md >= 1101 && md <= 1220 ? "ui.post.window_open" : "ui.post.window_closed"));
    if (!m_error.empty())
        dataTextWrapped(app, m_error);
    ImGui::BeginChild("##post.lists", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 5), false);
    list(ctx, Due::Graduation, "ui.post.graduation", "post.graduation");
    list(ctx, Due::Repayment, "ui.post.repayment", "post.repayment");
    list(ctx, Due::Deferral, "ui.post.deferrals", "post.deferral");
    list(ctx, Due::Relief, "ui.post.reliefs", "post.relief");
    ImGui::EndChild();

    ImGui::Separator();
    ImGui::TextUnformatted(app.tr("ui.post.reminder_month"));
    helpMarker(app, "ui.post.reminder_help");
    // The store's rule, not the screen's: a volunteer sees the button disabled with the reason.
    Status may = ctx.store ? ctx.store->requireExport() : Status(ctx.storeError);
    if (may) {
        ImGui::SameLine();
        radioLabelled("CSV##post.csv", &m_format, 0);
        ImGui::SameLine();
        radioLabelled("XLSX##post.xlsx", &m_format, 1);
        textField(app, "ui.post.path", "post.path", m_path, nullptr, {}, {.width = ImGui::GetFontSize() * 30});
    }
    if (button(app, "ui.post.export", may && !m_exporting && !m_loading, "post.export"))
        startExport(ctx);
    if (!may) {
        ImGui::SameLine();
        dataTextDisabled(app, message(app, may.error()));
    }
    if (m_exporting) {
        ImGui::SameLine();
        float f = m_total ? static_cast<float>(m_done->load()) / static_cast<float>(m_total) : 0.0f;
        ImGui::ProgressBar(f, ImVec2(ImGui::GetFontSize() * 12, 0));
    }
    if (!m_status.empty())
        dataTextWrapped(app, m_status);
    if (button(app, "ui.common.back", true, "post.back") || escapePressed())
        ctx.back();
}

} // namespace zhuxue::ui
