// The store's side of sync: the outbox, field versions, applying remote changes, conflicts and
// quarantine. The merge decision is made by sync/protocol; this file only stores its outcome.
#include "store_impl.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace zhuxue::store {

namespace {

constexpr const char* kOutboxColumns =
    "change_id, record_type, record_id, county, field, value, hlc, device, base_hlc";

Hlc hlcAt(const Stmt& s, int col) {
    return Hlc{static_cast<std::uint64_t>(s.i64(col))};
}

// Reads the kOutboxColumns at offset `c` of a row.
OutboxChange readChange(Store::Impl& impl, const Stmt& s, int c) {
    OutboxChange ch;
    ch.changeId = s.uuid(c);
    ch.recordType = fromCode<RecordType>(s.text(c + 1)).value_or(RecordType::Student);
    ch.recordId = s.uuid(c + 2);
    ch.county = s.text(c + 3);
    ch.field = s.text(c + 4);
    ch.valueJson = impl.decodeLogged(tableSpec(ch.recordType), ch.field, s.text(c + 5));
    ch.hlc = hlcAt(s, c + 6);
    ch.device = s.uuid(c + 7);
    if (!s.isNull(c + 8))
        ch.base = hlcAt(s, c + 8);
    return ch;
}

// The field names a creation row's field ("*name,name,...") stands for (field_version and
// outbox rows alike).
std::vector<std::string_view> createdFields(std::string_view created) {
    std::vector<std::string_view> out;
    std::string_view names = created.substr(1);
    while (!names.empty()) {
        std::size_t comma = names.find(',');
        out.push_back(names.substr(0, comma));
        if (comma == std::string_view::npos)
            break;
        names.remove_prefix(comma + 1);
    }
    return out;
}

// A creation row's values: each field's JSON text as "<length>:<json>" (exact bytes back, no
// JSON parse and re-dump that could change a number's spelling).
std::string packValues(std::span<const std::string> values) {
    std::size_t n = 0;
    for (const std::string& v : values)
        n += v.size() + 8;
    std::string out;
    out.reserve(n);
    for (const std::string& v : values) {
        out += std::to_string(v.size());
        out += ':';
        out += v;
    }
    return out;
}

std::optional<std::vector<std::string>> unpackValues(std::string_view packed) {
    std::vector<std::string> out;
    while (!packed.empty()) {
        std::size_t colon = packed.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon > 10)
            return std::nullopt;
        std::size_t len = 0;
        for (char c : packed.substr(0, colon)) {
            if (c < '0' || c > '9')
                return std::nullopt;
            len = len * 10 + static_cast<std::size_t>(c - '0');
        }
        packed.remove_prefix(colon + 1);
        if (len > packed.size())
            return std::nullopt;
        out.emplace_back(packed.substr(0, len));
        packed.remove_prefix(len);
    }
    return out;
}

bool isCreation(std::string_view field) {
    return !field.empty() && field[0] == '*';
}

// A creation row of the outbox, unpacked (Store::Impl::appendCreatedChange).
struct CreationRow {
    std::int64_t seq = 0;
    Uuid creation;
    RecordType recordType = RecordType::Student;
    Uuid recordId;
    std::string county;
    std::vector<std::string> names;
    std::vector<std::string> values; // plain JSON texts, one per name
    Hlc hlc;
    DeviceId device;
    bool sealed = false;
    bool changed = false;
};

// Reads "seq, kOutboxColumns" at column 0 of a creation row. Values that cannot be opened (a
// damaged file) read as null, like per-field rows (decodeLogged).
CreationRow readCreation(Store::Impl& impl, const Stmt& s) {
    CreationRow r;
    r.seq = s.i64(0);
    r.creation = s.uuid(1);
    r.recordType = fromCode<RecordType>(s.text(2)).value_or(RecordType::Student);
    r.recordId = s.uuid(3);
    r.county = s.text(4);
    const std::string field = s.text(5);
    for (std::string_view name : createdFields(field))
        r.names.emplace_back(name);
    const std::string stored = s.text(6);
    r.sealed = FieldCodec::sealed(stored);
    auto plain = impl.codec.decode(toCode(r.recordType), "*", stored);
    std::optional<std::vector<std::string>> values;
    if (plain)
        values = unpackValues(*plain);
    if (values && values->size() == r.names.size())
        r.values = std::move(*values);
    else
        r.values.assign(r.names.size(), "null");
    r.hlc = hlcAt(s, 7);
    r.device = s.uuid(8);
    return r;
}

