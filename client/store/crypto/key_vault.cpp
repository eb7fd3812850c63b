#include "key_vault.hpp"

#include "password_box.hpp"
#include "client/store/paths.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace zhuxue::store::crypto {

namespace fs = std::filesystem;

namespace {

constexpr char kIndexContext[crypto_kdf_CONTEXTBYTES + 1] = "zxblindx";

void initSodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok)
        throw std::runtime_error("libsodium could not be initialised");
}

Error locked() {
    return Error("store.locked", {},
                 "the data key is locked: sign in to read or change personal information");
}

// Both keys of one unlocked data directory: the data key and the blind-index key derived from it.
struct Unlocked {
    SecretKey data;
    SecretKey index;
    std::string holder;
};

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::unique_ptr<Unlocked>> keys;
    // dataDir as given -> its canonical form, for directories that exist: every sealed value
    // looks its key up here, and canonicalising costs a readlink per path component (a 20,000-row
    // import spent a fifth of its time there).
    std::map<std::string, std::string, std::less<>> canonical;
};

Registry& registry() {
    static Registry* r = new Registry(); // never destroyed: Stores may close during exit
    return *r;
}

// The registry's key for a data directory. Called with the registry's mutex held.
std::string dirKey(const fs::path& dataDir) {
    auto& known = registry().canonical;
    if (auto it = known.find(dataDir.native()); it != known.end())
        return it->second;
    std::error_code ec;
    auto canon = fs::canonical(dataDir, ec);
    if (!ec) // exists: remembered
        return known.emplace(dataDir.native(), canon.lexically_normal().string()).first->second;
    auto weak = fs::weakly_canonical(dataDir, ec);
    return (ec ? dataDir : weak).lexically_normal().string();
}

std::string b64(const unsigned char* p, std::size_t n) {
    return toBase64(p, n);
}

bool unb64(std::string_view s, std::vector<unsigned char>& out) {
    return fromBase64(s, out);
}

// Runs fn(unlocked keys) under the registry lock, or returns store.locked.
template <class F> auto withKeys(const fs::path& dataDir, F&& fn) -> decltype(fn(*(Unlocked*)0)) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.keys.find(dirKey(dataDir));
    if (it == r.keys.end())
        return locked();
    return fn(*it->second);
}

Result<std::vector<unsigned char>> aeadSeal(const SecretKey& key, std::string_view context,
                                            const unsigned char* plain, std::size_t n) {
    return aeadSealRaw(key.data(), context, plain, n);
}

Result<std::vector<unsigned char>> aeadOpen(const SecretKey& key, std::string_view context,
                                            const unsigned char* sealed, std::size_t n) {
    return aeadOpenRaw(key.data(), context, sealed, n);
}

} // namespace

// ---- SecretKey --------------------------------------------------------------------------------

SecretKey::SecretKey() {
    initSodium();
    m_bytes = static_cast<unsigned char*>(sodium_malloc(kKeyBytes));
    if (!m_bytes)
        throw std::bad_alloc();
    sodium_memzero(m_bytes, kKeyBytes);
}

SecretKey::~SecretKey() {
    if (m_bytes) {
        sodium_memzero(m_bytes, kKeyBytes);
        sodium_free(m_bytes);
    }
}

SecretKey::SecretKey(SecretKey&& other) noexcept : m_bytes(other.m_bytes) {
    other.m_bytes = nullptr;
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
    if (this != &other) {
        if (m_bytes) {
            sodium_memzero(m_bytes, kKeyBytes);
            sodium_free(m_bytes);
        }
        m_bytes = other.m_bytes;
        other.m_bytes = nullptr;
    }
    return *this;
}

SecretKey SecretKey::random() {
    SecretKey k;
    randombytes_buf(k.data(), kKeyBytes);
    return k;
}

// ---- KeyVault ---------------------------------------------------------------------------------

bool KeyVault::unlocked(const fs::path& dataDir) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    return r.keys.count(dirKey(dataDir)) > 0;
}

