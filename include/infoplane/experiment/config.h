/// @brief An experiment's configuration: TOML file, validation, and its JSON record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "infoplane/nn/network.h"

namespace infoplane::experiment {

struct DataConfig {
  /// "szt", "mnist" (shipped), "idx" (`path`: a folder of IDX files in MNIST's layout) or
  /// "csv" (`path`: a CSV file of features and a label column).
  std::string dataset = "szt";
  std::string path;             ///< folder (idx) or file (csv)
  long label_column = -1;       ///< csv: 0-based, negative counts from the end
  std::string labels;           ///< SZT labels file; empty = the shipped data/szt/labels.txt
  double test_fraction = 0.2;   ///< szt and csv (mnist and idx have an official split)
  std::uint64_t split_seed = 1000;
  std::size_t subset = 0;       ///< 0 = all samples, else the first n (data::take_subset)
};

/// One hidden layer of a layer stack.
struct LayerConfig {
  std::string type = "dense";  ///< dense, conv, maxpool, flatten
  std::size_t units = 0;       ///< dense: width; conv: output channels
  std::size_t size = 0;        ///< conv: kernel size k (k x k); maxpool: window (and stride)
  std::string activation;      ///< dense, conv; empty = the network's activation
};

struct NetworkConfig {
  /// A named network of the paper ("bottleneck-2", "bottleneck-4", "hourglass", "4x10",
  /// "conv"), which fixes `layers`/`stack` and (unless given) a relu activation; or empty.
  std::string architecture;
  std::vector<std::size_t> layers{10, 7, 5, 4, 3};  ///< hidden dense widths; softmax output follows
  /// Hidden layers given as tables (conv, maxpool, flatten, dense); when non-empty it
  /// replaces `layers`.
  std::vector<LayerConfig> stack;
  std::string activation = "tanh";
};

struct QuantizationConfig {
  int bits = 8;                 ///< 2..16, or 32 = unquantized
  std::string range = "epoch";  ///< "epoch" or "reference"
  int weight_bits = 0;          ///< 0 = float weights, else 2..16
};

struct TrainingConfig {
  std::size_t epochs = 8000;
  /// Random-label prefitting: this many epochs on shuffled training labels come first
  /// (runner.h); the run then has prefit_epochs + epochs epochs.
  std::size_t prefit_epochs = 0;
  std::size_t batch_size = 256;
  nn::AdamSpec adam;
};

/// Layers whose values (before quantization) are stored at chosen epochs, into
/// RUN_DIR/activations/rep-NNNNNN.layer-L.csv (store.h). Empty lists: nothing stored.
struct StoreActivationsConfig {
  std::vector<std::size_t> layers;  ///< information-plane layer indices, 1 = the first layer
  std::vector<std::size_t> epochs;  ///< ascending, each in [1, Config::total_epochs()]
  bool enabled() const { return !layers.empty(); }
};

struct ExperimentConfig {
  std::size_t repetitions = 10;
  std::uint64_t seed = 0;
  std::size_t threads = 0;  ///< 0 = all cores
  std::size_t mi_every = 1;
  double restart_below = 0.55;         ///< bad fit: training accuracy below this ...
  std::size_t restart_from_epoch = 1000;  ///< ... at any epoch from this one on
  std::size_t max_restarts = 10;       ///< per repetition; then it is recorded as failed
  /// Information measures computed on every evaluated epoch: "exact" (the quantized codes)
  /// and estimator specs of info/estimator.h (on the activations before quantization).
  std::vector<std::string> estimators{"exact"};
  StoreActivationsConfig store_activations;
};

struct Config {
  std::string name = "experiment";
  std::filesystem::path source;  ///< the file it was read from (for messages)
  /// Valid keys that have no effect here (e.g. test_fraction with MNIST's official split),
  /// one message each, for the caller to print.
  std::vector<std::string> warnings;
  DataConfig data;
  NetworkConfig network;
  QuantizationConfig quantization;
  TrainingConfig training;
  ExperimentConfig experiment;

  /// Every epoch of a run: training.prefit_epochs + training.epochs.
  std::size_t total_epochs() const { return training.prefit_epochs + training.epochs; }
  /// The network's layer specs for a data set with n_inputs features and n_classes classes;
  /// conv and maxpool layers see the input as the map `image_shape` ({channels, height,
  /// width}); without one, a square number of features is one channel of a square image.
  /// Throws InputError when a layer does not fit the data.
  nn::NetworkSpec network_spec(std::size_t n_inputs, std::size_t n_classes,
                               const std::vector<std::size_t>& image_shape = {}) const;
  /// The number of information-plane layers (every layer but flatten, the output included).
  std::size_t n_plane_layers() const;
  /// The hidden activations used (for estimators' checks).
  std::vector<std::string> hidden_activations() const;
  nn::QuantSpec quant_spec() const;
  /// The `estimator` column of mi.csv for each entry of experiment.estimators: canonical
  /// specs; "exact" of an unquantized network is "exact:levels=2^32" (the reference rule).
  std::vector<std::string> estimator_names() const;
  nlohmann::json to_json() const;
};

/// The manifest's description of the information-plane layers of `spec`: index 0 the
/// input, then one object per plane layer (every layer but flatten) with its index, name
/// ("dense3", "conv1", "maxpool2", "output"; the number is the network layer's, from 1),
/// width (features), activation and, for feature maps, shape [channels, height, width].
nlohmann::json plane_layers_json(const nn::NetworkSpec& spec);

/// Reads and validates a TOML config. Unknown keys, wrong types and bad values throw
/// InputError naming the file, the key and the expected value.
Config load_config(const std::filesystem::path& path);

/// Parses TOML text (`origin` names it in messages).
Config parse_config(const std::string& text, const std::filesystem::path& origin);

/// Checks every value's range; throws InputError ("FILE: [section].key must be ..., got ...").
void validate(const Config& config);

}  // namespace infoplane::experiment
