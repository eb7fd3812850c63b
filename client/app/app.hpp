#pragma once
// The process around the screens: GLFW window, ImGui context, fonts, texts, the main-thread
// queue and the frame loop. Screens live in client/ui and are handed in as a frame function.
#include "font_atlas.hpp"
#include "run_queue.hpp"
#include "settings.hpp"
#include "texts.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;

namespace zhuxue::app {

class FontTexture;
class DisplayFont;

struct LaunchOptions {
    std::filesystem::path dataDir;
    std::string serverUrl;       // overrides settings when set
    std::string language;        // overrides settings when set
    bool kiosk = false;
    bool hallDisplay = false;
    // Test hooks: leave after this many frames (0 = run until closed); write this file once the
    // first frame is on screen; save the window's pixels to this PNG before leaving.
    int exitAfterFrames = 0;
    std::filesystem::path readyFile;
    std::filesystem::path screenshotFile;
    // Tests: the text the last frame showed, one piece a line, written beside the screenshot.
    std::filesystem::path textFile;
    // The window's size; unless sizeGiven (--size), it shrinks to the screen's work area when the
    // screen is smaller (a 1366×768 laptop), opening maximised there.
    int width = 1280, height = 800;
    bool sizeGiven = false;
};

class App {
public:
    App(LaunchOptions options, Settings settings, std::unique_ptr<Texts> texts);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Opens the window. Fails with a one-line reason when there is no display.
    Status open();
    // ImGui without a window or GPU: the automation driver runs real frames of the real screens
    // this way (fonts are built, nothing is rendered).
    Status openHeadless(int width, int height);
    bool headless() const { return m_window == nullptr; }
    // Runs frames until the window closes or a SIGTERM/SIGINT arrives; returns the exit code.
    int run(const std::function<void(App&)>& drawFrame);
    // One frame: main-thread queue, new characters into the atlas, NewFrame, draw, Render (and
    // GL when there is a window). The driver calls this directly.
    void frame(const std::function<void(App&)>& drawFrame);
    // Called between the backend's input update and ImGui::NewFrame: the driver injects input.
    void setInputHook(std::function<void()> hook) { m_inputHook = std::move(hook); }
    // Frame time used without a window (seconds); the driver advances the clock with it.
    void setHeadlessDeltaTime(float seconds) { m_headlessDelta = seconds; }
    // Text from the data about to be shown: joins the font atlas; the driver sees it too.
    void see(std::string_view text);
    void setTextObserver(std::function<void(std::string_view)> fn) { m_textObserver = std::move(fn); }
    // Runs fn on the main thread once the first frame is on screen (after its swap; headless:
    // after the first frame), or at once when that has happened. Start-up work that the first
    // frame does not need (opening the stores, starting sync) waits here instead of competing
    // with it for the CPU.
    void afterFirstFrame(std::function<void()> fn);
    // Ask for another frame soon (a worker posted, the atlas grew).
    void wantFrame() { m_wantFrame = true; }
    // Saves the current framebuffer as PNG (windowed only; call after frame()).
    bool saveScreenshot(const std::filesystem::path& file);

    const LaunchOptions& options() const { return m_options; }
    Settings& settings() { return m_settings; }
    Status saveSettings();
    Texts& texts() { return *m_texts; }
    const char* tr(std::string_view key) const { return m_texts->tr(key); }
    FontAtlas& fonts() { return *m_fonts; }
    // Large queue numbers from glyphs baked at about sizePixels (display_font.hpp); nullptr on
    // the frame that asks for a new size (the next one has it): draw scaled text that once.
    ImFont* displayFont(float sizePixels);
    RunQueue& queue() { return m_queue; }
    void setLanguage(const std::string& lang);
    void applyTextSize();
    // Wakes the frame loop from another thread (after posting to the queue).
    void wake();
    void requestClose();
    uint64_t frameCount() const { return m_frames; }
    GLFWwindow* window() const { return m_window; }

private:
    void setupImGui();
    void firstFrameShown();
    void requireCatalogueGlyphs();

    LaunchOptions m_options;
    Settings m_settings;
    std::unique_ptr<Texts> m_texts;
    std::unique_ptr<FontAtlas> m_fonts;
    std::unique_ptr<FontTexture> m_fontTexture; // with a window only
    std::unique_ptr<DisplayFont> m_displayFont;  // made when first asked for
    std::unique_ptr<FontTexture> m_displayTexture;
    RunQueue m_queue;
    GLFWwindow* m_window = nullptr;
    bool m_imguiReady = false;
    bool m_glReady = false;
    bool m_glfwInit = false;
    bool m_wantFrame = false;
    float m_headlessDelta = 1.0f / 60.0f;
    int m_headlessWidth = 0, m_headlessHeight = 0;
    std::function<void()> m_inputHook;
    std::function<void(std::string_view)> m_textObserver;
    uint64_t m_frames = 0;
    bool m_firstFrameShown = false;
    std::vector<std::function<void()>> m_afterFirstFrame;
};

// Set by SIGTERM/SIGINT; the frame loop closes the window cleanly when it sees it.
extern std::atomic<bool> g_quitRequested;
void installQuitSignalHandlers();

} // namespace zhuxue::app
