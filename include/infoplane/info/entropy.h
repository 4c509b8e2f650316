/// @brief Exact entropy and mutual information of discrete code matrices, in bits.
///
/// A layer's state for one sample is the vector of its integer codes (one per neuron or
/// channel position). Two samples are in the same state only if all their codes are equal:
/// hashing is used to find candidates, and a full-key comparison decides, so a hash
/// collision never merges two states. Plug-in (empirical) distribution over the rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace infoplane::info {

/// Read-only view of a row-major matrix of codes: n_rows samples x n_cols codes.
struct CodeMatrixView {
  const std::uint32_t* data = nullptr;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  const std::uint32_t* row(std::size_t i) const { return data + i * n_cols; }
};

/// Assigns every row of a code matrix a dense state id in [0, n_states), numbered in order
/// of first appearance; two rows get the same id exactly when all their codes are equal.
/// Keeps its buffers between calls, so that calling it every epoch allocates nothing once
/// the largest size has been seen. Not thread-safe: one counter per thread.
class StateCounter {
 public:
  /// Fills ids (size n_rows) and returns the number of distinct rows.
  /// `max_code` is an upper bound on every code (e.g. 2^bits - 1); it lets narrow rows be
  /// packed into one or two 64-bit keys. Pass UINT32_MAX when unknown.
  /// Every code must be <= max_code; the packed paths check that codes fit in
  /// bit_width(max_code) bits (std::logic_error otherwise).
  /// Keys: n_cols * bit_width(max_code) <= 64 bits packs a row into one 64-bit word,
  /// <= 128 bits into two; wider rows are hashed and compared in full on a hash match.
  std::size_t assign(CodeMatrixView codes, std::span<std::uint32_t> ids,
                     std::uint32_t max_code = UINT32_MAX);

  /// Test hook: every hash is ANDed with `hash_mask` before use (0 makes all rows collide,
  /// so that only the full comparison tells states apart), and `force_row_hash` selects
  /// the whole-row hash path even for rows that would fit in a packed key.
  /// Defaults: all bits, false. Slow with a weak mask: for tests only.
  void set_test_hashing(std::uint64_t hash_mask, bool force_row_hash);

 private:
  // Flat open-addressing table with linear probing, a power of two >= 2 n_rows of slots.
  // A slot is m_slot_words consecutive 64-bit words, so that a probe touches one cache line:
  //   packed 64-bit key:   [key, tag]
  //   packed 128-bit key:  [low, high, tag, unused]
  //   whole-row hash:      [hash, tag]
  // tag = (generation << 32) | payload, payload = state id (packed) or first row (hash).
  // A slot is empty unless its tag carries the current call's generation, so the table is
  // cleared only when the slot layout changes or the generation counter wraps.
  std::vector<std::uint64_t> m_keys;
  std::size_t m_slot_words = 0;
  std::uint64_t m_generation = 0;
  std::uint64_t m_hash_mask = ~std::uint64_t{0};
  bool m_force_row_hash = false;
};

/// Entropy measures of one discrete variable T (given as state ids) and its label Y.
struct DiscreteInfo {
  std::size_t n = 0;         ///< samples
  std::size_t n_states = 0;  ///< distinct states of T
  double h_t = 0.0;          ///< H(T) in bits; equals I(X;T) when T is a function of distinct X
  double h_y = 0.0;          ///< H(Y) in bits (0 without labels)
  double i_ty = 0.0;         ///< I(T;Y) = H(T) - sum_y p(y) H(T|Y=y) in bits (0 without labels)
};

/// H(T), H(Y), I(T;Y) from per-sample state ids in [0, n_states) and labels in
/// [0, n_classes). `labels` may be empty (then h_y = i_ty = 0). `scratch` is reused
/// between calls to avoid allocation.
DiscreteInfo info_from_ids(std::span<const std::uint32_t> ids, std::size_t n_states,
                           std::span<const std::uint32_t> labels, std::size_t n_classes,
                           std::vector<std::uint32_t>& scratch);

/// Convenience: state ids of `codes` and then info_from_ids.
DiscreteInfo mi_exact(CodeMatrixView codes, std::span<const std::uint32_t> labels,
                      std::size_t n_classes);

/// Plug-in entropy in bits of a histogram of counts (zeros allowed) with the given total.
double entropy_bits(std::span<const std::uint32_t> counts, std::size_t total);

/// Brute-force reference of mi_exact (sorting whole rows with std::map); for tests only.
DiscreteInfo mi_exact_naive(CodeMatrixView codes, std::span<const std::uint32_t> labels,
                            std::size_t n_classes);

}  // namespace infoplane::info
