#include "schema.hpp"
#include "store_impl.hpp"
#include "client/core/contract_codes.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>

namespace zhuxue::store {

namespace {

std::string columnList(const TableSpec& t) {
    std::string s;
    for (const auto& f : t.fields) {
        s += ", ";
        s += f.name;
    }
    return s;
}

bool hasIdLookup(const TableSpec& t) {
    return t.indexOf("id_number") >= 0;
}

std::string upsertSql(const TableSpec& t) {
    std::string cols = "id" + columnList(t);
    std::string marks = "?";
    std::string updates;
    for (const auto& f : t.fields) {
        marks += ", ?";
        if (!updates.empty())
            updates += ", ";
        updates += std::string(f.name) + " = excluded." + std::string(f.name);
    }
    if (hasIdLookup(t)) {
        cols += ", id_lookup";
        marks += ", ?";
        updates += ", id_lookup = excluded.id_lookup";
    }
    return "INSERT INTO " + std::string(t.table) + "(" + cols + ") VALUES(" + marks +
           ") ON CONFLICT(id) DO UPDATE SET " + updates;
}

// The same columns without the upsert: a record with this id already there fails the statement.
std::string insertSql(const TableSpec& t) {
    std::string sql = upsertSql(t);
    return sql.substr(0, sql.find(" ON CONFLICT"));
}

std::string selectSql(const TableSpec& t, std::string_view where) {
    return "SELECT id" + columnList(t) + " FROM " + std::string(t.table) + " " + std::string(where);
}

} // namespace

bool valueFits(FieldKind k, const json& v) {
    switch (k) {
    case FieldKind::Text:
    case FieldKind::Code:
        return v.is_string();
    case FieldKind::Int:
        return v.is_number_integer();
    case FieldKind::Bool:
        return v.is_boolean();
    case FieldKind::Real:
        return v.is_number();
    case FieldKind::Id:
        return v.is_null() || (v.is_string() && Uuid::parse(v.get<std::string>()).has_value());
    case FieldKind::Json:
        return v.is_array() || v.is_object();
    }
    return false;
}

bool isCountyCode(std::string_view s) {
    if (s.size() != 6)
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// ---- values through the codec ---------------------------------------------------------------

void Store::Impl::bindValue(Stmt& st, int index, const TableSpec& t, std::size_t field,
                            const json& v) {
    const FieldSpec& f = t.fields[field];
    const json& def = defaultValues(t.type)[field];
    if (f.sensitive) {
        if (v == def || v.is_null()) {
            // Empty text stays '' (note columns are NOT NULL); other empty values are NULL.
            if (f.kind == FieldKind::Text)
                st.bind(index, std::string());
            else
                st.bindNull(index);
            return;
        }
        std::string plain =
            f.kind == FieldKind::Text && v.is_string() ? v.get<std::string>() : v.dump();
        st.bind(index, codec.encode(t.table, f.name, plain));
        return;
    }
    const json& x = valueFits(f.kind, v) ? v : def;
    switch (f.kind) {
    case FieldKind::Text:
    case FieldKind::Code:
        st.bind(index, x.get_ref<const std::string&>());
        break;
    case FieldKind::Int:
        st.bind(index, x.get<std::int64_t>());
        break;
    case FieldKind::Bool:
        st.bind(index, std::int64_t{x.get<bool>() ? 1 : 0});
        break;
    case FieldKind::Real:
        st.bind(index, x.get<double>());
        break;
    case FieldKind::Id:
        if (x.is_null())
            st.bindNull(index);
        else
            st.bind(index, *Uuid::parse(x.get<std::string>()));
        break;
    case FieldKind::Json:
        st.bind(index, x.dump());
        break;
    }
}

json Store::Impl::readValue(const Stmt& st, int col, const TableSpec& t, std::size_t field) {
    const FieldSpec& f = t.fields[field];
    const json& def = defaultValues(t.type)[field];
    if (st.isNull(col))
        return f.kind == FieldKind::Id ? json(nullptr) : def;
    if (f.sensitive) {
        auto plain = codec.decode(t.table, f.name, st.text(col));
        if (!plain)
            return def;
        if (f.kind == FieldKind::Text)
            return json(*plain);
        json j = json::parse(*plain, nullptr, false);
        return j.is_discarded() ? def : j;
    }
    switch (f.kind) {
    case FieldKind::Text:
    case FieldKind::Code:
        return json(st.text(col));
    case FieldKind::Int:
        return json(st.i64(col));
    case FieldKind::Bool:
        return json(st.i64(col) != 0);
    case FieldKind::Real:
        return json(st.real(col));
    case FieldKind::Id: {
        Uuid id = st.uuid(col);
        return id.isNil() ? json(nullptr) : json(id.str());
    }
    case FieldKind::Json: {
        json j = json::parse(st.text(col), nullptr, false);
        return j.is_discarded() ? def : j;
    }
    }
    return def;
}

std::string Store::Impl::encodeLogged(const TableSpec& t, std::string_view field,
                                      const std::string& text) {
    return isSensitive(t.table, field) ? codec.encode(t.table, field, text) : text;
}

std::string Store::Impl::decodeLogged(const TableSpec& t, std::string_view field,
                                      const std::string& stored) {
    if (!isSensitive(t.table, field))
        return stored;
    auto plain = codec.decode(t.table, field, stored);
    return plain ? *plain : std::string("null");
}

Status Store::Impl::mayRead() const {
    Access a = access.load();
    if (!mayReadRecords(a))
        return accessDenied(a, "read");
    return {};
}

Status Store::Impl::mayWrite() const {
    Access a = access.load();
    if (!mayWriteRecords(a))
        return accessDenied(a, "write");
    return {};
}

bool Store::Impl::withheldIn(Access a, const TableSpec& t, std::size_t i, const FieldValues& row) {
    const WithheldField* rule = withheldRule(a, t.type, t.fields[i].name);
    if (!rule)
        return false;
    if (!rule->readableWhile.empty()) {
        int st = t.indexOf("status");
        if (st >= 0 && static_cast<std::size_t>(st) < row.size() &&
            row[static_cast<std::size_t>(st)].is_string() &&
            row[static_cast<std::size_t>(st)].get<std::string>() == rule->readableWhile)
            return false;
    }
    return true;
}

void Store::Impl::withhold(const TableSpec& t, FieldValues& values) const {
    Access a = access.load();
    if (a != Access::Volunteer || values.size() != t.fields.size())
        return;
    const FieldValues& def = defaultValues(t.type);
    // Decide on the row as read, then blank: the status itself is never withheld.
    std::vector<std::size_t> hide;
    for (std::size_t i = 0; i < t.fields.size(); ++i)
        if (withheldIn(a, t, i, values))
            hide.push_back(i);
    for (std::size_t i : hide)
        values[i] = def[i];
}

std::string Store::Impl::lookupFor(const std::string& idNumber) const {
    return codec.lookupKey(normalizeIdNumber(idNumber));
}

Result<Stmt*> Store::Impl::upsertStmt(const TableSpec& t) {
    Stmt*& p = tableStmts[static_cast<std::size_t>(t.type)].upsert;
    if (!p) {
        auto st = db.cached(upsertSql(t));
        if (!st)
            return st.error();
        p = *st;
    }
    return p;
}

Result<Stmt*> Store::Impl::insertStmt(const TableSpec& t) {
    Stmt*& p = tableStmts[static_cast<std::size_t>(t.type)].insert;
    if (!p) {
        auto st = db.cached(insertSql(t));
        if (!st)
            return st.error();
        p = *st;
    }
    return p;
}

Result<Stmt*> Store::Impl::selectByIdStmt(const TableSpec& t) {
    Stmt*& p = tableStmts[static_cast<std::size_t>(t.type)].selectById;
    if (!p) {
        auto st = db.cached(selectSql(t, "WHERE id = ?"));
        if (!st)
            return st.error();
        p = *st;
    }
    return p;
}

namespace {
// "INSERT INTO <head> VALUES(?, ...), (?, ...) <tail>" with `rows` rows of `columns` marks.
std::string multiRowSql(std::string_view head, int columns, std::size_t rows,
                        std::string_view tail) {
    std::string row = "(?";
    for (int i = 1; i < columns; ++i)
        row += ", ?";
    row += ")";
    std::string sql = "INSERT INTO " + std::string(head) + " VALUES";
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r ? ", " : " ";
        sql += row;
    }
    sql += tail;
    return sql;
}
} // namespace

Result<Stmt*> Store::Impl::outboxInsert(std::size_t rows) {
    Stmt*& p = outboxInserts.at(rows);
    if (!p) {
        auto st = db.cached(multiRowSql("outbox(change_id, record_type, record_id, county, field,"
                                        " value, hlc, device, base_hlc)",
                                        9, rows, ""));
        if (!st)
            return st.error();
        p = *st;
    }
    return p;
}

Result<Stmt*> Store::Impl::versionUpsert(std::size_t rows) {
    Stmt*& p = versionUpserts.at(rows);
    if (!p) {
        auto st = db.cached(multiRowSql("field_version(record_id, field, hlc, device, change_id)",
                                        5, rows,
                                        " ON CONFLICT(record_id, field) DO UPDATE SET"
                                        " hlc = excluded.hlc, device = excluded.device,"
                                        " change_id = excluded.change_id"));
        if (!st)
            return st.error();
        p = *st;
    }
    return p;
}

Result<std::optional<FieldValues>> Store::Impl::readValues(const TableSpec& t, const Uuid& id) {
    if (auto k = requireKey(); !k)
        return k.error();
    auto st = selectByIdStmt(t);
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bindRef(1, id);
    auto row = s.step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<FieldValues>();
    FieldValues v;
    v.reserve(t.fields.size());
    for (std::size_t i = 0; i < t.fields.size(); ++i)
        v.push_back(readValue(s, static_cast<int>(i) + 1, t, i));
    s.reset();
    return std::optional<FieldValues>(std::move(v));
}

Status Store::Impl::saveClock() {
    auto st = db.cached("INSERT INTO meta(key, value) VALUES('hlc', ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    (*st)->bind(1, clock.last().str());
    return (*st)->run();
}

Status Store::Impl::appendAudit(std::string_view action, RecordType type, const Uuid& recordId,
                                std::string_view county, std::string_view summary,
                                const std::string& user) {
    if (batching)
        return appendLinkedAudit(newUuidV7(), county, systemNowMs(), user, action, toCode(type),
                                 recordId, summary);
    auto st = db.cached("INSERT INTO audit_entry(id, county, at_ms, user, device, action,"
                        " record_type, record_id, summary) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, newUuidV7()).bind(2, county).bind(3, systemNowMs()).bind(4, user).bind(5, device);
    s.bind(6, action).bind(7, toCode(type)).bind(8, recordId).bind(9, summary);
    if (auto r = s.run(); !r)
        return r;
    return chainAudit();
}

Status Store::Impl::writeRecord(const TableSpec& t, const Uuid& id, const FieldValues& given,
                                const Actor& who, std::string_view action, int forceField,
                                bool fresh, const std::vector<bool>* edited) {
    if (auto st = mayWrite(); !st)
        return st;
    if (id.isNil() || given.size() != t.fields.size())
        return Error("store.bad_record", {{"type", std::string(t.table)}}, "nil id");
    if (!given[0].is_string() || !isCountyCode(given[0].get<std::string>()))
        return Error(
            "store.bad_county",
            {{"county", given[0].is_string() ? given[0].get<std::string>() : given[0].dump()}});
    Result<std::optional<FieldValues>> existing = std::optional<FieldValues>();
    if (fresh) {
        if (auto k = requireKey(); !k)
            return k;
    } else {
        existing = readValues(t, id);
    }
    if (!existing)
        return existing.error();
    const FieldValues& base = *existing ? **existing : defaultValues(t.type);
    // A volunteer read the withheld fields as empty defaults: saving that record back must not
    // wipe what staff stored (access.hpp). As shown (empty) or unchanged: the stored value stays;
    // an empty stored field may be filled in; a stored value the volunteer never saw may not be
    // replaced: refused, so neither it nor what the volunteer typed is silently lost.
    FieldValues values = given;
    if (*existing && access.load() == Access::Volunteer) {
        const FieldValues& def = defaultValues(t.type);
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!withheldIn(Access::Volunteer, t, i, base))
                continue;
            if (values[i] == def[i] || values[i] == base[i])
                values[i] = base[i];
            else if (base[i] != def[i])
                return accessDenied(Access::Volunteer, "withheld");
        }
    }
    // Contracts, review entries and status decisions are staff's, not volunteers' (access.hpp).
    if (Access a = access.load(); a == Access::Volunteer) {
        int st = t.indexOf("status");
        auto code = [&](const FieldValues& row) -> std::string_view {
            return st >= 0 && row[static_cast<std::size_t>(st)].is_string()
                       ? row[static_cast<std::size_t>(st)].get_ref<const std::string&>()
                       : std::string_view();
        };
        if (auto may = mayDecide(a, t.type, code(base), code(values)); !may)
            return may;
        if (t.type == RecordType::VisitAssignment)
            for (std::size_t i = 0; i < values.size(); ++i)
                if (!*existing || values[i] != base[i])
                    if (auto may = mayAssign(a, !*existing, t.fields[i].name); !may)
                        return may;
    }
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] != base[i] || (!*existing && i == 0) || static_cast<int>(i) == forceField)
            changed.push_back(i);
    if (*existing && changed.empty())
        return {};
    // A stored sensitive value (an ID number, an income) is blanked only by a write that names
    // the field as edited (Store::update, a conflict's resolution). A journey that rebuilt a
    // record from a form which did not show the field would otherwise erase it unseen.
    if (*existing)
        for (std::size_t i : changed) {
            const json& def = defaultValues(t.type)[i];
            const bool blank = values[i].is_null() || values[i] == def;
            const bool named = static_cast<int>(i) == forceField || (edited && (*edited)[i]);
            if (t.fields[i].sensitive && blank && !base[i].is_null() && base[i] != def && !named)
                return Error("store.blanks_sensitive",
                             {{"type", std::string(t.table)}, {"field", std::string(t.fields[i].name)}});
        }
    for (std::size_t i : changed) {
        const json& def = defaultValues(t.type)[i];
        if (t.fields[i].sensitive && !values[i].is_null() && values[i] != def) {
            consentPending.emplace_back(t.type, id);
            break;
        }
    }

    auto up = fresh ? insertStmt(t) : upsertStmt(t);
    if (!up)
        return up.error();
    Stmt& u = **up;
    u.bindRef(1, id);
    for (std::size_t i = 0; i < values.size(); ++i)
        bindValue(u, static_cast<int>(i) + 2, t, i, values[i]);
    if (hasIdLookup(t)) {
        const json& idn = values[static_cast<std::size_t>(t.indexOf("id_number"))];
        std::string n = idn.is_string() ? idn.get<std::string>() : std::string();
        if (n.empty())
            u.bindNull(static_cast<int>(values.size()) + 2);
        else
            u.bind(static_cast<int>(values.size()) + 2, lookupFor(n));
    }
    if (auto st = u.run(); !st)
        return st;

    // The versions the changed fields had, to record as each change's base.
    std::map<std::string, Hlc, std::less<>> versions;
    if (*existing) {
        auto vs = versionsOf(id);
        if (!vs)
            return vs.error();
        for (const FieldVersion& v : *vs)
            versions.emplace(v.field, v.hlc);
    }

    // One stamp for the record's changes (they are one edit); one change id per field (derived
    // from one creation id when the record is new: see fieldChangeId). The values, ids and names
    // are bound by reference: they live in these locals until the statements have run.
    const Hlc stamp = clock.send();
    const auto hlc = static_cast<std::int64_t>(stamp.value);
    const std::string& county = values[0].get_ref<const std::string&>();
    const bool created = !*existing;
    const Uuid creation = created ? newUuidV7() : Uuid();
    std::vector<Uuid> changeIds(changed.size());
    std::vector<std::string> logged(changed.size());
    std::string summary;
    bool sensitive = false; // a created record's values are sealed together (appendCreatedChange)
    for (std::size_t k = 0; k < changed.size(); ++k) {
        const FieldSpec& f = t.fields[changed[k]];
        logged[k] = values[changed[k]].dump();
        sensitive |= f.sensitive;
        if (!created) {
            changeIds[k] = newUuidV7();
            if (f.sensitive)
                logged[k] = codec.encode(t.table, f.name, logged[k]);
        }
        if (!summary.empty())
            summary += ",";
        summary += f.name;
    }
    if (created)
        if (auto st = appendCreatedChange(t, id, county, creation, summary, logged, sensitive, hlc);
            !st)
            return st;
    for (std::size_t from = 0; !created && from < changed.size(); from += kRowsPerInsert) {
        const std::size_t n = std::min(kRowsPerInsert, changed.size() - from);
        auto ob = outboxInsert(n);
        if (!ob)
            return ob.error();
        Stmt& o = **ob;
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t k = from + r;
            const std::string_view name = t.fields[changed[k]].name;
            const int oc = static_cast<int>(r) * 9;
            o.bindRef(oc + 1, changeIds[k]).bindRef(oc + 2, t.table).bindRef(oc + 3, id);
            o.bindRef(oc + 4, county).bindRef(oc + 5, name).bindRef(oc + 6, logged[k]);
            o.bind(oc + 7, hlc).bindRef(oc + 8, device);
            if (auto it = versions.find(name); it != versions.end())
                o.bind(oc + 9, static_cast<std::int64_t>(it->second.value));
            else
                o.bindNull(oc + 9);
        }
        if (auto st = o.run(); !st)
            return st;
        auto fv = versionUpsert(n);
        if (!fv)
            return fv.error();
        Stmt& v = **fv;
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t k = from + r;
            const int vc = static_cast<int>(r) * 5;
            v.bindRef(vc + 1, id).bindRef(vc + 2, t.fields[changed[k]].name).bind(vc + 3, hlc);
            v.bindRef(vc + 4, device).bindRef(vc + 5, changeIds[k]);
        }
        if (auto st = v.run(); !st)
            return st;
    }
    if (created) { // one version row for the whole creation: '*' + the logged field names
        auto fv = versionUpsert(1);
        if (!fv)
            return fv.error();
        const std::string names = "*" + summary;
        Stmt& v = **fv;
        v.bindRef(1, id).bindRef(2, names).bind(3, hlc).bindRef(4, device).bindRef(5, creation);
        if (auto st = v.run(); !st)
            return st;
    }
    std::string_view act = !action.empty() ? action : (*existing ? "update" : "create");
    if (auditGroup)
        auditGroup->push_back({t.type, id, county, std::string(act), std::move(summary)});
    else if (auto st = appendAudit(act, t.type, id, county, summary, who.user); !st)
        return st;
    if (batching) {
        if (t.type == RecordType::Student) {
            bool exact = true;
            for (std::size_t i = 0; i < values.size() && exact; ++i)
                exact = valueFits(t.fields[i].kind, values[i]);
            searchPending[id] =
                exact ? std::optional<FieldValues>(std::move(values)) : std::nullopt;
        }
        return {};
    }
    if (t.type == RecordType::Student)
        if (auto st = updateSearch(id); !st)
            return st;
    return saveClock();
}

