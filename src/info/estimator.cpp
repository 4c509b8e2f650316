/// @brief The Estimator implementations behind make_estimator: binning, adaptive binning,
/// KDE bounds and kNN, each a thin stateful wrapper (scratch buffers) over its module.
#include "infoplane/info/estimator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "infoplane/common.h"
#include "infoplane/info/entropy.h"
#include "infoplane/info/spec.h"

namespace infoplane::info {
namespace {

void check_view(ActivationView t, std::span<const std::uint32_t> labels, std::size_t n_classes) {
  IP_CHECK(t.data != nullptr && t.n_rows >= 1 && t.n_cols >= 1, "empty activations {}x{}",
           t.n_rows, t.n_cols);
  IP_CHECK(labels.empty() || labels.size() == t.n_rows, "{} labels for {} rows",
           labels.size(), t.n_rows);
  for (const std::uint32_t y : labels) IP_CHECK(y < n_classes, "label {} >= {}", y, n_classes);
}

/// State ids of a code matrix, then the plug-in measures: shared by both binnings.
class BinnedStates {
 public:
  /// `n_bins`: every code is below it.
  PlaneMi measure(std::size_t n_rows, std::size_t n_cols, std::uint32_t n_bins,
                  std::span<const std::uint32_t> labels, std::size_t n_classes,
                  bool miller_madow) {
    m_ids.resize(n_rows);
    const std::size_t n_states =
        m_counter.assign(CodeMatrixView{m_codes.data(), n_rows, n_cols}, m_ids, n_bins - 1);
    return plane_mi_from_ids(m_ids, n_states, labels, n_classes, miller_madow, m_scratch,
                             m_seen);
  }
  std::vector<std::uint32_t>& codes() { return m_codes; }

 private:
  StateCounter m_counter;
  std::vector<std::uint32_t> m_codes, m_ids, m_scratch;
  std::vector<std::uint8_t> m_seen;
};

class BinningEstimator final : public Estimator {
 public:
  BinningEstimator(const BinningOptions& options, std::string name)
      : m_options(options), m_name(std::move(name)) {}

  const std::string& canonical_name() const override { return m_name; }
  bool needs_run_range() const override { return m_options.bounds == BinBounds::Global; }

  void check_activation(std::string_view activation) const override {
    if (m_options.bounds == BinBounds::Fixed && !m_options.fixed_range &&
        !activation_range(activation))
      input_error("estimator \"{}\": bounds=fixed has no default range for activation \"{}\"; "
                  "got \"{}\", expected bounds=fixed:LO:HI, global, layer or neuron (defaults "
                  "exist for tanh, sigmoid, softmax, relu6)",
                  m_name, activation, activation);
  }

  PlaneMi estimate(ActivationView t, std::span<const std::uint32_t> labels,
                   std::size_t n_classes, const LayerContext& context) override {
    check_view(t, labels, n_classes);
    const std::size_t n_rows = t.n_rows;
    const std::size_t n_cols = t.n_cols;
    m_ranges.clear();
    switch (m_options.bounds) {
      case BinBounds::Fixed:
        check_activation(context.activation);
        m_ranges.push_back(m_options.fixed_range ? *m_options.fixed_range
                                                 : *activation_range(context.activation));
        break;
      case BinBounds::Global:
        IP_CHECK(context.run_range.has_value(),
                 "{} needs LayerContext::run_range (the run-wide min/max)", m_name);
        m_ranges.push_back(*context.run_range);
        break;
      case BinBounds::Layer: {
        const auto [lo, hi] = std::minmax_element(t.data, t.data + n_rows * n_cols);
        m_ranges.push_back({*lo, *hi});
        break;
      }
      case BinBounds::Neuron:
        m_ranges.assign(n_cols, ValueRange{std::numeric_limits<double>::infinity(),
                                           -std::numeric_limits<double>::infinity()});
        for (std::size_t i = 0; i < n_rows; ++i)
          for (std::size_t c = 0; c < n_cols; ++c) {
            const double v = t.row(i)[c];
            m_ranges[c].lo = std::min(m_ranges[c].lo, v);
            m_ranges[c].hi = std::max(m_ranges[c].hi, v);
          }
        break;
    }
    m_states.codes().resize(n_rows * n_cols);
    bin_equal_width(t, m_ranges, m_options.n_bins, m_states.codes());
    return m_states.measure(n_rows, n_cols, m_options.n_bins, labels, n_classes,
                            m_options.miller_madow);
  }

