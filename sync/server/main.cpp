// zhuxue-server: the central sync server.
#include "client/core/args.hpp"
#include "client/core/version.hpp"
#include "sync/protocol/enrollment.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/account_store.hpp"
#include "sync/server/backup.hpp"
#include "sync/server/config.hpp"
#include "sync/server/console_text.hpp"
#include "sync/server/enroll_qr.hpp"
#include "sync/server/process_guard.hpp"
#include "sync/server/service.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <iostream>
#include <optional>
#include <termios.h>
#include <unistd.h>
#include <memory>
#include <thread>
#include <unistd.h>

using namespace zhuxue;
using namespace zhuxue::sync;

namespace {
constexpr const char* kUsage = R"(用法 Usage: zhuxue-server [命令 COMMAND] [选项 options]

助学同步服务器：各设备的数据在此汇总，按县（区划代码）分发。
The zhuxue central sync server.

命令 Commands:
  serve                运行服务器（默认）run the server (default)
  enroll --county 420527[,420528] [--role staff|kiosk|display] [--device ID]
         [--name 名称] [--url URL] [--qr-png FILE]
                       生成一次性设备注册码 make a one-time enrollment code for a device;
                       --role: 工作人员电脑（默认）、自助机或叫号屏 a staff device (default),
                       a hall kiosk or a hall display: 自助机只能取号、预约、提交密封资料，
                       叫号屏只能读取叫号 a kiosk only takes tickets, books slots and hands in
                       sealed details, a display only reads the calls;
                       --device: 为已登记的设备重新注册 re-enrol this enrolled device (其他设备
                       不能使用此码 no other device can use the code);
                       标准输出只有注册码 stdout holds only the code; 标准错误输出注册信息
                       stderr shows the enrollment text zhuxue-enroll:URL#CODE and its QR code
                       (设备上 on the device: zhuxue-cli enroll 'zhuxue-enroll:URL#CODE')
  revoke DEVICE        停用设备 revoke a device (its token stops working at once)
  account add USER --county 420527[,…] --role admin|staff|volunteer [--name 姓名]
                       新建工作人员账号，下次同步时到达这些县的设备 add a staff account; it reaches
                       the devices of these counties at their next sync (密码从标准输入读取
                       the password is read from standard input)
  account passwd USER  重设密码（标准输入）reset the password (standard input)
  account disable USER 停用账号：设备下次同步后拒绝登录，已登录的会话被锁定 disable: after
                       their next sync devices refuse the sign-in and lock a session of it
  account enable USER  重新启用 enable again
  account list         列出账号 list the accounts (never a password or hash)
  backup FILE          在线备份数据（服务器可继续运行）back up the store while it runs
                       (SQLite: 在线备份 online backup; PostgreSQL: pg_dump 自定义格式 custom format)
  restore FILE [--force]
                       从备份恢复（先停止服务器）restore a backup (stop the server first);
                       已有数据时需要 --force needs --force when the store holds data;
                       原 SQLite 文件保留为 the old SQLite file is kept as *.before-restore-*

选项 Options:
  --config FILE        读取配置文件 read settings from FILE ("名称 = 值" lines "name = value",
                       # 注释 comments; 名称同长选项 names as the long options; 命令行优先
                       the command line wins), 例如 e.g. /etc/zhuxue/server.conf
  --listen ADDR        监听地址 listen address (默认 default: 127.0.0.1)
  --port N             端口 port (默认 default: 8720; 0 = 任选空闲端口 any free port)
  --port-file FILE     启动后把实际端口写入此文件 write the bound port to FILE
  --data-dir DIR       服务器数据目录 server data directory (默认 default: ./zhuxue-server-data)
  --db URL             postgresql://... 使用 PostgreSQL use PostgreSQL (默认 default: SQLite in --data-dir)
  --tls-cert FILE      TLS 证书 certificate (PEM); 与 with --tls-key
  --tls-key FILE       TLS 私钥 private key (PEM)
  --max-body-kb N      最大请求体 largest request body in KiB after gunzip (默认 default: 32768)
  --threads N          处理请求的线程数 request threads (默认 default: 32)
  --code-hours N       注册码有效小时数 enrollment code lifetime in hours (默认 default: 72)
  --token-days N       设备令牌有效天数 device token lifetime in days (默认 default: 365)
  --trusted-proxy ADDR[,ADDR]
                       反向代理的地址：只信任它们的 X-Forwarded-For addresses of reverse proxies
                       whose X-Forwarded-For is believed (限流按真实客户端地址 rate limits then
                       apply per real client address)
  --url URL            设备访问本服务器的地址 the address devices reach this server at, put
                       into enrollment texts (默认 default: http(s)://--listen:--port,
                       0.0.0.0 → 本机名 this host's name)
  --qr-png FILE        enroll 同时把二维码写成 PNG 图片 also write the QR code as a PNG file
  --help, -h           显示本帮助 show this help
  --version            显示版本 show the version
)";

int fail(const Error& e) {
    std::fprintf(stderr, "zhuxue-server: %s\n", server::consoleText(e).c_str());
    return 1;
}

// The address devices are told to use: --url, else what serve would listen on.
Result<std::string> enrollmentUrl(const Args& args) {
    if (args.has("url")) {
        std::string url = args.value("url");
        while (!url.empty() && url.back() == '/')
            url.pop_back();
        if (auto st = checkServerUrl(url); !st)
            return st.error();
        return url;
    }
    std::string host = args.value("listen", "127.0.0.1");
    if (host.empty() || host == "0.0.0.0" || host == "::") {
        char name[256] = {};
        host = ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "127.0.0.1";
    } else if (host.find(':') != std::string::npos) {
        host = "[" + host + "]"; // an IPv6 address in a URL
    }
    bool tls = args.has("tls-cert");
    return std::string(tls ? "https://" : "http://") + host + ":" + args.value("port", "8720");
}

int runEnroll(server::Storage& storage, const Args& args) {
    auto role = parseRole(args.value("role", "staff"));
    if (!role) {
        std::fprintf(stderr, "zhuxue-server enroll: --role 只能是 staff、kiosk 或 display "
                             "--role is staff, kiosk or display\n");
        return 2;
    }
    std::string forDevice = args.value("device");
    if (args.has("device") && !isUuidText(forDevice)) {
        std::fprintf(stderr, "zhuxue-server enroll: --device 需要设备编号 needs a device id "
                             "(如 e.g. 0190aaaa-0000-4000-8000-000000000001)\n");
        return 2;
    }
    auto counties = splitCountyList(args.value("county"));
    if (counties.empty()) {
        std::fprintf(stderr,
                     "zhuxue-server enroll: 需要 --county 区划代码 needs --county CODE[,CODE]\n");
        return 2;
    }
    for (const auto& c : counties)
        if (!isCountyCode(c)) {
            std::fprintf(
                stderr,
                "zhuxue-server enroll: \"%s\" 不是六位县级区划代码 is not a 6-digit county code\n",
                c.c_str());
            return 2;
        }
    auto hours = args.integer("code-hours", 72);
    if (!hours || *hours < 1) {
        std::fprintf(stderr,
                     "zhuxue-server enroll: --code-hours 需要正整数 needs a positive number\n");
        return 2;
    }
    auto url = enrollmentUrl(args);
    if (!url) {
        std::fprintf(stderr,
                     "zhuxue-server enroll: --url \"%s\" 不是服务器地址 is not a server address; "
                     "例如 e.g. --url https://zz.example.cn:8720\n",
                     args.value("url").c_str());
        return 2;
    }
    std::string code = server::newEnrollCode();
    std::string text = enrollmentText({*url, code, *role});
    auto qr = server::encodeQr(text);
    if (!qr)
        return fail(qr.error());
    // The PNG is written before the code is stored: a code nobody can receive is never kept.
    if (args.has("qr-png"))
        if (auto st = server::writeQrPng(*qr, args.value("qr-png")); !st) {
            std::fprintf(stderr,
                         "zhuxue-server enroll: 无法写入二维码图片 cannot write the QR code PNG "
                         "%s (%s); 没有生成注册码 no code was made. 请换一个可写的路径 choose a "
                         "writable path.\n",
                         args.value("qr-png").c_str(), st.error().args.at("reason").c_str());
            return 1;
        }
    int64_t expires = server::unixNow() + *hours * 3600;
    if (auto st = storage.addEnrollCode(sha256Hex(server::normalizeEnrollCode(code)),
                                        {counties, args.value("name"), expires, *role, forDevice});
        !st) {
        if (args.has("qr-png"))
            std::filesystem::remove(args.value("qr-png"));
        return fail(st.error());
    }
    std::printf("%s\n", code.c_str());
    std::fflush(stdout);
    if (*role == DeviceRole::Staff)
        std::fprintf(stderr,
                     "注册码 enrollment code (工作人员电脑 staff device%s%s), 有效 valid %lld h, 县 "
                     "counties %s: 在设备上扫描二维码或运行 scan the QR code on the device or run\n"
                     "  zhuxue-cli enroll '%s'\n"
                     "  (= zhuxue-cli enroll %s %s)\n",
                     forDevice.empty() ? "" : ", 仅限 only for ", forDevice.c_str(), *hours,
                     args.value("county").c_str(), text.c_str(), url->c_str(), code.c_str());
    else
        std::fprintf(stderr,
                     "注册码 enrollment code (%s%s%s), 有效 valid %lld h, 县 counties %s: 写入该设备的 "
                     "settings.json put into that device's settings.json as\n"
                     "  \"server_url\": \"%s\", \"enrollment_code\": \"%s\"\n"
                     "  (或扫描 or scan: %s)\n",
                     *role == DeviceRole::Kiosk ? "自助机 kiosk" : "叫号屏 hall display",
                     forDevice.empty() ? "" : ", 仅限 only for ", forDevice.c_str(), *hours,
                     args.value("county").c_str(), url->c_str(), code.c_str(), text.c_str());
    if (!args.has("url") && url->find("://127.") != std::string::npos)
        std::fprintf(stderr, "  提示 note: %s 只能在本机访问 is reachable only on this machine; "
                             "用 --url 给出设备能访问的地址 give --url with the address devices "
                             "reach\n",
                     url->c_str());
    std::fputs(server::qrTerminalText(*qr, ::isatty(STDERR_FILENO) == 1).c_str(), stderr);
    if (args.has("qr-png"))
        std::fprintf(stderr, "二维码图片 QR code PNG: %s\n", args.value("qr-png").c_str());
    return 0;
}

// The password from standard input: one line. At a terminal it is asked for twice without echo.
std::optional<std::string> readPassword() {
    bool tty = ::isatty(STDIN_FILENO);
    auto ask = [&](const char* prompt) -> std::optional<std::string> {
        termios old{};
        if (tty) {
            std::fprintf(stderr, "%s", prompt);
            ::tcgetattr(STDIN_FILENO, &old);
            termios quiet = old;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        std::string line;
        bool got = static_cast<bool>(std::getline(std::cin, line));
        if (tty) {
            ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
            std::fprintf(stderr, "\n");
        }
        if (!got)
            return std::nullopt;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        return line;
    };
    auto first = ask("密码 Password: ");
    if (!first || !tty)
        return first;
    auto again = ask("再输一次 Again: ");
    if (!again || *again != *first) {
        std::fprintf(stderr, "zhuxue-server account: 两次输入的密码不同 the passwords differ\n");
        return std::nullopt;
    }
    return first;
}

// Mistakes in what the administrator typed exit 2, like a wrong option; an unknown account 1.
int accountFailed(const Error& e) {
    if (!e.key.starts_with("account.") || e.key == "account.crypto")
        return fail(e);
    std::fprintf(stderr, "zhuxue-server account: %s\n", server::consoleText(e).c_str());
    return e.key == "account.unknown" ? 1 : 2;
}

int runAccount(server::Storage& storage, const Args& args) {
    const auto& p = args.positional();
    std::string sub = p.size() > 1 ? p[1] : "";
    bool needsUser = sub == "add" || sub == "passwd" || sub == "disable" || sub == "enable";
    if ((needsUser && p.size() != 3) || (sub == "list" && p.size() != 2) || (!needsUser && sub != "list")) {
        std::fprintf(stderr, "zhuxue-server account: 用法 usage: account add|passwd|disable|enable USER, "
                             "account list (见 see --help)\n");
        return 2;
    }
    server::AccountStore accounts(storage.queueDb());
    if (auto st = accounts.init(); !st)
        return fail(st.error());
    if (sub == "list") {
        auto list = accounts.list();
        if (!list)
            return fail(list.error());
        for (const auto& a : *list) {
            std::string counties = joinCountyList(a.counties);
            std::printf("%s\t%s\t%s\t%s\t%s\n", a.user.c_str(), a.displayName.c_str(), a.role.c_str(),
                        counties.c_str(), a.disabled ? "已停用 disabled" : "启用 enabled");
        }
        return 0;
    }
    const std::string& user = p[2];
    const int64_t now = server::unixNow();
    if (sub == "disable" || sub == "enable") {
        if (auto st = accounts.setDisabled(user, sub == "disable", now); !st)
            return accountFailed(st.error());
        std::printf("%s %s\n", sub == "disable" ? "已停用 disabled" : "已启用 enabled", user.c_str());
        return 0;
    }
    if (sub == "add" && (!args.has("county") || !args.has("role"))) {
        std::fprintf(stderr, "zhuxue-server account add: 需要 --county 区划代码 和 --role 角色 needs "
                             "--county CODE and --role admin|staff|volunteer\n");
        return 2;
    }
    auto password = readPassword();
    if (!password) {
        std::fprintf(stderr, "zhuxue-server account: 请从标准输入给出密码 give the password on "
                             "standard input (e.g. a pipe)\n");
        return 2;
    }
    Status st = sub == "add" ? accounts.add({user, args.value("name"), args.value("role"),
                                             splitCountyList(args.value("county"))},
                                            *password, now)
                             : accounts.setPassword(user, *password, now);
    if (!password->empty())
        std::fill(password->begin(), password->end(), '\0');
    if (!st)
        return accountFailed(st.error());
    std::printf("%s %s\n", sub == "add" ? "已新建 added" : "已重设密码 password reset", user.c_str());
    std::fprintf(stderr, "下次同步后在该县设备上生效 takes effect on the county's devices at their next sync\n");
    return 0;
}

int runRevoke(server::Storage& storage, const std::string& device) {
    auto r = storage.revokeDevice(device, server::unixNow());
    if (!r)
        return fail(r.error());
    if (!*r) {
        std::fprintf(stderr, "zhuxue-server revoke: 没有这个设备 no such device %s\n",
                     device.c_str());
        return 1;
    }
    std::printf("已停用 revoked %s\n", device.c_str());
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    server::disableCoreDumps(); // no core files with tokens or records in them
    auto merged = server::argumentsWithConfig(argc, argv); // --config FILE settings, then the command line
    if (!merged) {
        std::fprintf(stderr, "zhuxue-server: %s\n", server::consoleText(merged.error()).c_str());
        return 2;
    }
    auto mergedArgv = server::argvOf(*merged);
    auto args = Args::parse(static_cast<int>(merged->size()), mergedArgv.data(),
                            {"listen", "port", "port-file", "data-dir", "db", "tls-cert", "tls-key", "threads", "county",
                             "name", "code-hours", "token-days", "max-body-kb", "config", "url", "qr-png", "role",
                             "device", "trusted-proxy"},
                            {"help", "version", "force"});
    if (!args) {
        std::fprintf(stderr, "zhuxue-server: 选项有误 invalid option (%s)\n%s",
                     args.error().key.c_str(), kUsage);
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
    std::string command = args->positional().empty() ? "serve" : args->positional()[0];
    if (command != "serve" && command != "enroll" && command != "revoke" && command != "account" && command != "backup" && command != "restore") {
        std::fprintf(stderr, "zhuxue-server: 没有这个命令 unknown command \"%s\"\n%s", command.c_str(), kUsage);
        return 2;
    }
    auto port = args->integer("port", 8720);
    auto threads = args->integer("threads", 32);
    auto tokenDays = args->integer("token-days", 365);
    if (!port || *port < 0 || *port > 65535) {
        std::fprintf(stderr,
                     "zhuxue-server: --port 需要 0-65535 之间的整数 needs a number 0-65535\n");
        return 2;
    }
    if (!threads || *threads < 1 || *threads > 1024 || !tokenDays || *tokenDays < 1) {
        std::fprintf(stderr, "zhuxue-server: --threads 1-1024, --token-days >= 1\n");
        return 2;
    }
    std::string dataDir = args->value("data-dir", "zhuxue-server-data");
    std::string db = args->value("db");
    if (command == "backup" || command == "restore")
        return server::runBackupCommand(command, *args, dataDir, db);
    if (db.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dataDir, ec);
        if (ec) {
            std::fprintf(stderr, "zhuxue-server: 无法创建数据目录 cannot create %s: %s\n",
                         dataDir.c_str(), ec.message().c_str());
            return 1;
        }
    }
    auto storage = server::openStorage(db, dataDir);
    if (!storage)
        return fail(storage.error());

    if (command == "enroll")
        return runEnroll(**storage, *args);
    if (command == "account")
        return runAccount(**storage, *args);
    if (command == "revoke") {
        if (args->positional().size() != 2) {
            std::fprintf(stderr, "zhuxue-server revoke: 需要设备编号 needs a DEVICE id\n");
            return 2;
        }
        return runRevoke(**storage, args->positional()[1]);
    }

    // Signals go to one thread that waits for them: no handler runs inside a request thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    std::unique_ptr<httplib::Server> server;
    std::string scheme = "http";
    if (args->has("tls-cert") || args->has("tls-key")) {
        auto ssl = std::make_unique<httplib::SSLServer>(args->value("tls-cert").c_str(),
                                                        args->value("tls-key").c_str());
        if (!ssl->is_valid()) {
            std::fprintf(stderr,
                         "zhuxue-server: 无法读取 TLS 证书或私钥 cannot load the TLS certificate "
                         "or key (%s, %s)\n",
                         args->value("tls-cert").c_str(), args->value("tls-key").c_str());
            return 1;
        }
        server = std::move(ssl);
        scheme = "https";
    } else {
        server = std::make_unique<httplib::Server>();
    }
    std::size_t nThreads = static_cast<std::size_t>(*threads);
    server->new_task_queue = [nThreads] { return new httplib::ThreadPool(nThreads); };
    server->set_keep_alive_max_count(1000);
    // httplib writes a response's headers and body separately; with Nagle on, the body waits for
    // the device's delayed ACK of the headers (up to 40 ms a request on Linux).
    server->set_tcp_nodelay(true);
    // httplib's default sets SO_REUSEPORT, with which a second zhuxue-server on the same port
    // starts "listening" too and the kernel splits the devices between the two. SO_REUSEADDR
    // alone: a restart need not wait for old connections, a second listener is refused.
    server->set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server->set_read_timeout(30, 0);
    server->set_write_timeout(30, 0);

    server::ServiceOptions options;
    options.tokenLifetimeS = *tokenDays * 24 * 3600;
    auto maxBody = args->integer("max-body-kb", 32768);
    if (!maxBody || *maxBody < 1 || *maxBody > 1048576) {
        std::fprintf(stderr, "zhuxue-server: --max-body-kb 1-1048576\n");
        return 2;
    }
    options.maxBodyBytes = static_cast<std::size_t>(*maxBody) * 1024;
    for (auto proxy : splitCountyList(args->value("trusted-proxy"))) {
        proxy.erase(0, proxy.find_first_not_of(' '));
        proxy.erase(proxy.find_last_not_of(' ') + 1);
        if (!proxy.empty())
            options.trustedProxies.push_back(proxy);
    }
    server::Service service(**storage, options);
    service.install(*server);

    std::string listen = args->value("listen", "127.0.0.1");
    int bound = *port == 0 ? server->bind_to_any_port(listen)
                           : (server->bind_to_port(listen, static_cast<int>(*port))
                                  ? static_cast<int>(*port)
                                  : -1);
    if (bound < 0) {
        std::fprintf(stderr,
                     "zhuxue-server: 无法监听 cannot listen on %s:%lld（端口被占用或无权限 port in "
                     "use or not permitted）\n",
                     listen.c_str(), *port);
        return 1;
    }
    if (args->has("port-file")) {
        // Written atomically so a reader never sees a half-written number.
        std::string tmp = args->value("port-file") + ".tmp";
        std::ofstream(tmp) << bound << "\n";
        std::filesystem::rename(tmp, args->value("port-file"));
    }
    std::printf("zhuxue-server %s listening on %s://%s:%d (%s)\n", kVersion, scheme.c_str(),
                listen.c_str(), bound, db.empty() ? "SQLite" : "PostgreSQL");
    // Tokens, records and the families' details cross the network in clear over plain HTTP: only
    // on loopback, behind a reverse proxy that speaks TLS, is that harmless.
    bool loopback = listen == "localhost" || listen == "::1" || listen.rfind("127.", 0) == 0;
    if (scheme == "http" && !loopback)
        std::fprintf(stderr,
                     "zhuxue-server: 警告：在 %s 上以明文 HTTP 提供服务，令牌和个人信息可被窃听；请用 "
                     "--tls-cert/--tls-key 或只在 127.0.0.1 上监听并由反向代理提供 HTTPS。 "
                     "Warning: serving plain HTTP on %s: tokens and personal data can be read on the "
                     "network; use --tls-cert/--tls-key, or listen on 127.0.0.1 behind a TLS reverse proxy.\n",
                     listen.c_str(), listen.c_str());
    std::fflush(stdout);

    std::thread signalThread([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        server->stop();
    });
    server->listen_after_bind();
    // Woken by stop(): if the server stopped for another reason, let the signal thread go too.
    pthread_kill(signalThread.native_handle(), SIGTERM);
    signalThread.join();
    std::printf("zhuxue-server stopped\n");
    return 0;
}
