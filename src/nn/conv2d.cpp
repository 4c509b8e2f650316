/// @brief Convolution kernels: register-blocked over samples in the features x samples
/// layout, plain loops in the reference.
#include "infoplane/nn/conv2d.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace infoplane::nn {

namespace {

constexpr std::size_t k_block = 64;

typedef float v16f __attribute__((vector_size(64)));

/// CB output channels from co0 at one output position, 64 samples from r0, accumulated in
/// registers over all taps (each input row loaded once for the CB channels).
template <typename S, std::size_t CB>
inline void conv_block(const S* x, std::size_t n, const MapShape& in, const S* w, const S* b,
                       std::size_t c_out, std::size_t k, std::size_t co0, std::size_t oy, std::size_t ox,
                       std::size_t r0, S* const* zrows) {
  S acc[CB][k_block];
  for (std::size_t cc = 0; cc < CB; ++cc) {
    for (std::size_t r = 0; r < k_block; ++r) acc[cc][r] = b[co0 + cc];
  }
  std::size_t t = 0;
  for (std::size_t ci = 0; ci < in.channels; ++ci) {
    for (std::size_t ky = 0; ky < k; ++ky) {
      const S* xrow = x + ((ci * in.height + oy + ky) * in.width + ox) * n + r0;
      for (std::size_t kx = 0; kx < k; ++kx, ++t, xrow += n) {
        S wv[CB];
        for (std::size_t cc = 0; cc < CB; ++cc) wv[cc] = w[t * c_out + co0 + cc];
        for (std::size_t cc = 0; cc < CB; ++cc) {
          for (std::size_t r = 0; r < k_block; ++r) acc[cc][r] += wv[cc] * xrow[r];
        }
      }
    }
  }
  for (std::size_t cc = 0; cc < CB; ++cc) std::copy(acc[cc], acc[cc] + k_block, zrows[cc] + r0);
}

/// Weight gradients of TB taps from t0 of output channel co (and, with t0 = 0, its bias
/// gradient): each a sum over output positions, then samples, in 16 lane sums (lane l:
/// samples r = l mod 16) added in lane order, plus the n mod 16 last samples' sum.
template <typename S, std::size_t TB>
inline void gradient_taps(const S* x, const S* g, std::size_t n, std::size_t n_vec, const MapShape& in,
                          const MapShape& out, std::size_t k, std::size_t co, std::size_t c_out,
                          std::size_t t0, S* gw, S* gb) {
  constexpr std::size_t k_lanes = 16;
  const bool bias = t0 == 0;
  S acc[TB][k_lanes] = {};
  S acc_tail[TB] = {};
  S lanes[k_lanes] = {};
  S tail = 0;
  std::size_t offset[TB];  // input feature of each tap at output position (0, 0)
  for (std::size_t tt = 0; tt < TB; ++tt) {
    const std::size_t t = t0 + tt;
    const std::size_t ci = t / (k * k);
    const std::size_t ky = (t / k) % k;
    const std::size_t kx = t % k;
    offset[tt] = (ci * in.height + ky) * in.width + kx;
  }
  // Float: the TB lane-sum vectors stay in registers over all positions.
  v16f va[TB];
  for (std::size_t tt = 0; tt < TB; ++tt) va[tt] = v16f{};
  for (std::size_t oy = 0; oy < out.height; ++oy) {
    for (std::size_t ox = 0; ox < out.width; ++ox) {
      const S* grow = g + ((co * out.height + oy) * out.width + ox) * n;
      const std::size_t at = oy * in.width + ox;
      const S* xrow[TB];
      for (std::size_t tt = 0; tt < TB; ++tt) xrow[tt] = x + (offset[tt] + at) * n;
      if (bias) {
        for (std::size_t r = 0; r < n_vec; r += k_lanes) {
          for (std::size_t l = 0; l < k_lanes; ++l) lanes[l] += grow[r + l];
        }
      }
      if constexpr (std::is_same_v<S, float>) {
        for (std::size_t r = 0; r < n_vec; r += k_lanes) {
          v16f gv;
          std::memcpy(&gv, grow + r, sizeof gv);
          for (std::size_t tt = 0; tt < TB; ++tt) {
            v16f xv;
            std::memcpy(&xv, xrow[tt] + r, sizeof xv);
            va[tt] += gv * xv;
          }
        }
      } else {
        for (std::size_t r = 0; r < n_vec; r += k_lanes) {
          for (std::size_t tt = 0; tt < TB; ++tt) {
            for (std::size_t l = 0; l < k_lanes; ++l) acc[tt][l] += grow[r + l] * xrow[tt][r + l];
          }
        }
      }
      for (std::size_t r = n_vec; r < n; ++r) {
        if (bias) tail += grow[r];
        for (std::size_t tt = 0; tt < TB; ++tt) acc_tail[tt] += grow[r] * xrow[tt][r];
      }
    }
  }
  if constexpr (std::is_same_v<S, float>) {
    for (std::size_t tt = 0; tt < TB; ++tt) std::memcpy(acc[tt], &va[tt], sizeof va[tt]);
  }
  if (bias) {
    S total = 0;
    for (std::size_t l = 0; l < k_lanes; ++l) total += lanes[l];
    gb[co] = total + tail;
  }
  for (std::size_t tt = 0; tt < TB; ++tt) {
    S sum = 0;
    for (std::size_t l = 0; l < k_lanes; ++l) sum += acc[tt][l];
    gw[(t0 + tt) * c_out + co] = sum + acc_tail[tt];
  }
}

}  // namespace

