#include "validation.hpp"

#include "resident_id.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace zhuxue::core {

namespace {
std::string stripSeparators(std::string_view input) {
    std::string out;
    for (char c : input)
        if (c != ' ' && c != '\t' && c != '-')
            out += c;
    return out;
}

bool allDigits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string yuanText(Fen fen) {
    return formatMoney(fen, {.grouping = true, .alwaysCents = false});
}

// For comparing the student's and the co-borrower's numbers, whatever generation they are.
std::string comparableId(std::string_view id) {
    std::string s = normalizeResidentId(id);
    if (s.size() == 15)
        if (auto converted = convertLegacyId(s))
            return *converted;
    return s;
}
} // namespace

// ---- Mobile ----------------------------------------------------------------------------------

std::optional<std::string> normalizeMobile(std::string_view input) {
    std::string s = stripSeparators(input);
    if (s.starts_with("+86"))
        s.erase(0, 3);
    else if (s.starts_with("0086"))
        s.erase(0, 4);
    if (s.size() != 11 || !allDigits(s) || s[0] != '1' || s[1] < '3')
        return std::nullopt;
    return s;
}

Findings checkMobile(std::string_view input, const std::string& field) {
    Findings f;
    std::string s = stripSeparators(input);
    if (s.empty())
        f.error(field, Error("validation.mobile.empty"));
    else if (!normalizeMobile(s))
        f.error(field, Error("validation.mobile.invalid", {{"value", std::string(input)}}));
    return f;
}

// ---- Bank card -------------------------------------------------------------------------------

