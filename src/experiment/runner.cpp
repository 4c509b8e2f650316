/// @brief One repetition: data, network, epochs of training, evaluation passes, records.
#include "infoplane/experiment/runner.h"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <optional>

#include "infoplane/common.h"
#include "infoplane/data/mnist.h"
#include "infoplane/data/szt.h"
#include "infoplane/data/table.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/info/estimator.h"
#include "infoplane/random.h"

namespace infoplane::experiment {

data::Dataset load_dataset(const Config& config) {
  data::Dataset dataset;
  if (config.data.dataset == "mnist") {
    dataset = data::load_mnist();
  } else if (config.data.dataset == "idx") {
    std::filesystem::path dir(config.data.path);
    if (dir.filename().empty()) dir = dir.parent_path();  // "DIR/"
    dataset = data::load_idx_dataset(config.data.path, dir.filename().string());
  } else if (config.data.dataset == "csv") {
    dataset = data::load_csv_dataset(config.data.path, config.data.label_column);
  } else {
    IP_CHECK(config.data.dataset == "szt");
    const std::filesystem::path labels =
        config.data.labels.empty() ? data::data_dir() / "szt" / "labels.txt" : std::filesystem::path(config.data.labels);
    dataset = data::load_szt(labels);
  }
  // Subset first, so that a stratified split is made among the kept rows; an official
  // split (mnist, idx) keeps its proportions.
  data::take_subset(dataset, config.data.subset);
  if (dataset.train.empty() && dataset.test.empty()) {
    data::stratified_split(dataset, config.data.test_fraction, config.data.split_seed);
  }
  return dataset;
}

double EpochTrainer::train_epoch(nn::Network<float>& network, const nn::AdamSpec& adam, Rng& rng) {
  rng.shuffle(std::span<std::uint32_t>(m_order));
  network.begin_epoch();
  const std::size_t n_train = m_order.size();
  double loss_sum = 0.0;
  for (std::size_t start = 0; start < n_train; start += m_batch) {
    const std::size_t n = std::min(m_batch, n_train - start);
    data::gather_batch(m_dataset, std::span(m_order).subspan(start, n), m_x.data(), m_y.data());
    if (!m_labels.empty()) {
      for (std::size_t i = 0; i < n; ++i) m_y[i] = m_labels[m_order[start + i]];
    }
    loss_sum += static_cast<double>(network.train_batch(m_x.data(), m_y, n, adam)) * static_cast<double>(n);
  }
  return loss_sum / static_cast<double>(n_train);
}

std::vector<std::uint32_t> shuffled_train_labels(const data::Dataset& dataset, Rng& rng) {
  std::vector<std::uint32_t> train_labels;
  train_labels.reserve(dataset.train.size());
  for (const std::uint32_t row : dataset.train) train_labels.push_back(dataset.y[row]);
  rng.shuffle(std::span<std::uint32_t>(train_labels));
  std::vector<std::uint32_t> labels = dataset.y;
  for (std::size_t i = 0; i < dataset.train.size(); ++i) labels[dataset.train[i]] = train_labels[i];
  return labels;
}

namespace {

enum class Outcome { Completed, Restart };

/// The estimators of one repetition, split by pass.
struct Estimators {
  std::optional<std::uint16_t> exact;  ///< index of "exact" in the config's list
  std::vector<std::pair<std::uint16_t, std::unique_ptr<info::Estimator>>> first_pass;
  std::vector<std::pair<std::uint16_t, std::unique_ptr<info::Estimator>>> global_pass;

