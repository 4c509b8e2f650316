/// @brief Max pooling and flatten kernels.
#include "infoplane/nn/pool.h"

#include <algorithm>

namespace infoplane::nn {

template <typename S>
void maxpool_forward(const S* x, std::size_t n, const MapShape& in, std::size_t k, S* y,
                     std::uint32_t* arg) {
  const MapShape out = maxpool_output(in, k);
  for (std::size_t c = 0; c < in.channels; ++c) {
    for (std::size_t oy = 0; oy < out.height; ++oy) {
      for (std::size_t ox = 0; ox < out.width; ++ox) {
        const std::size_t o = (c * out.height + oy) * out.width + ox;
        S* yrow = y + o * n;
        const std::size_t first = (c * in.height + oy * k) * in.width + ox * k;
        std::copy(x + first * n, x + first * n + n, yrow);
        if (arg != nullptr) std::fill(arg + o * n, arg + o * n + n, static_cast<std::uint32_t>(first));
        for (std::size_t dy = 0; dy < k; ++dy) {
          for (std::size_t dx = 0; dx < k; ++dx) {
            if (dy == 0 && dx == 0) continue;
            const std::size_t f = (c * in.height + oy * k + dy) * in.width + ox * k + dx;
            const S* xrow = x + f * n;
            if (arg == nullptr) {
              for (std::size_t r = 0; r < n; ++r) yrow[r] = xrow[r] > yrow[r] ? xrow[r] : yrow[r];
            } else {
              std::uint32_t* arow = arg + o * n;
              const auto fi = static_cast<std::uint32_t>(f);
              for (std::size_t r = 0; r < n; ++r) {
                const bool larger = xrow[r] > yrow[r];
                yrow[r] = larger ? xrow[r] : yrow[r];
                arow[r] = larger ? fi : arow[r];
              }
            }
          }
        }
      }
    }
  }
}

template <typename S>
void maxpool_backward(const S* g, const std::uint32_t* arg, std::size_t n, const MapShape& in,
                      std::size_t k, S* g_in) {
  const MapShape out = maxpool_output(in, k);
  std::fill(g_in, g_in + in.size() * n, S(0));
  for (std::size_t o = 0; o < out.size(); ++o) {
    const S* grow = g + o * n;
    const std::uint32_t* arow = arg + o * n;
    for (std::size_t r = 0; r < n; ++r) g_in[static_cast<std::size_t>(arow[r]) * n + r] += grow[r];
  }
}

template <typename S>
void maxpool_forward_naive(const S* x, std::size_t n, const MapShape& in, std::size_t k, S* y) {
  const MapShape out = maxpool_output(in, k);
  for (std::size_t r = 0; r < n; ++r) {
    const S* xr = x + r * in.size();
    S* yr = y + r * out.size();
    for (std::size_t c = 0; c < in.channels; ++c) {
      for (std::size_t oy = 0; oy < out.height; ++oy) {
        for (std::size_t ox = 0; ox < out.width; ++ox) {
          S best = xr[(c * in.height + oy * k) * in.width + ox * k];
          for (std::size_t dy = 0; dy < k; ++dy) {
            for (std::size_t dx = 0; dx < k; ++dx) {
              const S v = xr[(c * in.height + oy * k + dy) * in.width + ox * k + dx];
              if (v > best) best = v;
            }
          }
          yr[(c * out.height + oy) * out.width + ox] = best;
        }
      }
    }
  }
}

template <typename S>
void flatten_forward(const S* x, std::size_t count, S* y) {
  std::copy(x, x + count, y);
}

#define INFOPLANE_POOL(S)                                                                          \
  template void maxpool_forward<S>(const S*, std::size_t, const MapShape&, std::size_t, S*,        \
                                   std::uint32_t*);                                                \
  template void maxpool_backward<S>(const S*, const std::uint32_t*, std::size_t, const MapShape&,  \
                                    std::size_t, S*);                                              \
  template void maxpool_forward_naive<S>(const S*, std::size_t, const MapShape&, std::size_t, S*); \
  template void flatten_forward<S>(const S*, std::size_t, S*);
INFOPLANE_POOL(float)
INFOPLANE_POOL(double)
#undef INFOPLANE_POOL

}  // namespace infoplane::nn
