/// @brief Max pooling (k x k windows, stride k, valid: floor(h/k) x floor(w/k) outputs)
/// and flatten, in the features x samples layout, with samples x features references.
///
/// Max pooling of quantized values returns values of the same grid, so a pooling layer
/// adds no quantization of its own. The first largest value of a window wins (scanning
/// rows, then columns); its gradient goes to that input only. Flatten only changes how
/// the features are viewed (a c x h x w map becomes c*h*w features in channel, row,
/// column order), which in these layouts is the identity.
#pragma once

#include <cstddef>
#include <cstdint>

#include "infoplane/nn/conv2d.h"

namespace infoplane::nn {

inline MapShape maxpool_output(const MapShape& in, std::size_t k) {
  return {in.channels, in.height / k, in.width / k};
}

/// y (out x n) = max over each window of x (in x n); `arg` (out x n, may be null)
/// receives the input feature index of each maximum.
template <typename S>
void maxpool_forward(const S* x, std::size_t n, const MapShape& in, std::size_t k, S* y,
                     std::uint32_t* arg);

/// g_in (in x n) = 0 except g_in[arg] = g for each output element.
template <typename S>
void maxpool_backward(const S* g, const std::uint32_t* arg, std::size_t n, const MapShape& in,
                      std::size_t k, S* g_in);

/// Samples-as-rows reference of maxpool_forward (x: n x in, y: n x out).
template <typename S>
void maxpool_forward_naive(const S* x, std::size_t n, const MapShape& in, std::size_t k, S* y);

/// Flatten: y = x (count = features x samples values); its backward is the same copy.
template <typename S>
void flatten_forward(const S* x, std::size_t count, S* y);

}  // namespace infoplane::nn