OutboxChange creationChange(const CreationRow& r, std::size_t k) {
    OutboxChange ch;
    ch.seq = r.seq;
    ch.changeId = Store::Impl::fieldChangeId(r.creation, r.names[k]);
    ch.recordType = r.recordType;
    ch.recordId = r.recordId;
    ch.county = r.county;
    ch.field = r.names[k];
    ch.valueJson = r.values[k];
    ch.hlc = r.hlc;
    ch.device = r.device;
    return ch;
}

bool isSynced(RecordType t) {
    for (RecordType s : syncedRecordTypes())
        if (s == t)
            return true;
    return false;
}

} // namespace

Result<std::vector<OutboxChange>> Store::pendingChanges(int limit) {
    if (auto a = m_impl->mayRead(); !a)
        return a.error();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    // LIMIT counts rows; a creation row holds several changes, so never more rows than that.
    auto st = m_impl->db.cached(std::string("SELECT seq, ") + kOutboxColumns +
                                " FROM outbox ORDER BY seq LIMIT ?");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, limit);
    std::vector<OutboxChange> out;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        if (out.size() >= static_cast<std::size_t>(std::max(limit, 0))) {
            s.reset();
            return out;
        }
        const Access access = m_impl->access.load();
        auto add = [&](OutboxChange ch) {
            if (withheldFrom(access, ch.recordType, ch.field))
                ch.valueJson = "null";
            out.push_back(std::move(ch));
        };
        if (isCreation(s.text(5))) {
            const CreationRow r = readCreation(*m_impl, s);
            for (std::size_t k = 0; k < r.names.size() && out.size() < static_cast<std::size_t>(limit);
                 ++k)
                add(creationChange(r, k));
            continue;
        }
        OutboxChange ch = readChange(*m_impl, s, 1);
        ch.seq = s.i64(0);
        add(std::move(ch));
    }
}

Result<std::int64_t> Store::pendingCount() {
    auto n = m_impl->db.queryInt(kPendingCountSql);
    if (!n)
        return n.error();
    return n->value_or(0);
}

Result<std::vector<Uuid>> Store::pendingCreationTails() {
    auto st = m_impl->db.cached("SELECT change_id, field FROM outbox"
                                " WHERE substr(field, 1, 1) = '*' ORDER BY seq");
    if (!st)
        return st.error();
    Stmt& s = **st;
    std::vector<Uuid> out;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        const std::string field = s.text(1);
        const auto names = createdFields(field);
        if (!names.empty())
            out.push_back(Impl::fieldChangeId(s.uuid(0), names.back()));
    }
}

Status Store::markAcknowledged(std::span<const Uuid> changeIds,
                               const std::function<Status()>& after) {
    if (auto a = m_impl->mayWrite(); !a)
        return a;
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    auto st = m_impl->db.cached("DELETE FROM outbox WHERE change_id = ?");
    if (!st)
        return st.error();
    std::vector<Uuid> fromCreations;
    for (const Uuid& id : changeIds) {
        (*st)->bind(1, id);
        if (auto r = (*st)->run(); !r)
            return r;
        if (m_impl->db.changes() == 0)
            fromCreations.push_back(id);
    }
    if (!fromCreations.empty())
        if (auto r = m_impl->takeCreatedFields(fromCreations, nullptr); !r)
            return r;
    if (after)
        if (auto r = after(); !r)
            return r;
    return tx.commit();
}

Result<std::optional<FieldVersion>> Store::fieldVersion(const Uuid& recordId,
                                                        std::string_view field) {
    return m_impl->versionOf(recordId, field);
}

Result<std::vector<FieldVersion>> Store::fieldVersions(const Uuid& recordId) {
    return m_impl->versionsOf(recordId);
}

// ---- creation rows of the outbox ----------------------------------------------------------------

