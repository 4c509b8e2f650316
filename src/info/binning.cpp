/// @brief Equal-width and equal-mass binning of activations and the plug-in measures of
/// the binned states (Shwartz-Ziv & Tishby 2017; Saxe et al. 2018; Chelombiev et al. 2019).
#include "infoplane/info/binning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <vector>

#include "infoplane/common.h"

namespace infoplane::info {

std::optional<ValueRange> activation_range(std::string_view activation) {
  if (activation == "tanh") return ValueRange{-1.0, 1.0};
  if (activation == "sigmoid" || activation == "softmax") return ValueRange{0.0, 1.0};
  if (activation == "relu6") return ValueRange{0.0, 6.0};
  return std::nullopt;
}

void bin_equal_width(ActivationView t, std::span<const ValueRange> ranges,
                     std::uint32_t n_bins, std::span<std::uint32_t> codes) {
  const std::size_t n_rows = t.n_rows;
  const std::size_t n_cols = t.n_cols;
  IP_CHECK(n_bins >= 1, "n_bins = {}", n_bins);
  IP_CHECK(ranges.size() == 1 || ranges.size() == n_cols, "{} ranges for {} columns",
           ranges.size(), n_cols);
  IP_CHECK(codes.size() == n_rows * n_cols, "codes has {} entries, expected {}", codes.size(),
           n_rows * n_cols);
  const bool shared = ranges.size() == 1;
  for (std::size_t i = 0; i < n_rows; ++i) {
    const float* row = t.data + i * n_cols;
    std::uint32_t* out = codes.data() + i * n_cols;
    for (std::size_t c = 0; c < n_cols; ++c) {
      const ValueRange& r = ranges[shared ? 0 : c];
      out[c] = bin_index(row[c], r.lo, r.hi, n_bins);
    }
  }
}

namespace {

/// Puts the order statistics of ranks[lo..hi) (ascending) in place within values[begin,
/// end), by recursive selection: O(M log m) for m ranks instead of a full sort.
void select_ranks(std::vector<float>& values, std::size_t begin, std::size_t end,
                  const std::vector<std::size_t>& ranks, std::size_t lo, std::size_t hi) {
  if (lo >= hi) return;
  const std::size_t mid = lo + (hi - lo) / 2;
  const std::size_t r = ranks[mid];
  std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(begin),
                   values.begin() + static_cast<std::ptrdiff_t>(r),
                   values.begin() + static_cast<std::ptrdiff_t>(end));
  select_ranks(values, begin, r, ranks, lo, mid);
  select_ranks(values, r + 1, end, ranks, mid + 1, hi);
}

}  // namespace

void equal_mass_edges(ActivationView t, std::uint32_t n_bins, std::vector<float>& sorted,
                      std::vector<float>& edges) {
  const std::size_t n_values = t.n_rows * t.n_cols;
  IP_CHECK(n_bins >= 1 && n_values >= 1, "n_bins = {}, {} values", n_bins, n_values);
  sorted.assign(t.data, t.data + n_values);
  // Ranks floor(j M / m) for j = 1..m-1 (non-decreasing), computed without overflow.
  std::vector<std::size_t> ranks(n_bins - 1);
  for (std::uint32_t j = 1; j < n_bins; ++j)
    ranks[j - 1] = std::min(
        n_values - 1, j * (n_values / n_bins) + (j * (n_values % n_bins)) / n_bins);
  // Equal ranks (more bins than values) need selecting once only.
  std::vector<std::size_t> distinct = ranks;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  select_ranks(sorted, 0, n_values, distinct, 0, distinct.size());
  edges.resize(n_bins - 1);
  for (std::size_t j = 0; j < ranks.size(); ++j) edges[j] = sorted[ranks[j]];
}

void bin_by_edges(ActivationView t, std::span<const float> edges,
                  std::span<std::uint32_t> codes) {
  const std::size_t n_values = t.n_rows * t.n_cols;
  IP_CHECK(codes.size() == n_values, "codes has {} entries, expected {}", codes.size(),
           n_values);
  for (std::size_t i = 0; i < n_values; ++i)
    codes[i] = static_cast<std::uint32_t>(
        std::upper_bound(edges.begin(), edges.end(), t.data[i]) - edges.begin());
}

