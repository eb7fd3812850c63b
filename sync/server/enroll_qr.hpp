#pragma once
// QR codes of enrollment texts (sync/protocol/enrollment.hpp) for `zhuxue-server enroll`:
// in the terminal with Unicode half blocks, and as a PNG file to print or send.
#include "client/core/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace zhuxue::sync::server {

// A QR symbol: width x width modules, true = dark. No quiet zone.
struct QrSymbol {
    int width = 0;
    std::vector<bool> dark;
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)]; }
};

// Error correction level M (15%): survives a creased or smudged printout.
Result<QrSymbol> encodeQr(const std::string& text);

inline constexpr int kQrQuietZone = 4; // modules of light border on every side

// Two modules per character (upper and lower half block), quiet zone included, every line the
// same length. The glyphs are the dark modules, so it reads right printed or on a light
// background; with `ansiColours` every line also sets black on white (for dark terminals).
std::string qrTerminalText(const QrSymbol& qr, bool ansiColours);

// An 8-bit grey PNG, `scale` pixels per module, quiet zone included. Written to a temporary
// file beside `path` and renamed, so `path` is never half-written. server.qr_png_write on error.
Status writeQrPng(const QrSymbol& qr, const std::filesystem::path& path, int scale = 8);

} // namespace zhuxue::sync::server