Status Store::Impl::appendCreatedChange(const TableSpec& t, const Uuid& recordId,
                                        std::string_view county, const Uuid& creation,
                                        std::string_view names,
                                        std::span<const std::string> values, bool sealed,
                                        std::int64_t hlc) {
    std::string packed = packValues(values);
    if (sealed)
        packed = codec.encode(t.table, "*", packed);
    const std::string field = "*" + std::string(names);
    auto ob = outboxInsert(1);
    if (!ob)
        return ob.error();
    Stmt& o = **ob;
    o.bindRef(1, creation).bindRef(2, t.table).bindRef(3, recordId).bindRef(4, county);
    o.bindRef(5, field).bindRef(6, packed).bind(7, hlc).bindRef(8, device).bindNull(9);
    return o.run();
}

Status Store::Impl::takeCreatedFields(std::span<const Uuid> changeIds,
                                      std::vector<OutboxChange>* taken) {
    // A field's change id keeps the creation id's first 8 bytes (fieldChangeId): the creation
    // rows that can hold it are found by that prefix on the change_id index, then by the hash.
    auto find = db.cached(std::string("SELECT seq, ") + kOutboxColumns +
                          " FROM outbox WHERE change_id BETWEEN ? AND ?"
                          " AND substr(field, 1, 1) = '*'");
    if (!find)
        return find.error();
    std::map<std::int64_t, CreationRow> rows;
    for (const Uuid& id : changeIds) {
        std::array<std::uint8_t, 16> lo{}, hi{};
        std::copy_n(id.bytes.begin(), 8, lo.begin());
        std::copy_n(id.bytes.begin(), 8, hi.begin());
        std::fill(hi.begin() + 8, hi.end(), 0xff);
        Stmt& f = **find;
        f.bindBlob(1, lo.data(), 16).bindBlob(2, hi.data(), 16);
        std::vector<std::int64_t> candidates;
        while (true) {
            auto row = f.step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            const std::int64_t seq = f.i64(0);
            candidates.push_back(seq);
            if (!rows.contains(seq))
                rows.emplace(seq, readCreation(*this, f));
        }
        f.reset();
        for (std::int64_t seq : candidates) {
            CreationRow& r = rows.at(seq);
            std::size_t k = 0;
            while (k < r.names.size() && fieldChangeId(r.creation, r.names[k]) != id)
                ++k;
            if (k == r.names.size())
                continue;
            if (taken)
                taken->push_back(creationChange(r, k));
            r.names.erase(r.names.begin() + static_cast<std::ptrdiff_t>(k));
            r.values.erase(r.values.begin() + static_cast<std::ptrdiff_t>(k));
            r.changed = true;
            break;
        }
    }
    auto del = db.cached("DELETE FROM outbox WHERE seq = ?");
    auto up = db.cached("UPDATE outbox SET field = ?, value = ? WHERE seq = ?");
    if (!del)
        return del.error();
    if (!up)
        return up.error();
    for (auto& [seq, r] : rows) {
        if (!r.changed)
            continue;
        if (r.names.empty()) {
            (*del)->bind(1, seq);
            if (auto st = (*del)->run(); !st)
                return st;
            continue;
        }
        std::string field = "*";
        for (const std::string& n : r.names)
            field += (field.size() > 1 ? "," : "") + n;
        std::string packed = packValues(r.values);
        if (r.sealed)
            packed = codec.encode(toCode(r.recordType), "*", packed);
        (*up)->bind(1, field).bind(2, packed).bind(3, seq);
        if (auto st = (*up)->run(); !st)
            return st;
    }
    return {};
}

// ---- field versions ---------------------------------------------------------------------------

Uuid Store::Impl::fieldChangeId(const Uuid& recordChange, std::string_view field) {
    // The creation id's time and counter (bytes 0-7: UUIDv7, unique per id made in this
    // process), then 62 bits of SipHash-2-4 over the creation id and the field name (a fixed
    // key: the inputs are our own field names, only distinctness matters): the same change id
    // every time it is read, different for every field. SipHash, not BLAKE2b: an import derives
    // ~1,000,000 of these.
    static const unsigned char kKey[crypto_shorthash_KEYBYTES] = {'z', 'h', 'u', 'x', 'u', 'e',
                                                                  '.', 'f', 'i', 'e', 'l', 'd'};
    unsigned char msg[16 + 256];
    const std::size_t n = std::min(field.size(), sizeof msg - 16);
    std::memcpy(msg, recordChange.bytes.data(), 16);
    std::memcpy(msg + 16, field.data(), n);
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, msg, 16 + n, kKey);
    Uuid id = recordChange;
    for (std::size_t i = 0; i < sizeof h; ++i)
        id.bytes[8 + i] = h[i];
    id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3f));
    return id;
}

