// PDF through cairo and pango: pango shapes Chinese and falls back through fontconfig for
// characters Noto Sans CJK lacks (𪚥 comes from Noto Serif CJK), cairo embeds subset fonts
// with a ToUnicode map so the text can be searched and extracted.
//
// Two passes: the first decides every row's height and so the page breaks (the footer needs
// the page count), the second draws. Shaping every cell with pango is what costs time, so the
// first pass measures only cells whose estimated width comes near their column's width.
#include "writers.hpp"

#include "client/core/i18n.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <system_error>
#include <unordered_map>

namespace zhuxue::reports {

namespace {

constexpr double kA4W = 595.276, kA4H = 841.89;
constexpr double kMargin = 36;
constexpr double kFontSize = 9;
constexpr double kPadX = 3, kPadY = 2.5;
constexpr const char* kFamily = "Noto Sans CJK SC";

struct LayoutDeleter {
    void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

struct FontDeleter {
    void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;

FontPtr font(double size, bool bold) {
    FontPtr f(pango_font_description_new());
    pango_font_description_set_family(f.get(), kFamily);
    pango_font_description_set_absolute_size(f.get(), size * PANGO_SCALE);
    pango_font_description_set_weight(f.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    return f;
}

// Estimated advance in points without shaping: CJK one em, everything else 0.6 em (Noto Sans
// CJK's Latin and digits are narrower, so this errs on the wide side).
double estimateWidth(std::string_view text, double size) {
    double w = 0;
    for (char32_t cp : decodeUtf8(text))
        w += (cp >= 0x2E80 ? 1.0 : 0.6) * size;
    return w;
}

PangoAlignment alignmentOf(ColumnType type) {
    switch (type) {
    case ColumnType::Integer:
    case ColumnType::MoneyFen: return PANGO_ALIGN_RIGHT;
    case ColumnType::Date: return PANGO_ALIGN_CENTER;
    case ColumnType::Text: return PANGO_ALIGN_LEFT;
    }
    return PANGO_ALIGN_LEFT;
}

// Water-filling: cap the widest columns at the level where everything fits.
std::vector<double> fitWidths(std::vector<double> natural, double avail) {
    double sum = std::accumulate(natural.begin(), natural.end(), 0.0);
    if (sum <= avail) {
        double extra = (avail - sum) / double(natural.size());
        for (double& w : natural)
            w += extra;
        return natural;
    }
    std::vector<double> sorted = natural;
    std::sort(sorted.begin(), sorted.end());
    double cap = sorted.back();
    double below = 0; // sum of columns narrower than the cap
    for (size_t i = 0; i < sorted.size(); ++i) {
        double n = double(sorted.size() - i);
        double c = (avail - below) / n;
        if (c <= sorted[i]) {
            cap = c;
            break;
        }
        below += sorted[i];
    }
    for (double& w : natural)
        w = std::min(w, cap);
    return natural;
}

class PdfWriter {
public:
    PdfWriter(const Table& table, const PageTexts& texts) : m_table(table), m_texts(texts) {}

    Status write(const std::filesystem::path& out) {
        if (m_table.columns.empty())
            return Error("reports.error.no_columns");
        planColumns();
        auto part = detail::partPath(out);
        cairo_surface_t* surface = cairo_pdf_surface_create(part.c_str(), m_pageW, m_pageH);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, m_table.title.c_str());
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "zhuxue");
        m_cr = cairo_create(surface);
        m_body.reset(pango_cairo_create_layout(m_cr));
        pango_cairo_context_set_resolution(pango_layout_get_context(m_body.get()), 72);
        pango_layout_context_changed(m_body.get());
        pango_layout_set_wrap(m_body.get(), PANGO_WRAP_WORD_CHAR);
        m_regular = font(kFontSize, false);
        m_bold = font(kFontSize, true);
        m_title = font(14, true);
        m_small = font(8, false);
        m_lineH = lineHeight(m_regular.get());

        paginate();
        for (size_t p = 0; p < m_pages.size(); ++p)
            drawPage(p);

        m_layouts.clear();
        m_body.reset();
        cairo_destroy(m_cr);
        cairo_surface_finish(surface);
        cairo_status_t st = cairo_surface_status(surface);
        cairo_surface_destroy(surface);
        if (st != CAIRO_STATUS_SUCCESS) {
            std::error_code ec;
            std::filesystem::remove(part, ec);
            return Error("reports.error.write", {{"path", out.string()}}, cairo_status_to_string(st));
        }
        return detail::commitPart(part, out);
    }

private:
    struct Page {
        size_t firstRow, endRow;       // rows [first, end)
        size_t firstNote, endNote;     // footnotes drawn on this page
    };

