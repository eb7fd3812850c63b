#pragma once
// Pictures kept as attachments (home-visit photos, signatures) shown as thumbnails in a row; a
// click opens the picture full size over the screen (Esc or 关闭 closes it). The files are read,
// checked and decoded on the worker through its own store connection; the draw code never waits.
// Without a GL context (headless frames) a thumbnail is a button naming the file, and the full
// view names it with the picture's size, so a test can still open and close it.
// Driver ids: "##<id>.N" for the N-th thumbnail, "##picture.close" in the full view.
#include "client/app/picture.hpp"
#include "client/core/records.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace zhuxue::app {
class App;
class Worker;
} // namespace zhuxue::app
namespace zhuxue::store {
class Store;
}

namespace zhuxue::ui {

class PictureGallery {
public:
    // items: attachments whose files are pictures (JPEG, PNG). readStore: the worker's store
    // connection (nullptr: names only).
    void draw(app::App& app, app::Worker* worker, store::Store* readStore, const std::vector<Attachment>& items,
              const char* id);
    // The full view, drawn once per frame after the screen (on top of it).
    void drawFullView(app::App& app);
    bool fullViewOpen() const { return !m_open.empty(); }

    static constexpr int kThumbSide = 96;
    static constexpr int kFullSide = 1600;
    static constexpr double kRetrySeconds = 5;

private:
    struct Entry {
        bool loading = true;
        std::string error; // why the picture cannot be shown
        double failedAt = 0; // ImGui time: a file sync has not brought yet is looked for again
        app::Picture thumb, full;
        app::PictureTexture thumbTexture, fullTexture;
        std::string fileName;
    };
    void load(app::App& app, app::Worker& worker, store::Store& readStore, const Attachment& a);

    std::map<std::string, std::shared_ptr<Entry>> m_entries; // by sha256
    std::string m_open;                                      // sha256 of the picture shown full size
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace zhuxue::ui
