#pragma once
// Choosing files without typing a path: a folder's sub-folders and the files of the kinds asked
// for (photos and scans for a home visit), with the places a field laptop gets them from one
// click away: the home folder, its Pictures (图片) and Downloads (下载) folders, and USB drives
// and camera cards under /media. Each file clicked is returned once; the picker stays open for
// the next one. Folders are read on the worker: the draw code never waits for a slow card.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zhuxue::app {
class App;
class Worker;
} // namespace zhuxue::app

namespace zhuxue::ui {

class FilePicker {
public:
    // extensions: lower case with the dot (".jpg").
    explicit FilePicker(std::vector<std::string> extensions) : m_extensions(std::move(extensions)) {}

    bool isOpen() const { return m_open; }
    // Opens at the folder last shown, else the Pictures folder, else the home folder.
    void open(app::App& app, app::Worker& worker);
    void close() { m_open = false; }
    // Draws the picker (id "<id>" for the driver: "##<id>.up", "##<id>.entry.N", "##<id>.close",
    // "##<id>.place.N"); a file clicked this frame is returned.
    std::optional<std::filesystem::path> draw(app::App& app, app::Worker& worker, const char* id);

    struct Entry {
        std::string name;
        bool folder = false;
        std::uintmax_t bytes = 0;
    };

private:
    // Lists dir on the worker (preferPictures: the Pictures folder, else home, instead).
    void show(app::App& app, app::Worker& worker, std::filesystem::path dir, bool preferPictures = false);

    std::vector<std::string> m_extensions;
    bool m_open = false, m_loading = false;
    std::filesystem::path m_dir;
    std::vector<Entry> m_entries;
    std::vector<std::pair<const char*, std::filesystem::path>> m_places; // key of its name, folder
    std::string m_error;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace zhuxue::ui
