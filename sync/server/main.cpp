// zhuxue-server: the central sync server.
#include "client/core/args.hpp"
#include "client/core/version.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>

using namespace zhuxue;

namespace {
constexpr const char* kUsage = R"(用法 Usage: zhuxue-server [命令 COMMAND] [选项 options]

助学同步服务器：各设备的数据在此汇总，按县（区划代码）分发。
The zhuxue central sync server.

命令 Commands:
  serve                运行服务器（默认）run the server (default)

选项 Options:
  --listen ADDR        监听地址 listen address (默认 default: 127.0.0.1)
  --port N             端口 port (默认 default: 8720; 0 = 任选空闲端口 any free port)
  --port-file FILE     启动后把实际端口写入此文件 write the bound port to FILE
  --data-dir DIR       服务器数据目录 server data directory (默认 default: ./zhuxue-server-data)
  --help, -h           显示本帮助 show this help
  --version            显示版本 show the version
)";

httplib::Server* g_server = nullptr;
extern "C" void onSignal(int) {
    if (g_server)
        g_server->stop();
}
} // namespace

int main(int argc, char** argv) {
    auto args = Args::parse(argc, argv, {"listen", "port", "port-file", "data-dir"}, {"help", "version"});
    if (!args) {
        std::fprintf(stderr, "zhuxue-server: 选项有误 invalid option (%s)\n%s", args.error().key.c_str(), kUsage);
        return 2;
    }
    if (args->flag("help")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (args->flag("version")) {
        std::printf("zhuxue-server %s\n", kVersion);
        return 0;
    }
    auto port = args->integer("port", 8720);
    if (!port || *port < 0 || *port > 65535) {
        std::fprintf(stderr, "zhuxue-server: --port 需要 0-65535 之间的整数 needs a number 0-65535\n");
        return 2;
    }
    std::string listen = args->value("listen", "127.0.0.1");

    httplib::Server server;
    server.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(nlohmann::json{{"status", "ok"}, {"version", kVersion}}.dump(), "application/json");
    });
    g_server = &server;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    int bound = *port == 0 ? server.bind_to_any_port(listen) : (server.bind_to_port(listen, static_cast<int>(*port)) ? static_cast<int>(*port) : -1);
    if (bound < 0) {
        std::fprintf(stderr, "zhuxue-server: 无法监听 cannot listen on %s:%lld（端口被占用或无权限 port in use or not permitted）\n",
                     listen.c_str(), *port);
        return 1;
    }
    if (args->has("port-file"))
        std::ofstream(args->value("port-file")) << bound << "\n";
    std::printf("zhuxue-server %s listening on http://%s:%d\n", kVersion, listen.c_str(), bound);
    std::fflush(stdout);
    server.listen_after_bind();
    return 0;
}
