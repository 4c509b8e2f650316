/// @brief One repetition of an experiment: training with quantization-aware training and an
/// evaluation pass with the exact information of every layer after each epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "infoplane/data/dataset.h"
#include "infoplane/experiment/config.h"
#include "infoplane/nn/network.h"
#include "infoplane/random.h"

namespace infoplane::experiment {

struct AccuracyRow {
  std::uint32_t epoch = 0;
  double train_accuracy = 0.0;
  double test_accuracy = 0.0;
  double train_loss = 0.0;  ///< mean cross-entropy over the epoch's training batches
};

struct MiRow {
  std::uint32_t epoch = 0;
  std::uint16_t layer = 0;      ///< 0 = the input X
  std::uint16_t estimator = 0;  ///< index into Config::experiment.estimators
  double i_xt = 0.0;        ///< bits
  double i_ty = 0.0;        ///< bits
};

struct RangeRow {
  std::uint32_t epoch = 0;
  std::uint32_t layer = 0;  ///< >= 1
  float min = 0.0f;
  float max = 0.0f;
};

/// One layer's values before quantization at one epoch ([experiment].store_activations).
struct StoredActivations {
  std::uint32_t epoch = 0;
  std::uint32_t layer = 0;    ///< information-plane layer, >= 1
  std::size_t width = 0;
  std::vector<float> values;  ///< n_samples x width, row-major, samples in data set order
};

struct RepetitionResult {
  std::size_t index = 0;
  std::uint64_t seed = 0;       ///< base seed + index
  std::size_t restarts = 0;     ///< attempts after the first (at most max_restarts)
  std::vector<std::string> restart_reasons;  ///< why each attempt that did not complete ended
  bool ok = false;
  std::string message;          ///< why it failed, when !ok
  std::vector<AccuracyRow> accuracy;
  std::vector<MiRow> mi;
  std::vector<RangeRow> ranges;
  /// The stored layers' values, by epoch then layer (empty unless the config asks for them).
  std::vector<StoredActivations> activations;
  double wall_seconds = 0.0;
};

/// Called after every epoch with (repetition index, epochs done). Must be thread-safe.
using ProgressFn = std::function<void(std::size_t repetition, std::size_t epoch)>;

/// Mini-batch training over a data set's training rows, with its batch buffers kept
/// between epochs (features x samples, as the network takes them).
class EpochTrainer {
 public:
  EpochTrainer(const data::Dataset& dataset, std::size_t batch_size)
      : m_dataset(dataset), m_batch(batch_size), m_order(dataset.train),
        m_x(batch_size * dataset.n_features()), m_y(batch_size) {}

  /// One epoch: shuffles the training rows with `rng` (the order carries over to the next
  /// epoch), trains on consecutive batches, and returns the mean loss over the samples.
  double train_epoch(nn::Network<float>& network, const nn::AdamSpec& adam, Rng& rng);

  /// Trains on `labels` (one per sample of the data set, in its order) instead of the data
  /// set's labels from now on; an empty vector restores the data set's.
  void set_labels(std::vector<std::uint32_t> labels) { m_labels = std::move(labels); }

 private:
  const data::Dataset& m_dataset;
  std::size_t m_batch;
  std::vector<std::uint32_t> m_order;
  std::vector<float> m_x;
  std::vector<std::uint32_t> m_y;
  std::vector<std::uint32_t> m_labels;  ///< empty: the data set's labels
};

/// The data set's labels with those of the training rows permuted among the training rows
/// (random-label prefitting: same class counts, no relation to the inputs); test labels kept.
std::vector<std::uint32_t> shuffled_train_labels(const data::Dataset& dataset, Rng& rng);

/// Loads the configured data set and makes its split.
data::Dataset load_dataset(const Config& config);

/// Runs repetition `index`: seed = base seed + index; an attempt whose training accuracy
/// falls below restart_below at an epoch >= restart_from_epoch, or whose loss is not finite,
/// is abandoned and the repetition starts again with a fresh random stream (attempt a uses
/// Rng(seed, a)), at most max_restarts times. Never throws for training failures: they are
/// recorded in the result.
///
/// With training.prefit_epochs > 0 the first prefit_epochs epochs train on
/// shuffled_train_labels (drawn once per attempt, after the network's weights) and
/// training.epochs epochs on the true labels follow; all are recorded, numbered from 1,
/// and accuracy and MI are always measured against the true labels. The bad-fit rule
/// counts its epochs from the end of prefitting.
///
/// Estimators other than "exact" see each layer's activations before quantization (layers
/// >= 1). Those that need the run-wide range (binning with bounds=global) get a second pass:
/// the kept attempt is trained again from the same random stream, which reproduces it
/// bit for bit, with the range of the first pass known.
RepetitionResult run_repetition(const Config& config, const data::Dataset& dataset,
                                std::size_t index, const ProgressFn& progress = {});

/// The seed of repetition `index`.
inline std::uint64_t repetition_seed(const Config& config, std::size_t index) {
  return config.experiment.seed + index;
}

}  // namespace infoplane::experiment