PlaneMi plane_mi_from_ids(std::span<const std::uint32_t> ids, std::size_t n_states,
                          std::span<const std::uint32_t> labels, std::size_t n_classes,
                          bool miller_madow, std::vector<std::uint32_t>& scratch,
                          std::vector<std::uint8_t>& seen) {
  const std::size_t n = ids.size();
  IP_CHECK(n >= 1, "no samples");
  IP_CHECK(labels.empty() || labels.size() == n, "{} labels for {} samples", labels.size(), n);
  const DiscreteInfo info = info_from_ids(ids, n_states, labels, n_classes, scratch);
  PlaneMi mi{info.h_t, labels.empty() ? std::numeric_limits<double>::quiet_NaN() : info.i_ty};
  if (!miller_madow) return mi;

  // Miller-Madow: H + (m - 1) / (2 n) nats for m occupied states among n samples.
  const double to_bits = 1.0 / std::numbers::ln2;
  const double h_t_bias = (static_cast<double>(n_states) - 1.0) / (2.0 * n) * to_bits;
  mi.i_xt += h_t_bias;
  if (labels.empty()) return mi;
  // sum_y p(y) (m_y - 1) / (2 n_y) = sum_y (m_y - 1) / (2 n) over the classes present.
  seen.assign(n_states * n_classes, 0);
  std::size_t occupied = 0;  // sum over classes of m_y
  std::vector<std::uint8_t> class_present(n_classes, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t slot = static_cast<std::size_t>(ids[i]) * n_classes + labels[i];
    occupied += seen[slot] == 0;
    seen[slot] = 1;
    class_present[labels[i]] = 1;
  }
  std::size_t n_present = 0;
  for (const std::uint8_t p : class_present) n_present += p;
  const double h_t_given_y_bias =
      (static_cast<double>(occupied) - static_cast<double>(n_present)) / (2.0 * n) * to_bits;
  mi.i_ty += h_t_bias - h_t_given_y_bias;
  return mi;
}

PlaneMi binning_mi_naive(ActivationView t, std::span<const ValueRange> ranges,
                         std::uint32_t n_bins, std::span<const std::uint32_t> labels,
                         std::size_t n_classes, bool miller_madow) {
  const std::size_t n = t.n_rows;
  std::map<std::vector<std::uint32_t>, std::size_t> states;
  std::vector<std::map<std::vector<std::uint32_t>, std::size_t>> by_class(n_classes);
  std::vector<std::size_t> class_count(n_classes, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint32_t> key(t.n_cols);
    for (std::size_t c = 0; c < t.n_cols; ++c) {
      const ValueRange& r = ranges[ranges.size() == 1 ? 0 : c];
      const double v = t.row(i)[c];
      std::uint32_t bin = 0;
      if (r.hi > r.lo) {
        const double width = (r.hi - r.lo) / n_bins;
        for (std::uint32_t j = 1; j < n_bins; ++j)
          if (v >= r.lo + j * width) bin = j;
      }
      key[c] = bin;
    }
    ++states[key];
    if (!labels.empty()) {
      ++by_class[labels[i]][key];
      ++class_count[labels[i]];
    }
  }
  const auto entropy_nats = [](const std::map<std::vector<std::uint32_t>, std::size_t>& counts,
                               std::size_t total, bool mm) {
    double h = 0.0;
    for (const auto& [key, c] : counts) {
      const double p = static_cast<double>(c) / total;
      h -= p * std::log(p);
    }
    if (mm) h += (static_cast<double>(counts.size()) - 1.0) / (2.0 * total);
    return h;
  };
  const double h_t = entropy_nats(states, n, miller_madow);
  double h_t_given_y = 0.0;
  for (std::size_t y = 0; y < n_classes; ++y)
    if (class_count[y] > 0)
      h_t_given_y += static_cast<double>(class_count[y]) / n *
                     entropy_nats(by_class[y], class_count[y], miller_madow);
  const double to_bits = 1.0 / std::numbers::ln2;
  return {h_t * to_bits, labels.empty() ? std::numeric_limits<double>::quiet_NaN()
                                        : (h_t - h_t_given_y) * to_bits};
}

}  // namespace infoplane::info
