#include "record_schema.hpp"

#include <array>
#include <functional>
#include <type_traits>

namespace zhuxue::store {

namespace {

using json = nlohmann::json;

template <class R> struct FieldDef {
    FieldSpec spec;
    std::function<json(const R&)> get;
    std::function<void(R&, const json&)> set;
};

template <class M> constexpr FieldKind kindOf() {
    if constexpr (std::is_same_v<M, std::string>)
        return FieldKind::Text;
    else if constexpr (std::is_same_v<M, bool>)
        return FieldKind::Bool;
    else if constexpr (std::is_integral_v<M>)
        return FieldKind::Int;
    else if constexpr (std::is_floating_point_v<M>)
        return FieldKind::Real;
    else if constexpr (std::is_same_v<M, Uuid>)
        return FieldKind::Id;
    else if constexpr (std::is_enum_v<M>)
        return FieldKind::Code;
    else
        return FieldKind::Json;
}

json itemsToJson(const std::vector<MaterialItem>& items) {
    json a = json::array();
    for (const auto& i : items)
        a.push_back({{"code", i.code},
                     {"required", i.required},
                     {"received", i.received},
                     {"note", i.note}});
    return a;
}

std::vector<MaterialItem> itemsFromJson(const json& a) {
    std::vector<MaterialItem> out;
    for (const auto& o : a) {
        if (!o.is_object())
            continue;
        MaterialItem i;
        if (auto it = o.find("code"); it != o.end() && it->is_string())
            i.code = it->get<std::string>();
        if (auto it = o.find("required"); it != o.end() && it->is_boolean())
            i.required = it->get<bool>();
        if (auto it = o.find("received"); it != o.end() && it->is_boolean())
            i.received = it->get<bool>();
        if (auto it = o.find("note"); it != o.end() && it->is_string())
            i.note = it->get<std::string>();
        out.push_back(std::move(i));
    }
    return out;
}

template <class R, class M>
FieldDef<R> fd(std::string_view name, M R::*member, bool sensitive = false,
               std::string_view ref = {}) {
    FieldDef<R> d;
    d.spec = FieldSpec{name, kindOf<M>(), sensitive, ref};
    d.get = [member](const R& r) -> json {
        const M& v = r.*member;
        if constexpr (std::is_same_v<M, Uuid>)
            return v.isNil() ? json(nullptr) : json(v.str());
        else if constexpr (std::is_enum_v<M>)
            return json(std::string(toCode(v)));
        else if constexpr (std::is_same_v<M, std::vector<MaterialItem>>)
            return itemsToJson(v);
        else if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>)
            return json(static_cast<std::int64_t>(v));
        else
            return json(v);
    };
    d.set = [member](R& r, const json& j) {
        M& v = r.*member;
        if constexpr (std::is_same_v<M, std::string>) {
            if (j.is_string())
                v = j.get<std::string>();
        } else if constexpr (std::is_same_v<M, bool>) {
            if (j.is_boolean())
                v = j.get<bool>();
        } else if constexpr (std::is_integral_v<M>) {
            if (j.is_number_integer())
                v = static_cast<M>(j.get<std::int64_t>());
        } else if constexpr (std::is_floating_point_v<M>) {
            if (j.is_number())
                v = j.get<double>();
        } else if constexpr (std::is_same_v<M, Uuid>) {
            v = Uuid{};
            if (j.is_string())
                if (auto id = Uuid::parse(j.get<std::string>()))
                    v = *id;
        } else if constexpr (std::is_enum_v<M>) {
            if (j.is_string())
                if (auto e = fromCode<M>(j.get<std::string>()))
                    v = *e;
        } else if constexpr (std::is_same_v<M, std::vector<MaterialItem>>) {
            if (j.is_array())
                v = itemsFromJson(j);
        } else {
            if (j.is_array()) {
                v.clear();
                for (const auto& s : j)
                    if (s.is_string())
                        v.push_back(s.get<std::string>());
            }
        }
    };
    return d;
}

constexpr bool S = true; // sensitive

template <class R> struct Def;

template <> struct Def<Student> {
    static constexpr RecordType type = RecordType::Student;
    static std::vector<FieldDef<Student>> fields() {
        using R = Student;
        return {fd("county", &R::county),
                fd("name", &R::name),
                fd("id_number", &R::idNumber, S),
                fd("gender", &R::gender),
                fd("birth_date", &R::birthDate),
                fd("ethnicity", &R::ethnicity),
                fd("phone", &R::phone, S),
                fd("household_id", &R::householdId, false, "household"),
                fd("township", &R::township),
                fd("village", &R::village),
                fd("address", &R::address, S),
                fd("high_school", &R::highSchool),
                fd("university", &R::university),
                fd("major", &R::major),
                fd("study_level", &R::studyLevel),
                fd("enrollment_year", &R::enrollmentYear),
                fd("program_years", &R::programYears),
                fd("notes", &R::notes, S)};
    }
};

template <> struct Def<Household> {
    static constexpr RecordType type = RecordType::Household;
    static std::vector<FieldDef<Household>> fields() {
        using R = Household;
        return {fd("county", &R::county),
                fd("township", &R::township),
                fd("village", &R::village),
                fd("address", &R::address, S),
                fd("annual_income_fen", &R::annualIncomeFen, S),
                fd("priority_groups", &R::priorityGroups, S),
                fd("notes", &R::notes, S)};
    }
};

template <> struct Def<HouseholdMember> {
    static constexpr RecordType type = RecordType::HouseholdMember;
    static std::vector<FieldDef<HouseholdMember>> fields() {
        using R = HouseholdMember;
        return {fd("county", &R::county),
                fd("household_id", &R::householdId, false, "household"),
                fd("name", &R::name),
                fd("relation", &R::relation),
                fd("birth_year", &R::birthYear),
                fd("id_number", &R::idNumber, S),
                fd("occupation", &R::occupation),
                fd("annual_income_fen", &R::annualIncomeFen, S),
                fd("health", &R::health, S),
                fd("able_to_work", &R::ableToWork),
                fd("in_school", &R::inSchool)};
    }
};

template <> struct Def<CoBorrower> {
    static constexpr RecordType type = RecordType::CoBorrower;
    static std::vector<FieldDef<CoBorrower>> fields() {
        using R = CoBorrower;
        return {fd("county", &R::county),
                fd("student_id", &R::studentId, false, "student"),
                fd("name", &R::name),
                fd("id_number", &R::idNumber, S),
                fd("birth_date", &R::birthDate),
                fd("relation", &R::relation),
                fd("phone", &R::phone, S),
                fd("address", &R::address, S)};
    }
};

template <> struct Def<LoanApplication> {
    static constexpr RecordType type = RecordType::LoanApplication;
    static std::vector<FieldDef<LoanApplication>> fields() {
        using R = LoanApplication;
        return {fd("county", &R::county),
                fd("student_id", &R::studentId, false, "student"),
                fd("co_borrower_id", &R::coBorrowerId, false, "co_borrower"),
                fd("kind", &R::kind),
                fd("status", &R::status),
                fd("school_year", &R::schoolYear),
                fd("amount_fen", &R::amountFen),
                fd("tuition_fen", &R::tuitionFen),
                fd("accommodation_fen", &R::accommodationFen),
                fd("remaining_study_years", &R::remainingStudyYears),
                fd("term_years", &R::termYears),
                fd("grace_years", &R::graceYears),
                fd("renewal_mode", &R::renewalMode),
                fd("proxy_signed", &R::proxySigned),
                fd("created_ms", &R::createdMs),
                fd("notes", &R::notes, S)};
    }
};

template <> struct Def<StatusChange> {
    static constexpr RecordType type = RecordType::StatusChange;
    static std::vector<FieldDef<StatusChange>> fields() {
        using R = StatusChange;
        return {fd("county", &R::county),
                fd("application_id", &R::applicationId, false, "loan_application"),
                fd("from_status", &R::from),
                fd("to_status", &R::to),
                fd("by_user", &R::byUser),
                fd("at_ms", &R::atMs),
                fd("reason", &R::reason, S)};
    }
};

template <> struct Def<Contract> {
    static constexpr RecordType type = RecordType::Contract;
    static std::vector<FieldDef<Contract>> fields() {
        using R = Contract;
        return {fd("county", &R::county),
                fd("application_id", &R::applicationId, false, "loan_application"),
                fd("contract_number", &R::contractNumber),
                fd("signing_date", &R::signingDate),
                fd("certificate_code", &R::certificateCode),
                fd("settlement_account_type", &R::settlementAccountType),
                fd("settlement_account", &R::settlementAccount, S),
                fd("amount_fen", &R::amountFen),
                fd("term_years", &R::termYears),
                fd("pre_signed", &R::preSigned),
                fd("signed_by_proxy", &R::signedByProxy),
                fd("annual_rate_bp", &R::annualRateBp),
                fd("spread_bp", &R::spreadBp),
                fd("policy_id", &R::policyId)};
    }
};

template <> struct Def<MaterialsChecklist> {
    static constexpr RecordType type = RecordType::MaterialsChecklist;
    static std::vector<FieldDef<MaterialsChecklist>> fields() {
        using R = MaterialsChecklist;
        return {fd("county", &R::county),
                fd("application_id", &R::applicationId, false, "loan_application"),
                fd("items", &R::items), fd("checked_by", &R::checkedBy),
                fd("checked_ms", &R::checkedMs)};
    }
};

template <> struct Def<HardshipAssessment> {
    static constexpr RecordType type = RecordType::HardshipAssessment;
    static std::vector<FieldDef<HardshipAssessment>> fields() {
        using R = HardshipAssessment;
        return {fd("county", &R::county),
                fd("student_id", &R::studentId, false, "student"),
                fd("school_year", &R::schoolYear),
                fd("form_id", &R::formId),
                fd("form_version", &R::formVersion),
                fd("answers_json", &R::answersJson, S),
                fd("score", &R::score),
                fd("level", &R::level),
                fd("priority_groups", &R::priorityGroups, S),
                fd("commitment_signed", &R::commitmentSigned),
                fd("status", &R::status)};
    }
};

template <> struct Def<DemocraticReview> {
    static constexpr RecordType type = RecordType::DemocraticReview;
    static std::vector<FieldDef<DemocraticReview>> fields() {
        using R = DemocraticReview;
        return {fd("county", &R::county),
                fd("assessment_id", &R::assessmentId, false, "hardship_assessment"),
                fd("reviewer", &R::reviewer),
                fd("role", &R::role),
                fd("date", &R::date),
                fd("recommended_level", &R::recommendedLevel),
                fd("votes_for", &R::votesFor),
                fd("votes_against", &R::votesAgainst),
                fd("opinion", &R::opinion)};
    }
};

template <> struct Def<HomeVisit> {
    static constexpr RecordType type = RecordType::HomeVisit;
    static std::vector<FieldDef<HomeVisit>> fields() {
        using R = HomeVisit;
        return {fd("county", &R::county),
                fd("student_id", &R::studentId, false, "student"),
                fd("household_id", &R::householdId, false, "household"),
                fd("visit_date", &R::visitDate),
                fd("method", &R::method),
                fd("visitors", &R::visitors),
                fd("people_present", &R::peoplePresent),
                fd("address", &R::address, S),
                fd("form_id", &R::formId),
                fd("form_version", &R::formVersion),
                fd("answers_json", &R::answersJson, S),
                fd("household_size", &R::householdSize),
                fd("per_capita_income_fen", &R::perCapitaIncomeFen, S),
                fd("observations", &R::observations, S),
                fd("recommended_level", &R::recommendedLevel)};
    }
};

template <> struct Def<Attachment> {
    static constexpr RecordType type = RecordType::Attachment;
    static std::vector<FieldDef<Attachment>> fields() {
        using R = Attachment;
        return {fd("county", &R::county),        fd("owner_type", &R::ownerType),
                fd("owner_id", &R::ownerId),     fd("kind", &R::kind),
                fd("sha256", &R::sha256),        fd("mime", &R::mime),
                fd("size_bytes", &R::sizeBytes), fd("file_name", &R::fileName),
                fd("created_ms", &R::createdMs)};
    }
};

template <> struct Def<PostLoanEvent> {
    static constexpr RecordType type = RecordType::PostLoanEvent;
    static std::vector<FieldDef<PostLoanEvent>> fields() {
        using R = PostLoanEvent;
        return {fd("county", &R::county),
                fd("application_id", &R::applicationId, false, "loan_application"),
                fd("student_id", &R::studentId, false, "student"),
                fd("kind", &R::kind),
                fd("event_date", &R::eventDate),
                fd("amount_fen", &R::amountFen),
                fd("details_json", &R::detailsJson),
                fd("note", &R::note, S)};
    }
};

template <> struct Def<Consent> {
    static constexpr RecordType type = RecordType::Consent;
    static std::vector<FieldDef<Consent>> fields() {
        using R = Consent;
        // No parent reference on student_id: consent is recorded before the data it covers.
        return {fd("county", &R::county),
                fd("student_id", &R::studentId),
                fd("application_id", &R::applicationId),
                fd("party", &R::party),
                fd("person_id", &R::personId),
                fd("signer_name", &R::signerName),
                fd("version", &R::version),
                fd("language", &R::language),
                fd("text_sha256", &R::textSha256),
                fd("consented_ms", &R::consentedMs),
                fd("recorded_by", &R::recordedBy),
                fd("method", &R::method),
                fd("evidence_sha256", &R::evidenceSha256),
                fd("withdrawn_ms", &R::withdrawnMs),
                fd("withdrawn_by", &R::withdrawnBy)};
    }
};

template <> struct Def<VisitAssignment> {
    static constexpr RecordType type = RecordType::VisitAssignment;
    static std::vector<FieldDef<VisitAssignment>> fields() {
        using R = VisitAssignment;
        return {fd("county", &R::county),
                fd("student_id", &R::studentId, false, "student"),
                fd("assignee", &R::assignee),
                fd("assignee_name", &R::assigneeName),
                fd("due_date", &R::dueDate),
                fd("assigned_by", &R::assignedBy),
                fd("assigned_ms", &R::assignedMs),
                fd("visit_id", &R::visitId),
                fd("completed_ms", &R::completedMs),
                fd("completed_by", &R::completedBy)};
    }
};

template <class R> const std::vector<FieldDef<R>>& defs() {
    static const std::vector<FieldDef<R>> d = Def<R>::fields();
    return d;
}

template <class R> TableSpec makeSpec() {
    TableSpec t{Def<R>::type, toCode(Def<R>::type), {}};
    for (const auto& f : defs<R>())
        t.fields.push_back(f.spec);
    return t;
}

template <class R> FieldValues makeDefaults() {
    return toValues(R{});
}

struct Registry {
    std::vector<TableSpec> specs;
    std::vector<FieldValues> defaults;
    Registry() {
        add<Student>();
        add<Household>();
        add<HouseholdMember>();
        add<CoBorrower>();
        add<LoanApplication>();
        add<StatusChange>();
        add<Contract>();
        add<MaterialsChecklist>();
        add<HardshipAssessment>();
        add<DemocraticReview>();
        add<HomeVisit>();
        add<Attachment>();
        add<PostLoanEvent>();
        add<Consent>();
        add<VisitAssignment>();
    }
    template <class R> void add() {
        specs.push_back(makeSpec<R>());
        defaults.push_back(makeDefaults<R>());
    }
    std::size_t slot(RecordType t) const {
        for (std::size_t i = 0; i < specs.size(); ++i)
            if (specs[i].type == t)
                return i;
        return specs.size();
    }
};

const Registry& registry() {
    static const Registry r;
    return r;
}

constexpr std::array<RecordType, 15> kSynced{
    RecordType::Student,          RecordType::Household,          RecordType::HouseholdMember,
    RecordType::CoBorrower,       RecordType::LoanApplication,    RecordType::StatusChange,
    RecordType::Contract,         RecordType::MaterialsChecklist, RecordType::HardshipAssessment,
    RecordType::DemocraticReview, RecordType::HomeVisit,          RecordType::Attachment,
    RecordType::PostLoanEvent,    RecordType::Consent,            RecordType::VisitAssignment};

} // namespace

