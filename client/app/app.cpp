#include "app.hpp"
#include "keyboard.hpp"

#include "display_font.hpp"
#include "font_texture.hpp"
#include "startup_trace.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace zhuxue::app {

std::atomic<bool> g_quitRequested{false};

namespace {
extern "C" void onQuitSignal(int) { g_quitRequested.store(true); }

std::string g_glfwError;
extern "C" void onGlfwError(int, const char* description) { g_glfwError = description; }

using GlReadPixels = void (*)(int, int, int, int, unsigned, unsigned, void*);
constexpr unsigned kGlRgba = 0x1908, kGlUnsignedByte = 0x1401;
} // namespace

void installQuitSignalHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onQuitSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

App::App(LaunchOptions options, Settings settings, std::unique_ptr<Texts> texts)
    : m_options(std::move(options)), m_settings(std::move(settings)), m_texts(std::move(texts)) {
    if (!m_options.language.empty())
        m_settings.language = m_options.language;
    if (!m_options.serverUrl.empty())
        m_settings.serverUrl = m_options.serverUrl;
    if (m_options.kiosk)
        m_settings.kiosk = true;
    m_texts->setLanguage(m_settings.language);
}

App::~App() {
    if (m_imguiReady) {
        if (m_glReady) {
            m_fontTexture.reset(); // while its GL context is still there
            m_displayTexture.reset();
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplGlfw_Shutdown();
        }
        m_fonts.reset(); // the atlas points into the font files it mapped
        m_displayFont.reset();
        ImGui::DestroyContext();
    }
    if (m_window)
        glfwDestroyWindow(m_window);
    if (m_glfwInit)
        glfwTerminate();
}

Status App::open() {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland))
        return Error("app.no_display", {}, "DISPLAY and WAYLAND_DISPLAY are not set");
    glfwSetErrorCallback(onGlfwError);
    if (!glfwInit())
        return Error("app.no_display", {}, g_glfwError);
    m_glfwInit = true;
    startupMark("glfwInit");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    bool fullscreen = m_settings.kiosk || m_options.hallDisplay;
    if (fullscreen)
        glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
    GLFWmonitor* monitor = nullptr;
    int w = m_options.width, h = m_options.height;
    if (fullscreen) {
        monitor = glfwGetPrimaryMonitor();
        if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
            w = mode->width;
            h = mode->height;
        }
    } else if (!m_options.sizeGiven) {
        // The default size must not hide the bottom row of buttons on a smaller screen: fit the
        // work area (the screen less its panels) and let the window manager maximise it.
        int x = 0, y = 0, workW = 0, workH = 0;
        if (GLFWmonitor* primary = glfwGetPrimaryMonitor())
            glfwGetMonitorWorkarea(primary, &x, &y, &workW, &workH);
        if (workW > 0 && workH > 0 && (w > workW || h > workH)) {
            w = std::min(w, workW);
            h = std::min(h, workH);
            glfwWindowHint(GLFW_MAXIMIZED, GLFW_TRUE);
        }
    }
    m_window = glfwCreateWindow(w, h, "助学 zhuxue", monitor, nullptr);
    if (!m_window)
        return Error("app.no_window", {}, g_glfwError);
    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(1);
    startupMark("window created");

    setupImGui();
    startupMark("ImGui set up (glyphs required)");
    ImGui_ImplGlfw_InitForOpenGL(m_window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    m_fontTexture = std::make_unique<FontTexture>();
    startupMark("ImGui backends");
    m_glReady = true;
    return {};
}

Status App::openHeadless(int width, int height) {
    m_headlessWidth = width;
    m_headlessHeight = height;
    setupImGui();
    // Without a platform backend the key map is ours: ImGui's own key indices.
    ImGuiIO& io = ImGui::GetIO();
    for (int k = 0; k < ImGuiKey_COUNT; ++k)
        io.KeyMap[k] = k;
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    return {};
}

void App::setupImGui() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.IniFilename = nullptr; // layout is ours, not a file beside the binary
    ImGui::StyleColorsLight();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 4.0f;
    style.FrameRounding = 4.0f;
    style.FramePadding = ImVec2(8, 6);
    style.ItemSpacing = ImVec2(10, 8);
    m_imguiReady = true;
    // The baked atlas is kept beside the data (tests and --data-dir runs stay self-contained).
    std::filesystem::path cache = m_options.dataDir.empty() ? std::filesystem::path() : m_options.dataDir / "cache";
    m_fonts = std::make_unique<FontAtlas>(findChineseFont(), m_settings.effectiveFontSize(), cache);
    requireCatalogueGlyphs();
}

void App::see(std::string_view text) {
    m_fonts->require(text);
    if (m_textObserver)
        m_textObserver(text);
}

void App::requireCatalogueGlyphs() {
    for (const Catalog* c : {&m_texts->zh(), &m_texts->en()})
        for (const auto& [key, value] : c->entries())
            m_fonts->require(value);
}

void App::setLanguage(const std::string& lang) {
    m_settings.language = lang == "en" ? "en" : "zh-CN";
    m_texts->setLanguage(m_settings.language);
}

ImFont* App::displayFont(float sizePixels) {
    if (!m_displayFont)
        m_displayFont = std::make_unique<DisplayFont>(m_fonts->face());
    ImFont* f = m_displayFont->at(sizePixels);
    if (!f)
        wantFrame(); // baked before the next frame
    return f;
}

void App::applyTextSize() { m_fonts->setSize(m_settings.effectiveFontSize()); }

Status App::saveSettings() { return m_settings.save(m_options.dataDir / "settings.json"); }

void App::wake() { glfwPostEmptyEvent(); }

