#include "roster_builder.hpp"

#include "client/core/text/pinyin.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace zhuxue::reports {

bool matches(const RosterFilter& f, const RosterRow& r) {
    if (f.year && r.year != f.year)
        return false;
    if (!f.programme.empty() && r.programme != f.programme)
        return false;
    if (!f.statuses.empty() && std::find(f.statuses.begin(), f.statuses.end(), r.status) == f.statuses.end())
        return false;
    if (f.level && r.level != *f.level)
        return false;
    if (!f.township.empty() && r.township != f.township)
        return false;
    if (!f.school.empty() && r.school != f.school)
        return false;
    if (!f.signingDate.empty() && (!r.contractSigned || r.signingDate != f.signingDate))
        return false;
    return true;
}

namespace {

// Sums carried by data rows (one person, or one aggregated line), subtotals and the total.
struct Sums {
    int64_t people = 0, preApplied = 0, signedCount = 0, pending = 0, preAppliedSigned = 0;
    Fen amount = 0, signedAmount = 0;

    void add(const RosterRow& r) {
        ++people;
        amount += r.amountFen;
        preApplied += r.preApplied ? 1 : 0;
        signedCount += r.contractSigned ? 1 : 0;
        pending += (r.preApplied && !r.contractSigned) ? 1 : 0;
        preAppliedSigned += (r.preApplied && r.contractSigned) ? 1 : 0;
        signedAmount += r.contractSigned ? r.amountFen : 0;
    }
    void add(const Sums& s) {
        people += s.people;
        amount += s.amount;
        preApplied += s.preApplied;
        signedCount += s.signedCount;
        pending += s.pending;
        preAppliedSigned += s.preAppliedSigned;
        signedAmount += s.signedAmount;
    }
};

std::string rawValue(std::string_view key, const RosterRow& r) {
    if (key == "county") return r.county;
    if (key == "township") return r.township;
    if (key == "village") return r.village;
    if (key == "school") return r.school;
    if (key == "grade") return r.grade;
    if (key == "class") return r.className;
    if (key == "name") return r.name;
    if (key == "programme") return r.programme;
    if (key == "status") return r.status;
    if (key == "level") return std::string(toCode(r.level));
    if (key == "birth_date") return r.birthDate;
    if (key == "contract_number") return r.contractNumber;
    if (key == "signing_date") return r.signingDate;
    if (key == "application_kind") return std::string(toCode(r.applicationKind));
    if (key == "year") {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%06d", r.year);
        return buf;
    }
    return {};
}

class Builder {
public:
    Builder(const RosterDefinition& def, const Catalog& texts, const BuildOptions& options)
        : m_def(def), m_texts(texts), m_options(options),
          m_mask(options.nameMask.value_or(def.nameMask)) {}

    Result<BuiltRoster> build(const std::vector<RosterRow>& all, const RosterFilter& filterIn) {
        RosterFilter filter = filterIn;
        if (filter.statuses.empty())
            filter.statuses = m_def.statuses;
        if (filter.programme.empty() && !m_def.defaultProgrammeKey.empty())
            filter.programme = m_texts.text(m_def.defaultProgrammeKey);
        BuiltRoster out;
        std::vector<const RosterRow*> rows;
        rows.reserve(all.size());
        for (const RosterRow& r : all) {
            if (!matches(filter, r) || !withinDefinition(r))
                continue;
            if (m_def.minimumAge > 0 && !oldEnough(r)) {
                ++out.withheld;
                continue;
            }
            rows.push_back(&r);
        }
        sortRows(rows);

        Table& t = out.table;
        t.county = m_options.countyName;
        t.title = title(filter);
        t.subtitle = subtitle(filter, filterIn.statuses);
        for (const auto& key : m_def.columns) {
            const FieldSpec* f = findField(key);
            t.columns.push_back({m_texts.text(f->titleKey), f->type});
        }
        m_labelColumn = 0;
        for (size_t c = 0; c < m_def.columns.size(); ++c)
            if (t.columns[c].type == ColumnType::Text) {
                m_labelColumn = c;
                break;
            }

        const size_t levels = m_def.groupBy.size();
        std::vector<Sums> groupSums(levels);
        std::vector<std::string> groupValue(levels);
        Sums total, line;
        const RosterRow* lineFirst = nullptr;
        int64_t seq = 0;

        auto flushLine = [&] {
            if (!lineFirst)
                return;
            t.rows.push_back(dataRow(*lineFirst, line, ++seq));
            lineFirst = nullptr;
            line = Sums{};
        };
        auto closeGroups = [&](size_t from) {
            flushLine();
            for (size_t l = levels; l-- > from;) {
                t.rows.push_back(sumRow(RowKind::Subtotal, int(l), groupValue[l], groupSums[l]));
                groupSums[l] = Sums{};
            }
        };

        for (size_t i = 0; i < rows.size(); ++i) {
            const RosterRow& r = *rows[i];
            size_t changed = levels;
            if (i == 0) {
                changed = 0;
            } else {
                for (size_t l = 0; l < levels; ++l)
                    if (rawValue(m_def.groupBy[l], r) != groupValue[l]) {
                        changed = l;
                        break;
                    }
            }
            if (i > 0 && changed < levels)
                closeGroups(changed);
            for (size_t l = changed; l < levels; ++l) {
                groupValue[l] = rawValue(m_def.groupBy[l], r);
                t.rows.push_back({RowKind::GroupHeader, int(l), {groupLabel(l, groupValue[l])}});
            }
            bool aggregated = !m_def.aggregateBy.empty();
            if (!aggregated || !lineFirst || changed < levels || !sameAggregate(*lineFirst, r))
                flushLine();
            if (!lineFirst)
                lineFirst = &r;
            line.add(r);
            for (Sums& g : groupSums)
                g.add(r);
            total.add(r);
        }
        if (!rows.empty())
            closeGroups(0);
        t.rows.push_back(sumRow(RowKind::Total, 0, {}, total));

        for (const auto& key : m_def.footnoteKeys)
            t.footnotes.push_back(m_texts.format(key, m_options.noteArgs));
        out.people = total.people;
        out.amountFen = total.amount;
        return out;
    }

private:
    // 满 minimumAge 周岁 (the day after that birthday, 民法典 art. 201; core::hasCompletedYears).
    bool oldEnough(const RosterRow& r) const {
        auto birth = core::Date::parse(r.birthDate);
        return birth && core::hasCompletedYears(*birth, m_options.today, m_def.minimumAge);
    }

