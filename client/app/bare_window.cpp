#include "bare_window.hpp"

#include "startup_trace.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <fstream>

namespace zhuxue::app {

int runBareWindow(const LaunchOptions& options) {
    if (!glfwInit())
        return 3;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(options.width, options.height, "bare", nullptr, nullptr);
    if (!window) {
        glfwTerminate();
        return 3;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    uint64_t frames = 0;
    while (!glfwWindowShouldClose(window) && !g_quitRequested.load()) {
        if (frames > 2)
            glfwWaitEventsTimeout(0.25);
        else
            glfwPollEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::Begin("bare");
        ImGui::TextUnformatted("Hello");
        ImGui::End();
        ImGui::Render();
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
        if (frames == 0)
            startupMark("bare window: first frame swapped");
        if (++frames == 1 && !options.readyFile.empty())
            std::ofstream(options.readyFile) << "first-frame 1\n";
        if (options.exitAfterFrames > 0 && frames >= static_cast<uint64_t>(options.exitAfterFrames))
            break;
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}

} // namespace zhuxue::app
