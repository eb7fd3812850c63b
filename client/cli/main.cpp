// zhuxue-cli: the device store without a window, for administrators and scripts.
#include "client/core/args.hpp"
#include "client/core/version.hpp"
#include "client/store/catalog_files.hpp"
#include "client/store/crypto/process_guard.hpp"
#include "client/store/paths.hpp"
#include "backup_commands.hpp"
#include "command.hpp"
#include "roster_command.hpp"
#include "sync_commands.hpp"

#include <cstdio>
#include <string>

using namespace zhuxue;

namespace {

// enroll and sync (sync_commands.cpp) parse their own operands.
void registerSyncCommands(std::vector<cli::Command>& out) {
    auto run = [](const cli::Context& ctx) {
        return cli::runSyncCommand(ctx);
    };
    out.push_back({"enroll", "enroll [--insecure] URL CODE [NAME]",
                   "用注册码把本机登记到同步服务器；不加密的 http:// 外部地址须加 --insecure "
                   "enroll this device with a server; a plain http:// address off this machine "
                   "needs --insecure",
                   {}, {"insecure"}, run});
    out.push_back({"sync", "sync", "立即同步一次 sync once now (push, then pull)", {}, {}, run});
}

// Command groups, one file each.
std::vector<cli::Command> allCommands() {
    std::vector<cli::Command> c;
    cli::registerStoreCommands(c);
    cli::registerIdCommands(c);
    cli::registerImportCommands(c);
    registerSyncCommands(c);
    cli::registerRosterCommands(c);
    cli::registerBackupCommands(c);
    return c;
}

std::string usageText(const std::vector<cli::Command>& commands) {
    std::string s =
        R"(用法 Usage: zhuxue-cli [--data-dir DIR] [--lang zh-CN|en] 命令 COMMAND [参数 ARGS]

助学的命令行工具：不开窗口，直接操作本机数据。
The zhuxue command-line tool: the device store without a window.

命令 Commands:
  paths                显示数据目录和资源目录 show the data and assets directories
)";
    for (const auto& c : commands) {
        std::string u = c.usage;
        if (u.size() < 20)
            u.resize(20, ' ');
        s += "  " + u + " " + c.help + "\n";
    }
    s += R"(
选项 Options:
  --data-dir DIR       数据目录 data directory (默认 default: ~/.local/share/zhuxue)
  --lang LANG          提示语言 message language: zh-CN (默认 default), en
  --help, -h           显示本帮助 show this help
  --version            显示版本 show the version

退出码 Exit status: 0 成功 success, 1 失败 failure, 2 用法错误 usage error
)";
    return s;
}

} // namespace

int main(int argc, char** argv) {
    zhuxue::store::crypto::disableCoreDumps(); // no core files with personal data in them
    auto commands = allCommands();
    std::set<std::string> values{"data-dir", "lang"}, flags{"help", "version"};
    for (const auto& c : commands) {
        values.insert(c.valueOptions.begin(), c.valueOptions.end());
        flags.insert(c.flagOptions.begin(), c.flagOptions.end());
    }
    const std::string usage = usageText(commands);
    auto args = Args::parse(argc, argv, values, flags);
    if (!args) {
        std::fprintf(stderr, "zhuxue-cli: 选项有误 invalid option (%s)\n%s",
                     args.error().key.c_str(), usage.c_str());
        return 2;
    }
    if (args->flag("help")) {
        std::fputs(usage.c_str(), stdout);
        return 0;
    }
    if (args->flag("version")) {
        std::printf("zhuxue-cli %s\n", kVersion);
        return 0;
    }
    auto dataDir =
        args->has("data-dir") ? std::filesystem::path(args->value("data-dir")) : defaultDataDir();
    if (args->positional().empty()) {
        std::fputs(usage.c_str(), stderr);
        return 2;
    }
    const std::string& cmd = args->positional()[0];
    if (cmd == "paths") {
        std::printf("data   %s\nassets %s\n", dataDir.c_str(), assetsDir().c_str());
        return 0;
    }
    std::string lang = args->value("lang", "zh-CN");
    if (lang != "zh-CN" && lang != "en") {
        std::fprintf(stderr, "zhuxue-cli: --lang zh-CN | en\n");
        return 2;
    }
    // Messages: the chosen language, falling back to Chinese for any missing text.
    auto zh = loadCatalog(assetsDir(), "zh-CN");
    auto chosen = lang == "zh-CN" ? zh : loadCatalog(assetsDir(), lang);
    if (chosen && zh)
        chosen->setFallback(&*zh);
    for (const auto& c : commands) {
        if (c.name != cmd)
            continue;
        cli::Context ctx{dataDir, lang, chosen ? &*chosen : (zh ? &*zh : nullptr), &*args};
        return c.run(ctx);
    }
    std::fprintf(stderr,
                 "zhuxue-cli: 没有这个命令 unknown command \"%s\"；用 --help 查看 see --help\n",
                 cmd.c_str());
    return 2;
}
