/// @brief Dense-layer kernels in the features x samples layout: z = W^T x + b and the
/// weight gradient x g^T, register-blocked, with plain-loop references.
///
/// x is d_in x n (one contiguous row of n samples per feature), W is d_in x d_out
/// row-major, z and g are d_out x n. Each output element is accumulated as b, then the
/// inputs in ascending order, and each weight-gradient element as 16 interleaved partial
/// sums over the samples (lane k takes samples r = k mod 16) added in lane order, then the
/// n mod 16 last samples: the blocked kernels and the references perform exactly the same
/// operations per element (no contraction), so they give identical values.
#pragma once

#include <cstddef>

namespace infoplane::nn {

/// z (d_out x n) = W^T x + b. Blocks of up to 8 outputs x 32 samples (AVX-512; else 4
/// outputs x 16 samples) are kept in vector registers over the whole input loop (float);
/// double uses the reference.
template <typename S>
void dense_forward(const S* x, std::size_t n, std::size_t d_in, const S* w, const S* b,
                   std::size_t d_out, S* z);

/// Reference of dense_forward: one output row at a time, an axpy per input.
template <typename S>
void dense_forward_naive(const S* x, std::size_t n, std::size_t d_in, const S* w, const S* b,
                         std::size_t d_out, S* z);

/// gw (d_in x d_out, row-major) = x g^T: gw[i][j] = sum over r of x[i][r] g[j][r].
/// Float with AVX-512: tiles of 4 inputs x 4 outputs, each weight's 16 lane sums in one
/// register (2 loads per 4 products), the 16 registers of a tile transposed so that the
/// lane sums are added in lane order by vector additions. Without AVX-512: layers of 8 or
/// more outputs are vectorised over 16 or 8 outputs on g transposed (a per-thread scratch
/// buffer), with the 16 lane sums as vector accumulators; narrower layers use blocks of 4
/// inputs x 2 outputs that share their loads. Double uses the reference.
template <typename S>
void dense_weight_gradient(const S* x, const S* g, std::size_t n, std::size_t d_in,
                           std::size_t d_out, S* gw);

/// Reference of dense_weight_gradient: one dot product per weight.
template <typename S>
void dense_weight_gradient_naive(const S* x, const S* g, std::size_t n, std::size_t d_in,
                                 std::size_t d_out, S* gw);

/// Sum of a[r] b[r] over r < n in the lane order described above.
template <typename S>
S dot16(const S* a, const S* b, std::size_t n);

}  // namespace infoplane::nn
