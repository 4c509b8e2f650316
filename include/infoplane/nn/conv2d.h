/// @brief 2-D convolution kernels (valid padding, stride 1, any channel counts) in the
/// features x samples layout, and a samples x features reference.
///
/// A feature map of c channels, h rows and w columns is c*h*w features, ordered channel,
/// row, column; in the features x samples layout each feature is one contiguous row of n
/// sample values, so that every tap of a kernel is an axpy over a row of samples (no
/// im2col needed). Weights are (c_in*k*k) x c_out, row-major, row (ci*k + ky)*k + kx: the
/// same layout as a dense layer's n_in x n_out matrix. Output: c_out x (h-k+1) x (w-k+1).
/// Every output element is accumulated as b, then the taps in ascending (ci, ky, kx)
/// order, in every kernel here, so all of them give identical values (no contraction).
#pragma once

#include <cstddef>

namespace infoplane::nn {

/// Shape of a feature map.
struct MapShape {
  std::size_t channels = 1;
  std::size_t height = 1;
  std::size_t width = 1;
  std::size_t size() const { return channels * height * width; }
};

/// Output shape of a valid k x k convolution with c_out channels.
inline MapShape conv2d_output(const MapShape& in, std::size_t c_out, std::size_t k) {
  return {c_out, in.height - k + 1, in.width - k + 1};
}

/// z (out.size() x n) = conv(x (in.size() x n), w) + b.
template <typename S>
void conv2d_forward(const S* x, std::size_t n, const MapShape& in, const S* w, const S* b,
                    std::size_t c_out, std::size_t k, S* z);

/// Gradients of conv2d_forward given g = dL/dz (out x n): gw ((c_in k k) x c_out), gb
/// (c_out) and, when g_in is not null, g_in = dL/dx (in x n).
template <typename S>
void conv2d_backward(const S* x, const S* g, std::size_t n, const MapShape& in, const S* w,
                     std::size_t c_out, std::size_t k, S* gw, S* gb, S* g_in);

/// The same product for samples as rows (x: n x in.size(), z: n x out.size(), row-major),
/// written as the plain six nested loops; the reference the fast kernel is tested against
/// and the evaluation pass's full path.
template <typename S>
void conv2d_forward_naive(const S* x, std::size_t n, const MapShape& in, const S* w, const S* b,
                          std::size_t c_out, std::size_t k, S* z);

/// Plain-loop gradients for samples as rows (x: n x in, g: n x out, g_in: n x in).
template <typename S>
void conv2d_backward_naive(const S* x, const S* g, std::size_t n, const MapShape& in, const S* w,
                           std::size_t c_out, std::size_t k, S* gw, S* gb, S* g_in);

}  // namespace infoplane::nn