Status Store::Impl::endAuditGroup(const std::string& user) {
    if (!auditGroup)
        return {};
    std::vector<AuditLine> lines = std::move(*auditGroup);
    auditGroup.reset();
    if (lines.empty())
        return {};
    // One entry for the group: the first record's type and id (an import: the student), and
    // every record with its action and the fields it logged:
    // "create student <id>: county,name,...; create co_borrower <id>: ...".
    std::string summary;
    char idText[36];
    for (const AuditLine& l : lines) {
        if (!summary.empty())
            summary += "; ";
        l.id.format(idText);
        summary += l.action;
        summary += ' ';
        summary += toCode(l.type);
        summary += ' ';
        summary.append(idText, sizeof idText);
        summary += ": ";
        summary += l.fields;
    }
    const AuditLine& first = lines.front();
    return appendAudit("group", first.type, first.id, first.county, summary, user);
}

Status Store::Impl::finishBatch() {
    for (const auto& [id, stored] : searchPending)
        if (auto st = updateSearch(id, stored ? &*stored : nullptr); !st)
            return st;
    searchPending.clear();
    if (auto st = finishAuditChain(); !st)
        return st;
    return saveClock();
}

namespace {
// Records of type R whose Id field `field` (checked by the caller) equals `parentId`, oldest
// first; fields the access level withholds are emptied when `withhold`.
template <class R>
Result<std::vector<R>> rowsWhere(Store::Impl& impl, std::string_view field, const Uuid& parentId,
                                 bool withhold) {
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    auto st = impl.db.cached(selectSql(t, "WHERE " + std::string(field) + " = ? ORDER BY rowid"));
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, parentId);
    std::vector<R> out;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        FieldValues v;
        for (std::size_t i = 0; i < t.fields.size(); ++i)
            v.push_back(impl.readValue(s, static_cast<int>(i) + 1, t, i));
        if (withhold)
            impl.withhold(t, v);
        out.push_back(fromValues<R>(s.uuid(0), v));
    }
    return out;
}
} // namespace

