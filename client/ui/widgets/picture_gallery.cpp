#include "picture_gallery.hpp"

#include "client/app/app.hpp"
#include "client/app/driver/item_recorder.hpp"
#include "client/app/worker.hpp"
#include "client/store/store.hpp"
#include "fields.hpp"

#include <imgui.h>

#include <algorithm>
#include <optional>

namespace zhuxue::ui {

void PictureGallery::load(app::App& app, app::Worker& worker, store::Store& readStore, const Attachment& a) {
    auto entry = std::make_shared<Entry>();
    entry->fileName = a.fileName;
    m_entries[a.sha256] = entry;
    std::weak_ptr<int> alive = m_alive;
    app::App* ap = &app;
    worker.run([ap, alive, entry, sha = a.sha256, files = &readStore] {
        // On the worker: read and verify the file, decode it twice (thumbnail and full view).
        std::optional<Error> error;
        app::Picture thumb, full;
        auto bytes = files->readAttachment(sha);
        if (!bytes) {
            error = bytes.error();
        } else if (auto f = app::decodePicture(*bytes, kFullSide); !f) {
            error = f.error();
        } else {
            full = std::move(*f);
            auto t = app::decodePicture(*bytes, kThumbSide);
            if (t)
                thumb = std::move(*t);
        }
        ap->queue().post([ap, alive, entry, error, thumb = std::move(thumb), full = std::move(full)]() mutable {
            if (alive.expired())
                return;
            entry->loading = false;
            if (error) { // the texts are the UI thread's
                entry->error = message(*ap, *error);
                entry->failedAt = ImGui::GetTime();
            }
            entry->thumb = std::move(thumb);
            entry->full = std::move(full);
        });
        ap->wake();
    });
}

void PictureGallery::draw(app::App& app, app::Worker* worker, store::Store* readStore,
                          const std::vector<Attachment>& items, const char* id) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Attachment& a = items[i];
        auto it = m_entries.find(a.sha256);
        // Not read (yet), or unreadable a while ago: the file may have arrived with sync since.
        const bool retry = it != m_entries.end() && !it->second->loading && !it->second->error.empty() &&
                           ImGui::GetTime() - it->second->failedAt > kRetrySeconds;
        if ((it == m_entries.end() || retry) && worker && readStore) {
            load(app, *worker, *readStore, a);
            it = m_entries.find(a.sha256);
        }
        Entry* e = it == m_entries.end() ? nullptr : it->second.get();
        if (e && !e->loading && e->error.empty() && !e->thumbTexture.ready() && !e->thumb.rgba.empty())
            e->thumbTexture.upload(e->thumb); // a no-op without a GL context
        if (i > 0)
            ImGui::SameLine();
        const std::string label = "##" + std::string(id) + "." + std::to_string(i);
        bool clicked = false;
        if (e && e->thumbTexture.ready()) {
            const ImVec2 size(static_cast<float>(e->thumbTexture.width()), static_cast<float>(e->thumbTexture.height()));
            const ImVec2 at = ImGui::GetCursorScreenPos();
            clicked = ImGui::InvisibleButton(label.c_str(), size);
            app::driver::announceLastItem(label.c_str());
            ImGui::GetWindowDrawList()->AddImage(e->thumbTexture.id(), at, ImVec2(at.x + size.x, at.y + size.y));
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%s", a.fileName.c_str());
        } else {
            // No picture on screen (headless, loading, or unreadable): the name says which file.
            std::string text = a.fileName;
            if (e && e->loading)
                text += " …";
            else if (e && !e->error.empty())
                text += "（" + e->error + "）";
            app.see(text);
            clicked = buttonLabelled((text + label).c_str());
        }
        if (clicked && e && !e->loading && e->error.empty())
            m_open = a.sha256;
    }
}

void PictureGallery::drawFullView(app::App& app) {
    if (m_open.empty())
        return;
    auto it = m_entries.find(m_open);
    if (it == m_entries.end()) {
        m_open.clear();
        return;
    }
    Entry& e = *it->second;
    if (!e.fullTexture.ready() && !e.full.rgba.empty())
        e.fullTexture.upload(e.full);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::SetNextWindowFocus();
    ImGui::Begin("##picture.full", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    const std::string caption = app.texts().current().format(
        "ui.picture.caption", {{"name", e.fileName},
                               {"width", std::to_string(e.full.sourceWidth)},
                               {"height", std::to_string(e.full.sourceHeight)}});
    app.see(caption);
    ImGui::TextUnformatted(caption.c_str());
    ImGui::SameLine();
    bool close = button(app, "ui.picture.close", true, "picture.close") || escapePressed();
    if (e.fullTexture.ready()) {
        // As large as the window allows, never larger than the picture, proportions kept.
        const ImVec2 room = ImGui::GetContentRegionAvail();
        const float w = static_cast<float>(e.fullTexture.width()), h = static_cast<float>(e.fullTexture.height());
        const float scale = std::min({1.0f, room.x / w, room.y / h});
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (room.x - w * scale) * 0.5f));
        ImGui::Image(e.fullTexture.id(), ImVec2(w * scale, h * scale));
    }
    ImGui::End();
    if (close) {
        m_open.clear();
        e.fullTexture = app::PictureTexture{}; // megabytes of GPU memory: only while shown
    }
}

} // namespace zhuxue::ui
