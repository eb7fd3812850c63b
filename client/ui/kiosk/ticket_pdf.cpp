#include "ticket_pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace zhuxue::ui::kiosk {

namespace {

constexpr double kMm = 72.0 / 25.4;

double drawText(cairo_t* cr, const std::string& text, const char* font, double y, double width) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, text.c_str(), -1);
    cairo_move_to(cr, 4 * kMm, y);
    pango_cairo_show_layout(cr, layout);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    pango_font_description_free(desc);
    g_object_unref(layout);
    return y + static_cast<double>(h) / PANGO_SCALE;
}

} // namespace

Status writeTicketPdf(const std::filesystem::path& file, const TicketText& text) {
    double w = 80 * kMm, h = 110 * kMm;
    cairo_surface_t* surface = cairo_pdf_surface_create(file.c_str(), w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return Error("fs.write_failed", {{"path", file.string()}}, "cannot create the PDF");
    }
    cairo_t* cr = cairo_create(surface);
    double width = w - 8 * kMm;
    double y = 6 * kMm;
    y = drawText(cr, text.title, "Noto Sans CJK SC Bold 13", y, width) + 4 * kMm;
    y = drawText(cr, text.code, "Noto Sans CJK SC Bold 44", y, width) + 4 * kMm;
    for (const auto& line : text.lines)
        y = drawText(cr, line, "Noto Sans CJK SC 11", y, width) + 2 * kMm;
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    auto st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS)
        return Error("fs.write_failed", {{"path", file.string()}}, cairo_status_to_string(st));
    return {};
}

Status printTicket(const std::filesystem::path& file, const std::string& printer) {
    std::vector<std::string> args{"lp"};
    if (!printer.empty() && printer != "default") {
        args.push_back("-d");
        args.push_back(printer);
    }
    args.push_back(file.string());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, "lp", nullptr, nullptr, argv.data(), environ) != 0)
        return Error("kiosk.ticket.print_failed", {}, "lp is not installed");
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Error("kiosk.ticket.print_failed", {}, "lp failed");
    return {};
}

} // namespace zhuxue::ui::kiosk
