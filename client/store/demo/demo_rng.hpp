#pragma once
// The demo county's random numbers: xoshiro256** seeded through splitmix64, with our own
// range reduction, so a seed gives the same county on every platform and standard library
// (std::uniform_int_distribution is not specified bit for bit).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace zhuxue::demo {

class DemoRng {
public:
    explicit DemoRng(std::uint64_t seed) {
        for (auto& s : m_s) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is far below what a demo shows).
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
    // Uniform in [lo, hi].
    long long range(long long lo, long long hi) {
        return lo + static_cast<long long>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }
    // True with probability percent / 100 (fractions allowed: 0.5 = one in two hundred).
    bool chance(double percent) { return static_cast<double>(below(1000000)) < percent * 10000.0; }
    template <class T> const T& pick(const std::vector<T>& items) {
        return items[below(items.size())];
    }
    // An index chosen with the given weights.
    std::size_t weighted(std::initializer_list<unsigned> weights) {
        unsigned total = 0;
        for (unsigned w : weights)
            total += w;
        auto r = below(total);
        std::size_t i = 0;
        for (unsigned w : weights) {
            if (r < w)
                return i;
            r -= w;
            ++i;
        }
        return i - 1;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

} // namespace zhuxue::demo