  explicit Estimators(const Config& config) {
    const auto& specs = config.experiment.estimators;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const auto k = static_cast<std::uint16_t>(i);
      if (specs[i] == "exact") {
        exact = k;
        continue;
      }
      auto estimator = info::make_estimator(specs[i]);
      auto& target = estimator->needs_run_range() ? global_pass : first_pass;
      target.emplace_back(k, std::move(estimator));
    }
  }
  bool capture(bool global) const { return global ? !global_pass.empty() : !first_pass.empty(); }
};

/// Pass 1 trains, records accuracy, ranges, exact MI and the first-pass estimators, and
/// tracks the run-wide activation range; pass 2 replays it for the global-range estimators.
struct Pass {
  bool global = false;
  info::ValueRange run_range{};
  bool range_seen = false;
};

void estimate_layers(const data::Dataset& dataset, const Evaluation& eval,
                     std::uint32_t epoch,
                     std::vector<std::pair<std::uint16_t, std::unique_ptr<info::Estimator>>>& estimators,
                     const std::optional<info::ValueRange>& run_range, std::vector<MiRow>& out) {
  const std::size_t n = dataset.n_samples();
  for (auto& [k, estimator] : estimators) {
    for (std::size_t l = 1; l < eval.layers.size(); ++l) {
      const std::size_t width = eval.activations[l].size() / n;
      const bool output = l + 1 == eval.layers.size();
      const info::LayerContext context{output ? std::string_view("softmax") : nn::to_string(eval.layers[l].activation),
                                       run_range};
      const info::PlaneMi mi = estimator->estimate({eval.activations[l].data(), n, width}, dataset.y,
                                                   dataset.n_classes, context);
      out.push_back({epoch, static_cast<std::uint16_t>(l), k, mi.i_xt, mi.i_ty});
    }
  }
}

struct Attempt {
  Outcome outcome = Outcome::Completed;
  std::string reason;
};

Attempt train_attempt(const Config& config, const data::Dataset& dataset, Evaluator& evaluator,
                      std::size_t index, Rng& rng, RepetitionResult& result,
                      const ProgressFn& progress, Estimators& estimators, Pass& pass) {
  const std::size_t prefit = config.training.prefit_epochs;
  const std::size_t epochs = prefit + config.training.epochs;
  const std::size_t batch = config.training.batch_size;
  const std::size_t d = dataset.n_features();
  nn::Network<float> network(config.network_spec(d, dataset.n_classes, dataset.image_shape), config.quant_spec(),
                             batch, rng);
  std::size_t n_layers = 0;
  for (const auto& layer : network.layers()) n_layers += nn::is_plane_layer(layer.kind) ? 1 : 0;

  if (!pass.global) {
    result.accuracy.clear();
    result.mi.clear();
    result.ranges.clear();
    result.activations.clear();
    result.accuracy.reserve(epochs);
    result.ranges.reserve(epochs * n_layers);
    result.mi.reserve((epochs / config.experiment.mi_every + 1) * (n_layers + 1) *
                      config.experiment.estimators.size());
  }

  EpochTrainer trainer(dataset, batch);
  if (prefit > 0) trainer.set_labels(shuffled_train_labels(dataset, rng));

  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    if (epoch == prefit + 1) trainer.set_labels({});
    const double loss = trainer.train_epoch(network, config.training.adam, rng);
    if (!std::isfinite(loss)) {
      return {Outcome::Restart, fmt::format("non-finite training loss at epoch {}", epoch)};
    }
    const bool with_info = epoch % config.experiment.mi_every == 0 || epoch == epochs;
    const bool capture = with_info && estimators.capture(pass.global);
    const auto& stored_epochs = config.experiment.store_activations.epochs;
    const bool store = !pass.global && config.experiment.store_activations.enabled() &&
                       std::binary_search(stored_epochs.begin(), stored_epochs.end(), epoch);
    const Evaluation& eval = evaluator.evaluate(network, with_info && !pass.global, capture || store);
    const auto e = static_cast<std::uint32_t>(epoch);
    if (pass.global) {
      if (capture) estimate_layers(dataset, eval, e, estimators.global_pass, pass.run_range, result.mi);
    } else {
      result.accuracy.push_back({e, eval.train_accuracy, eval.test_accuracy, loss});
      if (store) {
        const std::size_t n = dataset.n_samples();
        for (const std::size_t l : config.experiment.store_activations.layers) {
          IP_CHECK(l < eval.activations.size());
          result.activations.push_back({e, static_cast<std::uint32_t>(l), eval.activations[l].size() / n,
                                        eval.activations[l]});
        }
      }
      for (std::size_t l = 1; l < eval.layers.size(); ++l) {
        result.ranges.push_back({e, static_cast<std::uint32_t>(l), eval.layers[l].min, eval.layers[l].max});
      }
      if (with_info) {
        if (estimators.exact) {
          for (std::size_t l = 0; l < eval.layers.size(); ++l) {
            result.mi.push_back({e, static_cast<std::uint16_t>(l), *estimators.exact, eval.layers[l].i_xt,
                                 eval.layers[l].i_ty});
          }
        }
        if (capture) estimate_layers(dataset, eval, e, estimators.first_pass, std::nullopt, result.mi);
        for (std::size_t l = 1; l < eval.layers.size(); ++l) {
          const info::ValueRange layer{eval.layers[l].min, eval.layers[l].max};
          pass.run_range = pass.range_seen ? info::ValueRange{std::min(pass.run_range.lo, layer.lo),
                                                              std::max(pass.run_range.hi, layer.hi)}
                                           : layer;
          pass.range_seen = true;
        }
      }
      if (progress) progress(index, epoch);
    }
    if (epoch >= prefit + config.experiment.restart_from_epoch &&
        eval.train_accuracy < config.experiment.restart_below) {
      return {Outcome::Restart, fmt::format("training accuracy {:.4f} < {} at epoch {}",
                                            eval.train_accuracy, config.experiment.restart_below, epoch)};
    }
  }
  return {};
}

}  // namespace

RepetitionResult run_repetition(const Config& config, const data::Dataset& dataset,
                                std::size_t index, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  RepetitionResult result;
  result.index = index;
  result.seed = repetition_seed(config, index);
  Evaluator evaluator(dataset);
  Estimators estimators(config);
  for (std::size_t attempt = 0; attempt <= config.experiment.max_restarts; ++attempt) {
    Rng rng(result.seed, attempt);
    Pass pass;
    const Attempt outcome =
        train_attempt(config, dataset, evaluator, index, rng, result, progress, estimators, pass);
    if (outcome.outcome == Outcome::Completed) {
      result.ok = true;
      if (!estimators.global_pass.empty()) {
        Rng replay(result.seed, attempt);
        pass.global = true;
        train_attempt(config, dataset, evaluator, index, replay, result, progress, estimators, pass);
        std::stable_sort(result.mi.begin(), result.mi.end(),
                         [](const MiRow& a, const MiRow& b) { return a.epoch < b.epoch; });
      }
      break;
    }
    result.restart_reasons.push_back(outcome.reason);
  }
  // Every attempt that did not complete gave a reason; the attempts after the first are
  // the restarts, so a repetition that gave up has one reason more than restarts.
  result.restarts = result.restart_reasons.size() - (result.ok ? 0 : 1);
  if (!result.ok) {
    result.message = fmt::format("gave up after {} attempts ({} restarts); last: {}", result.restart_reasons.size(),
                                 result.restarts, result.restart_reasons.back());
    result.accuracy.clear();
    result.mi.clear();
    result.ranges.clear();
    result.activations.clear();
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace infoplane::experiment
