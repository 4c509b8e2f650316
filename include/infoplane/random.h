/// @brief The per-repetition random generator: one stream per (seed, attempt), identical on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <utility>

namespace infoplane {

/// A 64-bit Mersenne Twister with hand-written distributions, so that a seed gives the same
/// numbers with any standard library (std::normal_distribution and std::shuffle are not
/// specified bit-exactly by the standard).
class Rng {
 public:
  /// The stream for `seed`; `stream` separates restarts of one repetition (attempt index)
  /// or other independent uses of the same seed.
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)};
    m_engine.seed(seq);
  }

  std::uint64_t next() { return m_engine(); }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), unbiased (rejection of the incomplete last block).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t r = m_engine();
    while (r >= limit) r = m_engine();
    return r % n;
  }

  /// Standard normal by the Box-Muller transform (the second value of each pair is kept).
  double normal() {
    if (m_has_spare) {
      m_has_spare = false;
      return m_spare;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    m_spare = radius * std::sin(angle);
    m_has_spare = true;
    return radius * std::cos(angle);
  }

  /// Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::span<T> values) {
    for (std::size_t i = values.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(values[i - 1], values[j]);
    }
  }

 private:
  std::mt19937_64 m_engine;
  double m_spare = 0.0;
  bool m_has_spare = false;
};

}  // namespace infoplane