Status Store::Impl::changeStatusInTx(const Uuid& applicationId, LoanStatus to,
                                     const std::string& reason, const Actor& who) {
    const TableSpec& t = tableSpec(RecordType::LoanApplication);
    auto cur = readValues(t, applicationId);
    if (!cur)
        return cur.error();
    if (!*cur)
        return Error("store.not_found", {{"id", applicationId.str()}});
    auto app = fromValues<LoanApplication>(applicationId, **cur);
    // An overdue loan returns to the status it fell overdue from (issue #20.16).
    std::optional<LoanStatus> overdueFrom;
    if (app.status == LoanStatus::Overdue) {
        auto history = rowsWhere<StatusChange>(*this, "application_id", applicationId, false);
        if (!history)
            return history.error();
        overdueFrom = statusBeforeOverdue(*history);
    }
    if (!canTransition(app.status, to, overdueFrom))
        return Error("store.bad_transition",
                     {{"from", std::string(toCode(app.status))}, {"to", std::string(toCode(to))}});
    StatusChange change{newUuidV7(), app.county, applicationId, app.status,
                        to,          who.user,   systemNowMs(), reason};
    app.status = to;
    if (auto st = writeRecord(t, applicationId, toValues(app), who, "status"); !st)
        return st;
    return writeRecord(tableSpec(RecordType::StatusChange), change.id, toValues(change), who);
}

