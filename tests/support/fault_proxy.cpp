#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <chrono>
#include <deque>
#include <netinet/in.h>
#include <poll.h>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace zhuxue::test {

namespace {
void resetClose(int fd) {
    linger l{1, 0}; // close with RST instead of FIN
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

bool sendAll(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}
} // namespace

FaultProxy::FaultProxy(int targetPort, uint64_t seed) : m_target(targetPort), m_seed(seed) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(m_listen, 128) != 0)
        throw std::runtime_error("fault proxy cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy() {
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    m_acceptor.join();
    for (auto& t : m_workers)
        t.join();
}

void FaultProxy::setFaults(const Faults& f) {
    std::lock_guard lock(m_mutex);
    m_f = f;
}

Faults FaultProxy::faults() {
    std::lock_guard lock(m_mutex);
    return m_f;
}

void FaultProxy::acceptLoop() {
    while (!m_stop) {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        int c = ::accept(m_listen, nullptr, nullptr);
        if (c < 0)
            continue;
        m_connections++;
        uint64_t seed = m_seed.fetch_add(0x9e3779b97f4a7c15ULL);
        m_workers.emplace_back([this, c, seed] { serve(c, seed); });
    }
}

void FaultProxy::serve(int client, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    Faults f = faults();
    if (unit(rng) < f.refuse) {
        m_faults++;
        resetClose(client);
        return;
    }
    int up = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(m_target.load()));
    if (::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(up);
        resetClose(client);
        return;
    }
    // Decide this connection's fate up front: which fault, in which direction, at which byte.
    enum class Kind { None, Reset, Truncate, Stall } kind = Kind::None;
    double r = unit(rng);
    if (r < f.reset)
        kind = Kind::Reset;
    else if (r < f.reset + f.truncate)
        kind = Kind::Truncate;
    else if (r < f.reset + f.truncate + f.stall)
        kind = Kind::Stall;
    int faultDir = static_cast<int>(rng() % 2); // 0 = towards the server, 1 = towards the device
    if (f.faultDirection == 0 || f.faultDirection == 1)
        faultDir = f.faultDirection;
    if (kind == Kind::Truncate)
        faultDir = 1;
    int64_t span = f.maxFaultByte - f.minFaultByte;
    int64_t faultAt =
        f.minFaultByte + (span > 0 ? static_cast<int64_t>(rng() % static_cast<uint64_t>(span)) : 0);
    int64_t moved[2] = {0, 0};
    int fds[2] = {client, up};
    std::vector<char> buf(64 * 1024);
    auto start = std::chrono::steady_clock::now();
    // Sends one piece on (slicing, delaying and throttling as asked); false when the peer left.
    auto forward = [&](int dir, const char* data, size_t len) {
        size_t slice = f.sliceBytes > 0 ? static_cast<size_t>(f.sliceBytes) : len;
        for (size_t off = 0; off < len; off += slice) {
            size_t k = std::min(slice, len - off);
            if (f.delayMs > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(f.delayMs));
            if (!sendAll(fds[1 - dir], data + off, k))
                return false;
            moved[dir] += static_cast<int64_t>(k);
            m_moved[dir] += static_cast<int64_t>(k);
            if (f.bytesPerSecond > 0) {
                auto due = start + std::chrono::microseconds(moved[dir] * 1000000 / f.bytesPerSecond);
                std::this_thread::sleep_until(due);
            }
        }
        return true;
    };
    // With latency, what was read waits in a queue until its time has come.
    struct Held {
        std::chrono::steady_clock::time_point due;
        std::string data;
    };
    std::deque<Held> held[2];
    auto flush = [&](bool all) {
        for (int dir = 0; dir < 2; ++dir)
            while (!held[dir].empty() &&
                   (all || held[dir].front().due <= std::chrono::steady_clock::now())) {
                std::this_thread::sleep_until(held[dir].front().due);
                if (!forward(dir, held[dir].front().data.data(), held[dir].front().data.size()))
                    return false;
                held[dir].pop_front();
            }
        return true;
    };
    while (!m_stop) {
        int timeout = 100;
        for (int dir = 0; dir < 2; ++dir)
            if (!held[dir].empty()) {
                auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              held[dir].front().due - std::chrono::steady_clock::now())
                              .count();
                timeout = static_cast<int>(std::clamp<int64_t>(ms + 1, 0, timeout));
            }
        pollfd p[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
        if (::poll(p, 2, timeout) < 0)
            break;
        bool closed = false;
        for (int dir = 0; dir < 2 && !closed; ++dir) {
            if (!(p[dir].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = ::recv(fds[dir], buf.data(), buf.size(), 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            size_t len = static_cast<size_t>(n);
            if (kind != Kind::None && dir == faultDir &&
                moved[dir] + static_cast<int64_t>(len) > faultAt) {
                flush(true);
                size_t keep = static_cast<size_t>(std::max<int64_t>(0, faultAt - moved[dir]));
                sendAll(fds[1 - dir], buf.data(), std::min(keep, len));
                m_faults++;
                if (kind == Kind::Stall)
                    for (int waited = 0; waited < f.stallMs && !m_stop; waited += 50)
                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                if (kind == Kind::Reset) {
                    resetClose(client);
                    resetClose(up);
                } else {
                    ::close(client);
                    ::close(up);
                }
                return;
            }
            if (f.latencyMs > 0) {
                held[dir].push_back({std::chrono::steady_clock::now() +
                                         std::chrono::milliseconds(f.latencyMs),
                                     std::string(buf.data(), len)});
                continue;
            }
            if (!forward(dir, buf.data(), len))
                closed = true;
        }
        if (closed) {
            flush(true); // what was in flight still arrives
            break;
        }
        if (!flush(false))
            break;
    }
    ::close(client);
    ::close(up);
}

} // namespace zhuxue::test
