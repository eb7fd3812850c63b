#include "password_box.hpp"

#include <sodium.h>

#include <pthread.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace zhuxue::store::crypto {

namespace {
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

void initSodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok)
        throw std::runtime_error("libsodium could not be initialised");
}

// Nonces for XChaCha20-Poly1305 without a getrandom call per sealed value (an import of 20,000
// families seals ~150,000 values; the syscall was a tenth of the sealing). The nonce is 24 bytes:
// 16 random bytes drawn once per thread, then a 64-bit counter. Within a thread the counter never
// repeats (2^64 values); two threads or processes repeat a nonce only if their random prefixes
// are equal (2^-128 per pair), which is as safe as a fresh random nonce each time. A forked child
// would continue its parent's counter with the same key: the atfork handler makes it draw anew.
static_assert(kNonce == 24, "the nonce layout below needs XChaCha20's 24-byte nonce");
struct NonceSource {
    unsigned char prefix[16];
    std::uint64_t counter = 0;
    bool ready = false;
};
thread_local NonceSource tNonce;

void nextNonce(unsigned char* out) {
    static const int registered = pthread_atfork(nullptr, nullptr, [] { tNonce.ready = false; });
    (void)registered;
    if (!tNonce.ready) {
        randombytes_buf(tNonce.prefix, sizeof tNonce.prefix);
        tNonce.counter = 0;
        tNonce.ready = true;
    }
    const std::uint64_t c = tNonce.counter++;
    std::memcpy(out, tNonce.prefix, sizeof tNonce.prefix);
    std::memcpy(out + sizeof tNonce.prefix, &c, sizeof c);
}

// The key derived from the password, wiped when it goes.
struct DerivedKey {
    unsigned char* bytes;
    DerivedKey() : bytes(static_cast<unsigned char*>(sodium_malloc(kBoxedSecretBytes))) {
        if (!bytes)
            throw std::bad_alloc();
    }
    ~DerivedKey() { sodium_free(bytes); } // sodium_free wipes before freeing
    DerivedKey(const DerivedKey&) = delete;
    DerivedKey& operator=(const DerivedKey&) = delete;
};
} // namespace

std::string toBase64(const unsigned char* p, std::size_t n) {
    initSodium();
    std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

bool fromBase64(std::string_view s, std::vector<unsigned char>& out) {
    initSodium();
    out.resize(s.size());
    std::size_t len = 0;
    if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return false;
    out.resize(len);
    return true;
}

std::vector<unsigned char> aeadSealRaw(const unsigned char* key, std::string_view context,
                                       const unsigned char* plain, std::size_t n) {
    initSodium();
    std::vector<unsigned char> out(kNonce + n + kTag);
    nextNonce(out.data());
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data() + kNonce, &clen, plain, n,
        reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr,
        out.data(), key);
    out.resize(kNonce + clen);
    return out;
}

Result<std::vector<unsigned char>> aeadOpenRaw(const unsigned char* key, std::string_view context,
                                               const unsigned char* sealed, std::size_t n) {
    initSodium();
    if (n < kNonce + kTag)
        return Error("store.crypto_damaged", {{"context", std::string(context)}},
                     "an encrypted value is too short");
    std::vector<unsigned char> out(n - kNonce - kTag);
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.data(), &plen, nullptr, sealed + kNonce, n - kNonce,
            reinterpret_cast<const unsigned char*>(context.data()), context.size(), sealed,
            key) != 0)
        return Error("store.crypto_damaged", {{"context", std::string(context)}},
                     "an encrypted value does not open with this key (damaged or moved)");
    out.resize(plen);
    return out;
}

Result<std::string> passwordSeal(const unsigned char* secret, std::string_view password,
                                 std::string_view context) {
    initSodium();
    unsigned char salt[crypto_pwhash_SALTBYTES];
    randombytes_buf(salt, sizeof salt);
    const unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const std::size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    DerivedKey kek;
    if (crypto_pwhash(kek.bytes, kBoxedSecretBytes, password.data(), password.size(), salt, ops,
                      mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return Error("store.out_of_memory", {}, "Argon2id could not get its memory");
    auto sealed = aeadSealRaw(kek.bytes, context, secret, kBoxedSecretBytes);
    return "argon2id$" + std::to_string(ops) + "$" + std::to_string(mem) + "$" +
           toBase64(salt, sizeof salt) + "$" + toBase64(sealed.data(), sealed.size());
}

Status passwordOpen(std::string_view boxed, std::string_view password, std::string_view context,
                    unsigned char* out) {
    initSodium();
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= boxed.size(); ++i)
        if (i == boxed.size() || boxed[i] == '$') {
            parts.push_back(boxed.substr(start, i - start));
            start = i + 1;
        }
    auto digits = [](std::string_view s) {
        return !s.empty() && s.size() <= 19 &&
               s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    std::vector<unsigned char> salt, sealed;
    if (parts.size() != 5 || parts[0] != "argon2id" || !digits(parts[1]) || !digits(parts[2]) ||
        !fromBase64(parts[3], salt) || salt.size() != crypto_pwhash_SALTBYTES ||
        !fromBase64(parts[4], sealed))
        return Error("store.crypto_damaged", {{"context", std::string(context)}},
                     "a password-locked key is damaged");
    unsigned long long ops = std::stoull(std::string(parts[1]));
    std::size_t mem = std::stoull(std::string(parts[2]));
    // Limits from the text itself: refuse what would make Argon2id run for minutes or fail.
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
        return Error("store.crypto_damaged", {{"context", std::string(context)}},
                     "a password-locked key has Argon2id limits out of range");
    DerivedKey kek;
    if (crypto_pwhash(kek.bytes, kBoxedSecretBytes, password.data(), password.size(), salt.data(),
                      ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return Error("store.out_of_memory", {}, "Argon2id could not get its memory");
    auto plain = aeadOpenRaw(kek.bytes, context, sealed.data(), sealed.size());
    if (!plain || plain->size() != kBoxedSecretBytes)
        return Error("accounts.wrong", {}, "the password does not open the key");
    std::memcpy(out, plain->data(), kBoxedSecretBytes);
    sodium_memzero(plain->data(), plain->size());
    return {};
}

} // namespace zhuxue::store::crypto