template <typename S>
void conv2d_forward(const S* x, std::size_t n, const MapShape& in, const S* w, const S* b,
                    std::size_t c_out, std::size_t k, S* z) {
  const MapShape out = conv2d_output(in, c_out, k);
  const std::size_t positions = out.height * out.width;
  // Blocks of 64 samples x up to 2 output channels accumulate in registers over all taps
  // of one output position. Samples go in chunks of 512 (2 KiB of each feature row), so
  // that the rows a chunk touches stay in the caches and TLB however many samples there
  // are.
  constexpr std::size_t k_chunk = 512;
  for (std::size_t c0 = 0; c0 < n; c0 += k_chunk) {
    const std::size_t c1 = std::min(n, c0 + k_chunk);
    const std::size_t c_full = c0 + (c1 - c0) / k_block * k_block;
    for (std::size_t co0 = 0; co0 < c_out; co0 += 2) {
      const std::size_t cb = std::min<std::size_t>(2, c_out - co0);
      for (std::size_t oy = 0; oy < out.height; ++oy) {
        for (std::size_t ox = 0; ox < out.width; ++ox) {
          S* zrows[2];
          for (std::size_t cc = 0; cc < cb; ++cc) zrows[cc] = z + ((co0 + cc) * positions + oy * out.width + ox) * n;
          for (std::size_t r0 = c0; r0 < c_full; r0 += k_block) {
            if (cb == 2) {
              conv_block<S, 2>(x, n, in, w, b, c_out, k, co0, oy, ox, r0, zrows);
            } else {
              conv_block<S, 1>(x, n, in, w, b, c_out, k, co0, oy, ox, r0, zrows);
            }
          }
          if (c_full == c1) continue;
          for (std::size_t cc = 0; cc < cb; ++cc) {
            S* zrow = zrows[cc];
            std::fill(zrow + c_full, zrow + c1, b[co0 + cc]);
            std::size_t t = 0;
            for (std::size_t ci = 0; ci < in.channels; ++ci) {
              for (std::size_t ky = 0; ky < k; ++ky) {
                for (std::size_t kx = 0; kx < k; ++kx, ++t) {
                  const S wv = w[t * c_out + co0 + cc];
                  const S* xrow = x + ((ci * in.height + oy + ky) * in.width + ox + kx) * n;
                  for (std::size_t r = c_full; r < c1; ++r) zrow[r] += wv * xrow[r];
                }
              }
            }
          }
        }
      }
    }
  }
}

template <typename S>
void conv2d_backward(const S* x, const S* g, std::size_t n, const MapShape& in, const S* w,
                     std::size_t c_out, std::size_t k, S* gw, S* gb, S* g_in) {
  const MapShape out = conv2d_output(in, c_out, k);
  const std::size_t h = in.height;
  const std::size_t wd = in.width;
  const std::size_t n_taps = in.channels * k * k;
  const std::size_t n_vec = n - n % 16;
  for (std::size_t co = 0; co < c_out; ++co) {
    // Bias and weights: one sum per tap over positions and samples, as 16 lane sums, in
    // blocks of up to 8 taps (independent chains of additions), the first block with the
    // bias's sum.
    const std::size_t n_blocks = (n_taps + 7) / 8;
    std::size_t t0 = 0;
    for (std::size_t block = 0; block < n_blocks; ++block) {
      const std::size_t tb = (n_taps - t0) / (n_blocks - block);
      switch (tb) {
        case 1: gradient_taps<S, 1>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 2: gradient_taps<S, 2>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 3: gradient_taps<S, 3>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 4: gradient_taps<S, 4>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 5: gradient_taps<S, 5>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 6: gradient_taps<S, 6>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        case 7: gradient_taps<S, 7>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
        default: gradient_taps<S, 8>(x, g, n, n_vec, in, out, k, co, c_out, t0, gw, gb); break;
      }
      t0 += tb;
    }
  }
  if (g_in == nullptr) return;
  std::fill(g_in, g_in + in.size() * n, S(0));
  for (std::size_t co = 0; co < c_out; ++co) {
    for (std::size_t t = 0; t < n_taps; ++t) {
      const std::size_t ci = t / (k * k);
      const std::size_t ky = (t / k) % k;
      const std::size_t kx = t % k;
      const S wv = w[t * c_out + co];
      for (std::size_t oy = 0; oy < out.height; ++oy) {
        for (std::size_t ox = 0; ox < out.width; ++ox) {
          const S* grow = g + ((co * out.height + oy) * out.width + ox) * n;
          S* girow = g_in + ((ci * h + oy + ky) * wd + ox + kx) * n;
          for (std::size_t r = 0; r < n; ++r) girow[r] += wv * grow[r];
        }
      }
    }
  }
}