void KeyVault::unlock(const fs::path& dataDir, const SecretKey& key) {
    auto u = std::make_unique<Unlocked>();
    std::memcpy(u->data.data(), key.data(), kKeyBytes);
    crypto_kdf_derive_from_key(u->index.data(), kKeyBytes, 1, kIndexContext, key.data());
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.keys[dirKey(dataDir)] = std::move(u);
}

void KeyVault::lock(const fs::path& dataDir) {
    std::unique_ptr<Unlocked> gone;
    {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        auto it = r.keys.find(dirKey(dataDir));
        if (it == r.keys.end())
            return;
        gone = std::move(it->second);
        r.keys.erase(it);
    }
    // ~SecretKey wipes both keys with sodium_memzero before sodium_free.
}

void KeyVault::setHolder(const fs::path& dataDir, const std::string& user) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.keys.find(dirKey(dataDir));
    if (it != r.keys.end())
        it->second->holder = user;
}

std::string KeyVault::holder(const fs::path& dataDir) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.keys.find(dirKey(dataDir));
    return it == r.keys.end() ? std::string() : it->second->holder;
}

Result<SecretKey> KeyVault::copy(const fs::path& dataDir) {
    return withKeys(dataDir, [](Unlocked& u) -> Result<SecretKey> {
        SecretKey k;
        std::memcpy(k.data(), u.data.data(), kKeyBytes);
        return k;
    });
}

fs::path KeyVault::deviceKeyPath(const fs::path& dataDir) {
    return dataDir / "device.key";
}

Result<bool> KeyVault::loadDeviceKey(const fs::path& dataDir) {
    auto p = deviceKeyPath(dataDir);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return false;
        return Error("store.io_error", {{"path", p.string()}},
                     "cannot read " + p.string() + ": " + std::strerror(errno));
    }
    SecretKey k;
    ssize_t n = ::read(fd, k.data(), kKeyBytes);
    ::close(fd);
    if (n != static_cast<ssize_t>(kKeyBytes))
        return Error("store.crypto_damaged", {{"context", "device.key"}},
                     p.string() + " is not a device key (wrong size)");
    unlock(dataDir, k);
    return true;
}

Status KeyVault::createDeviceKey(const fs::path& dataDir) {
    // Two connections opening a new data directory at once must end with one key: a key that
    // lost a race and still sealed values would leave them unreadable for good.
    SecretKey k = SecretKey::random();
    auto p = deviceKeyPath(dataDir);
    auto made = createFileDurably(p, {reinterpret_cast<const char*>(k.data()), kKeyBytes});
    if (!made)
        return Error("store.io_error", {{"path", p.string()}}, made.error().detail);
    if (*made) {
        unlock(dataDir, k);
        return {};
    }
    auto loaded = loadDeviceKey(dataDir); // the other one's
    if (!loaded)
        return loaded.error();
    return {};
}

Status KeyVault::writeDeviceKey(const fs::path& dataDir, const SecretKey& k) {
    auto p = deviceKeyPath(dataDir);
    auto st = writeFileDurably(p, {reinterpret_cast<const char*>(k.data()), kKeyBytes});
    if (!st)
        return Error("store.io_error", {{"path", p.string()}}, st.error().detail);
    unlock(dataDir, k);
    return {};
}

void KeyVault::removeDeviceKey(const fs::path& dataDir) {
    auto p = deviceKeyPath(dataDir);
    int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        unsigned char zero[kKeyBytes] = {};
        (void)!::write(fd, zero, sizeof zero);
        ::fsync(fd);
        ::close(fd);
    }
    ::unlink(p.c_str());
}

bool KeyVault::isSealed(std::string_view stored) {
    return stored.substr(0, kSealedPrefix.size()) == kSealedPrefix;
}

Result<std::string> KeyVault::seal(const fs::path& dataDir, std::string_view context,
                                   std::string_view plain) {
    return withKeys(dataDir, [&](Unlocked& u) -> Result<std::string> {
        auto sealed = aeadSeal(u.data, context, reinterpret_cast<const unsigned char*>(plain.data()),
                               plain.size());
        return std::string(kSealedPrefix) + b64(sealed->data(), sealed->size());
    });
}

