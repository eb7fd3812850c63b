#pragma once
// The consent text for sensitive personal information, as versioned data:
// assets/consent/<version>.json with the version, the parties it applies to, and the title and
// text (paragraphs) in each language. What the family reads is the text exactly as shown(),
// and a Consent record keeps the SHA-256 of those bytes, so the words someone agreed to can be
// proven later even after the text changes (a change is a new version file, never an edit).
#include "client/core/records.hpp"
#include "client/core/result.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace zhuxue::store {

struct ConsentText {
    std::string version; // "2025-1"; versions sort as text, the last is the current one
    std::string effective;
    std::vector<ConsentParty> parties;
    std::map<std::string, std::string> title;                  // language -> title
    std::map<std::string, std::vector<std::string>> paragraphs; // language -> paragraphs

    // The text as shown in `lang` (paragraphs joined by an empty line); zh-CN when the
    // language is missing.
    std::string shown(const std::string& lang) const;
    std::string shownTitle(const std::string& lang) const;
    // Lowercase hex SHA-256 of shown(lang).
    std::string sha256(const std::string& lang) const;
    bool appliesTo(ConsentParty p) const;
};

// Parses one file's text. Errors: consent.invalid {path, reason}.
Result<ConsentText> parseConsentText(const std::string& json, const std::string& path);
// Every assets/consent/*.json, sorted by version. Errors: consent.missing, consent.invalid.
Result<std::vector<ConsentText>> loadConsentTexts(const std::filesystem::path& assets);
// The newest version.
Result<ConsentText> loadCurrentConsentText(const std::filesystem::path& assets);

std::string sha256Hex(std::string_view bytes);

// A Consent given now for `party` with the text in `lang` (id made, consentedMs = now).
Consent makeConsent(const ConsentText& text, const std::string& lang, ConsentParty party,
                    const std::string& county, const Uuid& studentId, const Uuid& personId,
                    const std::string& signerName, ConsentMethod method,
                    const std::string& recordedBy);

} // namespace zhuxue::store