Result<std::optional<FieldVersion>> Store::Impl::versionOf(const Uuid& recordId,
                                                           std::string_view field) {
    auto own = db.cached(
        "SELECT hlc, device, change_id FROM field_version WHERE record_id = ? AND field = ?");
    if (!own)
        return own.error();
    Stmt& s = **own;
    s.bind(1, recordId).bind(2, field);
    auto row = s.step();
    if (!row)
        return row.error();
    if (*row) {
        FieldVersion v{recordId, std::string(field), hlcAt(s, 0), s.uuid(1), s.uuid(2)};
        s.reset();
        return std::optional<FieldVersion>(std::move(v));
    }
    auto created = db.cached("SELECT field, hlc, device, change_id FROM field_version"
                             " WHERE record_id = ? AND field >= '*' AND field < '+'");
    if (!created)
        return created.error();
    Stmt& c = **created;
    c.bind(1, recordId);
    auto crow = c.step();
    if (!crow)
        return crow.error();
    if (!*crow)
        return std::optional<FieldVersion>();
    std::optional<FieldVersion> out;
    const std::string names = c.text(0);
    const auto fields = createdFields(names);
    if (std::ranges::find(fields, field) != fields.end())
        out = FieldVersion{recordId, std::string(field), hlcAt(c, 1), c.uuid(2),
                           fieldChangeId(c.uuid(3), field)};
    c.reset();
    return out;
}

Result<std::vector<FieldVersion>> Store::Impl::versionsOf(const Uuid& recordId) {
    auto st =
        db.cached("SELECT field, hlc, device, change_id FROM field_version WHERE record_id = ?");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, recordId);
    std::vector<FieldVersion> out;
    std::optional<FieldVersion> created;
    while (true) {
        auto row = s.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        FieldVersion v{recordId, s.text(0), hlcAt(s, 1), s.uuid(2), s.uuid(3)};
        if (v.field.starts_with('*'))
            created = std::move(v);
        else
            out.push_back(std::move(v));
    }
    if (created) {
        const std::size_t own = out.size();
        for (std::string_view name : createdFields(created->field)) {
            bool has = false;
            for (std::size_t i = 0; i < own && !has; ++i)
                has = out[i].field == name;
            if (!has)
                out.push_back(FieldVersion{recordId, std::string(name), created->hlc,
                                           created->device,
                                           fieldChangeId(created->changeId, name)});
        }
        std::sort(out.begin(), out.end(),
                  [](const FieldVersion& a, const FieldVersion& b) { return a.field < b.field; });
    }
    return out;
}

