/// @brief Binning estimators of the earlier IB studies: equal-width bins (Shwartz-Ziv &
/// Tishby 2017; Saxe et al. 2018) and equal-mass (adaptive) bins (Chelombiev et al. 2019).
///
/// Each unit's value is replaced by its bin index; the layer's state is the vector of bin
/// indices, and the plug-in entropies of those states give, in bits,
///   I(X;T') = H(T')                      (T' = B(T) is a function of distinct inputs X)
///   I(T';Y) = H(T') - sum_y p(y) H(T' | Y = y).
/// Optional Miller-Madow correction (Miller 1955): every plug-in entropy H of a
/// distribution estimated from n samples with m occupied states becomes
/// H + (m - 1) / (2 n ln 2) bits, the conditional ones with their class's n_y and m_y.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "infoplane/info/entropy.h"
#include "infoplane/info/estimator.h"

namespace infoplane::info {

/// Where the m equal-width bins lie.
enum class BinBounds {
  Fixed,   ///< [lo, hi] given, or the activation's range (tanh [-1,1], softmax [0,1], ...)
  Global,  ///< the run-wide min/max over all layers and epochs (LayerContext::run_range)
  Layer,   ///< min/max of this layer in this pass
  Neuron,  ///< min/max of each unit in this pass
};

struct BinningOptions {
  std::uint32_t n_bins = 30;
  BinBounds bounds = BinBounds::Fixed;
  std::optional<ValueRange> fixed_range;  ///< for Fixed; empty = the activation's range
  bool miller_madow = false;
};

struct AdaptiveOptions {
  std::uint32_t n_bins = 30;
  bool miller_madow = false;
};

/// The natural range of a bounded activation function: tanh [-1, 1], sigmoid and softmax
/// [0, 1], relu6 [0, 6]; empty for unbounded or unknown ones (relu, linear, "").
std::optional<ValueRange> activation_range(std::string_view activation);

/// Equal-width bin of v among n_bins bins over [lo, hi]: floor((v - lo) / (hi - lo) * m),
/// with values below lo in bin 0 and values at or above hi (the top edge included) in the
/// last bin. A degenerate range (hi <= lo) puts every value in bin 0.
inline std::uint32_t bin_index(double v, double lo, double hi, std::uint32_t n_bins) {
  if (!(hi > lo)) return 0;
  const double x = (v - lo) * (static_cast<double>(n_bins) / (hi - lo));
  if (!(x >= 0.0)) return 0;  // below the range, or NaN
  return x >= static_cast<double>(n_bins - 1) ? n_bins - 1 : static_cast<std::uint32_t>(x);
}

/// Equal-width codes of a row-major matrix. `ranges` has one entry (the same bins for all
/// units) or n_cols entries (per unit). `codes` has n_rows * n_cols entries, row-major.
void bin_equal_width(ActivationView t, std::span<const ValueRange> ranges,
                     std::uint32_t n_bins, std::span<std::uint32_t> codes);

/// Equal-mass edges over all values of the matrix (one set of bins for the layer): the
/// n_bins - 1 inner edges are the values of rank floor(j M / n_bins), j = 1..n_bins-1,
/// among the M = n_rows * n_cols sorted values (found by selection, O(M log m)).
/// `sorted` is scratch, resized to M.
void equal_mass_edges(ActivationView t, std::uint32_t n_bins, std::vector<float>& sorted,
                      std::vector<float>& edges);

/// Equal-mass codes: the bin of v is the number of inner edges <= v, in [0, n_bins).
/// Without ties every bin holds M / n_bins values (up to one); ties share one bin.
void bin_by_edges(ActivationView t, std::span<const float> edges,
                  std::span<std::uint32_t> codes);

/// Plug-in (optionally Miller-Madow corrected) I(X;T) and I(T;Y) in bits from per-sample
/// state ids in [0, n_states). `labels` may be empty (then i_ty is NaN). `seen` is scratch.
PlaneMi plane_mi_from_ids(std::span<const std::uint32_t> ids, std::size_t n_states,
                          std::span<const std::uint32_t> labels, std::size_t n_classes,
                          bool miller_madow, std::vector<std::uint32_t>& scratch,
                          std::vector<std::uint8_t>& seen);

/// Brute-force reference of equal-width binning + plug-in measures: explicit bin edges
/// lo + j (hi - lo) / m searched linearly, states compared as whole vectors in a std::map.
/// For tests only. `ranges` as in bin_equal_width.
PlaneMi binning_mi_naive(ActivationView t, std::span<const ValueRange> ranges,
                         std::uint32_t n_bins, std::span<const std::uint32_t> labels,
                         std::size_t n_classes, bool miller_madow);

}  // namespace infoplane::info
