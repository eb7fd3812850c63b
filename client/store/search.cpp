// Search as you type: FTS5 over a per-student document. Queries of three or more characters use
// the trigram index (any substring); shorter ones use the per-character index as a phrase of
// adjacent characters, or for Latin letters a prefix of a pinyin key ("zs", "zh"). Several words must all match.
#include "search.hpp"

#include <algorithm>

#include "client/core/text/pinyin.hpp"
#include "store_impl.hpp"

namespace zhuxue::store {

namespace {

// Separates keys in the per-character index so a two-letter query cannot match across the end of
// one key and the start of the next (queries are split per character, so never equal this token).
constexpr const char* kBarrier = " x0x ";

std::string spaced(std::string_view utf8) {
    std::string out;
    for (auto& cp : splitCodePoints(utf8)) {
        if (cp == " " || cp == "\t")
            continue;
        if (!out.empty())
            out += ' ';
        out += cp;
    }
    return out;
}

std::string ftsPhrase(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

bool isLatinWord(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

std::vector<std::string> words(std::string_view q) {
    std::vector<std::string> out;
    std::string cur;
    for (auto& cp : splitCodePoints(q)) {
        if (cp == " " || cp == "\t" || cp == "\n" || cp == "\r" || cp == "\xe3\x80\x80") {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += cp;
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

} // namespace

std::vector<std::string> splitCodePoints(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80         ? 1
                        : (b >> 5) == 6  ? 2
                        : (b >> 4) == 14 ? 3
                        : (b >> 3) == 30 ? 4
                                         : 1;
        if (i + n > s.size())
            n = 1;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
                n = 1;
                break;
            }
        out.emplace_back(s.substr(i, n));
        i += n;
    }
    return out;
}

SearchDocument buildSearchDocument(const Student& s, const FieldCodec& codec) {
    SearchDocument d;
    d.name = s.name;
    d.chars = spaced(s.name);
    // "zhangsan", "zhang", "zs" find 张三: full readings and initials, polyphones expanded.
    for (const std::string& key : text::pinyinKeys(s.name)) {
        d.name += '\n';
        d.name += key;
        d.chars += kBarrier;
        d.chars += spaced(key);
        // The whole key as one token too: a one- or two-letter query ("z", "zs") is a prefix
        // query on these few distinct tokens instead of a phrase over single letters, which
        // appear in nearly every student's readings (41 ms at p95 on 100,000 students).
        d.chars += kBarrier;
        d.chars += key;
    }
    auto add = [&](std::string_view v) {
        if (v.empty())
            return;
        if (!d.other.empty())
            d.other += '\n';
        d.other += v;
    };
    if (codec.searchable("student", "id_number"))
        add(s.idNumber);
    else if (s.idNumber.size() >= 4)
        // Only the last four characters (what the hit list shows to tell namesakes apart); a
        // whole number is found through the blind index (Store::search).
        add(std::string_view(s.idNumber).substr(s.idNumber.size() - 4));
    if (codec.searchable("student", "phone") && s.phone.size() >= 4)
        add(std::string_view(s.phone).substr(s.phone.size() - 4)); // the tail only
    add(s.highSchool);
    add(s.university);
    add(s.township);
    add(s.village);
    return d;
}

Status Store::Impl::updateSearch(const Uuid& studentId, const FieldValues* stored) {
    std::optional<FieldValues> read;
    if (!stored) {
        auto values = readValues(tableSpec(RecordType::Student), studentId);
        if (!values)
            return values.error();
        if (!*values)
            return {};
        read = std::move(**values);
        stored = &*read;
    }
    Student s = fromValues<Student>(studentId, *stored);
    SearchDocument d = buildSearchDocument(s, codec);
    auto rowid = db.cached("SELECT rowid FROM student WHERE id = ?");
    if (!rowid)
        return rowid.error();
    (*rowid)->bind(1, studentId);
    auto row = (*rowid)->step();
    if (!row)
        return row.error();
    std::int64_t rid = (*rowid)->i64(0);
    (*rowid)->reset();
    for (const char* sql : {"DELETE FROM student_search WHERE rowid = ?",
                            "DELETE FROM student_search_short WHERE rowid = ?"}) {
        auto del = db.cached(sql);
        if (!del)
            return del.error();
        (*del)->bind(1, rid);
        if (auto st = (*del)->run(); !st)
            return st;
    }
    auto ins = db.cached("INSERT INTO student_search(rowid, name, other) VALUES(?, ?, ?)");
    if (!ins)
        return ins.error();
    (*ins)->bind(1, rid).bind(2, d.name).bind(3, d.other);
    if (auto st = (*ins)->run(); !st)
        return st;
    auto shortIns = db.cached("INSERT INTO student_search_short(rowid, chars) VALUES(?, ?)");
    if (!shortIns)
        return shortIns.error();
    (*shortIns)->bind(1, rid).bind(2, d.chars);
    return (*shortIns)->run();
}

Status Store::Impl::rebuildSearchIfStale() {
    auto v = db.queryText("SELECT value FROM meta WHERE key = 'search_builder'");
    if (!v)
        return v.error();
    if (*v && **v == std::to_string(kSearchBuilderVersion))
        return {};
    Transaction tx(db);
    if (!tx.begun())
        return tx.begun();
    if (auto st = db.exec("DELETE FROM student_search; DELETE FROM student_search_short"); !st)
        return st;
    std::vector<Uuid> ids;
    {
        auto all = db.prepare("SELECT id FROM student ORDER BY rowid");
        if (!all)
            return all.error();
        while (true) {
            auto row = all->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            ids.push_back(all->uuid(0));
        }
    }
    for (const Uuid& id : ids)
        if (auto st = updateSearch(id); !st)
            return st;
    auto mark = db.prepare("INSERT INTO meta(key, value) VALUES('search_builder', ?)"
                           " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!mark)
        return mark.error();
    mark->bind(1, std::to_string(kSearchBuilderVersion));
    if (auto st = mark->run(); !st)
        return st;
    return tx.commit();
}

Result<std::vector<SearchHit>> Store::Impl::search(std::string_view query, int limit) {
    std::vector<std::string> longTerms, shortTerms;
    for (auto& w : words(query)) {
        if (splitCodePoints(w).size() >= 3)
            longTerms.push_back(ftsPhrase(w));
        else if (isLatinWord(w))
            shortTerms.push_back(ftsPhrase(w) + "*"); // initials or the start of a reading
        else
            shortTerms.push_back(ftsPhrase(spaced(w)));
    }
    if ((longTerms.empty() && shortTerms.empty()) || limit <= 0)
        return std::vector<SearchHit>();
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (auto& t : v)
            s += (s.empty() ? "" : " AND ") + t;
        return s;
    };
    std::string sql;
    std::vector<std::string> args;
    if (!longTerms.empty()) {
        // Name hits weigh ten times the other fields.
        sql = "SELECT rowid, bm25(student_search, 10.0, 1.0) AS r FROM student_search"
              " WHERE student_search MATCH ?";
        args.push_back(join(longTerms));
        if (!shortTerms.empty()) {
            sql += " AND rowid IN (SELECT rowid FROM student_search_short"
                   " WHERE student_search_short MATCH ?)";
            args.push_back(join(shortTerms));
        }
    } else {
        sql =
            "SELECT rowid, rank AS r FROM student_search_short WHERE student_search_short MATCH ?";
        args.push_back(join(shortTerms));
    }
    sql += " ORDER BY r LIMIT ?";
    auto st = db.cached(sql);
    if (!st)
        return st.error();
    Stmt& s = **st;
    int i = 1;
    for (auto& a : args)
        s.bind(i++, a);
    s.bind(i, limit);
    std::vector<std::pair<std::int64_t, double>> rows;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        rows.emplace_back(s.i64(0), s.real(1));
    }
    auto show = db.cached("SELECT id, name, township, village, high_school, university, id_number"
                          " FROM student WHERE rowid = ?");
    if (!show)
        return show.error();
    std::vector<SearchHit> hits;
    for (auto& [rid, score] : rows) {
        Stmt& d = **show;
        d.bind(1, rid);
        auto row = d.step();
        if (!row)
            return row.error();
        if (!*row)
            continue;
        SearchHit h;
        h.studentId = d.uuid(0);
        h.name = d.text(1);
        h.township = d.text(2);
        h.village = d.text(3);
        h.school = d.text(5).empty() ? d.text(4) : d.text(5);
        if (!d.isNull(6)) {
            auto idn = codec.decode("student", "id_number", d.text(6));
            if (idn && idn->size() >= 4)
                h.idTail = idn->substr(idn->size() - 4);
        }
        h.score = score;
        d.reset();
        hits.push_back(std::move(h));
    }
    return hits;
}

} // namespace zhuxue::store
