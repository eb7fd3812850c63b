#pragma once
// A TCP proxy for fault tests (the kernel here has no netem): it sits between devices and
// zhuxue-server on loopback and, per connection, drops, delays, slices, throttles, stalls,
// truncates or resets at a random byte. Faults can be changed while it runs; heal() turns them
// all off.
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace zhuxue::test {

struct Faults {
    double refuse = 0;   // probability a new connection is closed at once
    double reset = 0;    // probability a connection is reset (RST) at a random byte
    double truncate = 0; // probability the answer is cut (clean close) at a random byte
    double stall = 0;    // probability a connection stops forwarding for stallMs, then closes
    int stallMs = 3000;
    int delayMs = 0;             // added before forwarding each piece
    int latencyMs = 0;           // one-way delay of every byte, without capping throughput
                                 // (a long line: 400 each way = 800 ms round trip)
    int sliceBytes = 0;          // forward in pieces of at most this many bytes (0 = as read)
    int64_t bytesPerSecond = 0;  // throughput cap per direction (0 = none)
    int64_t maxFaultByte = 1500; // faults strike within the first N bytes of a direction
    int64_t minFaultByte = 0;    // ... and not before this byte
    int faultDirection = -1;     // 0 = towards the server, 1 = towards the device, -1 = random
};

class FaultProxy {
public:
    FaultProxy(int targetPort, uint64_t seed = 1);
    ~FaultProxy();
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    void setFaults(const Faults& f);
    void heal() { setFaults(Faults{}); }
    void setTarget(int port) { m_target = port; }
    int64_t connections() const { return m_connections; }
    int64_t faultsInjected() const { return m_faults; }
    // Bytes forwarded towards the server / towards the devices, over all connections.
    int64_t bytesUp() const { return m_moved[0]; }
    int64_t bytesDown() const { return m_moved[1]; }

private:
    void acceptLoop();
    void serve(int client, uint64_t seed);
    Faults faults();

    int m_listen = -1, m_port = 0;
    std::atomic<int> m_target;
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_connections{0}, m_faults{0};
    std::atomic<int64_t> m_moved[2] = {0, 0};
    std::atomic<uint64_t> m_seed;
    std::mutex m_mutex;
    Faults m_f;
    std::thread m_acceptor;
    std::list<std::thread> m_workers;
};

} // namespace zhuxue::test
