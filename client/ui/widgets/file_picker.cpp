#include "file_picker.hpp"

#include "client/app/app.hpp"
#include "client/app/worker.hpp"
#include "fields.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace zhuxue::ui {

namespace fs = std::filesystem;

namespace {
fs::path homeDir() {
    const char* home = std::getenv("HOME");
    return home && *home ? fs::path(home) : fs::path("/");
}

// The places a field laptop gets photos from, those that exist.
std::vector<std::pair<const char*, fs::path>> places() {
    std::vector<std::pair<const char*, fs::path>> out;
    std::error_code ec;
    const fs::path home = homeDir();
    out.emplace_back("ui.picker.home", home);
    for (const char* name : {"Pictures", "图片"})
        if (fs::is_directory(home / name, ec)) {
            out.emplace_back("ui.picker.pictures", home / name);
            break;
        }
    for (const char* name : {"Downloads", "下载"})
        if (fs::is_directory(home / name, ec)) {
            out.emplace_back("ui.picker.downloads", home / name);
            break;
        }
    const char* user = std::getenv("USER");
    for (fs::path media : {fs::path("/media") / (user ? user : ""), fs::path("/run/media") / (user ? user : ""),
                           fs::path("/media")})
        if (fs::is_directory(media, ec)) {
            out.emplace_back("ui.picker.drives", media);
            break;
        }
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
} // namespace

void FilePicker::open(app::App& app, app::Worker& worker) {
    m_open = true;
    show(app, worker, m_dir, m_dir.empty());
}

void FilePicker::show(app::App& app, app::Worker& worker, fs::path dir, bool preferPictures) {
    if (m_loading)
        return;
    m_loading = true;
    std::weak_ptr<int> alive = m_alive;
    app::App* a = &app;
    std::vector<std::string> extensions = m_extensions;
    worker.run([=, this]() mutable {
        // The places are looked up here too: a stat of a dead card must not hold a frame.
        auto found = places();
        if (preferPictures) {
            dir = homeDir();
            for (const auto& [key, where] : found)
                if (key == std::string("ui.picker.pictures"))
                    dir = where;
        }
        std::vector<Entry> entries;
        std::string error;
        std::error_code ec;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end && entries.size() < 5000; it.increment(ec)) {
            std::string name = it->path().filename().string();
            if (name.empty() || name[0] == '.')
                continue; // hidden
            std::error_code e2;
            if (it->is_directory(e2)) {
                entries.push_back({name, true, 0});
            } else if (it->is_regular_file(e2)) {
                std::string ext = lower(it->path().extension().string());
                if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end())
                    entries.push_back({name, false, it->file_size(e2)});
            }
        }
        if (ec)
            error = a->texts().current().format("ui.picker.unreadable", {{"path", dir.string()}, {"reason", ec.message()}});
        std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
            return x.folder != y.folder ? x.folder : x.name < y.name;
        });
        a->queue().post([=, this] {
            if (alive.expired())
                return;
            m_loading = false;
            m_places = found;
            m_error = error;
            if (error.empty()) {
                m_dir = dir;
                m_entries = entries;
            }
        });
        a->wake();
    });
}

std::optional<fs::path> FilePicker::draw(app::App& app, app::Worker& worker, const char* id) {
    if (!m_open)
        return std::nullopt;
    const std::string base = std::string("##") + id;
    std::optional<fs::path> chosen;
    ImGui::BeginChild((base + ".box").c_str(), ImVec2(0, ImGui::GetFontSize() * 16), true);
    int n = 0;
    for (const auto& [key, where] : m_places) {
        if (n > 0)
            ImGui::SameLine();
        if (button(app, key, !m_loading, (std::string(id) + ".place." + std::to_string(n)).c_str()))
            show(app, worker, where);
        ++n;
    }
    ImGui::SameLine();
    if (button(app, "ui.picker.up", !m_loading && m_dir.has_parent_path() && m_dir != m_dir.root_path(),
               (std::string(id) + ".up").c_str()))
        show(app, worker, m_dir.parent_path());
    ImGui::SameLine();
    if (button(app, "ui.picker.close", true, (std::string(id) + ".close").c_str()))
        m_open = false;
    dataText(app, m_dir.string());
    if (!m_error.empty())
        dataTextWrapped(app, m_error);
    if (m_loading)
        ImGui::TextDisabled("%s", app.tr("ui.common.working"));
    bool anyFile = false;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const Entry& e = m_entries[i];
        anyFile |= !e.folder;
        std::string label = (e.folder ? std::string(app.tr("ui.picker.folder")) + " " : std::string()) + e.name;
        if (!e.folder)
            label += "  (" + std::to_string((e.bytes + 1023) / 1024) + " KB)";
        app.see(label);
        if (ImGui::Selectable((label + base + ".entry." + std::to_string(i)).c_str(), false)) {
            if (e.folder)
                show(app, worker, m_dir / e.name);
            else
                chosen = m_dir / e.name;
        }
    }
    if (!m_loading && !anyFile)
        ImGui::TextDisabled("%s", app.tr("ui.picker.no_files"));
    ImGui::EndChild();
    return chosen;
}

} // namespace zhuxue::ui