 private:
  BinningOptions m_options;
  std::string m_name;
  std::vector<ValueRange> m_ranges;
  BinnedStates m_states;
};

class AdaptiveEstimator final : public Estimator {
 public:
  AdaptiveEstimator(const AdaptiveOptions& options, std::string name)
      : m_options(options), m_name(std::move(name)) {}

  const std::string& canonical_name() const override { return m_name; }

  PlaneMi estimate(ActivationView t, std::span<const std::uint32_t> labels,
                   std::size_t n_classes, const LayerContext&) override {
    check_view(t, labels, n_classes);
    equal_mass_edges(t, m_options.n_bins, m_sorted, m_edges);
    m_states.codes().resize(t.n_rows * t.n_cols);
    bin_by_edges(t, m_edges, m_states.codes());
    return m_states.measure(t.n_rows, t.n_cols, m_options.n_bins, labels, n_classes,
                            m_options.miller_madow);
  }

 private:
  AdaptiveOptions m_options;
  std::string m_name;
  std::vector<float> m_sorted, m_edges;
  BinnedStates m_states;
};

class KdeEstimator final : public Estimator {
 public:
  KdeEstimator(const KdeOptions& options, std::string name)
      : m_options(options), m_name(std::move(name)) {}

  const std::string& canonical_name() const override { return m_name; }

  PlaneMi estimate(ActivationView t, std::span<const std::uint32_t> labels,
                   std::size_t n_classes, const LayerContext&) override {
    check_view(t, labels, n_classes);
    return kde_mi(t, labels, n_classes, m_options, m_workspace);
  }

 private:
  KdeOptions m_options;
  std::string m_name;
  KdeWorkspace m_workspace;
};

/// kNN on a layer: I(T;Y) by Ross's estimator; I(X;T) is not estimated (NaN): for a
/// deterministic layer it is H(T), i.e. log2 N for distinct activation rows, and a KSG
/// estimate on (X, T) pairs measures the estimator's resolution, psi(N) - psi(k), instead.
class KsgEstimator final : public Estimator {
 public:
  KsgEstimator(const KsgOptions& options, std::string name)
      : m_options(options), m_name(std::move(name)) {}

  const std::string& canonical_name() const override { return m_name; }

  PlaneMi estimate(ActivationView t, std::span<const std::uint32_t> labels,
                   std::size_t n_classes, const LayerContext&) override {
    check_view(t, labels, n_classes);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (labels.empty()) return {nan, nan};
    m_values.assign(t.data, t.data + t.n_rows * t.n_cols);
    ksg_preprocess(m_values, t.n_rows, t.n_cols, m_options.normalize, m_options.noise,
                   m_options.seed);
    const double nats =
        mixed_mi(SampleView{m_values.data(), t.n_rows, t.n_cols}, labels, n_classes, m_options.k);
    return {nan, nats / std::numbers::ln2};
  }

 private:
  KsgOptions m_options;
  std::string m_name;
  std::vector<double> m_values;
};

}  // namespace

std::unique_ptr<Estimator> make_estimator(std::string_view spec) {
  EstimatorSpec parsed = parse_estimator_spec(spec);
  return std::visit(
      [&](const auto& options) -> std::unique_ptr<Estimator> {
        using T = std::decay_t<decltype(options)>;
        if constexpr (std::is_same_v<T, ExactOptions>) {
          input_error("estimator \"{}\": exact works on quantized layer codes, not on "
                      "activations; got exact, expected one of binning, adaptive, kde, ksg",
                      spec);
        } else if constexpr (std::is_same_v<T, BinningOptions>) {
          return std::make_unique<BinningEstimator>(options, std::move(parsed.canonical));
        } else if constexpr (std::is_same_v<T, AdaptiveOptions>) {
          return std::make_unique<AdaptiveEstimator>(options, std::move(parsed.canonical));
        } else if constexpr (std::is_same_v<T, KdeOptions>) {
          return std::make_unique<KdeEstimator>(options, std::move(parsed.canonical));
        } else {
          return std::make_unique<KsgEstimator>(options, std::move(parsed.canonical));
        }
      },
      parsed.options);
}

}  // namespace infoplane::info