    // What the definition itself allows, whatever the caller's filter says: its levels, and on a
    // public roster its statuses (a caller may narrow them, never widen them).
    bool withinDefinition(const RosterRow& r) const {
        if (!m_def.levels.empty() &&
            std::find(m_def.levels.begin(), m_def.levels.end(), toCode(r.level)) == m_def.levels.end())
            return false;
        if (m_def.isPublic && std::find(m_def.statuses.begin(), m_def.statuses.end(), r.status) == m_def.statuses.end())
            return false;
        return true;
    }

    const std::string& pinyin(const std::string& s) {
        auto it = m_pinyin.find(s);
        if (it == m_pinyin.end())
            it = m_pinyin.emplace(s, text::pinyinSortKey(s) + '\x01' + s).first;
        return it->second;
    }

    std::string sortKey(std::string_view key, const RosterRow& r) {
        const FieldSpec* f = findField(key);
        std::string v = rawValue(key, r);
        if (f->type == ColumnType::Text && key != "contract_number" && key != "status" &&
            key != "level" && key != "application_kind")
            return pinyin(v);
        if (key == "level") // most severe first
            return std::string(1, char('9' - int(r.level)));
        return v;
    }

    void sortRows(std::vector<const RosterRow*>& rows) {
        std::vector<std::string> keys;
        for (const auto* list : {&m_def.groupBy, &m_def.aggregateBy, &m_def.orderBy})
            keys.insert(keys.end(), list->begin(), list->end());
        std::vector<std::pair<std::vector<std::string>, const RosterRow*>> keyed;
        keyed.reserve(rows.size());
        for (const RosterRow* r : rows) {
            std::vector<std::string> k;
            k.reserve(keys.size());
            for (const auto& key : keys)
                k.push_back(sortKey(key, *r));
            keyed.emplace_back(std::move(k), r);
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = keyed[i].second;
    }

    bool sameAggregate(const RosterRow& a, const RosterRow& b) const {
        for (const auto& key : m_def.aggregateBy)
            if (rawValue(key, a) != rawValue(key, b))
                return false;
        return true;
    }

    std::string display(std::string_view key, const RosterRow& r) const {
        if (key == "level")
            return r.level == HardshipLevel::None ? std::string() : m_texts.text("reports.level." + std::string(toCode(r.level)));
        if (key == "status") {
            std::string k = "reports.status." + r.status;
            return m_texts.has(k) ? m_texts.text(k) : r.status;
        }
        if (key == "application_kind")
            return m_texts.text("reports.kind." + std::string(toCode(r.applicationKind)));
        if (key == "name")
            return maskName(r.name, m_mask);
        return rawValue(key, r);
    }

    std::string groupLabel(size_t level, const std::string& value) const {
        if (value.empty())
            return m_texts.text("reports.unset");
        const std::string& key = m_def.groupBy[level];
        if (key == "level" || key == "status" || key == "application_kind") {
            RosterRow probe;
            if (key == "status")
                probe.status = value;
            else if (key == "level")
                probe.level = fromCode<HardshipLevel>(value).value_or(HardshipLevel::None);
            else
                probe.applicationKind = fromCode<ApplicationKind>(value).value_or(ApplicationKind::PreApplication);
            return display(key, probe);
        }
        if (key == "year")
            return std::to_string(std::stoi(value));
        return value;
    }

    Cell fieldCell(std::string_view key, const RosterRow& r, const Sums& s, int64_t seq) const {
        if (key == "seq") return seq;
        if (key == "amount") return s.amount;
        if (key == "year") return int64_t(r.year);
        if (key == "term_years") return r.termYears ? Cell(int64_t(r.termYears)) : Cell{};
        if (key == "proxy_signed") return r.signedByProxy ? m_texts.text("reports.proxy_signed") : std::string();
        if (key == "signature") return std::monostate{};
        if (key == "id_number") return r.idNumber;
        if (key == "address") return r.address;
        if (key == "phone") return r.phone;
        if (key == "bank_account") return r.bankAccount;
        if (key == "income") return r.incomeFen ? Cell(*r.incomeFen) : Cell{};
        if (key == "health") return r.health;
        if (key == "narrative") return r.narrative;
        if (key == "photo") return r.photo;
        if (key == "priority_group") {
            std::string joined;
            for (const auto& g : r.priorityGroups)
                joined += (joined.empty() ? "" : "、") + g;
            return joined;
        }
        if (auto m = measureCell(key, s); m)
            return *m;
        return display(key, r);
    }

    std::optional<Cell> measureCell(std::string_view key, const Sums& s) const {
        if (key == "people") return Cell(s.people);
        if (key == "pre_applied") return Cell(s.preApplied);
        if (key == "signed") return Cell(s.signedCount);
        if (key == "pending") return Cell(s.pending);
        if (key == "signed_amount") return Cell(s.signedAmount);
        if (key == "signed_rate") {
            if (s.preApplied == 0)
                return Cell(std::string("—"));
            // Of those who pre-applied, the share that signed (a contract signed without a
            // pre-application does not raise it). Tenths of a percent in integers: 850 → "85.0%".
            int64_t permille = (s.preAppliedSigned * 1000 + s.preApplied / 2) / s.preApplied;
            return Cell(std::to_string(permille / 10) + "." + std::to_string(permille % 10) + "%");
        }
        return std::nullopt;
    }

    Row dataRow(const RosterRow& r, const Sums& s, int64_t seq) const {
        Row row{RowKind::Data, 0, {}};
        for (const auto& key : m_def.columns)
            row.cells.push_back(fieldCell(key, r, s, seq));
        return row;
    }

    Row sumRow(RowKind kind, int level, const std::string& group, const Sums& s) const {
        Row row{kind, level, std::vector<Cell>(m_def.columns.size())};
        for (size_t c = 0; c < m_def.columns.size(); ++c) {
            const std::string& key = m_def.columns[c];
            if (key == "amount")
                row.cells[c] = s.amount;
            else if (auto m = measureCell(key, s); m)
                row.cells[c] = *m;
        }
        std::string label = kind == RowKind::Total
                                ? m_texts.text("reports.total")
                                : m_texts.format("reports.subtotal", {{"group", groupLabel(size_t(level), group)}});
        if (std::find(m_def.columns.begin(), m_def.columns.end(), "people") == m_def.columns.end())
            label += " " + m_texts.format("reports.people_count", {{"n", std::to_string(s.people)}});
        row.cells[m_labelColumn] = label;
        return row;
    }

    std::string title(const RosterFilter& f) const {
        std::string name = m_texts.text(m_def.titleKey);
        if (!f.programme.empty())
            name = f.programme + " " + name;
        if (f.year)
            return m_texts.format("reports.title_year", {{"year", std::to_string(f.year)}, {"roster", name}});
        return name;
    }

    // Statuses are named only when the caller chose them, not the definition's own gate.
    std::string subtitle(const RosterFilter& f, const std::vector<std::string>& chosenStatuses) const {
        std::vector<std::string> parts;
        auto add = [&](const char* key, const std::string& value) {
            if (!value.empty())
                parts.push_back(m_texts.text(key) + "：" + value);
        };
        add("reports.col.township", f.township);
        add("reports.col.school", f.school);
        if (f.level) {
            RosterRow probe;
            probe.level = *f.level;
            add("reports.col.level", display("level", probe));
        }
        add("reports.col.signing_date", f.signingDate);
        std::string statuses;
        for (const auto& s : chosenStatuses) {
            RosterRow probe;
            probe.status = s;
            statuses += (statuses.empty() ? "" : "、") + display("status", probe);
        }
        add("reports.col.status", statuses);
        add("reports.made_on", m_options.today.iso());
        std::string out;
        for (const auto& p : parts)
            out += (out.empty() ? "" : "　") + p;
        return out;
    }

    const RosterDefinition& m_def;
    const Catalog& m_texts;
    const BuildOptions& m_options;
    NameMask m_mask;
    size_t m_labelColumn = 0;
    std::unordered_map<std::string, std::string> m_pinyin;
};

} // namespace

Result<BuiltRoster> buildRoster(const RosterDefinition& def, const std::vector<RosterRow>& rows,
                                const RosterFilter& filter, const Catalog& texts,
                                const BuildOptions& options) {
    // A definition made in code is checked as strictly as one read from a file.
    if (auto st = validate(def, def.kind); !st)
        return st.error();
    Builder builder(def, texts, options);
    return builder.build(rows, filter);
}

} // namespace zhuxue::reports