// ---- Store ------------------------------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& dataDir,
                                           const OpenOptions& options) {
    auto db = openDatabase(dataDir, options);
    if (!db)
        return db.error();
    auto impl = std::make_unique<Impl>();
    impl->dataDir = dataDir;
    impl->codec = FieldCodec(dataDir);
    impl->db = std::move(*db);
    Db& d = impl->db;

    auto device = d.queryText("SELECT value FROM meta WHERE key = 'device_id'");
    if (!device)
        return device.error();
    if (*device && Uuid::parse(**device)) {
        impl->device = *Uuid::parse(**device);
    } else {
        impl->device = newDeviceId();
        auto st = d.prepare("INSERT INTO meta(key, value) VALUES('device_id', ?)"
                            " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (!st)
            return st.error();
        st->bind(1, impl->device.str());
        if (auto r = st->run(); !r)
            return r.error();
    }
    auto offset = d.queryText("SELECT value FROM meta WHERE key = 'clock_offset_ms'");
    if (!offset)
        return offset.error();
    if (*offset)
        impl->clockOffsetMs = std::strtoll((*offset)->c_str(), nullptr, 10);
    // Stamps never go backwards across restarts, even when the wall clock does.
    auto hlc = d.queryText("SELECT value FROM meta WHERE key = 'hlc'");
    if (!hlc)
        return hlc.error();
    if (*hlc)
        if (auto h = Hlc::parse(**hlc))
            impl->clock.observe(*h);
    if (auto st = impl->prepareKey(); !st)
        return st.error();
    if (impl->codec.ready())
        if (auto st = impl->requireKey(); !st)
            return st.error();
    if (impl->codec.ready())
        if (auto st = impl->rebuildSearchIfStale(); !st)
            return st.error();
    return std::unique_ptr<Store>(new Store(std::move(impl)));
}

std::int64_t Store::clockOffsetMs() const {
    return m_impl->clockOffsetMs.load();
}

Status Store::setClockOffset(std::int64_t ms) {
    // Jitter of a round trip is not a clock error: a change under a second is not kept.
    if (std::llabs(ms - m_impl->clockOffsetMs.load()) < 1000)
        return {};
    auto st = m_impl->db.prepare("INSERT INTO meta(key, value) VALUES('clock_offset_ms', ?)"
                                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    st->bind(1, std::to_string(ms));
    if (auto r = st->run(); !r)
        return r.error();
    m_impl->clockOffsetMs = ms;
    return {};
}

const std::filesystem::path& Store::dataDir() const {
    return m_impl->dataDir;
}
DeviceId Store::deviceId() const {
    return m_impl->device;
}
const FieldCodec& Store::codec() const {
    return m_impl->codec;
}
Db& Store::db() {
    return m_impl->db;
}

void Store::setAccess(Access access) {
    m_impl->access.store(access);
}
Access Store::access() const {
    return m_impl->access.load();
}
bool Store::withholds(RecordType type, std::string_view field) const {
    return withheldFrom(m_impl->access.load(), type, field);
}
Status Store::requireExport() const {
    Access a = m_impl->access.load();
    if (!mayExport(a))
        return accessDenied(a, "export");
    return {};
}

template <class R> Status Store::save(const R& record, const Actor& who) {
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    m_impl->consentPending.clear();
    if (auto st =
            m_impl->writeRecord(tableSpec(recordTypeOf<R>()), record.id, toValues(record), who);
        !st)
        return st;
    if (auto st = m_impl->checkConsents(); !st)
        return st;
    return tx.commit();
}

Status Store::Impl::updateRecord(const TableSpec& t, const Uuid& id, const FieldValues& loaded,
                                 const FieldValues& edited, const Actor& who) {
    if (loaded.size() != t.fields.size() || edited.size() != t.fields.size())
        return Error("store.bad_record", {{"type", std::string(t.table)}}, "field count");
    auto stored = readValues(t, id);
    if (!stored)
        return stored.error();
    if (!*stored) // not stored (yet): what the journey made is the record
        return writeRecord(t, id, edited, who);
    FieldValues values = std::move(**stored);
    std::vector<bool> mask(values.size(), false);
    for (std::size_t i = 0; i < values.size(); ++i)
        if (edited[i] != loaded[i]) {
            values[i] = edited[i];
            mask[i] = true;
        }
    return writeRecord(t, id, values, who, {}, -1, false, &mask);
}

template <class R> Status Store::update(const R& loaded, const R& edited, const Actor& who) {
    if (!(loaded.id == edited.id))
        return Error("store.bad_record", {{"type", std::string(tableSpec(recordTypeOf<R>()).table)}},
                     "update of another record");
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    m_impl->consentPending.clear();
    if (auto st = m_impl->updateRecord(tableSpec(recordTypeOf<R>()), edited.id, toValues(loaded),
                                       toValues(edited), who);
        !st)
        return st;
    if (auto st = m_impl->checkConsents(); !st)
        return st;
    return tx.commit();
}

template <class R> Result<std::optional<R>> Store::get(const Uuid& id) {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    auto v = m_impl->readValues(t, id);
    if (!v)
        return v.error();
    if (!*v)
        return std::optional<R>();
    m_impl->withhold(t, **v);
    return std::optional<R>(fromValues<R>(id, **v));
}

template <class R>
Result<std::vector<R>> Store::list(std::string_view field, const Uuid& parentId) {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    int fi = t.indexOf(field);
    if (fi < 0 || t.fields[static_cast<std::size_t>(fi)].kind != FieldKind::Id)
        return Error("store.bad_query", {{"field", std::string(field)}});
    return rowsWhere<R>(*m_impl, field, parentId, true);
}

template <class R> Status Store::forEach(const std::function<bool(const R&)>& visit) {
    if (auto st = m_impl->mayRead(); !st)
        return st;
    if (auto k = m_impl->requireKey(); !k)
        return k;
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    auto st = m_impl->db.prepare(selectSql(t, "ORDER BY rowid"));
    if (!st)
        return st.error();
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        FieldValues v;
        for (std::size_t i = 0; i < t.fields.size(); ++i)
            v.push_back(m_impl->readValue(*st, static_cast<int>(i) + 1, t, i));
        m_impl->withhold(t, v);
        if (!visit(fromValues<R>(st->uuid(0), v)))
            return {};
    }
}

Result<std::int64_t> Store::count(RecordType type) {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    auto n = m_impl->db.queryInt("SELECT count(*) FROM " + std::string(toCode(type)));
    if (!n)
        return n.error();
    return n->value_or(0);
}

namespace {
template <class R> Result<std::vector<R>> byLookup(Store::Impl& impl, std::string_view idNumber) {
    if (auto st = impl.mayRead(); !st)
        return st.error();
    if (auto k = impl.requireKey(); !k)
        return k.error();
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    auto st = impl.db.cached(selectSql(t, "WHERE id_lookup = ? ORDER BY rowid"));
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, impl.lookupFor(std::string(idNumber)));
    std::vector<R> out;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        FieldValues v;
        for (std::size_t i = 0; i < t.fields.size(); ++i)
            v.push_back(impl.readValue(s, static_cast<int>(i) + 1, t, i));
        impl.withhold(t, v);
        out.push_back(fromValues<R>(s.uuid(0), v));
    }
}
} // namespace

