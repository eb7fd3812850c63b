#pragma once
// Bytes on the wire: gzip bodies (bounded, so a small compressed body cannot expand without
// limit), SHA-256 for blobs and tokens, random tokens.
#include "client/core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace zhuxue::sync {

std::string gzipCompress(std::string_view data, int level = 6);
// Fails with sync.error.body_too_large when the output would pass maxOutput bytes, and with
// sync.error.bad_gzip when the input is not a complete gzip stream.
Result<std::string> gzipDecompress(std::string_view data, std::size_t maxOutput);

std::string sha256Hex(std::string_view data);
bool isSha256Hex(std::string_view s);

// Incremental SHA-256 for large or pieced data.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view data);
    std::string hexDigest();

private:
    void* m_ctx;
};

// Cryptographically random bytes as lowercase hex (2 * bytes characters).
std::string randomHex(std::size_t bytes);

} // namespace zhuxue::sync