    double lineHeight(const PangoFontDescription* f) {
        pango_layout_set_font_description(m_body.get(), f);
        pango_layout_set_width(m_body.get(), -1);
        pango_layout_set_text(m_body.get(), "国Ag", -1);
        int w = 0, h = 0;
        pango_layout_get_size(m_body.get(), &w, &h);
        return double(h) / PANGO_SCALE;
    }

    void planColumns() {
        const size_t n = m_table.columns.size();
        std::vector<double> natural(n, 0);
        for (size_t c = 0; c < n; ++c)
            natural[c] = std::min(estimateWidth(m_table.columns[c].title, kFontSize), 6 * kFontSize);
        for (const Row& row : m_table.rows) {
            if (row.kind == RowKind::GroupHeader)
                continue;
            for (size_t c = 0; c < n && c < row.cells.size(); ++c) {
                double w = estimateWidth(cellText(row.cells[c], m_table.columns[c].type), kFontSize);
                natural[c] = std::max(natural[c], w);
            }
        }
        for (double& w : natural)
            w = std::max(w, 2 * kFontSize) + 2 * kPadX;
        // Orientation follows what the columns need once long text is allowed to wrap at
        // about 14 characters; only wide tables turn the page.
        double sum = 0;
        for (double w : natural)
            sum += std::min(w, 14 * kFontSize + 2 * kPadX);
        bool landscape = sum > kA4W - 2 * kMargin;
        m_pageW = landscape ? kA4H : kA4W;
        m_pageH = landscape ? kA4W : kA4H;
        m_widths = fitWidths(natural, m_pageW - 2 * kMargin);
    }

    // Height of text wrapped into `width` points.
    double measure(const std::string& text, double width, const PangoFontDescription* f) {
        pango_layout_set_font_description(m_body.get(), f);
        pango_layout_set_width(m_body.get(), int(width * PANGO_SCALE));
        pango_layout_set_text(m_body.get(), text.c_str(), int(text.size()));
        int w = 0, h = 0;
        pango_layout_get_size(m_body.get(), &w, &h);
        return double(h) / PANGO_SCALE;
    }

    double rowHeight(const Row& row) {
        const PangoFontDescription* f = row.kind == RowKind::Data ? m_regular.get() : m_bold.get();
        if (row.kind == RowKind::GroupHeader)
            return m_lineH + 2 * kPadY;
        double h = m_lineH;
        for (size_t c = 0; c < row.cells.size() && c < m_widths.size(); ++c) {
            std::string text = cellText(row.cells[c], m_table.columns[c].type);
            double inner = m_widths[c] - 2 * kPadX;
            if (estimateWidth(text, kFontSize) > inner * 0.85 || text.find('\n') != std::string::npos)
                h = std::max(h, measure(text, inner, f));
        }
        return h + 2 * kPadY;
    }

    double headerHeight() {
        double h = m_lineH;
        for (size_t c = 0; c < m_widths.size(); ++c)
            h = std::max(h, measure(m_table.columns[c].title, m_widths[c] - 2 * kPadX, m_bold.get()));
        return h + 2 * kPadY;
    }

    double tableTop(size_t page = 1) const { return kMargin + 22 + 16 + (page == 0 ? m_prefaceTotal : 0); }
    double bottomLimit() const { return m_pageH - kMargin - 16; }