int TableSpec::indexOf(std::string_view field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field)
            return static_cast<int>(i);
    return -1;
}

const TableSpec& tableSpec(RecordType type) {
    const auto& r = registry();
    std::size_t i = r.slot(type);
    return i < r.specs.size() ? r.specs[i] : r.specs[0];
}

std::span<const RecordType> syncedRecordTypes() {
    return kSynced;
}

bool isSensitive(std::string_view table, std::string_view field) {
    for (const auto& t : registry().specs)
        if (t.table == table) {
            int i = t.indexOf(field);
            return i >= 0 && t.fields[static_cast<std::size_t>(i)].sensitive;
        }
    return false;
}

const FieldValues& defaultValues(RecordType type) {
    const auto& r = registry();
    return r.defaults[r.slot(type)];
}

template <class R> RecordType recordTypeOf() {
    return Def<R>::type;
}

template <class R> FieldValues toValues(const R& record) {
    FieldValues v;
    v.reserve(defs<R>().size());
    for (const auto& f : defs<R>())
        v.push_back(f.get(record));
    return v;
}

template <class R> R fromValues(const Uuid& id, const FieldValues& values) {
    R r{};
    r.id = id;
    const auto& d = defs<R>();
    for (std::size_t i = 0; i < d.size() && i < values.size(); ++i)
        d[i].set(r, values[i]);
    return r;
}

#define ZHUXUE_RECORD(R)                                                                           \
    template RecordType recordTypeOf<R>();                                                         \
    template FieldValues toValues<R>(const R&);                                                    \
    template R fromValues<R>(const Uuid&, const FieldValues&);
ZHUXUE_RECORD(Student)
ZHUXUE_RECORD(Household)
ZHUXUE_RECORD(HouseholdMember)
ZHUXUE_RECORD(CoBorrower)
ZHUXUE_RECORD(LoanApplication)
ZHUXUE_RECORD(StatusChange)
ZHUXUE_RECORD(Contract)
ZHUXUE_RECORD(MaterialsChecklist)
ZHUXUE_RECORD(HardshipAssessment)
ZHUXUE_RECORD(DemocraticReview)
ZHUXUE_RECORD(HomeVisit)
ZHUXUE_RECORD(Attachment)
ZHUXUE_RECORD(PostLoanEvent)
ZHUXUE_RECORD(Consent)
ZHUXUE_RECORD(VisitAssignment)
#undef ZHUXUE_RECORD

} // namespace zhuxue::store
