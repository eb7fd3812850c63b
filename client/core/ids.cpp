#include "ids.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <sys/random.h>
#include <pthread.h>
#include <unistd.h>

namespace zhuxue {

namespace {

void fillFromKernel(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
        ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            // Without randomness ids could collide across devices: refuse rather than guess.
            throw std::runtime_error("getrandom failed");
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
}

// One getrandom per 256 bytes instead of one per id: a system call per id was a tenth of an
// import's time. Per thread; a forked child drops the pool so it never repeats its parent's bytes.
std::atomic<unsigned> g_forks{0};
void countFork() { g_forks.fetch_add(1, std::memory_order_relaxed); }

void randomBytes(std::uint8_t* out, std::size_t n) {
    static const int registered = pthread_atfork(nullptr, nullptr, countFork);
    (void)registered;
    thread_local std::uint8_t pool[256];
    thread_local std::size_t used = sizeof pool;
    thread_local unsigned forks = 0;
    if (unsigned f = g_forks.load(std::memory_order_relaxed); f != forks) {
        forks = f;
        used = sizeof pool;
    }
    while (n > 0) {
        if (used == sizeof pool) {
            fillFromKernel(pool, sizeof pool);
            used = 0;
        }
        std::size_t take = std::min(n, sizeof pool - used);
        std::memcpy(out, pool + used, take);
        std::memset(pool + used, 0, take); // bytes handed out are not kept
        used += take;
        out += take;
        n -= take;
    }
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr char kHex[] = "0123456789abcdef";

} // namespace

bool Uuid::isNil() const {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

void Uuid::format(char* out) const {
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *out++ = '-';
        *out++ = kHex[bytes[i] >> 4];
        *out++ = kHex[bytes[i] & 15];
    }
}

std::string Uuid::str() const {
    std::string s(36, '\0');
    format(s.data());
    return s;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
    if (text.size() != 36)
        return std::nullopt;
    Uuid id;
    std::size_t pos = 0;
    for (int i = 0; i < 16; ++i) {
        if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
            if (text[pos] != '-')
                return std::nullopt;
            ++pos;
        }
        int hi = hexValue(text[pos]), lo = hexValue(text[pos + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        id.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
        pos += 2;
    }
    return id;
}

std::int64_t systemNowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Uuid newUuidV7() {
    // RFC 9562 method 1: the 12 bits of rand_a are a counter within one millisecond, started at a
    // random value below 2048 so there is room to count up; on overflow the timestamp moves on.
    static std::mutex mutex;
    static std::uint64_t lastMs = 0;
    static std::uint16_t counter = 0;

    Uuid id;
    randomBytes(id.bytes.data(), id.bytes.size());
    std::uint64_t ms = static_cast<std::uint64_t>(std::max<std::int64_t>(systemNowMs(), 0));
    {
        std::lock_guard lock(mutex);
        if (ms > lastMs) {
            lastMs = ms;
            counter = static_cast<std::uint16_t>((id.bytes[6] << 8 | id.bytes[7]) & 0x7ff);
        } else {
            ms = lastMs; // the wall clock went back or stood still: keep ids increasing
            if (++counter > 0xfff) {
                ms = ++lastMs;
                counter = 0;
            }
        }
    }
    for (int i = 0; i < 6; ++i)
        id.bytes[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    id.bytes[6] = static_cast<std::uint8_t>(0x70 | (counter >> 8));
    id.bytes[7] = static_cast<std::uint8_t>(counter & 0xff);
    id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3f));
    return id;
}

std::int64_t uuidV7Millis(const Uuid& id) {
    std::int64_t ms = 0;
    for (int i = 0; i < 6; ++i)
        ms = ms << 8 | id.bytes[i];
    return ms;
}

Uuid newDeviceId() {
    Uuid id;
    randomBytes(id.bytes.data(), id.bytes.size());
    id.bytes[6] = static_cast<std::uint8_t>(0x40 | (id.bytes[6] & 0x0f));
    id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3f));
    return id;
}

std::string Hlc::str() const {
    std::string s(16, '0');
    for (int i = 0; i < 16; ++i)
        s[15 - i] = kHex[(value >> (4 * i)) & 15];
    return s;
}

std::optional<Hlc> Hlc::parse(std::string_view text) {
    if (text.size() != 16)
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        int h = hexValue(c);
        if (h < 0)
            return std::nullopt;
        v = v << 4 | static_cast<std::uint64_t>(h);
    }
    return Hlc{v};
}

HlcClock::HlcClock(NowFn now, Hlc last) : m_now(std::move(now)), m_last(last) {}

namespace {
std::uint64_t clampMs(std::int64_t ms) {
    return static_cast<std::uint64_t>(std::clamp<std::int64_t>(ms, 0, Hlc::kMaxMillis));
}
// Builds the next stamp at (ms, counter), rolling into the next millisecond when the counter
// would overflow.
Hlc next(std::uint64_t ms, std::uint32_t counter) {
    if (counter > 0xffff) {
        ++ms;
        counter = 0;
    }
    return Hlc::make(ms, static_cast<std::uint16_t>(counter));
}
} // namespace

Hlc HlcClock::send() {
    std::uint64_t now = clampMs(m_now());
    std::lock_guard lock(m_mutex);
    std::uint64_t lastMs = m_last.millis();
    if (now > lastMs)
        m_last = Hlc::make(now, 0);
    else
        m_last = next(lastMs, std::uint32_t{m_last.counter()} + 1);
    return m_last;
}

namespace {
bool farAhead(Hlc stamp, std::uint64_t nowMs) {
    return stamp.millis() > nowMs + static_cast<std::uint64_t>(kMaxHlcAheadMs);
}
} // namespace

Hlc HlcClock::receive(Hlc remote) {
    std::uint64_t now = clampMs(m_now());
    if (farAhead(remote, now))
        return send();
    std::lock_guard lock(m_mutex);
    std::uint64_t lastMs = m_last.millis(), remoteMs = remote.millis();
    std::uint64_t ms = std::max({lastMs, remoteMs, now});
    if (ms == lastMs && ms == remoteMs)
        m_last = next(ms, std::uint32_t{std::max(m_last.counter(), remote.counter())} + 1);
    else if (ms == lastMs)
        m_last = next(ms, std::uint32_t{m_last.counter()} + 1);
    else if (ms == remoteMs)
        m_last = next(ms, std::uint32_t{remote.counter()} + 1);
    else
        m_last = Hlc::make(ms, 0);
    return m_last;
}

Hlc HlcClock::last() const {
    std::lock_guard lock(m_mutex);
    return m_last;
}

void HlcClock::observe(Hlc seen) {
    std::lock_guard lock(m_mutex);
    if (seen > m_last)
        m_last = seen;
}

} // namespace zhuxue
