#include "contract_codes.hpp"

#include "text/utf8.hpp"

#include <algorithm>

namespace zhuxue::core {

namespace {
bool isCodeChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Letters, digits and single inner hyphens, length in [minLen, maxLen].
bool wellFormed(std::string_view s, std::size_t minLen, std::size_t maxLen) {
    if (s.size() < minLen || s.size() > maxLen)
        return false;
    if (!std::all_of(s.begin(), s.end(), isCodeChar))
        return false;
    return s.front() != '-' && s.back() != '-' && s.find("--") == std::string_view::npos;
}

bool contractNumberOk(std::string_view s) {
    return wellFormed(s, 6, 32) && std::count_if(s.begin(), s.end(), [](char c) {
                                       return c >= '0' && c <= '9';
                                   }) >= 4;
}
} // namespace

std::string normalizeContractCode(std::string_view input) {
    std::string s = text::normaliseWidth(text::trimSpace(input));
    s = std::string(text::trimSpace(s)); // an ideographic space became a plain one
    for (char& c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return s;
}

Findings checkContractNumber(std::string_view input, const std::string& field) {
    Findings f;
    const std::string s = normalizeContractCode(input);
    if (s.empty())
        f.error(field, Error("validation.contract.number_empty"));
    else if (!contractNumberOk(s))
        f.error(field, Error("validation.contract.number_format", {{"value", s}}));
    return f;
}

Findings checkCertificateCode(std::string_view input, const std::string& field) {
    Findings f;
    const std::string s = normalizeContractCode(input);
    if (s.empty())
        f.error(field, Error("validation.contract.code_empty"));
    else if (!wellFormed(s, 4, 16))
        f.error(field, Error("validation.contract.code_format", {{"value", s}}));
    return f;
}

std::string receiptFileName(std::string_view contractNumber) {
    std::string s = normalizeContractCode(contractNumber);
    if (!contractNumberOk(s)) {
        for (char& c : s)
            if (!isCodeChar(c))
                c = '_';
        if (s.size() > 32)
            s.resize(32);
        if (s.empty())
            s = "_";
    }
    return "loan-" + s + ".pdf";
}

} // namespace zhuxue::core
