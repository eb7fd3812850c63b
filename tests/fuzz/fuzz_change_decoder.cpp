// Fuzzes what a device or the server decodes from the wire (sync/protocol): JSON text, the
// strict Change decoder and the message envelopes, error bodies, gzip bodies. A decoded Change
// must survive a round trip unchanged (the decoder and encoder agree on canonical text).
#include "fuzz_target.hpp"
#include "sync/protocol/change.hpp"
#include "sync/protocol/messages.hpp"
#include "sync/protocol/wire.hpp"

#include <string>

using namespace zhuxue::sync;

namespace {

void decodeAll(const std::string& text) {
    auto j = parseJson(text);
    if (!j)
        return;
    if (auto c = changeFromJson(*j)) {
        auto again = changeFromJson(toJson(*c));
        if (!again || !(*again == *c))
            fuzzInvariantBroken("a decoded change does not survive toJson/changeFromJson");
        if (!validate(*c).ok())
            fuzzInvariantBroken("changeFromJson accepted a change validate() refuses");
    }
    if (auto p = pushRequestFromJson(*j)) {
        auto again = pushRequestFromJson(toJson(*p));
        if (!again || again->changes != p->changes)
            fuzzInvariantBroken("a push request does not survive a round trip");
    }
    (void)pushResponseFromJson(*j);
    (void)pullResponseFromJson(*j);
    (void)enrollRequestFromJson(*j);
    (void)enrollResponseFromJson(*j);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    decodeAll(text);
    (void)errorFromBody(400, text);
    // Bodies arrive gzipped; a bomb must stop at the bound instead of filling memory.
    auto plain = gzipDecompress(text, 1 << 20);
    if (plain) {
        if (plain->size() > (1u << 20))
            fuzzInvariantBroken("gzipDecompress passed its output bound");
        decodeAll(*plain);
    }
    return 0;
}