bool luhnValid(std::string_view digits) {
    if (!allDigits(digits))
        return false;
    int sum = 0;
    bool doubleIt = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (doubleIt && (d *= 2) > 9)
            d -= 9;
        sum += d;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

Findings checkBankCard(std::string_view input, const std::string& field) {
    Findings f;
    std::string s = stripSeparators(input);
    if (s.empty())
        f.error(field, Error("validation.bank_card.empty"));
    else if (!allDigits(s))
        f.error(field, Error("validation.bank_card.not_digit"));
    else if (s.size() < 16 || s.size() > 19)
        f.error(field,
                Error("validation.bank_card.length", {{"length", std::to_string(s.size())}}));
    else if (!luhnValid(s))
        f.warning(field, Error("validation.bank_card.luhn"));
    return f;
}

// ---- Loan amount and term --------------------------------------------------------------------

Findings checkLoanAmount(Fen amount, const LoanLimits& limits, const std::string& field) {
    Findings f;
    if (amount <= 0) {
        f.error(field, Error("validation.loan.amount_not_positive"));
        return f;
    }
    if (amount < limits.minimum)
        f.error(field,
                Error("validation.loan.below_minimum",
                      {{"minimum", yuanText(limits.minimum)}, {"amount", yuanText(amount)}}));
    if (amount > limits.cap)
        f.error(field, Error("validation.loan.above_cap",
                             {{"cap", yuanText(limits.cap)}, {"amount", yuanText(amount)}}));
    if (limits.multiple > 0 && amount % limits.multiple != 0) {
        Fen lower = roundToMultiple(amount, limits.multiple, Rounding::Down);
        f.error(field,
                Error("validation.loan.not_multiple", {{"multiple", yuanText(limits.multiple)},
                                                       {"amount", yuanText(amount)},
                                                       {"suggestion", yuanText(lower)}}));
    }
    return f;
}

int maxLoanTermYears(int remainingStudyYears, const TermRule& rule) {
    return std::min(remainingStudyYears + rule.plusYears, rule.maxYears);
}

int minLoanTermYears(int remainingStudyYears, int graceYears) {
    return remainingStudyYears + std::max(0, graceYears) + 1;
}

Findings checkGraceYears(int graceYears, int maxGraceYears, const std::string& field) {
    Findings f;
    if (graceYears < 0 || graceYears > maxGraceYears)
        f.error(field, Error("validation.loan.grace_years",
                             {{"grace", std::to_string(graceYears)}, {"max", std::to_string(maxGraceYears)}}));
    return f;
}

Findings checkLoanTerm(int termYears, int remainingStudyYears, int graceYears, const TermRule& rule,
                       const std::string& field) {
    Findings f;
    if (remainingStudyYears < 1) {
        f.error(field, Error("validation.loan.remaining_years",
                             {{"years", std::to_string(remainingStudyYears)}}));
        return f;
    }
    const int max = maxLoanTermYears(remainingStudyYears, rule);
    if (termYears > max)
        f.error(field, Error("validation.loan.term_too_long",
                             {{"term", std::to_string(termYears)},
                              {"max", std::to_string(max)},
                              {"remaining", std::to_string(remainingStudyYears)},
                              {"plus", std::to_string(rule.plusYears)},
                              {"cap", std::to_string(rule.maxYears)}}));
    else if (termYears < minLoanTermYears(remainingStudyYears, graceYears))
        f.error(field, Error("validation.loan.term_too_short",
                             {{"term", std::to_string(termYears)},
                              {"min", std::to_string(minLoanTermYears(remainingStudyYears, graceYears))},
                              {"remaining", std::to_string(remainingStudyYears)},
                              {"grace", std::to_string(std::max(0, graceYears))}}));
    return f;
}

// ---- Application types and materials ---------------------------------------------------------

namespace {
constexpr std::array<std::pair<ApplicationType, std::string_view>, 3> kTypeIds{{
    {ApplicationType::PreApplication, "pre_application"},
    {ApplicationType::FirstLoan, "first_loan"},
    {ApplicationType::Renewal, "renewal"},
}};

constexpr std::array<std::pair<Material, std::string_view>, 11> kMaterialIds{{
    {Material::ApplicationForm, "application_form"},
    {Material::HardshipForm, "hardship_form"},
    {Material::PriorityGroupProof, "priority_group_proof"},
    {Material::AdmissionNotice, "admission_notice"},
    {Material::StudentStatusProof, "student_status_proof"},
    {Material::StudentIdCard, "student_id_card"},
    {Material::CoBorrowerIdCard, "co_borrower_id_card"},
    {Material::HouseholdRegister, "household_register"},
    {Material::CoBorrowerHouseholdRegister, "co_borrower_household_register"},
    {Material::RenewalStatement, "renewal_statement"},
    {Material::FaceVerification, "face_verification"},
}};
} // namespace

std::string_view applicationTypeId(ApplicationType type) {
    for (auto& [t, id] : kTypeIds)
        if (t == type)
            return id;
    return {};
}

std::optional<ApplicationType> applicationTypeFromId(std::string_view id) {
    for (auto& [t, s] : kTypeIds)
        if (s == id)
            return t;
    return std::nullopt;
}

std::string_view materialId(Material m) {
    for (auto& [mat, id] : kMaterialIds)
        if (mat == m)
            return id;
    return {};
}

std::optional<Material> materialFromId(std::string_view id) {
    for (auto& [mat, s] : kMaterialIds)
        if (s == id)
            return mat;
    return std::nullopt;
}

std::string materialNameKey(Material m) {
    return "validation.material." + std::string(materialId(m)) + ".name";
}

std::vector<Material> requiredMaterials(const MaterialFacts& facts) {
    std::vector<Material> out;
    // The hardship form, or for a priority group the certificate that identifies it directly.
    // A completed pre-application has settled it already (DOMAIN §2 First loan, step 1).
    auto hardshipEvidence = [&] {
        if (facts.priorityGroup)
            out.push_back(Material::PriorityGroupProof);
        else if (!facts.hadPreApplication)
            out.push_back(Material::HardshipForm);
    };
    switch (facts.type) {
    case ApplicationType::PreApplication:
        // In high school, before the gaokao: the family's identity and hardship are settled early.
        out.push_back(Material::ApplicationForm);
        hardshipEvidence();
        out.push_back(Material::StudentIdCard);
        out.push_back(Material::HouseholdRegister);
        break;
    case ApplicationType::FirstLoan:
        // Student and co-borrower come together with originals (DOMAIN §2 First loan, step 2).
        out.push_back(Material::ApplicationForm);
        hardshipEvidence();
        out.push_back(facts.freshman ? Material::AdmissionNotice : Material::StudentStatusProof);
        out.push_back(Material::StudentIdCard);
        out.push_back(Material::CoBorrowerIdCard);
        out.push_back(Material::HouseholdRegister);
        if (facts.householdRegistersDiffer)
            out.push_back(Material::CoBorrowerHouseholdRegister);
        break;
    case ApplicationType::Renewal:
        if (facts.remoteRenewal) {
            // Online: renewal statement and a face check, no visit (DOMAIN §2 Renewal).
            out.push_back(Material::RenewalStatement);
            out.push_back(Material::FaceVerification);
        } else {
            // On site: the student or the co-borrower with an ID and the signed form; the
            // checklist asks for the student's ID, a co-borrower attending shows theirs instead.
            out.push_back(Material::ApplicationForm);
            out.push_back(Material::StudentIdCard);
        }
        break;
    }
    return out;
}

Findings checkMaterials(const MaterialFacts& facts, const std::set<Material>& provided) {
    Findings f;
    for (Material m : requiredMaterials(facts)) {
        if (provided.count(m))
            continue;
        // On-site renewal: the co-borrower's ID stands in for the student's.
        if (facts.type == ApplicationType::Renewal && m == Material::StudentIdCard &&
            provided.count(Material::CoBorrowerIdCard))
            continue;
        const std::string id(materialId(m));
        f.error("materials." + id, Error("validation.material." + id + ".missing"));
    }
    return f;
}

// ---- Co-borrower -----------------------------------------------------------------------------

Findings checkCoBorrower(const CoBorrowerFacts& facts) {
    Findings f;
    constexpr int kAdultAge = 18; // 民法典 Art. 17: 18 周岁以上的自然人为成年人
    if (!facts.coBorrowerBirthDate) {
        f.error("co_borrower.birth_date", Error("validation.co_borrower.birth_date_missing"));
    } else {
        int age = ageOn(*facts.coBorrowerBirthDate, facts.signingDate);
        if (age < kAdultAge)
            f.error("co_borrower.birth_date",
                    Error("validation.co_borrower.minor",
                          {{"age", std::to_string(age)}, {"date", facts.signingDate.iso()}}));
    }
    const std::string co = comparableId(facts.coBorrowerIdNumber);
    if (co.empty())
        f.error("co_borrower.id_number", Error("validation.co_borrower.id_missing"));
    else if (co == comparableId(facts.studentIdNumber))
        f.error("co_borrower.id_number", Error("validation.co_borrower.is_student"));
    if (facts.coBorrowerIsBorrowingStudent)
        f.error("co_borrower.id_number", Error("validation.co_borrower.borrowing_student"));
    if (facts.representedByProxy) {
        if (facts.type == ApplicationType::Renewal)
            f.warning("co_borrower.signature", Error("validation.co_borrower.proxy_marked"));
        else
            f.error("co_borrower.signature", Error("validation.co_borrower.proxy_first_loan"));
    }
    return f;
}

// ---- Dates -----------------------------------------------------------------------------------

Result<Date> parseDateField(std::string_view text) {
    if (auto d = Date::parse(text))
        return *d;
    return Error("validation.date.invalid", {{"value", std::string(text)}});
}

Findings checkDatesInOrder(const std::vector<DatedField>& fields) {
    Findings f;
    const DatedField* previous = nullptr;
    for (const auto& current : fields) {
        if (!current.date)
            continue;
        if (previous && *current.date < *previous->date)
            f.error(current.field,
                    Error("validation.date.order", {{"earlier_field", previous->field},
                                                    {"later_field", current.field},
                                                    {"earlier_date", previous->date->iso()},
                                                    {"later_date", current.date->iso()}}));
        previous = &current;
    }
    return f;
}

} // namespace zhuxue::core
