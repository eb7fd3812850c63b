// Attachment files: content-addressed by SHA-256 under <dataDir>/attachments/ab/abcdef..., written
// to a temporary file, fsynced and renamed into place (then the directory is fsynced), so a file
// under its final name is always complete. The same content is stored once.
#include "crypto/key_vault.hpp"
#include "paths.hpp"
#include "store_impl.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sodium.h>
#include <unistd.h>

namespace zhuxue::store {
namespace fs = std::filesystem;

namespace {

std::string sha256Hex(std::span<const std::byte> bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

bool isSha256Hex(std::string_view s) {
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// paths.hpp's errors as the keys of the store's other writes (store.disk_full, store.io_error).
Status asStoreError(Status st) {
    if (st)
        return {};
    Error e = st.error();
    if (e.key == "fs.disk_full")
        e.key = "store.disk_full";
    else if (e.key == "fs.write_failed")
        e.key = "store.io_error";
    return e;
}

std::string_view asChars(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Status writeDurably(const fs::path& target, std::span<const std::byte> bytes) {
    return asStoreError(writeFileDurably(target, asChars(bytes)));
}

} // namespace

fs::path Store::attachmentPath(std::string_view sha256) const {
    std::string h(sha256);
    return attachmentsDir(m_impl->dataDir) / h.substr(0, 2) / h;
}

Result<Attachment> Store::addAttachment(Attachment meta, std::span<const std::byte> bytes,
                                        const Actor& who) {
    if (auto a = m_impl->mayWrite(); !a)
        return a.error();
    auto stored = storeAttachmentFile(std::move(meta), bytes);
    if (!stored)
        return stored.error();
    // The file is durable before the record that names it is committed.
    if (auto st = save(*stored, who); !st)
        return st.error();
    return stored;
}

Result<Attachment> Store::storeAttachmentFile(Attachment meta, std::span<const std::byte> bytes) {
    if (sodium_init() < 0)
        return Error("store.io_error", {}, "libsodium init failed");
    meta.sha256 = sha256Hex(bytes);
    meta.sizeBytes = static_cast<std::int64_t>(bytes.size());
    if (meta.id.isNil())
        meta.id = newUuidV7();
    if (meta.createdMs == 0)
        meta.createdMs = systemNowMs();
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    fs::path target = attachmentPath(meta.sha256);
    // Content-addressed: an existing file with this name that opens to these bytes is kept.
    // The file holds ciphertext (crypto/key_vault.hpp); its name is the plaintext's SHA-256.
    if (!readAttachment(meta.sha256)) {
        auto sealed = crypto::KeyVault::sealBytes(m_impl->dataDir, "attachment." + meta.sha256,
                                                  bytes);
        if (!sealed)
            return sealed.error();
        if (auto st = writeDurably(target, *sealed); !st)
            return st.error();
    }
    return meta;
}

Status Store::putAttachmentFile(std::string_view sha256, std::span<const std::byte> bytes) {
    if (sodium_init() < 0)
        return Error("store.io_error", {}, "libsodium init failed");
    if (!isSha256Hex(sha256) || sha256Hex(bytes) != sha256)
        return Error("store.attachment_damaged", {{"sha256", std::string(sha256)}},
                     "the bytes do not have the SHA-256 the record names");
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    if (readAttachment(sha256))
        return {};
    auto sealed =
        crypto::KeyVault::sealBytes(m_impl->dataDir, "attachment." + std::string(sha256), bytes);
    if (!sealed)
        return sealed.error();
    return writeDurably(attachmentPath(sha256), *sealed);
}

bool Store::hasAttachmentFile(std::string_view sha256) const {
    std::error_code ec;
    return isSha256Hex(sha256) && fs::is_regular_file(attachmentPath(sha256), ec);
}

Result<std::vector<std::byte>> Store::readAttachment(std::string_view sha256) const {
    if (auto a = m_impl->mayRead(); !a)
        return a.error();
    if (!isSha256Hex(sha256))
        return Error("store.attachment_missing", {{"sha256", std::string(sha256)}});
    fs::path p = attachmentPath(sha256);
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return Error("store.attachment_missing", {{"sha256", std::string(sha256)}}, p.string());
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> stored(data.size());
    if (!data.empty())
        std::memcpy(stored.data(), data.data(), data.size());
    auto opened =
        crypto::KeyVault::openBytes(m_impl->dataDir, "attachment." + std::string(sha256), stored);
    if (!opened) {
        if (opened.error().key == "store.locked")
            return opened.error();
        return Error("store.attachment_damaged", {{"sha256", std::string(sha256)}}, p.string());
    }
    std::vector<std::byte> out = std::move(*opened);
    if (sodium_init() < 0 || sha256Hex(out) != sha256)
        return Error("store.attachment_damaged", {{"sha256", std::string(sha256)}}, p.string());
    return out;
}

namespace {
fs::path partialPath(const fs::path& dataDir, std::string_view sha256) {
    return attachmentsDir(dataDir) / "partial" / (std::string(sha256) + ".part");
}

std::string partialContext(std::string_view sha256, std::int64_t offset) {
    return "attachment.partial." + std::string(sha256) + "." + std::to_string(offset);
}

constexpr std::size_t kFrameHeader = 8; // little-endian length of the sealed frame
} // namespace

Result<std::vector<std::byte>> Store::readPartialAttachment(std::string_view sha256) {
    if (auto a = m_impl->mayRead(); !a)
        return a.error();
    if (!isSha256Hex(sha256))
        return Error("store.attachment_missing", {{"sha256", std::string(sha256)}});
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    fs::path p = partialPath(m_impl->dataDir, sha256);
    std::vector<std::byte> plain;
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return plain;
    std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    std::size_t pos = 0;
    while (file.size() - pos >= kFrameHeader) {
        std::uint64_t len = 0;
        for (std::size_t i = 0; i < kFrameHeader; ++i)
            len |= static_cast<std::uint64_t>(static_cast<unsigned char>(file[pos + i])) << (8 * i);
        if (len > file.size() - pos - kFrameHeader)
            break; // cut by a crash while it was written
        std::span<const std::byte> frame(reinterpret_cast<const std::byte*>(&file[pos + kFrameHeader]),
                                         static_cast<std::size_t>(len));
        // Every frame is sealed (openBytes would pass bytes without the magic through).
        if (frame.size() < crypto::kFileMagic.size() ||
            std::memcmp(frame.data(), crypto::kFileMagic.data(), crypto::kFileMagic.size()) != 0)
            break;
        auto opened = crypto::KeyVault::openBytes(
            m_impl->dataDir, partialContext(sha256, static_cast<std::int64_t>(plain.size())), frame);
        if (!opened) {
            if (opened.error().key == "store.locked")
                return opened.error();
            break; // damaged: keep what came before it
        }
        plain.insert(plain.end(), opened->begin(), opened->end());
        pos += kFrameHeader + static_cast<std::size_t>(len);
    }
    if (pos != file.size()) { // drop the bad tail, so later frames follow good ones
        std::error_code ec;
        fs::resize_file(p, pos, ec);
        if (ec)
            return Error("store.io_error", {{"path", p.string()}}, ec.message());
    }
    return plain;
}

Status Store::appendPartialAttachment(std::string_view sha256, std::int64_t offset,
                                      std::span<const std::byte> bytes) {
    if (!isSha256Hex(sha256))
        return Error("store.attachment_missing", {{"sha256", std::string(sha256)}});
    if (auto k = m_impl->requireKey(); !k)
        return k.error();
    auto sealed =
        crypto::KeyVault::sealBytes(m_impl->dataDir, partialContext(sha256, offset), bytes);
    if (!sealed)
        return sealed.error();
    std::vector<std::byte> frame(kFrameHeader + sealed->size());
    for (std::size_t i = 0; i < kFrameHeader; ++i)
        frame[i] = static_cast<std::byte>((static_cast<std::uint64_t>(sealed->size()) >> (8 * i)) & 0xff);
    std::memcpy(frame.data() + kFrameHeader, sealed->data(), sealed->size());
    return asStoreError(appendFileDurably(partialPath(m_impl->dataDir, sha256), asChars(frame)));
}

void Store::dropPartialAttachment(std::string_view sha256) {
    if (!isSha256Hex(sha256))
        return;
    std::error_code ec;
    fs::remove(partialPath(m_impl->dataDir, sha256), ec);
}

} // namespace zhuxue::store
