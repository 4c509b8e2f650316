/// @brief The paper's experiments as a suite: registry, quick scaling, projected times.
#include "infoplane/experiment/suite.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/data/dataset.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/experiment/schedule.h"

namespace infoplane::experiment {

const std::vector<SuiteExperiment>& paper_suite() {
  // Quick sizes: SZT 3 x 1500 epochs (the output layer's compression shows by then); MNIST
  // 2 x 30 epochs (the Conv network 1 x 3: its evaluation pass alone takes about a second).
  static const QuickScale szt{3, 1500, 300};
  static const QuickScale mnist{2, 30, 0};
  static const std::vector<SuiteExperiment> suite{
      {"szt-tanh-8bit", "main", {"2", "B.7", "F.14"}, "SZT, tanh, 8 bits", szt},
      {"szt-relu-8bit", "main", {"3", "B.8", "F.15"}, "SZT, relu, 8 bits", szt},
      {"mnist-bottleneck2-8bit", "main", {"4", "B.9", "F.16"}, "MNIST Bottleneck-2, relu, 8 bits", mnist},
      {"szt-tanh-float-binning", "appendix", {"A.5", "C.11", "F.14"},
       "SZT, tanh, float32: binning with 30/100/256 bins and the exact values", szt},
      {"szt-relu-float-binning", "appendix", {"A.6", "C.11", "F.15"},
       "SZT, relu, float32: binning with 30/100/256 bins and the exact values", szt},
      {"szt-tanh-4bit", "appendix", {"C.10", "F.14"}, "SZT, tanh, 4 bits", szt},
      {"szt-relu-4bit", "appendix", {"C.10", "F.15"}, "SZT, relu, 4 bits", szt},
      {"szt-tanh-prefit", "appendix", {"D.12"}, "SZT, tanh, 8 bits, 1000 epochs on random labels first", szt},
      {"szt-relu-prefit", "appendix", {"D.12"}, "SZT, relu, 8 bits, 1000 epochs on random labels first", szt},
      {"mnist-bottleneck4-8bit", "appendix", {"E.13", "F.16"}, "MNIST Bottleneck-4, relu, 8 bits", mnist},
      {"mnist-hourglass-8bit", "appendix", {"E.13", "F.16"}, "MNIST HourGlass, relu, 8 bits", mnist},
      {"mnist-4x10-8bit", "appendix", {"E.13", "F.16"}, "MNIST 4x10, relu, 8 bits", mnist},
      {"mnist-conv-8bit", "appendix", {"E.13", "F.16"}, "MNIST Conv, relu, 8 bits", {1, 3, 0}},
      {"szt-tanh-8bit-reference", "robustness", {}, "SZT, tanh, 8 bits, the reference code's range rules", szt},
      {"szt-relu-8bit-reference", "robustness", {}, "SZT, relu, 8 bits, the reference code's range rules", szt},
  };
  return suite;
}

const SuiteExperiment& find_suite_experiment(std::string_view name) {
  const auto& suite = paper_suite();
  const auto it = std::find_if(suite.begin(), suite.end(), [&](const SuiteExperiment& e) { return e.name == name; });
  if (it == suite.end()) {
    std::string names;
    for (const SuiteExperiment& e : suite) names += (names.empty() ? "" : ", ") + e.name;
    input_error("unknown experiment '{}'; the suite has: all, {}", name, names);
  }
  return *it;
}

std::filesystem::path default_experiments_dir() {
  return (data::data_dir() / ".." / "experiments").lexically_normal();
}

Config suite_config(const SuiteExperiment& experiment, const std::filesystem::path& experiments_dir, bool quick) {
  Config config = load_config(experiments_dir / (experiment.name + ".toml"));
  if (quick) {
    config.experiment.repetitions = std::min(config.experiment.repetitions, experiment.quick.repetitions);
    config.training.epochs = std::min(config.training.epochs, experiment.quick.epochs);
    if (config.training.prefit_epochs > 0) {
      config.training.prefit_epochs = std::min(config.training.prefit_epochs, experiment.quick.prefit_epochs);
    }
    // The bad-fit rule keeps its first epoch: a short run is too short to judge a fit (a
    // slow start is not a dead network); the analysis still leaves out bad final fits.
    validate(config);
  }
  return config;
}

double probe_seconds_per_repetition(const Config& config, std::size_t probe_epochs) {
  const data::Dataset dataset = load_dataset(config);
  if (probe_epochs == 0) probe_epochs = dataset.n_samples() <= 10000 ? 100 : 2;
  const std::size_t every = config.experiment.mi_every;
  probe_epochs = (probe_epochs + every - 1) / every * every;  // a whole number of MI schedules
  Config probe = config;
  probe.training.prefit_epochs = 0;
  probe.training.epochs = probe_epochs;
  probe.experiment.restart_from_epoch = probe_epochs + 1;
  probe.experiment.store_activations = {};
  const auto start = std::chrono::steady_clock::now();
  (void)run_repetition(probe, dataset, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return seconds / static_cast<double>(probe_epochs) * static_cast<double>(config.total_epochs());
}

double projected_seconds(const Config& config, double seconds_per_repetition, std::size_t threads) {
  const std::size_t reps = config.experiment.repetitions;
  const std::size_t workers = resolve_threads(threads, reps);
  const auto rounds = static_cast<double>((reps + workers - 1) / workers);
  return rounds * seconds_per_repetition;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

}  // namespace infoplane::experiment