void App::afterFirstFrame(std::function<void()> fn) {
    if (m_firstFrameShown)
        fn();
    else
        m_afterFirstFrame.push_back(std::move(fn));
}

void App::firstFrameShown() {
    m_firstFrameShown = true;
    auto pending = std::move(m_afterFirstFrame);
    m_afterFirstFrame.clear();
    for (auto& fn : pending)
        fn();
}

void App::requestClose() {
    if (m_window)
        glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

bool App::saveScreenshot(const std::filesystem::path& file) {
    if (!m_window)
        return false;
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    auto readPixels = reinterpret_cast<GlReadPixels>(glfwGetProcAddress("glReadPixels"));
    if (!readPixels || w <= 0 || h <= 0)
        return false;
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
    readPixels(0, 0, w, h, kGlRgba, kGlUnsignedByte, pixels.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(file.c_str(), w, h, 4, pixels.data(), w * 4) != 0;
}

void App::frame(const std::function<void(App&)>& drawFrame) {
    m_queue.drain();
    ImGuiIO& io = ImGui::GetIO();
    if (m_window) {
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
    } else {
        io.DisplaySize = ImVec2(static_cast<float>(m_headlessWidth), static_cast<float>(m_headlessHeight));
        io.DeltaTime = m_headlessDelta;
    }
    if (m_inputHook)
        m_inputHook();
    takeEscape();
    // Whatever is typed (GLFW's char callback fills this queue) joins the atlas before the frame
    // that shows it; pasted and loaded text joins through see().
    for (ImWchar c : io.InputQueueCharacters)
        m_fonts->requireCodepoint(static_cast<uint32_t>(c));
    const bool firstFrame = m_frames == 0;
    if (m_fonts->rebuildIfNeeded()) {
        if (firstFrame && startupTraceOn()) {
            std::string what = std::string(m_fonts->restores() ? "font atlas restored from cache" : "font atlas baked") +
                               " (" + std::to_string(m_fonts->glyphCount()) + " characters, " +
                               std::to_string(io.Fonts->TexWidth) + "x" + std::to_string(io.Fonts->TexHeight) + ")";
            startupMark(what.c_str());
        }
        if (m_window) {
            ImGui_ImplOpenGL3_DestroyFontsTexture(); // the backend's own, made with its device objects
            m_fontTexture->upload(*io.Fonts);
        } else {
            io.Fonts->ClearTexData(); // no GPU: nothing reads the pixels
        }
        if (firstFrame)
            startupMark("font texture uploaded");
    }
    if (m_displayFont && m_displayFont->rebuildIfNeeded()) {
        if (m_window) {
            if (!m_displayTexture)
                m_displayTexture = std::make_unique<FontTexture>();
            m_displayTexture->upload(m_displayFont->atlas());
        } else {
            m_displayFont->atlas().ClearTexData();
        }
    }
    ImGui::NewFrame();
    continueTabbingFromFocus();
    drawFrame(*this);
    finishTabbing();
    ImGui::Render();
    if (firstFrame)
        startupMark("first frame drawn");
    ++m_frames;
    if (!m_window) {
        if (!m_firstFrameShown)
            firstFrameShown();
        return;
    }
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(m_window, &fbw, &fbh);
    static auto viewport =
        reinterpret_cast<void (*)(int, int, int, int)>(glfwGetProcAddress("glViewport"));
    static auto clearColor = reinterpret_cast<void (*)(float, float, float, float)>(
        glfwGetProcAddress("glClearColor"));
    static auto clear = reinterpret_cast<void (*)(unsigned)>(glfwGetProcAddress("glClear"));
    viewport(0, 0, fbw, fbh);
    clearColor(0.94f, 0.95f, 0.96f, 1.0f);
    clear(0x00004000); // GL_COLOR_BUFFER_BIT
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

int App::run(const std::function<void(App&)>& drawFrame) {
    bool readyWritten = false;
    std::vector<std::string> shown; // this frame's text, for --text-file
    const bool observing = !m_options.textFile.empty() && !m_textObserver;
    if (observing)
        m_textObserver = [&shown](std::string_view text) { shown.emplace_back(text); };
    while (!glfwWindowShouldClose(m_window)) {
        if (g_quitRequested.load()) {
            glfwSetWindowShouldClose(m_window, GLFW_TRUE);
            break;
        }
        // Calm on old laptops: sleep until input or a worker wakes us, but keep a slow tick so
        // clocks and countdowns advance. New characters seen last frame get a frame at once so
        // they never stay '?' on screen.
        if (m_frames > 2 && !m_wantFrame && !m_fonts->dirty())
            glfwWaitEventsTimeout(0.25);
        else
            glfwPollEvents();
        m_wantFrame = false;
        shown.clear();
        frame(drawFrame);
        bool last = m_options.exitAfterFrames > 0 &&
                    m_frames >= static_cast<uint64_t>(m_options.exitAfterFrames);
        if (last && !m_options.screenshotFile.empty())
            saveScreenshot(m_options.screenshotFile);
        if (last && !m_options.textFile.empty()) {
            std::ofstream out(m_options.textFile);
            for (const auto& t : shown)
                out << t << "\n";
        }
        glfwSwapBuffers(m_window);
        if (m_frames == 1)
            startupMark("first frame swapped");
        if (!readyWritten && !m_options.readyFile.empty()) {
            std::ofstream(m_options.readyFile) << "first-frame " << m_frames << "\n";
            readyWritten = true;
        }
        if (!m_firstFrameShown)
            firstFrameShown();
        if (last)
            break;
    }
    if (observing)
        m_textObserver = nullptr;
    return 0;
}

} // namespace zhuxue::app
