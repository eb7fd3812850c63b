#pragma once
// A 32-byte secret locked by a password: Argon2id (libsodium crypto_pwhash) derives a key that
// seals the secret with XChaCha20-Poly1305. One text form, shared by the device and the server
// (its own small library, zhuxue_password_box, so zhuxue-server uses it without the store):
//
//   "argon2id$<opslimit>$<memlimit>$<salt b64>$<nonce || ciphertext b64>"
//
// Used for the device's data key wrapped by a local account's password (key_vault.hpp) and for a
// server-made account's X25519 private key, locked by that account's password on the server and
// opened on the device at sign-in (accounts.hpp, sync/protocol/PROTOCOL.md "Accounts").
// `context` is authenticated: a box made for one purpose does not open as another.
#include "client/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zhuxue::store::crypto {

inline constexpr std::size_t kBoxedSecretBytes = 32;

// Boxes `secret` (kBoxedSecretBytes) under `password`. Error store.out_of_memory when Argon2id
// cannot get its memory.
Result<std::string> passwordSeal(const unsigned char* secret, std::string_view password,
                                 std::string_view context);
// Opens a box into `out` (kBoxedSecretBytes). Errors: accounts.wrong (the password does not open
// it), store.crypto_damaged (not a box).
Status passwordOpen(std::string_view boxed, std::string_view password, std::string_view context,
                    unsigned char* out);

// XChaCha20-Poly1305 under a raw 32-byte key: nonce || ciphertext, `context` authenticated.
std::vector<unsigned char> aeadSealRaw(const unsigned char* key, std::string_view context,
                                       const unsigned char* plain, std::size_t n);
// Error store.crypto_damaged when it does not open (damaged, another key or context).
Result<std::vector<unsigned char>> aeadOpenRaw(const unsigned char* key, std::string_view context,
                                               const unsigned char* sealed, std::size_t n);

// Base64 without padding (libsodium's ORIGINAL_NO_PADDING), as every stored key text uses.
std::string toBase64(const unsigned char* p, std::size_t n);
bool fromBase64(std::string_view s, std::vector<unsigned char>& out);

} // namespace zhuxue::store::crypto