template <typename S>
void conv2d_forward_naive(const S* x, std::size_t n, const MapShape& in, const S* w, const S* b,
                          std::size_t c_out, std::size_t k, S* z) {
  const MapShape out = conv2d_output(in, c_out, k);
  for (std::size_t r = 0; r < n; ++r) {
    const S* xr = x + r * in.size();
    S* zr = z + r * out.size();
    for (std::size_t co = 0; co < c_out; ++co) {
      for (std::size_t oy = 0; oy < out.height; ++oy) {
        for (std::size_t ox = 0; ox < out.width; ++ox) {
          S acc = b[co];
          for (std::size_t ci = 0; ci < in.channels; ++ci) {
            for (std::size_t ky = 0; ky < k; ++ky) {
              for (std::size_t kx = 0; kx < k; ++kx) {
                acc += w[((ci * k + ky) * k + kx) * c_out + co] *
                       xr[(ci * in.height + oy + ky) * in.width + ox + kx];
              }
            }
          }
          zr[(co * out.height + oy) * out.width + ox] = acc;
        }
      }
    }
  }
}

template <typename S>
void conv2d_backward_naive(const S* x, const S* g, std::size_t n, const MapShape& in, const S* w,
                           std::size_t c_out, std::size_t k, S* gw, S* gb, S* g_in) {
  const MapShape out = conv2d_output(in, c_out, k);
  std::fill(gw, gw + in.channels * k * k * c_out, S(0));
  std::fill(gb, gb + c_out, S(0));
  if (g_in != nullptr) std::fill(g_in, g_in + n * in.size(), S(0));
  for (std::size_t r = 0; r < n; ++r) {
    const S* xr = x + r * in.size();
    const S* gr = g + r * out.size();
    for (std::size_t co = 0; co < c_out; ++co) {
      for (std::size_t oy = 0; oy < out.height; ++oy) {
        for (std::size_t ox = 0; ox < out.width; ++ox) {
          const S go = gr[(co * out.height + oy) * out.width + ox];
          gb[co] += go;
          for (std::size_t ci = 0; ci < in.channels; ++ci) {
            for (std::size_t ky = 0; ky < k; ++ky) {
              for (std::size_t kx = 0; kx < k; ++kx) {
                const std::size_t t = (ci * k + ky) * k + kx;
                const std::size_t f = (ci * in.height + oy + ky) * in.width + ox + kx;
                gw[t * c_out + co] += go * xr[f];
                if (g_in != nullptr) g_in[r * in.size() + f] += go * w[t * c_out + co];
              }
            }
          }
        }
      }
    }
  }
}

#define INFOPLANE_CONV2D(S)                                                                       \
  template void conv2d_forward<S>(const S*, std::size_t, const MapShape&, const S*, const S*,     \
                                  std::size_t, std::size_t, S*);                                  \
  template void conv2d_backward<S>(const S*, const S*, std::size_t, const MapShape&, const S*,    \
                                   std::size_t, std::size_t, S*, S*, S*);                         \
  template void conv2d_forward_naive<S>(const S*, std::size_t, const MapShape&, const S*,         \
                                        const S*, std::size_t, std::size_t, S*);                  \
  template void conv2d_backward_naive<S>(const S*, const S*, std::size_t, const MapShape&,        \
                                         const S*, std::size_t, std::size_t, S*, S*, S*);
INFOPLANE_CONV2D(float)
INFOPLANE_CONV2D(double)
#undef INFOPLANE_CONV2D

}  // namespace infoplane::nn
