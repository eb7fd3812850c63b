#include "xvfb.hpp"
#include "programs.hpp"

#include <string>

namespace zhuxue::test {

Xvfb::Xvfb(int width, int height) {
    std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    m_proc = std::make_unique<Process>(std::vector<std::string>{
        tool("Xvfb"), "-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"});
    bool up = waitUntil(
        [&] {
            std::string out = m_proc->stdoutText();
            return !out.empty() && out.back() == '\n';
        },
        std::chrono::seconds(20));
    if (!up) {
        m_error = "Xvfb did not report a display: " + m_proc->stderrText();
        return;
    }
    std::string out = m_proc->stdoutText();
    m_display = ":" + out.substr(0, out.find('\n'));
}

} // namespace zhuxue::test
