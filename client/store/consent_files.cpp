#include "consent_files.hpp"

#include "paths.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sodium.h>

namespace zhuxue::store {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string ConsentText::shown(const std::string& lang) const {
    auto it = paragraphs.find(lang);
    if (it == paragraphs.end())
        it = paragraphs.find("zh-CN");
    std::string out;
    if (it == paragraphs.end())
        return out;
    for (const auto& p : it->second) {
        if (!out.empty())
            out += "\n\n";
        out += p;
    }
    return out;
}

std::string ConsentText::shownTitle(const std::string& lang) const {
    auto it = title.find(lang);
    if (it == title.end())
        it = title.find("zh-CN");
    return it == title.end() ? std::string() : it->second;
}

std::string ConsentText::sha256(const std::string& lang) const {
    return sha256Hex(shown(lang));
}

bool ConsentText::appliesTo(ConsentParty p) const {
    return std::find(parties.begin(), parties.end(), p) != parties.end();
}

std::string sha256Hex(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

Result<ConsentText> parseConsentText(const std::string& text, const std::string& path) {
    auto bad = [&](const std::string& reason) {
        return Error("consent.invalid", {{"path", path}, {"reason", reason}});
    };
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return bad("not a JSON object");
    ConsentText c;
    if (!j.contains("version") || !j["version"].is_string() ||
        j["version"].get<std::string>().empty())
        return bad("version");
    c.version = j["version"].get<std::string>();
    if (j.contains("effective") && j["effective"].is_string())
        c.effective = j["effective"].get<std::string>();
    if (!j.contains("parties") || !j["parties"].is_array() || j["parties"].empty())
        return bad("parties");
    for (const auto& p : j["parties"]) {
        auto party = p.is_string() ? fromCode<ConsentParty>(p.get<std::string>()) : std::nullopt;
        if (!party)
            return bad("parties: " + p.dump());
        c.parties.push_back(*party);
    }
    if (j.contains("title") && j["title"].is_object())
        for (const auto& [lang, t] : j["title"].items())
            if (t.is_string())
                c.title[lang] = t.get<std::string>();
    if (!j.contains("text") || !j["text"].is_object())
        return bad("text");
    for (const auto& [lang, ps] : j["text"].items()) {
        if (!ps.is_array() || ps.empty())
            return bad("text." + lang);
        for (const auto& p : ps) {
            if (!p.is_string())
                return bad("text." + lang);
            c.paragraphs[lang].push_back(p.get<std::string>());
        }
    }
    if (!c.paragraphs.count("zh-CN"))
        return bad("text.zh-CN (Chinese comes first)");
    return c;
}

Result<std::vector<ConsentText>> loadConsentTexts(const fs::path& assets) {
    fs::path dir = assets / "consent";
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".json")
            files.push_back(e.path());
    if (ec || files.empty())
        return Error("consent.missing", {{"path", dir.string()}});
    std::vector<ConsentText> out;
    for (const auto& f : files) {
        auto text = readTextFile(f);
        if (!text)
            return text.error();
        auto c = parseConsentText(*text, f.string());
        if (!c)
            return c.error();
        out.push_back(std::move(*c));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return out;
}

Result<ConsentText> loadCurrentConsentText(const fs::path& assets) {
    auto all = loadConsentTexts(assets);
    if (!all)
        return all.error();
    return std::move(all->back());
}

Consent makeConsent(const ConsentText& text, const std::string& lang, ConsentParty party,
                    const std::string& county, const Uuid& studentId, const Uuid& personId,
                    const std::string& signerName, ConsentMethod method,
                    const std::string& recordedBy) {
    Consent c;
    c.id = newUuidV7();
    c.county = county;
    c.studentId = studentId;
    c.party = party;
    c.personId = personId;
    c.signerName = signerName;
    c.version = text.version;
    c.language = text.paragraphs.count(lang) ? lang : std::string("zh-CN");
    c.textSha256 = text.sha256(c.language);
    c.consentedMs = systemNowMs();
    c.recordedBy = recordedBy;
    c.method = method;
    return c;
}

} // namespace zhuxue::store
