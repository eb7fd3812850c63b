#include "enroll_qr.hpp"

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <png.h>
#include <qrencode.h>
#include <unistd.h>

namespace zhuxue::sync::server {

namespace fs = std::filesystem;

Result<QrSymbol> encodeQr(const std::string& text) {
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code)
        return Error("server.qr_encode", {{"reason", std::strerror(errno)}},
                     std::string("cannot make a QR code: ") + std::strerror(errno));
    QrSymbol qr;
    qr.width = code->width;
    qr.dark.resize(static_cast<std::size_t>(qr.width * qr.width));
    for (std::size_t i = 0; i < qr.dark.size(); ++i)
        qr.dark[i] = (code->data[i] & 1) != 0; // bit 0: dark module
    return qr;
}

std::string qrTerminalText(const QrSymbol& qr, bool ansiColours) {
    const int side = qr.width + 2 * kQrQuietZone;
    auto dark = [&](int x, int y) {
        x -= kQrQuietZone;
        y -= kQrQuietZone;
        return x >= 0 && y >= 0 && x < qr.width && y < qr.width && qr.at(x, y);
    };
    std::string out;
    for (int y = 0; y < side; y += 2) {
        if (ansiColours)
            out += "\x1b[30;107m"; // black glyphs on bright white
        for (int x = 0; x < side; ++x) {
            bool top = dark(x, y), bottom = dark(x, y + 1);
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        if (ansiColours)
            out += "\x1b[0m";
        out += '\n';
    }
    return out;
}

namespace {
struct PngWriter {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngWriter() { png_destroy_write_struct(&png, &info); }
};

// libpng reports errors by longjmp: nothing with a destructor may live in this frame.
bool writePngRows(std::FILE* f, png_structp png, png_infop info, int side,
                  std::vector<png_bytep>& rows) {
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_init_io(png, f);
    png_set_IHDR(png, info, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side), 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    return true;
}
} // namespace

Status writeQrPng(const QrSymbol& qr, const fs::path& path, int scale) {
    const int side = (qr.width + 2 * kQrQuietZone) * scale;
    std::vector<unsigned char> pixels(static_cast<std::size_t>(side) * side, 255);
    for (int y = 0; y < qr.width; ++y)
        for (int x = 0; x < qr.width; ++x)
            if (qr.at(x, y))
                for (int dy = 0; dy < scale; ++dy)
                    std::memset(&pixels[static_cast<std::size_t>((y + kQrQuietZone) * scale + dy) *
                                            side +
                                        static_cast<std::size_t>((x + kQrQuietZone) * scale)],
                                0, static_cast<std::size_t>(scale));
    std::vector<png_bytep> rows(static_cast<std::size_t>(side));
    for (int y = 0; y < side; ++y)
        rows[static_cast<std::size_t>(y)] = &pixels[static_cast<std::size_t>(y) * side];

    auto fail = [&](const std::string& why) {
        return Error("server.qr_png_write", {{"path", path.string()}, {"reason", why}},
                     "cannot write " + path.string() + ": " + why);
    };
    fs::path tmp = path;
    tmp += ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        return fail(std::strerror(errno));
    PngWriter w;
    w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    w.info = w.png ? png_create_info_struct(w.png) : nullptr;
    std::string why;
    errno = 0;
    if (!w.info || !writePngRows(f, w.png, w.info, side, rows))
        why = errno ? std::strerror(errno) : "PNG encoding failed";
    if (why.empty() && (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0))
        why = std::strerror(errno);
    if (std::fclose(f) != 0 && why.empty())
        why = std::strerror(errno);
    if (why.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
        why = std::strerror(errno);
    if (!why.empty()) {
        std::remove(tmp.c_str());
        return fail(why);
    }
    return {};
}

} // namespace zhuxue::sync::server
