#include "local_time.hpp"

#include <ctime>

namespace zhuxue::ui {

namespace {
std::string formatLocal(UnixMs ms, const char* format) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
} // namespace

std::string localDayText(UnixMs ms) {
    return formatLocal(ms, "%Y-%m-%d");
}

std::string localTimeText(UnixMs ms) {
    return formatLocal(ms, "%Y-%m-%d %H:%M");
}

namespace {
std::tm localNow() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}
} // namespace

int localYear() {
    return localNow().tm_year + 1900;
}

core::Date localToday() {
    std::tm tm = localNow();
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

} // namespace zhuxue::ui