Result<std::vector<Student>> Store::studentsByIdNumber(std::string_view idNumber) {
    return byLookup<Student>(*m_impl, idNumber);
}

Result<std::vector<CoBorrower>> Store::coBorrowersByIdNumber(std::string_view idNumber) {
    return byLookup<CoBorrower>(*m_impl, idNumber);
}

Result<bool> Store::contractNumberTaken(std::string_view county, int year,
                                        std::string_view contractNumber, const Uuid& exceptId) {
    const std::string wanted = core::normalizeContractCode(contractNumber);
    const std::string yearText = std::to_string(year);
    bool taken = false;
    Status st = forEach<Contract>([&](const Contract& c) {
        taken = c.id != exceptId && c.county == county &&
                c.signingDate.substr(0, std::min<std::size_t>(4, c.signingDate.size())) ==
                    yearText &&
                core::normalizeContractCode(c.contractNumber) == wanted;
        return !taken;
    });
    if (!st)
        return st.error();
    return taken;
}

Result<std::vector<SearchHit>> Store::search(std::string_view query, int limit) {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    // A whole resident ID number is not in the search index (it is encrypted): find it through
    // the keyed blind index instead.
    const std::string idn = normalizeIdNumber(query);
    if ((idn.size() == 18 || idn.size() == 15) &&
        idn.find_first_not_of("0123456789X") == std::string::npos) {
        auto found = studentsByIdNumber(idn);
        if (!found)
            return found.error();
        std::vector<SearchHit> hits;
        for (const Student& s : *found) {
            if (static_cast<int>(hits.size()) >= limit)
                break;
            SearchHit h;
            h.studentId = s.id;
            h.name = s.name;
            h.township = s.township;
            h.village = s.village;
            h.school = s.university.empty() ? s.highSchool : s.university;
            h.idTail = s.idNumber.substr(s.idNumber.size() - 4);
            hits.push_back(std::move(h));
        }
        return hits;
    }
    return m_impl->search(query, limit);
}

