#pragma once
// Identifiers made on the device, so records and changes can be created offline and merged later
// without a server handing out numbers:
//  - Uuid: 128-bit ids. Records and changes get UUIDv7 (RFC 9562: 48-bit Unix ms, then random
//    bits; a per-process counter keeps ids made in the same millisecond increasing, so ids sort
//    by creation time and index well). Devices get a random UUIDv4.
//  - Hlc: a hybrid logical clock stamp, 64 bits = 48-bit Unix ms << 16 | 16-bit counter. It orders
//    field changes across devices even when their wall clocks disagree. Text form: exactly 16
//    lowercase hex digits, so text order equals numeric order.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace zhuxue {

struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    bool isNil() const;
    int version() const { return bytes[6] >> 4; }
    // Canonical 8-4-4-4-12 lowercase form.
    std::string str() const;
    // The same 36 characters into `out`, without allocating (hashing many ids).
    void format(char* out) const;
    // Accepts the canonical form in either case; nullopt for anything else.
    static std::optional<Uuid> parse(std::string_view text);

    auto operator<=>(const Uuid&) const = default;
    bool operator==(const Uuid&) const = default;
};

// A new UUIDv7, strictly greater than every UUIDv7 made before in this process (thread-safe).
Uuid newUuidV7();
// The Unix milliseconds inside a UUIDv7.
std::int64_t uuidV7Millis(const Uuid& id);
// A new random UUIDv4: the identity of a device (made once at first start, kept in its store).
Uuid newDeviceId();
using DeviceId = Uuid;

// Unix time in milliseconds from the system clock.
std::int64_t systemNowMs();

// How far ahead of the local wall clock a stamp from elsewhere may be. A stamp further ahead is
// refused by the server and never adopted by a device's clock: it would win every merge of its
// field for good and drag every clock that saw it into the future.
inline constexpr std::int64_t kMaxHlcAheadMs = 24LL * 3600 * 1000;

struct Hlc {
    std::uint64_t value = 0;

    static constexpr std::uint64_t kMaxMillis = (std::uint64_t{1} << 48) - 1;
    static Hlc make(std::uint64_t millis, std::uint16_t counter) {
        return Hlc{(millis & kMaxMillis) << 16 | counter};
    }
    std::uint64_t millis() const { return value >> 16; }
    std::uint16_t counter() const { return static_cast<std::uint16_t>(value & 0xffff); }
    // 16 lowercase hex digits.
    std::string str() const;
    // Exactly 16 hex digits (either case); nullopt otherwise.
    static std::optional<Hlc> parse(std::string_view text);

    auto operator<=>(const Hlc&) const = default;
    bool operator==(const Hlc&) const = default;
};

// The clock of one device. send() stamps a local change (or a message sent); receive() folds in a
// stamp seen from another device so the next local stamp is greater than both. Rules (Kulkarni et
// al., "Logical Physical Clocks"):
//   send:    ms' = max(last.ms, now); counter' = (ms' == last.ms) ? last.counter + 1 : 0
//   receive: ms' = max(last.ms, remote.ms, now); counter' = the larger counter of the inputs
//            whose ms equals ms', plus 1 (0 when only `now` reached ms'); a remote stamp more
//            than kMaxHlcAheadMs ahead of now is not taken in (receive is then send)
// When a counter would pass 0xffff the clock moves to the next millisecond instead, so stamps stay
// strictly increasing. Thread-safe.
class HlcClock {
public:
    using NowFn = std::function<std::int64_t()>;
    explicit HlcClock(NowFn now = systemNowMs, Hlc last = {});

    Hlc send();
    Hlc receive(Hlc remote);
    Hlc last() const;
    // Raises the clock to at least `seen` without making a new stamp (used when a store is opened
    // so stamps never go backwards after a restart, even if the wall clock did). Only the
    // device's own clock is observed; stamps from elsewhere go through receive().
    void observe(Hlc seen);

private:
    NowFn m_now;
    Hlc m_last;
    mutable std::mutex m_mutex;
};

} // namespace zhuxue

template <> struct std::hash<zhuxue::Uuid> {
    std::size_t operator()(const zhuxue::Uuid& id) const noexcept {
        std::uint64_t a = 0, b = 0;
        for (int i = 0; i < 8; ++i) {
            a = a << 8 | id.bytes[i];
            b = b << 8 | id.bytes[i + 8];
        }
        return std::hash<std::uint64_t>{}(a ^ (b * 0x9e3779b97f4a7c15ULL));
    }
};
