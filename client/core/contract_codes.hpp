#pragma once
// The contract number (合同编号) and the 受理证明's 校验码 as staff type them (issue #20 point 17).
//
// Rule settled here, and its basis: no published format for either was found in the sources the
// project keeps (DOMAIN.md §2 only names them; the seeds do not print one), so the rule accepts
// what the printed contract and 受理证明 show in the project's own data and tests — county code +
// year + serial ("4205272026000123", the demo generator), prefixed forms ("HT-2025-0001",
// "HT2026420527001"), and 校验码 of letters and digits, sometimes grouped ("K7Q2-9XPA", the demo's
// 8 characters of A-Z/2-9) — and refuses what cannot be on either paper: spaces inside, Chinese,
// '/', '.', control characters. Both are folded from full width, trimmed and upper-cased first.
//   contract number: 6-32 characters of A-Z, 0-9 and '-', at least 4 digits, no '-' at either
//                    end or twice in a row;
//   校验码:          4-16 characters of A-Z, 0-9 and '-', same '-' rule.
// A number is unique per county and signing year (store::Store::contractNumberTaken).
#include "findings.hpp"

#include <string>
#include <string_view>

namespace zhuxue::core {

// Full-width forms folded to ASCII (Ｈ→H, ０→0), spaces of every kind trimmed at both ends,
// letters upper-cased. Inner text is kept, so a format check can still refuse it.
std::string normalizeContractCode(std::string_view input);

// Error validation.contract.number_empty / number_format on `field`.
Findings checkContractNumber(std::string_view input, const std::string& field = "contract.number");
// Error validation.contract.code_empty / code_format on `field`.
Findings checkCertificateCode(std::string_view input,
                              const std::string& field = "contract.certificate_code");

// The receipt's file name for a contract number: "loan-<number>.pdf" with the normalised number
// when it passes the format; otherwise every character other than A-Z, 0-9 and '-' becomes '_'
// (so never '/', "..", a control character or a non-ASCII byte), cut to 32 characters.
std::string receiptFileName(std::string_view contractNumber);

} // namespace zhuxue::core