namespace {

// Keeps both sides of a concurrent edit: the value this device holds now and the remote one.
Status insertConflict(Store::Impl& impl, const TableSpec& t, int field, const RemoteChange& c,
                      const FieldValues* local) {
    auto version = impl.versionOf(c.recordId, c.field);
    if (!version)
        return version.error();
    std::optional<std::int64_t> localHlc;
    Uuid localDevice;
    if (*version) {
        localHlc = static_cast<std::int64_t>((*version)->hlc.value);
        localDevice = (*version)->device;
    }
    auto st = impl.db.cached(
        "INSERT INTO conflict(id, record_type, record_id, county, field, local_value, local_hlc,"
        " local_device, remote_value, remote_hlc, remote_device, remote_change_id, created_ms)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return st.error();
    Stmt& s = **st;
    s.bind(1, newUuidV7()).bind(2, t.table).bind(3, c.recordId).bind(4, c.county).bind(5, c.field);
    std::string localJson =
        local ? (*local)[static_cast<std::size_t>(field)].dump() : std::string("null");
    s.bind(6, impl.encodeLogged(t, c.field, localJson)).bind(7, localHlc).bind(8, localDevice);
    s.bind(9, impl.encodeLogged(t, c.field, c.valueJson));
    s.bind(10, static_cast<std::int64_t>(c.hlc.value)).bind(11, c.device).bind(12, c.changeId);
    s.bind(13, systemNowMs());
    return s.run();
}

Status writeRemoteField(Store::Impl& impl, const TableSpec& t, int field, const RemoteChange& c,
                        const json& value) {
    const std::string table(t.table);
    const FieldSpec& f = t.fields[static_cast<std::size_t>(field)];
    // Parents named by the field are created as empty rows when they have not arrived yet; their
    // own fields fill them when they do (changes may arrive in any order across batches).
    if (f.kind == FieldKind::Id && !f.refTable.empty() && value.is_string()) {
        auto stub = impl.db.cached("INSERT INTO " + std::string(f.refTable) +
                                   "(id, county) VALUES(?, ?) ON CONFLICT(id) DO NOTHING");
        if (!stub)
            return stub.error();
        (*stub)->bind(1, *Uuid::parse(value.get<std::string>())).bind(2, c.county);
        if (auto st = (*stub)->run(); !st)
            return st;
    }
    // The record is created (id and county) when this is its first field here, else the field
    // is updated: one statement either way.
    bool lookup = f.name == "id_number";
    const bool isCounty = f.name == "county";
    std::string cols = "id, county", sets;
    if (!isCounty) {
        cols += ", " + std::string(f.name);
        sets = std::string(f.name) + " = excluded." + std::string(f.name);
    } else {
        sets = "county = excluded.county";
    }
    if (lookup) {
        cols += ", id_lookup";
        sets += ", id_lookup = excluded.id_lookup";
    }
    auto up = impl.db.cached("INSERT INTO " + table + "(" + cols + ") VALUES(?, ?" +
                             (isCounty ? "" : ", ?") + (lookup ? ", ?" : "") +
                             ") ON CONFLICT(id) DO UPDATE SET " + sets);
    if (!up)
        return up.error();
    Stmt& u = **up;
    u.bind(1, c.recordId);
    int next = 2;
    if (isCounty) {
        impl.bindValue(u, next++, t, static_cast<std::size_t>(field), value);
    } else {
        u.bind(next++, c.county);
        impl.bindValue(u, next++, t, static_cast<std::size_t>(field), value);
    }
    if (lookup) {
        std::string n = value.is_string() ? value.get<std::string>() : std::string();
        if (n.empty())
            u.bindNull(next++);
        else
            u.bind(next++, impl.lookupFor(n));
    }
    if (auto st = u.run(); !st)
        return st;

    auto fv = impl.db.cached("INSERT INTO field_version(record_id, field, hlc, device, change_id)"
                             " VALUES(?, ?, ?, ?, ?) ON CONFLICT(record_id, field) DO UPDATE SET"
                             " hlc = excluded.hlc, device = excluded.device,"
                             " change_id = excluded.change_id");
    if (!fv)
        return fv.error();
    (*fv)->bind(1, c.recordId).bind(2, c.field).bind(3, static_cast<std::int64_t>(c.hlc.value));
    (*fv)->bind(4, c.device).bind(5, c.changeId);
    return (*fv)->run();
}

} // namespace

namespace {

// Record id -> (type, county, changed field names): what a page touched, for the audit and the
// search index.
using Touched = std::map<Uuid, std::tuple<RecordType, std::string, std::string>>;

// The writes of applyRemote inside a transaction the caller holds. skipUnknown: changes this
// store cannot hold are left out instead of failing the whole page (a pull must never get stuck).
Status writeRemote(Store::Impl& impl, std::span<const RemoteApply> changes, bool skipUnknown,
                   Touched& touched) {
    for (const RemoteApply& a : changes) {
        const RemoteChange& c = a.change;
        auto bad = [&](const char* why) -> Status {
            if (skipUnknown)
                return {};
            return Error("store.bad_change",
                         {{"type", std::string(toCode(c.recordType))}, {"field", c.field}},
                         std::string(why) + " in change " + c.changeId.str());
        };

        if (!isSynced(c.recordType)) {
            if (auto st = bad("record type not synced"); !st)
                return st;
            continue;
        }
        const TableSpec& t = tableSpec(c.recordType);
        int field = t.indexOf(c.field);
        json value = json::parse(c.valueJson, nullptr, false);
        const char* problem = nullptr;
        if (field < 0)
            problem = "unknown field";
        else if (c.recordId.isNil() || c.changeId.isNil())
            problem = "nil id";
        else if (!isCountyCode(c.county))
            problem = "bad county";
        else if (value.is_discarded() ||
                 !valueFits(t.fields[static_cast<std::size_t>(field)].kind, value))
            problem = "value does not fit the field";
        else if (field == 0 && value.get<std::string>() != c.county)
            problem = "county change names another county";
        if (problem) {
            if (auto st = bad(problem); !st)
                return st;
            continue;
        }
        impl.clock.receive(c.hlc);

        if (a.mode != ApplyMode::Write) {
            auto local = impl.readValues(t, c.recordId);
            if (!local)
                return local.error();
            if (auto st = insertConflict(impl, t, field, c, *local ? &**local : nullptr); !st)
                return st;
        }
        if (a.mode != ApplyMode::ConflictOnly)
            if (auto st = writeRemoteField(impl, t, field, c, value); !st)
                return st;
        auto& entry = touched[c.recordId];
        std::get<0>(entry) = c.recordType;
        std::get<1>(entry) = c.county;
        auto& fields = std::get<2>(entry);
        fields += (fields.empty() ? "" : ",") + c.field +
                  (a.mode == ApplyMode::Write ? "" : "(conflict)");
    }
    return {};
}

// One audit entry per touched record, linked into the chain once for the page; then the search
// rows of touched students and the clock. Last in the transaction: a statement that follows an
// FTS5 write makes FTS5 flush its pending terms, and linking each entry on its own re-read and
// rewrote the chain's head (the same reasons as Store::Impl::batching).
Status finishRemote(Store::Impl& impl, const Touched& touched) {
    const bool wasBatching = impl.batching;
    impl.batching = true; // appendAudit hashes each entry onto impl.batchAuditHead
    for (const auto& [id, e] : touched) {
        const auto& [type, county, fields] = e;
        if (auto st = impl.appendAudit("sync", type, id, county, fields, "sync"); !st) {
            impl.batching = wasBatching;
            if (!wasBatching) // rolled back with the transaction: the head was never written
                impl.batchAuditHead.reset();
            return st;
        }
    }
    impl.batching = wasBatching;
    if (!wasBatching) // the chain's new head, written once for the page (a Batch does it at commit)
        if (auto st = impl.finishAuditChain(); !st)
            return st;
    for (const auto& [id, e] : touched)
        if (std::get<0>(e) == RecordType::Student)
            if (auto st = impl.updateSearch(id); !st)
                return st;
    return impl.saveClock();
}

} // namespace

Status Store::applyRemote(std::span<const RemoteApply> changes) {
    if (auto a = m_impl->mayWrite(); !a)
        return a;
    if (auto k = m_impl->requireKey(); !k)
        return k;
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    Touched touched;
    if (auto st = writeRemote(*m_impl, changes, false, touched); !st)
        return st;
    if (auto st = finishRemote(*m_impl, touched); !st)
        return st;
    return tx.commit();
}

Status Store::applyRemoteWith(const std::function<Result<std::vector<RemoteApply>>()>& plan,
                              const std::function<Status()>& after) {
    if (auto a = m_impl->mayWrite(); !a)
        return a;
    if (auto k = m_impl->requireKey(); !k)
        return k;
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    auto changes = plan();
    if (!changes)
        return changes.error();
    Touched touched;
    if (auto st = writeRemote(*m_impl, *changes, true, touched); !st)
        return st;
    if (after)
        if (auto st = after(); !st)
            return st;
    if (auto st = finishRemote(*m_impl, touched); !st)
        return st;
    return tx.commit();
}

Result<std::vector<Conflict>> Store::openConflicts(int limit) {
    if (auto a = m_impl->mayRead(); !a)
        return a.error();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    auto st = m_impl->db.prepare(
        "SELECT id, record_type, record_id, county, field, local_value, local_hlc, local_device,"
        " remote_value, remote_hlc, remote_device, remote_change_id, created_ms FROM conflict"
        " WHERE resolved_ms IS NULL ORDER BY created_ms, rowid LIMIT ?");
    if (!st)
        return st.error();
    st->bind(1, limit);
    std::vector<Conflict> out;
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        Conflict c;
        c.id = st->uuid(0);
        c.recordType = fromCode<RecordType>(st->text(1)).value_or(RecordType::Student);
        const TableSpec& t = tableSpec(c.recordType);
        c.recordId = st->uuid(2);
        c.county = st->text(3);
        c.field = st->text(4);
        c.localValueJson = m_impl->decodeLogged(t, c.field, st->text(5));
        if (!st->isNull(6))
            c.localHlc = hlcAt(*st, 6);
        c.localDevice = st->uuid(7);
        c.remoteValueJson = m_impl->decodeLogged(t, c.field, st->text(8));
        c.remoteHlc = hlcAt(*st, 9);
        c.remoteDevice = st->uuid(10);
        c.remoteChangeId = st->uuid(11);
        c.createdMs = st->i64(12);
        if (withheldFrom(m_impl->access.load(), c.recordType, c.field))
            c.localValueJson = c.remoteValueJson = "null";
        out.push_back(std::move(c));
    }
}

