/// @brief k-bit uniform fake quantization of activations and weights (Jacob et al. 2018).
///
/// A value a is mapped to q(a) = lo + round((clamp(a, lo, hi) - lo) / s) * s with
/// s = (hi - lo) / (2^k - 1); its integer code is round((clamp(a, lo, hi) - lo) / s) in
/// [0, 2^k - 1]. Rounding is half up (floor(x + 0.5)), as TensorFlow's fake-quant kernels do.
/// The backward pass is straight-through: the gradient passes unchanged where
/// lo <= a <= hi and is zero outside.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <Eigen/Core>

namespace infoplane::nn {

/// Bits of a network that is not quantized at all (plain float32).
inline constexpr int k_unquantized_bits = 32;

/// The quantization grid of one tensor: 2^bits levels from `lo` in steps of `step`.
struct QuantGrid {
  float lo = 0.0f;
  float hi = 0.0f;    ///< the top level, lo + max_code * step
  float step = 0.0f;  ///< 0 when the range is empty: every value maps to code 0
  float inv_step = 0.0f;
  std::uint32_t max_code = 0;
};

/// The grid over [lo, hi] with 2^bits levels. With `nudge` (TensorFlow's rule) the range is
/// shifted so that 0.0 is exactly a level: z = round(-lo / s) clamped to [0, 2^k - 1],
/// range [-z s, (2^k - 1 - z) s].
inline QuantGrid make_grid(float lo, float hi, int bits, bool nudge) {
  QuantGrid grid;
  grid.max_code = (std::uint32_t{1} << bits) - 1U;
  if (!(hi > lo)) {
    grid.lo = lo;
    grid.hi = lo;
    return grid;
  }
  const float levels = static_cast<float>(grid.max_code);
  grid.step = (hi - lo) / levels;
  grid.lo = lo;
  if (nudge) {
    float zero_point = std::floor(-lo / grid.step + 0.5f);
    zero_point = std::fmin(std::fmax(zero_point, 0.0f), levels);
    grid.lo = -zero_point * grid.step;
  }
  grid.hi = grid.lo + levels * grid.step;
  grid.inv_step = 1.0f / grid.step;
  return grid;
}

/// Quantizes n values: q[i] = q(a[i]); codes (may be null) receive the integer codes.
/// Hand-written element-wise loop (hot kernel; same result for a value at any position).
template <typename S>
void quantize(const S* a, S* q, std::uint32_t* codes, std::size_t n, const QuantGrid& grid) {
  const S lo = grid.lo;
  const S hi = grid.hi;
  const S step = grid.step;
  const S inv_step = grid.inv_step;
  // Two loops rather than a test inside one, so that both vectorise.
  if (codes == nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      const S clamped = a[i] < lo ? lo : (a[i] > hi ? hi : a[i]);
      q[i] = lo + std::floor((clamped - lo) * inv_step + S(0.5)) * step;
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const S clamped = a[i] < lo ? lo : (a[i] > hi ? hi : a[i]);
    const S code = std::floor((clamped - lo) * inv_step + S(0.5));
    q[i] = lo + code * step;
    codes[i] = static_cast<std::uint32_t>(static_cast<std::int32_t>(code));
  }
}

/// Smallest and largest of n > 0 values (Eigen's vectorised reductions; exact).
template <typename S>
std::pair<S, S> value_range(const S* a, std::size_t n) {
  const Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>> values(a, static_cast<Eigen::Index>(n));
  return {values.minCoeff(), values.maxCoeff()};
}

/// Straight-through gradient: zero g[i] where a[i] lies outside [lo, hi].
template <typename S>
void quantize_backward(const S* a, S* g, std::size_t n, const QuantGrid& grid) {
  const S lo = grid.lo;
  const S hi = grid.hi;
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] < lo || a[i] > hi) g[i] = S(0);
  }
}

}  // namespace infoplane::nn
