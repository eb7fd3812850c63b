#pragma once
// A private X server for GUI tests: Xvfb on a free display number, stopped at scope exit.
#include "process.hpp"

#include <memory>
#include <string>

namespace zhuxue::test {

class Xvfb {
public:
    explicit Xvfb(int width = 1280, int height = 800);
    // ":N", or empty when Xvfb could not start (the reason is in error()).
    const std::string& display() const { return m_display; }
    const std::string& error() const { return m_error; }

private:
    std::unique_ptr<Process> m_proc;
    std::string m_display, m_error;
};

} // namespace zhuxue::test