Status Store::resolveConflict(const Uuid& conflictId, const std::string& valueJson,
                              const Actor& who) {
    Impl& impl = *m_impl;
    if (auto a = impl.mayWrite(); !a)
        return a;
    Transaction tx(impl.db);
    if (!tx.begun())
        return tx.begun();
    auto q = impl.db.prepare("SELECT record_type, record_id, field FROM conflict"
                             " WHERE id = ? AND resolved_ms IS NULL");
    if (!q)
        return q.error();
    q->bind(1, conflictId);
    auto row = q->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error("store.not_found", {{"id", conflictId.str()}});
    auto type = fromCode<RecordType>(q->text(0));
    Uuid recordId = q->uuid(1);
    std::string field = q->text(2);
    q->reset();
    if (!type)
        return Error("store.bad_change", {{"field", field}}, "unknown record type");
    if (withheldFrom(impl.access.load(), *type, field))
        return accessDenied(impl.access.load(), "withheld");
    const TableSpec& t = tableSpec(*type);
    int fi = t.indexOf(field);
    json value = json::parse(valueJson, nullptr, false);
    if (fi < 0 || value.is_discarded() ||
        !valueFits(t.fields[static_cast<std::size_t>(fi)].kind, value))
        return Error("store.bad_change", {{"type", std::string(t.table)}, {"field", field}});
    auto current = impl.readValues(t, recordId);
    if (!current)
        return current.error();
    if (!*current)
        return Error("store.not_found", {{"id", recordId.str()}});
    FieldValues values = **current;
    // The chosen value becomes a new change even when it equals what this device holds, so every
    // other device adopts the decision.
    values[static_cast<std::size_t>(fi)] = value;
    if (auto st = impl.writeRecord(t, recordId, values, who, "resolve_conflict", fi); !st)
        return st;
    // Choosing between values devices already hold is not new collection: no consent check.
    impl.consentPending.clear();
    // Every value of the field in conflict is decided by this one: with three devices the field
    // has a conflict row per other value, and all of them close (sync then names every head as
    // the resolution's base, so the other devices close theirs too).
    auto done = impl.db.prepare("UPDATE conflict SET resolved_ms = ?, resolved_by = ?"
                                " WHERE record_id = ? AND field = ? AND resolved_ms IS NULL");
    if (!done)
        return done.error();
    done->bind(1, systemNowMs()).bind(2, who.user).bind(3, recordId).bind(4, field);
    if (auto st = done->run(); !st)
        return st;
    return tx.commit();
}