    void paginate() {
        m_headerH = headerHeight();
        m_rowH.resize(m_table.rows.size());
        for (size_t i = 0; i < m_table.rows.size(); ++i)
            m_rowH[i] = rowHeight(m_table.rows[i]);
        m_prefaceH.resize(m_table.preface.size());
        for (size_t k = 0; k < m_table.preface.size(); ++k) {
            m_prefaceH[k] = measure(m_table.preface[k], m_pageW - 2 * kMargin, m_regular.get()) + 2;
            m_prefaceTotal += m_prefaceH[k];
        }
        if (!m_table.preface.empty())
            m_prefaceTotal += 6;
        const double avail = bottomLimit() - tableTop() - m_headerH;
        Page page{0, 0, 0, 0};
        double used = m_prefaceTotal; // the first page starts lower
        for (size_t i = 0; i < m_table.rows.size(); ++i) {
            double need = m_rowH[i];
            // A group heading stays with its first row.
            if (m_table.rows[i].kind == RowKind::GroupHeader && i + 1 < m_rowH.size())
                need += m_rowH[i + 1];
            if (i > page.firstRow && used + need > avail) {
                page.endRow = i;
                m_pages.push_back(page);
                page = Page{i, i, 0, 0};
                used = 0;
            }
            used += m_rowH[i];
        }
        page.endRow = m_table.rows.size();
        // Footnotes follow the table, on further pages when they do not fit.
        double notesAvail = bottomLimit() - tableTop();
        double y = used + m_headerH + 6; // below tableTop(), the preface included on the first page
        m_noteH.resize(m_table.footnotes.size());
        for (size_t k = 0; k < m_table.footnotes.size(); ++k) {
            m_noteH[k] = measure(m_table.footnotes[k], m_pageW - 2 * kMargin, m_regular.get()) + 2;
            if (y + m_noteH[k] > notesAvail && (k > page.firstNote || page.endRow > page.firstRow)) {
                page.endNote = k;
                m_pages.push_back(page);
                page = Page{m_table.rows.size(), m_table.rows.size(), k, k};
                y = 0;
            }
            y += m_noteH[k];
        }
        page.endNote = m_table.footnotes.size();
        m_pages.push_back(page);
    }

    // Rosters repeat the same texts (schools, grades, levels, amounts) thousands of times;
    // shaping is the expensive part, so shaped layouts are kept and only drawn again.
    PangoLayout* layoutFor(const std::string& text, double width, const PangoFontDescription* f,
                           PangoAlignment align) {
        std::string key = text;
        key += '\0';
        key += std::to_string(int(width * PANGO_SCALE));
        key += '\0';
        key += char('0' + int(align));
        key += f == m_bold.get() ? 'b' : f == m_regular.get() ? 'r' : f == m_small.get() ? 's' : 't';
        auto it = m_layouts.find(key);
        if (it != m_layouts.end())
            return it->second.get();
        if (m_layouts.size() >= 20000)
            m_layouts.clear(); // unique texts (names) would otherwise grow it without bound
        LayoutPtr layout(pango_layout_copy(m_body.get()));
        pango_layout_set_font_description(layout.get(), f);
        pango_layout_set_width(layout.get(), width > 0 ? int(width * PANGO_SCALE) : -1);
        pango_layout_set_alignment(layout.get(), align);
        pango_layout_set_text(layout.get(), text.c_str(), int(text.size()));
        return m_layouts.emplace(std::move(key), std::move(layout)).first->second.get();
    }

    void drawText(const std::string& text, double x, double y, double width, const PangoFontDescription* f,
                  PangoAlignment align) {
        cairo_move_to(m_cr, x, y);
        pango_cairo_show_layout(m_cr, layoutFor(text, width, f, align));
    }

    void fillRect(double x, double y, double w, double h, double r, double g, double b) {
        cairo_set_source_rgb(m_cr, r, g, b);
        cairo_rectangle(m_cr, x, y, w, h);
        cairo_fill(m_cr);
        cairo_set_source_rgb(m_cr, 0, 0, 0);
    }

    void gridRow(double y, double h) {
        cairo_set_line_width(m_cr, 0.5);
        double x = kMargin;
        cairo_rectangle(m_cr, x, y, std::accumulate(m_widths.begin(), m_widths.end(), 0.0), h);
        for (size_t c = 0; c + 1 < m_widths.size(); ++c) {
            x += m_widths[c];
            cairo_move_to(m_cr, x, y);
            cairo_line_to(m_cr, x, y + h);
        }
        cairo_stroke(m_cr);
    }

