#pragma once
// What a family typed at the kiosk reaches the hall server for staff, but never rests on the
// kiosk readable: the details are sealed (libsodium crypto_box_seal) to the server's public key in
// memory, and only the sealed bytes are written, to <dataDir>/kiosk_outbox/<id>.sealed, until the
// server has them (then the file is deleted). The kiosk cannot open what it sealed.
//
// The server's public key is fetched from GET /v1/queue/seal-key and kept in
// <dataDir>/kiosk_seal_key.json (public, so no secret on disk); with no key known yet (a kiosk
// that never reached its server) nothing is sealed or kept, and the family is told to give the
// details at the window.
#include "client/ui/hall/queue_client.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace zhuxue::ui::kiosk {

// crypto_box_seal of `plain` to a 32-byte X25519 public key in hex (64 characters).
// Error kiosk.error.seal_key when the key is not one.
Result<std::string> sealTo(const std::string& publicKeyHex, const std::string& plain);

class SealedOutbox {
public:
    explicit SealedOutbox(std::filesystem::path dataDir);

    // The key to seal to: asks the server (and remembers the answer) when it can be reached,
    // else the remembered one; empty when none was ever fetched.
    std::string sealKey(hall::QueueClient* client);
    // Seals `details` (a JSON object) and keeps it under `id` (temp file, fsync, rename), then
    // wipes the plaintext it was given. Error kiosk.error.no_seal_key when no key is known.
    Status add(const std::string& id, std::string& details, const std::string& publicKeyHex);
    std::vector<std::string> pendingIds() const;
    // Hands pending submissions to the server, deleting each the server stored (or refused as
    // unopenable: kept in kiosk_outbox/refused/ for a technician). Stops at the first network
    // failure. Returns how many were stored.
    int flush(hall::QueueClient& client);

private:
    std::filesystem::path m_dir, m_keyFile;
};

} // namespace zhuxue::ui::kiosk
