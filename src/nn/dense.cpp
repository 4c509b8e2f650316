/// @brief Register-blocked dense kernels (GCC vector extensions: AVX with -march=native,
/// pairs of SSE registers otherwise) and their references.
#include "infoplane/nn/dense.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace infoplane::nn {

namespace {

typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

inline v8f load(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }

inline v8f splat(float s) { return v8f{s, s, s, s, s, s, s, s}; }

inline v16f load16(const float* p) {
  v16f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store16(float* p, v16f v) { std::memcpy(p, &v, sizeof v); }

inline v16f splat16(float s) { return v16f{s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s}; }

/// Keeps a loaded vector in a register: GCC would otherwise fold the load into every
/// multiplication that uses it, which makes these kernels load-bound. No code.
template <typename V>
inline void in_register(V& v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __asm__("" : "+v"(v));
#else
  (void)v;
#endif
}

#ifdef __AVX512F__
/// JB outputs x 32 samples from r0 (two AVX-512 registers per output), accumulated over
/// all inputs: 2 loads and JB broadcasts per 2 JB products.
template <std::size_t JB>
inline void forward_block32(const float* x, std::size_t n, std::size_t d_in, const float* w,
                            const float* b, std::size_t d_out, float* z, std::size_t j0, std::size_t r0) {
  v16f acc[JB][2];
  for (std::size_t jj = 0; jj < JB; ++jj) acc[jj][0] = acc[jj][1] = splat16(b[j0 + jj]);
  const float* xp = x + r0;
  const float* wp = w + j0;
  for (std::size_t i = 0; i < d_in; ++i, xp += n, wp += d_out) {
    v16f x0 = load16(xp);
    v16f x1 = load16(xp + 16);
    in_register(x0);
    in_register(x1);
    for (std::size_t jj = 0; jj < JB; ++jj) {
      const v16f wv = splat16(wp[jj]);
      acc[jj][0] += wv * x0;
      acc[jj][1] += wv * x1;
    }
  }
  for (std::size_t jj = 0; jj < JB; ++jj) {
    store16(z + (j0 + jj) * n + r0, acc[jj][0]);
    store16(z + (j0 + jj) * n + r0 + 16, acc[jj][1]);
  }
}

/// forward_block32 for JB = 1 .. 8 outputs.
inline void forward_block32_any(std::size_t jb, const float* x, std::size_t n, std::size_t d_in,
                                const float* w, const float* b, std::size_t d_out, float* z,
                                std::size_t j0, std::size_t r0) {
  switch (jb) {
    case 1: forward_block32<1>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 2: forward_block32<2>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 3: forward_block32<3>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 4: forward_block32<4>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 5: forward_block32<5>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 6: forward_block32<6>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    case 7: forward_block32<7>(x, n, d_in, w, b, d_out, z, j0, r0); break;
    default: forward_block32<8>(x, n, d_in, w, b, d_out, z, j0, r0); break;
  }
}

typedef int v16i __attribute__((vector_size(64)));

/// Transposes 16 x 16 floats: four rounds of interleaving rows i and i + 8 (each round
/// moves one bit of the column index into the row index).
inline void transpose16x16(v16f (&r)[16]) {
  const v16i lo = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
  const v16i hi = {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  for (int round = 0; round < 4; ++round) {
    v16f t[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = __builtin_shuffle(r[i], r[i + 8], lo);
      t[2 * i + 1] = __builtin_shuffle(r[i], r[i + 8], hi);
    }
    for (int i = 0; i < 16; ++i) r[i] = t[i];
  }
}

/// IB inputs x JB outputs of the weight gradient (IB JB <= 16), as dot16 computes each:
/// one AVX-512 register per weight holds its 16 lane sums (lane k: samples r = k mod 16),
/// the registers are transposed so that the lane sums of all the block's weights are
/// added in lane order by 16 vector additions, then the n mod 16 last samples.
template <std::size_t IB, std::size_t JB>
inline void gradient_tile(const float* x, const float* g, std::size_t n, std::size_t n_vec,
                          std::size_t d_out, float* gw, std::size_t i0, std::size_t j0) {
  static_assert(IB * JB <= 16);
  v16f acc[IB * JB];
  for (v16f& a : acc) a = splat16(0.0f);
  const float* xp = x + i0 * n;
  const float* gp = g + j0 * n;
  for (std::size_t r = 0; r < n_vec; r += 16) {
    v16f xv[IB];
    v16f gv[JB];
    for (std::size_t ii = 0; ii < IB; ++ii) {
      xv[ii] = load16(xp + ii * n + r);
      in_register(xv[ii]);
    }
    for (std::size_t jj = 0; jj < JB; ++jj) {
      gv[jj] = load16(gp + jj * n + r);
      in_register(gv[jj]);
    }
    for (std::size_t ii = 0; ii < IB; ++ii) {
      for (std::size_t jj = 0; jj < JB; ++jj) acc[ii * JB + jj] += xv[ii] * gv[jj];
    }
  }
  v16f lanes[16];
  for (std::size_t p = 0; p < 16; ++p) lanes[p] = p < IB * JB ? acc[p] : splat16(0.0f);
  transpose16x16(lanes);
  v16f sum = splat16(0.0f);
  for (std::size_t k = 0; k < 16; ++k) sum += lanes[k];
  float sums[16];
  store16(sums, sum);
  for (std::size_t ii = 0; ii < IB; ++ii) {
    const float* xi = xp + ii * n;
    for (std::size_t jj = 0; jj < JB; ++jj) {
      const float* gj = gp + jj * n;
      float total = sums[ii * JB + jj];
      for (std::size_t r = n_vec; r < n; ++r) total += xi[r] * gj[r];
      gw[(i0 + ii) * d_out + j0 + jj] = total;
    }
  }
}

template <std::size_t IB>
inline void gradient_tile_jb(std::size_t jb, const float* x, const float* g, std::size_t n,
                             std::size_t n_vec, std::size_t d_out, float* gw, std::size_t i0,
                             std::size_t j0) {
  switch (jb) {
    case 1: gradient_tile<IB, 1>(x, g, n, n_vec, d_out, gw, i0, j0); break;
    case 2: gradient_tile<IB, 2>(x, g, n, n_vec, d_out, gw, i0, j0); break;
    case 3: gradient_tile<IB, 3>(x, g, n, n_vec, d_out, gw, i0, j0); break;
    default: gradient_tile<IB, 4>(x, g, n, n_vec, d_out, gw, i0, j0); break;
  }
}
#endif

/// JB outputs x 16 samples from r0, accumulated over all inputs.
template <std::size_t JB>
inline void forward_block(const float* x, std::size_t n, std::size_t d_in, const float* w,
                          const float* b, std::size_t d_out, float* z, std::size_t j0, std::size_t r0) {
  v8f acc[JB][2];
  for (std::size_t jj = 0; jj < JB; ++jj) acc[jj][0] = acc[jj][1] = splat(b[j0 + jj]);
  const float* xp = x + r0;
  const float* wp = w + j0;
  for (std::size_t i = 0; i < d_in; ++i, xp += n, wp += d_out) {
    const v8f x0 = load(xp);
    const v8f x1 = load(xp + 8);
    for (std::size_t jj = 0; jj < JB; ++jj) {
      const v8f wv = splat(wp[jj]);
      acc[jj][0] += wv * x0;
      acc[jj][1] += wv * x1;
    }
  }
  for (std::size_t jj = 0; jj < JB; ++jj) {
    store(z + (j0 + jj) * n + r0, acc[jj][0]);
    store(z + (j0 + jj) * n + r0 + 8, acc[jj][1]);
  }
}

/// Lanes h .. h + 7 of the 16 partial sums of 4 inputs x 2 outputs of the weight
/// gradient over the first n_vec (multiple of 16) samples, into lanes[pair][h + k].
inline void gradient_half(const float* x, const float* g, std::size_t n, std::size_t n_vec,
                          std::size_t i0, std::size_t j0, std::size_t h, float (*lanes)[16]) {
  v8f acc[4][2];
  for (auto& a : acc) a[0] = a[1] = splat(0.0f);
  const float* xp = x + i0 * n + h;
  const float* gp = g + j0 * n + h;
  for (std::size_t r = 0; r < n_vec; r += 16) {
    const v8f g0 = load(gp + r);
    const v8f g1 = load(gp + n + r);
    for (std::size_t ii = 0; ii < 4; ++ii) {
      const v8f xv = load(xp + ii * n + r);
      acc[ii][0] += xv * g0;
      acc[ii][1] += xv * g1;
    }
  }
  for (std::size_t ii = 0; ii < 4; ++ii) {
    for (std::size_t jj = 0; jj < 2; ++jj) store(lanes[ii * 2 + jj] + h, acc[ii][jj]);
  }
}

/// 4 inputs x 2 outputs of the weight gradient, as dot16 computes each: the 16 lanes in
/// two passes of 8 (few live registers), then the eight lane sums interleaved, so that
/// they run in parallel instead of as chains of dependent additions, each still in lane
/// order, then the n mod 16 last samples.
inline void gradient_block(const float* x, const float* g, std::size_t n, std::size_t n_vec,
                           std::size_t d_out, float* gw, std::size_t i0, std::size_t j0) {
  float lanes[8][16];
  gradient_half(x, g, n, n_vec, i0, j0, 0, lanes);
  gradient_half(x, g, n, n_vec, i0, j0, 8, lanes);
  float sums[8] = {};
  for (std::size_t k = 0; k < 16; ++k) {
    for (std::size_t p = 0; p < 8; ++p) sums[p] += lanes[p][k];
  }
  for (std::size_t ii = 0; ii < 4; ++ii) {
    const float* xi = x + (i0 + ii) * n;
    for (std::size_t jj = 0; jj < 2; ++jj) {
      const float* gj = g + (j0 + jj) * n;
      float sum = sums[ii * 2 + jj];
      for (std::size_t r = n_vec; r < n; ++r) sum += xi[r] * gj[r];
      gw[(i0 + ii) * d_out + j0 + jj] = sum;
    }
  }
}

/// Weight gradient vectorised over 8 outputs: gT is g transposed (n x d_out), and the 16
/// lane partial sums of dot16 are 16 vector accumulators, one per lane k (samples
/// r = k mod 16), each holding the sums of 8 outputs. The final lane sums are vector
/// additions in lane order, so every element sees dot16's operations exactly.
inline void gradient_outputs8(const float* x, const float* gt, std::size_t n, std::size_t n_vec,
                              std::size_t d_out, float* gw, std::size_t i, std::size_t j0) {
  v8f acc[16];
  for (v8f& a : acc) a = splat(0.0f);
  const float* xi = x + i * n;
  for (std::size_t r0 = 0; r0 < n_vec; r0 += 16) {
    for (std::size_t k = 0; k < 16; ++k) acc[k] += splat(xi[r0 + k]) * load(gt + (r0 + k) * d_out + j0);
  }
  v8f sum = splat(0.0f);
  for (std::size_t k = 0; k < 16; ++k) sum += acc[k];
  for (std::size_t r = n_vec; r < n; ++r) sum += splat(xi[r]) * load(gt + r * d_out + j0);
  store(gw + i * d_out + j0, sum);
}

/// gradient_outputs8 for 16 outputs at once (one AVX-512 register, or two AVX ones).
inline void gradient_outputs16(const float* x, const float* gt, std::size_t n, std::size_t n_vec,
                               std::size_t d_out, float* gw, std::size_t i, std::size_t j0) {
  v16f acc[16];
  for (v16f& a : acc) a = splat16(0.0f);
  const float* xi = x + i * n;
  for (std::size_t r0 = 0; r0 < n_vec; r0 += 16) {
    for (std::size_t k = 0; k < 16; ++k) acc[k] += splat16(xi[r0 + k]) * load16(gt + (r0 + k) * d_out + j0);
  }
  v16f sum = splat16(0.0f);
  for (std::size_t k = 0; k < 16; ++k) sum += acc[k];
  for (std::size_t r = n_vec; r < n; ++r) sum += splat16(xi[r]) * load16(gt + r * d_out + j0);
  store16(gw + i * d_out + j0, sum);
}

}  // namespace

template <typename S>
S dot16(const S* a, const S* b, std::size_t n) {
  constexpr std::size_t k_lanes = 16;
  S acc[k_lanes] = {};
  std::size_t r = 0;
  for (; r + k_lanes <= n; r += k_lanes) {
    for (std::size_t k = 0; k < k_lanes; ++k) acc[k] += a[r + k] * b[r + k];
  }
  S sum = 0;
  for (std::size_t k = 0; k < k_lanes; ++k) sum += acc[k];
  for (; r < n; ++r) sum += a[r] * b[r];
  return sum;
}

template <typename S>
void dense_forward_naive(const S* x, std::size_t n, std::size_t d_in, const S* w, const S* b,
                         std::size_t d_out, S* z) {
  for (std::size_t j = 0; j < d_out; ++j) {
    S* zj = z + j * n;
    std::fill(zj, zj + n, b[j]);
    for (std::size_t i = 0; i < d_in; ++i) {
      const S wij = w[i * d_out + j];
      const S* xi = x + i * n;
      for (std::size_t r = 0; r < n; ++r) zj[r] += wij * xi[r];
    }
  }
}

template <typename S>
void dense_forward(const S* x, std::size_t n, std::size_t d_in, const S* w, const S* b,
                   std::size_t d_out, S* z) {
  dense_forward_naive(x, n, d_in, w, b, d_out, z);
}

template <>
void dense_forward<float>(const float* x, std::size_t n, std::size_t d_in, const float* w,
                          const float* b, std::size_t d_out, float* z) {
  constexpr std::size_t k_rb = 16;
  const std::size_t n_main = n - n % k_rb;
  const std::size_t j_main = d_out - d_out % 4;
  std::size_t r_start = 0;
#ifdef __AVX512F__
  // Blocks of 32 samples x up to 8 outputs, the outputs split into groups of equal size.
  const std::size_t n_groups = (d_out + 7) / 8;
  const std::size_t n_32 = n - n % 32;
  for (std::size_t r0 = 0; r0 < n_32; r0 += 32) {
    std::size_t j0 = 0;
    for (std::size_t group = 0; group < n_groups; ++group) {
      const std::size_t jb = (d_out - j0) / (n_groups - group);
      forward_block32_any(jb, x, n, d_in, w, b, d_out, z, j0, r0);
      j0 += jb;
    }
  }
  r_start = n_32;
#endif
  for (std::size_t r0 = r_start; r0 < n_main; r0 += k_rb) {
    std::size_t j0 = 0;
    for (; j0 < j_main; j0 += 4) forward_block<4>(x, n, d_in, w, b, d_out, z, j0, r0);
    for (; j0 + 2 <= d_out; j0 += 2) forward_block<2>(x, n, d_in, w, b, d_out, z, j0, r0);
    for (; j0 < d_out; ++j0) forward_block<1>(x, n, d_in, w, b, d_out, z, j0, r0);
  }
  if (n_main == n) return;
  for (std::size_t j = 0; j < d_out; ++j) {
    float* zj = z + j * n;
    std::fill(zj + n_main, zj + n, b[j]);
    for (std::size_t i = 0; i < d_in; ++i) {
      const float wij = w[i * d_out + j];
      const float* xi = x + i * n;
      for (std::size_t r = n_main; r < n; ++r) zj[r] += wij * xi[r];
    }
  }
}

template <typename S>
void dense_weight_gradient_naive(const S* x, const S* g, std::size_t n, std::size_t d_in,
                                 std::size_t d_out, S* gw) {
  for (std::size_t i = 0; i < d_in; ++i) {
    for (std::size_t j = 0; j < d_out; ++j) gw[i * d_out + j] = dot16(x + i * n, g + j * n, n);
  }
}

template <typename S>
void dense_weight_gradient(const S* x, const S* g, std::size_t n, std::size_t d_in,
                           std::size_t d_out, S* gw) {
  dense_weight_gradient_naive(x, g, n, d_in, d_out, gw);
}

template <>
void dense_weight_gradient<float>(const float* x, const float* g, std::size_t n, std::size_t d_in,
                                  std::size_t d_out, float* gw) {
  const std::size_t n_vec = n - n % 16;
#ifdef __AVX512F__
  // Tiles of 4 inputs x 4 outputs, one register of lane sums per weight.
  for (std::size_t i0 = 0; i0 < d_in; i0 += 4) {
    const std::size_t ib = std::min<std::size_t>(4, d_in - i0);
    for (std::size_t j0 = 0; j0 < d_out; j0 += 4) {
      const std::size_t jb = std::min<std::size_t>(4, d_out - j0);
      switch (ib) {
        case 1: gradient_tile_jb<1>(jb, x, g, n, n_vec, d_out, gw, i0, j0); break;
        case 2: gradient_tile_jb<2>(jb, x, g, n, n_vec, d_out, gw, i0, j0); break;
        case 3: gradient_tile_jb<3>(jb, x, g, n, n_vec, d_out, gw, i0, j0); break;
        default: gradient_tile_jb<4>(jb, x, g, n, n_vec, d_out, gw, i0, j0); break;
      }
    }
  }
  return;
#endif
  if (d_out >= 8) {
    // Wide outputs: vectorise over outputs on the transposed gradient.
    thread_local std::vector<float> gt;
    gt.resize(n * d_out);
    for (std::size_t j = 0; j < d_out; ++j) {
      for (std::size_t r = 0; r < n; ++r) gt[r * d_out + j] = g[j * n + r];
    }
    const std::size_t j_main = d_out - d_out % 8;
    for (std::size_t i = 0; i < d_in; ++i) {
      std::size_t j0 = 0;
      for (; j0 + 16 <= d_out; j0 += 16) gradient_outputs16(x, gt.data(), n, n_vec, d_out, gw, i, j0);
      for (; j0 < j_main; j0 += 8) gradient_outputs8(x, gt.data(), n, n_vec, d_out, gw, i, j0);
      for (std::size_t j = j_main; j < d_out; ++j) gw[i * d_out + j] = dot16(x + i * n, g + j * n, n);
    }
    return;
  }
  const std::size_t i_main = d_in - d_in % 4;
  const std::size_t j_main = d_out - d_out % 2;
  for (std::size_t i0 = 0; i0 < i_main; i0 += 4) {
    for (std::size_t j0 = 0; j0 < j_main; j0 += 2) gradient_block(x, g, n, n_vec, d_out, gw, i0, j0);
    for (std::size_t j = j_main; j < d_out; ++j) {
      for (std::size_t ii = 0; ii < 4; ++ii) gw[(i0 + ii) * d_out + j] = dot16(x + (i0 + ii) * n, g + j * n, n);
    }
  }
  for (std::size_t i = i_main; i < d_in; ++i) {
    for (std::size_t j = 0; j < d_out; ++j) gw[i * d_out + j] = dot16(x + i * n, g + j * n, n);
  }
}

template float dot16<float>(const float*, const float*, std::size_t);
template double dot16<double>(const double*, const double*, std::size_t);
template void dense_forward<double>(const double*, std::size_t, std::size_t, const double*, const double*,
                                    std::size_t, double*);
template void dense_forward_naive<float>(const float*, std::size_t, std::size_t, const float*,
                                         const float*, std::size_t, float*);
template void dense_forward_naive<double>(const double*, std::size_t, std::size_t, const double*,
                                          const double*, std::size_t, double*);
template void dense_weight_gradient<double>(const double*, const double*, std::size_t, std::size_t,
                                            std::size_t, double*);
template void dense_weight_gradient_naive<float>(const float*, const float*, std::size_t, std::size_t,
                                                 std::size_t, float*);
template void dense_weight_gradient_naive<double>(const double*, const double*, std::size_t, std::size_t,
                                                  std::size_t, double*);

}  // namespace infoplane::nn
