// zhuxue-cli: the device store without a window, for administrators and scripts.
#include "client/core/args.hpp"
#include "client/core/version.hpp"
#include "client/store/paths.hpp"
#include "import_commands.hpp"
#include "sync_commands.hpp"

#include <cstdio>
#include <string>

using namespace zhuxue;

namespace {
constexpr const char* kUsage = R"(用法 Usage: zhuxue-cli [--data-dir DIR] 命令 COMMAND [参数 ARGS]

助学的命令行工具：不开窗口，直接操作本机数据。
The zhuxue command-line tool: the device store without a window.

命令 Commands:
  paths                显示数据目录和资源目录 show the data and assets directories

选项 Options:
  --data-dir DIR       数据目录 data directory (默认 default: ~/.local/share/zhuxue)
  --help, -h           显示本帮助 show this help
  --version            显示版本 show the version
)";
} // namespace

int main(int argc, char** argv) {
    if (auto rc = cli::runImportCommand(argc, argv))
        return *rc;
    auto args = Args::parse(argc, argv, {"data-dir"}, {"help", "version"});
    if (!args) {
        std::fprintf(stderr, "zhuxue-cli: 选项有误 invalid option (%s)\n%s", args.error().key.c_str(), kUsage);
        return 2;
    }
    if (args->flag("help")) {
        std::fputs(kUsage, stdout);
        std::printf("\n同步命令 Sync commands:\n%s", cli::kSyncUsage);
        std::printf("\n导入与演示 Import and demo:\n%s", cli::kImportUsage);
        return 0;
    }
    if (args->flag("version")) {
        std::printf("zhuxue-cli %s\n", kVersion);
        return 0;
    }
    auto dataDir = args->has("data-dir") ? std::filesystem::path(args->value("data-dir")) : defaultDataDir();
    if (args->positional().empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string& cmd = args->positional()[0];
    if (cmd == "paths") {
        std::printf("data   %s\nassets %s\n", dataDir.c_str(), assetsDir().c_str());
        return 0;
    }
    if (cli::isSyncCommand(cmd))
        return cli::runSyncCommand(dataDir, args->positional());
    std::fprintf(stderr, "zhuxue-cli: 没有这个命令 unknown command \"%s\"；用 --help 查看 see --help\n", cmd.c_str());
    return 2;
}
