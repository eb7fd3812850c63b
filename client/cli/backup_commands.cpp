// Encrypted backups for a USB drive (client/store/backup_crypto). The passphrase comes from the
// terminal (echo off), ZHUXUE_BACKUP_PASSPHRASE (scripts) or --passphrase-file; never from an
// argument, which every user of the machine can read in the process list.
#include "backup_commands.hpp"

#include "client/store/backup_crypto.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <termios.h>
#include <unistd.h>

namespace zhuxue::cli {

namespace {

constexpr std::size_t kMinPassphrase = 8;

// Reads one line from the terminal with echo off; nullopt when there is no terminal.
std::optional<std::string> promptHidden(const std::string& prompt) {
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty)
        return std::nullopt;
    int fd = fileno(tty);
    termios old{};
    bool haveTermios = tcgetattr(fd, &old) == 0;
    if (haveTermios) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt.c_str(), tty);
    std::fflush(tty);
    std::string line;
    for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';)
        line.push_back(static_cast<char>(c));
    if (haveTermios)
        tcsetattr(fd, TCSAFLUSH, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    return line;
}

// The passphrase, or an exit status after a message.
std::optional<std::string> passphrase(const Context& ctx, bool confirm, int& status) {
    status = 1;
    std::optional<std::string> p;
    if (ctx.args->has("passphrase-file")) {
        std::ifstream in(ctx.args->value("passphrase-file"));
        std::string line;
        if (!in || !std::getline(in, line)) {
            ctx.fail(Error("backup.read_failed", {{"path", ctx.args->value("passphrase-file")}}));
            return std::nullopt;
        }
        p = line;
    } else if (const char* env = std::getenv("ZHUXUE_BACKUP_PASSPHRASE"); env && *env) {
        p = env;
    } else {
        p = promptHidden(ctx.text("backup.cli.prompt"));
        if (p && confirm) {
            auto again = promptHidden(ctx.text("backup.cli.prompt_again"));
            if (!again || *again != *p) {
                std::fprintf(stderr, "zhuxue-cli: %s\n", ctx.text("backup.cli.mismatch").c_str());
                return std::nullopt;
            }
        }
    }
    if (!p) {
        std::fprintf(stderr, "zhuxue-cli: %s\n", ctx.text("backup.cli.no_passphrase").c_str());
        return std::nullopt;
    }
    if (!p->empty() && p->back() == '\r')
        p->pop_back();
    if (confirm && p->size() < kMinPassphrase) {
        std::fprintf(stderr, "zhuxue-cli: %s\n",
                     ctx.text("backup.cli.too_short", {{"min", std::to_string(kMinPassphrase)}}).c_str());
        return std::nullopt;
    }
    status = 0;
    return p;
}

int backupEncrypted(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1) {
        std::fprintf(stderr, "用法 usage: zhuxue-cli backup-encrypted /media/u盘\n");
        return 2;
    }
    int status = 0;
    auto pass = passphrase(ctx, true, status);
    if (!pass)
        return status;
    auto file = store::writeEncryptedBackup(ctx.dataDir, ops[0], *pass);
    if (!file)
        return ctx.fail(file.error());
    ctx.say("backup.cli.done", {{"path", file->string()}});
    return 0;
}

int restoreEncrypted(const Context& ctx) {
    auto ops = ctx.operands();
    if (ops.size() != 1) {
        std::fprintf(stderr, "用法 usage: zhuxue-cli restore-encrypted /media/u盘/zhuxue-….zxbak\n");
        return 2;
    }
    int status = 0;
    auto pass = passphrase(ctx, false, status);
    if (!pass)
        return status;
    if (auto st = store::restoreEncryptedBackup(ctx.dataDir, ops[0], *pass); !st)
        return ctx.fail(st.error());
    ctx.say("backup.cli.restored", {{"path", ops[0]}});
    return 0;
}

} // namespace

void registerBackupCommands(std::vector<Command>& out) {
    out.push_back({"backup-encrypted", "backup-encrypted DIR [--passphrase-file FILE]",
                   "加密备份到 U 盘等目录 write an encrypted backup into DIR (e.g. a USB drive)",
                   {"passphrase-file"}, {}, backupEncrypted});
    out.push_back({"restore-encrypted", "restore-encrypted FILE [--passphrase-file FILE]",
                   "从加密备份恢复（先保留当前数据）restore an encrypted backup (current data kept first)",
                   {"passphrase-file"}, {}, restoreEncrypted});
}

} // namespace zhuxue::cli