    void drawPage(size_t p) {
        const Page& page = m_pages[p];
        const double tableW = std::accumulate(m_widths.begin(), m_widths.end(), 0.0);
        const double contentW = m_pageW - 2 * kMargin;
        cairo_set_source_rgb(m_cr, 0, 0, 0);
        drawText(m_table.title, kMargin, kMargin, contentW, m_title.get(), PANGO_ALIGN_CENTER);
        drawText(m_table.county, kMargin, kMargin + 22, contentW, m_small.get(), PANGO_ALIGN_LEFT);
        drawText(m_table.subtitle, kMargin, kMargin + 22, contentW, m_small.get(), PANGO_ALIGN_RIGHT);

        double y = tableTop();
        if (p == 0) {
            for (size_t k = 0; k < m_table.preface.size(); ++k) {
                drawText(m_table.preface[k], kMargin, y, contentW, m_regular.get(), PANGO_ALIGN_LEFT);
                y += m_prefaceH[k];
            }
            y = tableTop(0);
        }
        if (page.endRow > page.firstRow || page.firstNote == 0) {
            fillRect(kMargin, y, tableW, m_headerH, 0.85, 0.88, 0.95);
            double x = kMargin;
            for (size_t c = 0; c < m_widths.size(); ++c) {
                drawText(m_table.columns[c].title, x + kPadX, y + kPadY, m_widths[c] - 2 * kPadX, m_bold.get(),
                         PANGO_ALIGN_CENTER);
                x += m_widths[c];
            }
            gridRow(y, m_headerH);
            y += m_headerH;
        }
        for (size_t i = page.firstRow; i < page.endRow; ++i) {
            const Row& row = m_table.rows[i];
            double h = m_rowH[i];
            if (row.kind == RowKind::GroupHeader) {
                fillRect(kMargin, y, tableW, h, 0.89, 0.94, 0.85);
                std::string label = row.cells.empty() ? std::string() : cellText(row.cells[0], ColumnType::Text);
                drawText(label, kMargin + kPadX, y + kPadY, tableW - 2 * kPadX, m_bold.get(), PANGO_ALIGN_LEFT);
                cairo_set_line_width(m_cr, 0.5);
                cairo_rectangle(m_cr, kMargin, y, tableW, h);
                cairo_stroke(m_cr);
                y += h;
                continue;
            }
            if (row.kind == RowKind::Subtotal)
                fillRect(kMargin, y, tableW, h, 0.95, 0.95, 0.95);
            else if (row.kind == RowKind::Total)
                fillRect(kMargin, y, tableW, h, 1.0, 0.95, 0.80);
            const PangoFontDescription* f = row.kind == RowKind::Data ? m_regular.get() : m_bold.get();
            double x = kMargin;
            for (size_t c = 0; c < m_widths.size(); ++c) {
                if (c < row.cells.size()) {
                    auto type = m_table.columns[c].type;
                    std::string text = cellText(row.cells[c], type);
                    if (!text.empty())
                        drawText(text, x + kPadX, y + kPadY, m_widths[c] - 2 * kPadX, f, alignmentOf(type));
                }
                x += m_widths[c];
            }
            gridRow(y, h);
            y += h;
        }
        y += 6;
        for (size_t k = page.firstNote; k < page.endNote; ++k) {
            drawText(m_table.footnotes[k], kMargin, y, contentW, m_regular.get(), PANGO_ALIGN_LEFT);
            y += m_noteH[k];
        }

        std::string pageText = fillPlaceholders(
            m_texts.pageOfPages, {{"page", std::to_string(p + 1)}, {"pages", std::to_string(m_pages.size())}});
        double footY = m_pageH - kMargin - 10;
        drawText(pageText, kMargin, footY, contentW, m_small.get(), PANGO_ALIGN_CENTER);
        if (!m_texts.printedAt.empty())
            drawText(m_texts.printedAt, kMargin, footY, contentW, m_small.get(), PANGO_ALIGN_RIGHT);
        cairo_show_page(m_cr);
    }

    const Table& m_table;
    const PageTexts& m_texts;
    cairo_t* m_cr = nullptr;
    LayoutPtr m_body;
    FontPtr m_regular, m_bold, m_title, m_small;
    double m_pageW = kA4W, m_pageH = kA4H;
    double m_lineH = 12, m_headerH = 16;
    std::vector<double> m_widths, m_rowH, m_noteH, m_prefaceH;
    double m_prefaceTotal = 0;
    std::vector<Page> m_pages;
    std::unordered_map<std::string, LayoutPtr> m_layouts;
};

} // namespace

Status writePdf(const Table& table, const std::filesystem::path& out, const PageTexts& texts) {
    PdfWriter writer(table, texts);
    return writer.write(out);
}

} // namespace zhuxue::reports