Result<std::string> KeyVault::open(const fs::path& dataDir, std::string_view context,
                                   std::string_view stored) {
    if (!isSealed(stored))
        return std::string(stored);
    std::vector<unsigned char> raw;
    if (!unb64(stored.substr(kSealedPrefix.size()), raw))
        return Error("store.crypto_damaged", {{"context", std::string(context)}},
                     "an encrypted value is not valid base64");
    return withKeys(dataDir, [&](Unlocked& u) -> Result<std::string> {
        auto plain = aeadOpen(u.data, context, raw.data(), raw.size());
        if (!plain)
            return plain.error();
        std::string out(plain->begin(), plain->end());
        sodium_memzero(plain->data(), plain->size());
        return out;
    });
}

Result<std::string> KeyVault::blindIndex(const fs::path& dataDir, std::string_view value) {
    return withKeys(dataDir, [&](Unlocked& u) -> Result<std::string> {
        unsigned char h[16];
        crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(value.data()),
                           value.size(), u.index.data(), kKeyBytes);
        char hex[2 * sizeof h + 1];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        return std::string(hex);
    });
}

Result<std::vector<std::byte>> KeyVault::sealBytes(const fs::path& dataDir,
                                                   std::string_view context,
                                                   std::span<const std::byte> plain) {
    return withKeys(dataDir, [&](Unlocked& u) -> Result<std::vector<std::byte>> {
        auto sealed = aeadSeal(u.data, context,
                               reinterpret_cast<const unsigned char*>(plain.data()), plain.size());
        std::vector<std::byte> out(kFileMagic.size() + sealed->size());
        std::memcpy(out.data(), kFileMagic.data(), kFileMagic.size());
        std::memcpy(out.data() + kFileMagic.size(), sealed->data(), sealed->size());
        return out;
    });
}

Result<std::vector<std::byte>> KeyVault::openBytes(const fs::path& dataDir,
                                                   std::string_view context,
                                                   std::span<const std::byte> stored) {
    if (stored.size() < kFileMagic.size() ||
        std::memcmp(stored.data(), kFileMagic.data(), kFileMagic.size()) != 0)
        return std::vector<std::byte>(stored.begin(), stored.end());
    return withKeys(dataDir, [&](Unlocked& u) -> Result<std::vector<std::byte>> {
        auto p = reinterpret_cast<const unsigned char*>(stored.data()) + kFileMagic.size();
        auto plain = aeadOpen(u.data, context, p, stored.size() - kFileMagic.size());
        if (!plain)
            return plain.error();
        std::vector<std::byte> out(plain->size());
        std::memcpy(out.data(), plain->data(), plain->size());
        sodium_memzero(plain->data(), plain->size());
        return out;
    });
}

// ---- wrapping ---------------------------------------------------------------------------------

std::string keyToText(const SecretKey& key) {
    return b64(key.data(), kKeyBytes);
}

Result<SecretKey> keyFromText(std::string_view text) {
    std::vector<unsigned char> raw;
    if (!unb64(text, raw) || raw.size() != kKeyBytes)
        return Error("store.crypto_damaged", {{"context", "backup key"}},
                     "the data key in the backup is damaged");
    SecretKey k;
    std::memcpy(k.data(), raw.data(), kKeyBytes);
    sodium_memzero(raw.data(), raw.size());
    return k;
}

Result<std::string> wrapKey(const SecretKey& key, std::string_view password) {
    return passwordSeal(key.data(), password, "zhuxue data key");
}

Result<SecretKey> unwrapKey(std::string_view wrapped, std::string_view password) {
    SecretKey k;
    if (auto st = passwordOpen(wrapped, password, "zhuxue data key", k.data()); !st) {
        if (st.error().key == "store.crypto_damaged")
            return Error("store.crypto_damaged", {{"context", "key wrap"}},
                         "the wrapped data key of this account is damaged");
        return st.error();
    }
    return k;
}

} // namespace zhuxue::store::crypto