Status Store::quarantine(std::span<const Uuid> changeIds, const Error& reason) {
    if (auto a = m_impl->mayWrite(); !a)
        return a;
    Transaction tx(m_impl->db);
    if (!tx.begun())
        return tx.begun();
    auto move = m_impl->db.cached(std::string("INSERT INTO quarantine(") + kOutboxColumns +
                                  ", reason_key, reason_detail, at_ms) SELECT " + kOutboxColumns +
                                  ", ?, ?, ? FROM outbox WHERE change_id = ?"
                                  " ON CONFLICT(change_id) DO UPDATE SET"
                                  " reason_key = excluded.reason_key,"
                                  " reason_detail = excluded.reason_detail,"
                                  " at_ms = excluded.at_ms, resolved_ms = NULL, resolution = NULL");
    auto del = m_impl->db.cached("DELETE FROM outbox WHERE change_id = ?");
    if (!move)
        return move.error();
    if (!del)
        return del.error();
    std::vector<Uuid> fromCreations;
    for (const Uuid& id : changeIds) {
        (*move)->bind(1, reason.key).bind(2, reason.detail).bind(3, systemNowMs()).bind(4, id);
        if (auto st = (*move)->run(); !st)
            return st;
        (*del)->bind(1, id);
        if (auto st = (*del)->run(); !st)
            return st;
        if (m_impl->db.changes() == 0)
            fromCreations.push_back(id);
    }
    if (fromCreations.empty())
        return tx.commit();
    // A field of a creation row becomes a quarantine row of its own, as it would have been.
    std::vector<OutboxChange> taken;
    if (auto st = m_impl->takeCreatedFields(fromCreations, &taken); !st)
        return st;
    auto put = m_impl->db.cached(std::string("INSERT INTO quarantine(") + kOutboxColumns +
                                 ", reason_key, reason_detail, at_ms)"
                                 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)"
                                 " ON CONFLICT(change_id) DO UPDATE SET"
                                 " reason_key = excluded.reason_key,"
                                 " reason_detail = excluded.reason_detail,"
                                 " at_ms = excluded.at_ms, resolved_ms = NULL, resolution = NULL");
    if (!put)
        return put.error();
    for (const OutboxChange& c : taken) {
        const TableSpec& t = tableSpec(c.recordType);
        Stmt& p = **put;
        p.bind(1, c.changeId).bind(2, t.table).bind(3, c.recordId).bind(4, c.county);
        p.bind(5, c.field).bind(6, m_impl->encodeLogged(t, c.field, c.valueJson));
        p.bind(7, static_cast<std::int64_t>(c.hlc.value)).bind(8, c.device);
        p.bind(9, reason.key).bind(10, reason.detail).bind(11, systemNowMs());
        if (auto st = p.run(); !st)
            return st;
    }
    return tx.commit();
}

