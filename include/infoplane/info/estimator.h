/// @brief One interface for the estimators of the earlier information-bottleneck studies
/// (binning, adaptive binning, KDE bounds, kNN), built by name from a spec string.
///
/// The training runner calls one Estimator per spec and per repetition on every evaluation
/// pass, once per layer, with the layer's float activations (before quantization).
/// Results are in bits. The exact measure of quantized codes lives in entropy.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace infoplane::info {

/// Read-only view of a row-major float matrix: n_rows samples x n_cols units.
struct ActivationView {
  const float* data = nullptr;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  const float* row(std::size_t i) const { return data + i * n_cols; }
};

/// A closed value range [lo, hi].
struct ValueRange {
  double lo = 0.0;
  double hi = 0.0;
};

/// What an estimator may need to know about the layer besides its values.
struct LayerContext {
  /// Activation function of the layer: "tanh", "relu", "relu6", "sigmoid", "softmax",
  /// "linear", or empty when unknown. Selects the default bounds of fixed binning.
  std::string_view activation;
  /// Run-wide min/max of the activations (all layers, all evaluated epochs of the
  /// repetition). Required by estimators whose needs_run_range() is true.
  std::optional<ValueRange> run_range;
};

/// Estimates for one layer T, in bits. A value that the estimator does not provide is NaN
/// (i_ty without labels; i_xt of the kNN estimator, see docs/estimators.md).
struct PlaneMi {
  double i_xt = 0.0;  ///< I(X;T), X uniform over the n_rows samples
  double i_ty = 0.0;  ///< I(T;Y)
};

/// An estimator of (I(X;T), I(T;Y)) from a layer's activations. Keeps scratch buffers
/// between calls, so it is not thread-safe: use one instance per thread (repetition).
class Estimator {
 public:
  virtual ~Estimator() = default;

  /// Canonical spec with every main parameter explicit, e.g. "binning:30,bounds=fixed";
  /// the `estimator` column of mi.csv.
  virtual const std::string& canonical_name() const = 0;

  /// True when estimate() needs LayerContext::run_range (binning with bounds=global).
  virtual bool needs_run_range() const { return false; }

  /// Throws InputError when the estimator cannot be used on a layer with this activation
  /// (fixed binning without explicit bounds on relu). Call it while validating a config.
  virtual void check_activation(std::string_view activation) const { (void)activation; }

  /// Estimates for one layer. `labels` is empty or holds n_rows labels in [0, n_classes);
  /// without labels i_ty is NaN. X is taken uniform over the rows (distinct inputs).
  virtual PlaneMi estimate(ActivationView t, std::span<const std::uint32_t> labels,
                           std::size_t n_classes, const LayerContext& context) = 0;
};

/// Builds an estimator from a spec `name[:value][,key=value...]` (see spec.h).
/// Throws InputError for an unknown name or key (the message lists the valid ones) and
/// for "exact", which works on quantized codes, not on activations.
std::unique_ptr<Estimator> make_estimator(std::string_view spec);

}  // namespace infoplane::info