Status Store::changeStatus(const Uuid& applicationId, LoanStatus to, const std::string& reason,
                           const Actor& who) {
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    if (auto st = m_impl->changeStatusInTx(applicationId, to, reason, who); !st)
        return st;
    return tx.commit();
}

Batch Store::batch(const Actor& who) {
    return Batch(*this, who);
}

Status Store::audit(std::string_view action, RecordType type, const Uuid& recordId,
                    std::string_view county, std::string_view summary, const Actor& who) {
    if (auto st = m_impl->mayWrite(); !st)
        return st;
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    if (auto st = m_impl->appendAudit(action, type, recordId, county, summary, who.user); !st)
        return st;
    return tx.commit();
}

Result<std::vector<AuditEntry>> Store::auditTrail(std::int64_t afterSeq, int limit) {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    auto st = m_impl->db.prepare("SELECT id, county, at_ms, user, device, action, record_type,"
                                 " record_id, summary FROM audit_entry WHERE seq > ?"
                                 " ORDER BY seq LIMIT ?");
    if (!st)
        return st.error();
    st->bind(1, afterSeq).bind(2, limit);
    std::vector<AuditEntry> out;
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        AuditEntry a;
        a.id = st->uuid(0);
        a.county = st->text(1);
        a.atMs = st->i64(2);
        a.user = st->text(3);
        a.deviceId = st->uuid(4);
        a.action = st->text(5);
        a.recordType = fromCode<RecordType>(st->text(6)).value_or(RecordType::AuditEntry);
        a.recordId = st->uuid(7);
        a.summary = st->text(8);
        out.push_back(std::move(a));
    }
}

