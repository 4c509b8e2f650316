/// @brief Reading a run directory written by `infoplane run`: manifest, MI, accuracy, ranges.
///
/// A run directory holds manifest.json (config, data set, layers, repetitions), mi.csv
/// (`repetition,epoch,layer,estimator,i_xt,i_ty`, bits), accuracy.csv
/// (`repetition,epoch,train_accuracy,test_accuracy,train_loss`) and activation_range.csv
/// (`repetition,epoch,layer,min,max`). The readers put each file on a dense grid of
/// repetitions x layers x epochs with NaN where a value is missing, so that statistics can
/// run over plain arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace infoplane::report {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// One layer of the network; index 0 is the input X.
struct LayerInfo {
  int index = 0;
  std::string name;        ///< as in the manifest: "input", "dense1", ..., "output"
  std::string label;       ///< for figures: "X" for the input, "Ŷ" for the output, else name
  int width = 0;           ///< neurons (0 if unknown)
  std::string activation;  ///< "input", "tanh", "relu", "softmax", ...
};

/// One repetition as recorded in the manifest.
struct RepetitionInfo {
  int index = 0;
  std::uint64_t seed = 0;
  int restarts = 0;
  std::string status = "ok";                 ///< "ok", or why it failed
  double final_train_accuracy = kMissing;    ///< in [0, 1]; NaN if not recorded
  double final_test_accuracy = kMissing;
  double wall_seconds = kMissing;            ///< the repetition's own time; NaN if not recorded
};

/// What the figures need from manifest.json.
struct RunInfo {
  std::filesystem::path dir;
  std::string name;        ///< config.name, else the directory's name
  std::string dataset;     ///< dataset.name, e.g. "szt"
  std::string activation;  ///< config.network.activation (hidden layers), may be empty
  int bits = 0;            ///< config.quantization.bits; 0 if not recorded
  int prefit_epochs = 0;   ///< config.training.prefit_epochs: epochs 1..prefit_epochs used shuffled labels
  int n_samples = 0;       ///< samples the MI is computed over
  double h_x = kMissing;   ///< upper bound of I(X;T) in bits: H(X) = log2(n_samples)
  double h_y = kMissing;   ///< H(Y) in bits, the upper bound of I(T;Y)
  std::vector<LayerInfo> layers;             ///< ascending index
  std::vector<RepetitionInfo> repetitions;   ///< ascending index

  /// The layer with this index, or nullptr.
  const LayerInfo* layer(int index) const;
  /// The figure label of a layer: its label if the manifest names it, else "T<index>".
  std::string layer_label(int index) const;
};

/// What the figures need of RUN_DIR's manifest, read through store::read_manifest. Throws
/// InputError if the file is missing, not a JSON object, or holds a field of the wrong type.
RunInfo read_run_info(const std::filesystem::path& run_dir);

/// The MI of one estimator over all repetitions, layers and epochs present in mi.csv.
/// i_xt and i_ty are [n_repetitions x n_layers x n_epochs] row-major, bits, NaN where the
/// file has no row.
struct MiSeries {
  std::string estimator;
  std::vector<int> repetitions;  ///< repetition indices, ascending
  std::vector<int> layers;       ///< layer indices, ascending
  std::vector<int> epochs;       ///< epochs (1-based counts of completed epochs), ascending
  std::vector<double> i_xt;
  std::vector<double> i_ty;

  std::size_t n_points() const { return layers.size() * epochs.size(); }
  std::size_t at(std::size_t rep, std::size_t layer, std::size_t epoch) const {
    return (rep * layers.size() + layer) * epochs.size() + epoch;
  }
};

/// Reads RUN_DIR/mi.csv: one MiSeries per estimator, in order of first appearance.
/// Throws InputError on a missing file or column, a bad number, a negative or fractional
/// index, or a duplicate (repetition, epoch, layer, estimator) row.
std::vector<MiSeries> read_mi(const std::filesystem::path& run_dir);

/// Training curves: train, test and loss are [n_repetitions x n_epochs] row-major.
struct AccuracySeries {
  std::vector<int> repetitions;
  std::vector<int> epochs;
  std::vector<double> train;
  std::vector<double> test;
  std::vector<double> loss;
  std::size_t at(std::size_t rep, std::size_t epoch) const { return rep * epochs.size() + epoch; }
};

/// Reads RUN_DIR/accuracy.csv.
AccuracySeries read_accuracy(const std::filesystem::path& run_dir);

/// Activation ranges: min and max are [n_repetitions x n_layers x n_epochs] row-major.
struct RangeSeries {
  std::vector<int> repetitions;
  std::vector<int> layers;
  std::vector<int> epochs;
  std::vector<double> min;
  std::vector<double> max;
  std::size_t at(std::size_t rep, std::size_t layer, std::size_t epoch) const {
    return (rep * layers.size() + layer) * epochs.size() + epoch;
  }
};

/// Reads RUN_DIR/activation_range.csv.
RangeSeries read_ranges(const std::filesystem::path& run_dir);

}  // namespace infoplane::report