Result<std::vector<QuarantinedChange>> Store::listQuarantine() {
    if (auto a = m_impl->mayRead(); !a)
        return a.error();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    auto st = m_impl->db.prepare(std::string("SELECT seq, ") + kOutboxColumns +
                                 ", reason_key, reason_detail, at_ms FROM quarantine"
                                 " WHERE resolved_ms IS NULL ORDER BY seq");
    if (!st)
        return st.error();
    std::vector<QuarantinedChange> out;
    while (true) {
        auto row = st->step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        QuarantinedChange q;
        q.change = readChange(*m_impl, *st, 1);
        q.change.seq = st->i64(0);
        q.reasonKey = st->text(10);
        q.reasonDetail = st->text(11);
        q.atMs = st->i64(12);
        out.push_back(std::move(q));
    }
}

namespace {
Status closeQuarantined(Store::Impl& impl, const Uuid& changeId, const Actor& who, bool requeue) {
    if (auto a = impl.mayWrite(); !a)
        return a;
    Transaction tx(impl.db);
    if (!tx.begun())
        return tx.begun();
    auto q = impl.db.prepare("SELECT record_type, record_id, county, field FROM quarantine"
                             " WHERE change_id = ? AND resolved_ms IS NULL");
    if (!q)
        return q.error();
    q->bind(1, changeId);
    auto row = q->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error("store.not_found", {{"id", changeId.str()}});
    RecordType type = fromCode<RecordType>(q->text(0)).value_or(RecordType::Student);
    Uuid recordId = q->uuid(1);
    std::string county = q->text(2), field = q->text(3);
    q->reset();
    if (requeue) {
        auto back =
            impl.db.prepare(std::string("INSERT INTO outbox(") + kOutboxColumns + ") SELECT " +
                            kOutboxColumns + " FROM quarantine WHERE change_id = ?");
        if (!back)
            return back.error();
        back->bind(1, changeId);
        if (auto st = back->run(); !st)
            return st;
    }
    auto done = impl.db.prepare(
        "UPDATE quarantine SET resolved_ms = ?, resolution = ? WHERE change_id = ?");
    if (!done)
        return done.error();
    done->bind(1, systemNowMs()).bind(2, requeue ? "requeued" : "dismissed").bind(3, changeId);
    if (auto st = done->run(); !st)
        return st;
    if (auto st = impl.appendAudit(requeue ? "quarantine_requeue" : "quarantine_dismiss", type,
                                   recordId, county, field, who.user);
        !st)
        return st;
    return tx.commit();
}
} // namespace

Status Store::requeueQuarantined(const Uuid& changeId, const Actor& who) {
    return closeQuarantined(*m_impl, changeId, who, true);
}

Status Store::dismissQuarantined(const Uuid& changeId, const Actor& who) {
    return closeQuarantined(*m_impl, changeId, who, false);
}

} // namespace zhuxue::store
