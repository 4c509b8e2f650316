/// @brief Activation functions and their derivatives, as hand-written loops over raw buffers.
///
/// These loops are hot (every layer, every batch, every evaluation pass) and must give the
/// same result for a value wherever it sits in a buffer: the evaluation pass forwards each
/// distinct layer state once, and the exact information measures rely on a state always
/// mapping to the same next state. Plain element-wise code compiled without floating-point
/// contraction (-std=c++20 implies -ffp-contract=off in GCC) has that property whether the
/// compiler vectorises it or not; Eigen's packet math (FMA in vector lanes, none in scalar
/// tails) does not, so it is not used here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace infoplane::nn {

enum class Activation { Linear, Tanh, Relu, Relu6, Softmax };

/// "linear", "tanh", "relu", "relu6", "softmax".
std::string_view to_string(Activation activation);
/// Parses a name of to_string(); returns false when unknown.
bool parse_activation(std::string_view name, Activation& activation);
inline constexpr std::string_view k_activation_names = "linear, tanh, relu, relu6, softmax";

/// tanh for float as a rational function, accurate to a few float ulps: the minimax
/// approximation (odd degree-13 numerator over even degree-6 denominator, clamped beyond
/// |x| = 7.905) that Eigen 3.4 uses for its fast float tanh, with the same coefficients.
inline float tanh_fast(float a) {
  const float x = std::min(std::max(a, -7.90531110763549805f), 7.90531110763549805f);
  const float x2 = x * x;
  float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = x2 * p + -8.60467152213735e-11f;
  p = x2 * p + 5.12229709037114e-08f;
  p = x2 * p + 1.48572235717979e-05f;
  p = x2 * p + 6.37261928875436e-04f;
  p = x2 * p + 4.89352455891786e-03f;
  p = x * p;
  float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = x2 * q + 2.26843463243900e-03f;
  q = x2 * q + 4.89352518554385e-03f;
  const float r = p / q;
  return std::fabs(a) < 0.0004f ? a : r;
}
inline double tanh_fast(double a) { return std::tanh(a); }

/// Applies an element-wise activation to z (n_rows x width, row-major) into a.
/// Softmax is taken per row.
template <typename S>
void activate(Activation activation, const S* z, S* a, std::size_t n_rows, std::size_t width) {
  const std::size_t n = n_rows * width;
  switch (activation) {
    case Activation::Linear:
      std::copy(z, z + n, a);
      break;
    case Activation::Tanh:
      for (std::size_t i = 0; i < n; ++i) a[i] = tanh_fast(z[i]);
      break;
    case Activation::Relu:
      for (std::size_t i = 0; i < n; ++i) a[i] = z[i] > S(0) ? z[i] : S(0);
      break;
    case Activation::Relu6:
      for (std::size_t i = 0; i < n; ++i) a[i] = std::min(z[i] > S(0) ? z[i] : S(0), S(6));
      break;
    case Activation::Softmax:
      for (std::size_t r = 0; r < n_rows; ++r) {
        const S* zr = z + r * width;
        S* ar = a + r * width;
        S m = zr[0];
        for (std::size_t j = 1; j < width; ++j) m = zr[j] > m ? zr[j] : m;
        S sum = 0;
        for (std::size_t j = 0; j < width; ++j) {
          ar[j] = std::exp(zr[j] - m);
          sum += ar[j];
        }
        const S inv = S(1) / sum;
        for (std::size_t j = 0; j < width; ++j) ar[j] *= inv;
      }
      break;
  }
}

/// Softmax of a features x samples buffer (z: width rows of n_cols samples): the same
/// operations in the same order per sample as activate(Softmax) on a row-major buffer.
template <typename S>
void softmax_columns(const S* z, S* a, std::size_t n_cols, std::size_t width, std::vector<S>& scratch) {
  scratch.assign(2 * n_cols, S(0));
  S* m = scratch.data();
  S* sum = m + n_cols;
  std::copy(z, z + n_cols, m);
  for (std::size_t j = 1; j < width; ++j) {
    const S* zj = z + j * n_cols;
    for (std::size_t r = 0; r < n_cols; ++r) m[r] = zj[r] > m[r] ? zj[r] : m[r];
  }
  for (std::size_t j = 0; j < width; ++j) {
    const S* zj = z + j * n_cols;
    S* aj = a + j * n_cols;
    for (std::size_t r = 0; r < n_cols; ++r) {
      aj[r] = std::exp(zj[r] - m[r]);
      sum[r] += aj[r];
    }
  }
  for (std::size_t r = 0; r < n_cols; ++r) sum[r] = S(1) / sum[r];
  for (std::size_t j = 0; j < width; ++j) {
    S* aj = a + j * n_cols;
    for (std::size_t r = 0; r < n_cols; ++r) aj[r] *= sum[r];
  }
}

/// Back-propagates through softmax_columns: g (width x n_cols, gradient w.r.t. a) becomes
/// the gradient w.r.t. z, g_j <- a_j (g_j - sum_k g_k a_k) per sample.
template <typename S>
void softmax_columns_backward(const S* a, S* g, std::size_t n_cols, std::size_t width,
                              std::vector<S>& scratch) {
  scratch.assign(n_cols, S(0));
  S* dot = scratch.data();
  for (std::size_t j = 0; j < width; ++j) {
    for (std::size_t r = 0; r < n_cols; ++r) dot[r] += g[j * n_cols + r] * a[j * n_cols + r];
  }
  for (std::size_t j = 0; j < width; ++j) {
    for (std::size_t r = 0; r < n_cols; ++r) {
      g[j * n_cols + r] = a[j * n_cols + r] * (g[j * n_cols + r] - dot[r]);
    }
  }
}

/// Back-propagates through an element-wise activation: g (gradient w.r.t. a) is replaced
/// by the gradient w.r.t. z, given z and a = f(z). Softmax uses its full Jacobian per row.
template <typename S>
void activate_backward(Activation activation, const S* z, const S* a, S* g, std::size_t n_rows,
                       std::size_t width) {
  const std::size_t n = n_rows * width;
  switch (activation) {
    case Activation::Linear:
      break;
    case Activation::Tanh:
      for (std::size_t i = 0; i < n; ++i) g[i] *= S(1) - a[i] * a[i];
      break;
    case Activation::Relu:
      for (std::size_t i = 0; i < n; ++i) g[i] = z[i] > S(0) ? g[i] : S(0);
      break;
    case Activation::Relu6:
      for (std::size_t i = 0; i < n; ++i) g[i] = (z[i] > S(0) && z[i] < S(6)) ? g[i] : S(0);
      break;
    case Activation::Softmax:
      for (std::size_t r = 0; r < n_rows; ++r) {
        const S* ar = a + r * width;
        S* gr = g + r * width;
        S dot = 0;
        for (std::size_t j = 0; j < width; ++j) dot += gr[j] * ar[j];
        for (std::size_t j = 0; j < width; ++j) gr[j] = ar[j] * (gr[j] - dot);
      }
      break;
  }
}

}  // namespace infoplane::nn