Result<StoreStats> Store::stats() {
    if (auto st = m_impl->mayRead(); !st)
        return st.error();
    StoreStats s;
    for (RecordType t : syncedRecordTypes()) {
        auto n = count(t);
        if (!n)
            return n.error();
        s.records.emplace_back(t, *n);
    }
    auto q = [&](const char* sql, std::int64_t& out) -> Status {
        auto n = m_impl->db.queryInt(sql);
        if (!n)
            return n.error();
        out = n->value_or(0);
        return {};
    };
    if (auto st = q(kPendingCountSql, s.pendingChanges); !st)
        return st.error();
    if (auto st = q("SELECT count(*) FROM conflict WHERE resolved_ms IS NULL", s.openConflicts);
        !st)
        return st.error();
    if (auto st = q("SELECT count(*) FROM quarantine WHERE resolved_ms IS NULL", s.quarantined);
        !st)
        return st.error();
    if (auto st = q("SELECT count(*) FROM audit_entry", s.auditEntries); !st)
        return st.error();
    if (auto st = q("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                    s.databaseBytes);
        !st)
        return st.error();
    return s;
}

Result<std::vector<std::string>> Store::check() {
    auto problems = checkDatabase(m_impl->db);
    if (!problems)
        return problems;
    auto audit = m_impl->verifyAuditChain();
    if (!audit)
        return audit.error();
    problems->insert(problems->end(), audit->begin(), audit->end());
    return problems;
}

Status Store::verify() {
    auto problems = quickCheck(m_impl->db);
    if (!problems)
        return problems.error();
    if (!problems->empty())
        return Error("store.damaged", {{"path", databasePath(m_impl->dataDir).string()}},
                     problems->front());
    return {};
}
Result<std::filesystem::path> Store::backup() {
    return backupToDir(m_impl->db, m_impl->dataDir);
}
Status Store::backupTo(const std::filesystem::path& file) {
    return backupDatabase(m_impl->db, file);
}

// ---- Batch ------------------------------------------------------------------------------------

Batch::Batch(Store& store, Actor who)
    : m_store(&store), m_who(std::move(who)),
      m_tx(std::make_unique<Transaction>(store.m_impl->db)) {
    if (!m_tx->begun())
        m_failed = m_tx->begun();
    m_store->m_impl->batching = true;
    m_store->m_impl->searchPending.clear();
    m_store->m_impl->batchAuditHead.reset();
    m_store->m_impl->consentPending.clear();
    m_store->m_impl->auditGroup.reset();
}

Batch::Batch(Batch&& o) noexcept
    : m_store(o.m_store), m_who(std::move(o.m_who)), m_tx(std::move(o.m_tx)),
      m_failed(std::move(o.m_failed)) {}

Batch::~Batch() {
    if (m_tx && m_store) { // never committed: rolled back with the transaction
        m_store->m_impl->batching = false;
        m_store->m_impl->searchPending.clear();
        m_store->m_impl->batchAuditHead.reset();
        m_store->m_impl->auditGroup.reset();
    }
}

template <class R> Status Batch::save(const R& record) {
    return write(tableSpec(recordTypeOf<R>()), record.id, toValues(record), false);
}

template <class R> Status Batch::create(const R& record) {
    return write(tableSpec(recordTypeOf<R>()), record.id, toValues(record), true);
}

template <class R> Status Batch::update(const R& loaded, const R& edited) {
    if (!m_failed)
        return m_failed;
    if (!m_tx)
        return Error("store.batch_closed");
    const TableSpec& t = tableSpec(recordTypeOf<R>());
    Status st = loaded.id == edited.id
                    ? m_store->m_impl->updateRecord(t, edited.id, toValues(loaded), toValues(edited), m_who)
                    : Status(Error("store.bad_record", {{"type", std::string(t.table)}}, "update of another record"));
    if (!st)
        m_failed = st;
    return st;
}

Status Batch::write(const TableSpec& t, const Uuid& id, const FieldValues& values, bool fresh) {
    if (!m_failed)
        return m_failed;
    if (!m_tx)
        return Error("store.batch_closed");
    auto st = m_store->m_impl->writeRecord(t, id, values, m_who, {}, -1, fresh);
    if (!st)
        m_failed = st; // a failed write poisons the batch: commit must not save the rest
    return st;
}

void Batch::beginAuditGroup() {
    if (m_tx && !m_store->m_impl->auditGroup)
        m_store->m_impl->auditGroup.emplace();
}

Status Batch::endAuditGroup() {
    if (!m_failed)
        return m_failed;
    if (!m_tx)
        return Error("store.batch_closed");
    auto st = m_store->m_impl->endAuditGroup(m_who.user);
    if (!st)
        m_failed = st;
    return st;
}

Status Batch::changeStatus(const Uuid& applicationId, LoanStatus to, const std::string& reason) {
    if (!m_failed)
        return m_failed;
    if (!m_tx)
        return Error("store.batch_closed");
    auto st = m_store->m_impl->changeStatusInTx(applicationId, to, reason, m_who);
    if (!st)
        m_failed = st;
    return st;
}

Status Batch::commit() {
    if (!m_tx)
        return Error("store.batch_closed");
    Store::Impl& impl = *m_store->m_impl;
    // An open audit group is written before the chain is closed: no record goes unaudited.
    if (m_failed)
        if (auto st = impl.endAuditGroup(m_who.user); !st)
            m_failed = st;
    impl.auditGroup.reset();
    impl.batching = false;
    // Checked at commit, not per save: a batch may save the data and the consent in any order.
    if (m_failed)
        if (auto st = impl.checkConsents(); !st)
            m_failed = st;
    if (m_failed)
        if (auto st = impl.finishBatch(); !st)
            m_failed = st;
    impl.searchPending.clear();
    impl.batchAuditHead.reset();
    if (!m_failed) {
        m_tx.reset(); // rolls back
        return m_failed;
    }
    auto st = m_tx->commit();
    m_tx.reset();
    return st;
}

#define ZHUXUE_STORE_RECORD(R)                                                                     \
    template Status Store::save<R>(const R&, const Actor&);                                        \
    template Status Store::update<R>(const R&, const R&, const Actor&);                            \
    template Status Batch::update<R>(const R&, const R&);                                          \
    template Result<std::optional<R>> Store::get<R>(const Uuid&);                                  \
    template Result<std::vector<R>> Store::list<R>(std::string_view, const Uuid&);                 \
    template Status Store::forEach<R>(const std::function<bool(const R&)>&);                       \
    template Status Batch::save<R>(const R&);                                                  \
    template Status Batch::create<R>(const R&);
ZHUXUE_STORE_RECORD(Student)
ZHUXUE_STORE_RECORD(Household)
ZHUXUE_STORE_RECORD(HouseholdMember)
ZHUXUE_STORE_RECORD(CoBorrower)
ZHUXUE_STORE_RECORD(LoanApplication)
ZHUXUE_STORE_RECORD(StatusChange)
ZHUXUE_STORE_RECORD(Contract)
ZHUXUE_STORE_RECORD(MaterialsChecklist)
ZHUXUE_STORE_RECORD(HardshipAssessment)
ZHUXUE_STORE_RECORD(DemocraticReview)
ZHUXUE_STORE_RECORD(HomeVisit)
ZHUXUE_STORE_RECORD(Attachment)
ZHUXUE_STORE_RECORD(PostLoanEvent)
ZHUXUE_STORE_RECORD(Consent)
ZHUXUE_STORE_RECORD(VisitAssignment)
#undef ZHUXUE_STORE_RECORD

} // namespace zhuxue::store
