// Fuzzes zhuxue-server's request handling (sync/server/service.cpp) as a client on the network
// reaches it: raw HTTP/1.1 bytes go through cpp-httplib's request parser into the real Service
// routes (push, pull, enroll, blobs, health, metrics) backed by a real SQLite storage in memory.
// One device is enrolled with a fixed token so authenticated routes are reachable; the corpus
// carries that token. Several pipelined requests in one input are handled one after another.
#include "fuzz_target.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/service.hpp"

#include <httplib.h>

#include <cstring>
#include <memory>
#include <string>

using namespace zhuxue::sync;
using namespace zhuxue::sync::server;

namespace {

constexpr const char* kToken = "fuzz0000000000000000000000000000fuzz0000000000000000000000000000";
constexpr const char* kDevice = "0190a0b0-0000-7000-8000-000000000001";

class InputStream final : public httplib::Stream {
public:
    InputStream(const char* data, std::size_t size) : m_data(data), m_size(size) {}
    bool is_readable() const override { return true; }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, std::size_t size) override {
        std::size_t n = std::min(size, m_size - m_pos);
        std::memcpy(ptr, m_data + m_pos, n);
        m_pos += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char*, std::size_t size) override { return static_cast<ssize_t>(size); }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = "192.0.2.7";
        port = 40000;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 8443;
    }
    socket_t socket() const override { return 0; }
    bool done() const { return m_pos >= m_size; }

private:
    const char* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// Exposes the protected one-request step of httplib::Server.
class FuzzServer final : public httplib::Server {
public:
    bool handle(InputStream& in) {
        bool closed = false;
        return process_request(in, false, closed, [](httplib::Request& req) {
            req.remote_addr = "192.0.2.7";
        });
    }
};

struct World {
    std::unique_ptr<Storage> storage;
    std::unique_ptr<Service> service;
    FuzzServer server;

    World() {
        auto s = openSqliteStorage(":memory:");
        if (!s)
            fuzzInvariantBroken("cannot open the in-memory server storage");
        storage = std::move(*s);
        const std::string code = "FUZZCODE0001";
        int64_t now = unixNow();
        if (!storage->addEnrollCode(sha256Hex(code), {{"420527", "420528"}, "fuzz", now + 86400, DeviceRole::Staff, {}}).ok())
            fuzzInvariantBroken("cannot add the enrollment code");
        if (!storage->redeemEnrollCode(sha256Hex(code),
                                       {kDevice, "fuzz device", sha256Hex(kToken), now + 86400 * 365, {}}, now))
            fuzzInvariantBroken("cannot enroll the fuzz device");
        ServiceOptions options;
        options.maxBodyBytes = 1 << 20;
        options.maxBlobPiece = 64 << 10;
        // Every input may carry a wrong enrollment code; blocking after ten would hide the
        // enrollment route from the rest of the run.
        options.enrollFailuresPerWindow = 1 << 30;
        options.tokenRequestsPerMinute = 1 << 30; // the same for the one device's token
        options.auditReads = false; // a line per input would only slow the fuzzer down
        service = std::make_unique<Service>(*storage, options);
        service->install(server);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static World* world = new World();
    InputStream in(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 8 && !in.done(); ++i)
        if (!world->server.handle(in))
            break;
    return 0;
}
