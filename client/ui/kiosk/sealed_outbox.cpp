#include "sealed_outbox.hpp"

#include "client/store/paths.hpp"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace zhuxue::ui::kiosk {

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool isKeyHex(const std::string& hex) {
    return hex.size() == 2 * crypto_box_PUBLICKEYBYTES &&
           std::all_of(hex.begin(), hex.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

} // namespace

Result<std::string> sealTo(const std::string& publicKeyHex, const std::string& plain) {
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    std::size_t len = 0;
    if (sodium_init() < 0 || !isKeyHex(publicKeyHex) ||
        sodium_hex2bin(pk, sizeof pk, publicKeyHex.data(), publicKeyHex.size(), nullptr, &len,
                       nullptr) != 0 ||
        len != sizeof pk)
        return Error("kiosk.error.seal_key", {}, "the hall server's key is not an X25519 public key");
    std::string sealed(plain.size() + crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), pk) != 0)
        return Error("kiosk.error.seal_key", {}, "crypto_box_seal failed");
    return sealed;
}

SealedOutbox::SealedOutbox(fs::path dataDir)
    : m_dir(dataDir / "kiosk_outbox"), m_keyFile(dataDir / "kiosk_seal_key.json") {}

std::string SealedOutbox::sealKey(hall::QueueClient* client) {
    if (client) {
        if (auto key = client->sealKey(); key && isKeyHex(*key)) {
            nlohmann::json j{{"public_key", *key}};
            if (readAll(m_keyFile) != j.dump())
                (void)writeFileDurably(m_keyFile, j.dump());
            return *key;
        }
    }
    auto j = nlohmann::json::parse(readAll(m_keyFile), nullptr, false);
    if (j.is_object() && j.contains("public_key") && j["public_key"].is_string() &&
        isKeyHex(j["public_key"].get<std::string>()))
        return j["public_key"].get<std::string>();
    return {};
}

Status SealedOutbox::add(const std::string& id, std::string& details, const std::string& publicKeyHex) {
    if (publicKeyHex.empty()) {
        sodium_memzero(details.data(), details.size());
        return Error("kiosk.error.no_seal_key", {}, "this kiosk has not reached its hall server yet");
    }
    auto sealed = sealTo(publicKeyHex, details);
    sodium_memzero(details.data(), details.size());
    details.clear();
    if (!sealed)
        return sealed.error();
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec)
        return Error("fs.write_failed", {{"path", m_dir.string()}}, ec.message());
    return writeFileDurably(m_dir / (id + ".sealed"), *sealed);
}

std::vector<std::string> SealedOutbox::pendingIds() const {
    std::vector<std::string> ids;
    std::error_code ec;
    for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".sealed")
            ids.push_back(it->path().stem().string());
    std::sort(ids.begin(), ids.end()); // UUIDv7: oldest first
    return ids;
}

int SealedOutbox::flush(hall::QueueClient& client) {
    int stored = 0;
    for (const auto& id : pendingIds()) {
        fs::path file = m_dir / (id + ".sealed");
        auto st = client.submit(id, readAll(file));
        std::error_code ec;
        if (st) {
            fs::remove(file, ec);
            ++stored;
        } else if (hall::QueueClient::unreachable(st.error())) {
            break;
        } else if (st.error().args.count("status") && st.error().args.at("status") == "422") {
            // The server cannot open it (sealed to another server's key): keep it aside.
            fs::create_directories(m_dir / "refused", ec);
            fs::rename(file, m_dir / "refused" / file.filename(), ec);
        } else {
            break; // 5xx, 429, auth: try again later
        }
    }
    return stored;
}

} // namespace zhuxue::ui::kiosk
