/// @brief The experiments of Lorenzen, Igel & Nielsen (ICLR 2022) as one suite: which
/// config in experiments/ makes which figure, how `--quick` scales each down, and the
/// projected time of each on this machine.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/experiment/config.h"

namespace infoplane::experiment {

/// Scaled-down sizes of an experiment for `reproduce --quick`.
struct QuickScale {
  std::size_t repetitions = 3;
  std::size_t epochs = 1500;
  std::size_t prefit_epochs = 0;  ///< used only when the config prefits
};

/// One experiment of the suite; its config is EXPERIMENTS_DIR/NAME.toml.
struct SuiteExperiment {
  std::string name;
  /// "main" (the paper's main text), "appendix" or "robustness" (not in the paper).
  std::string group;
  std::vector<std::string> figures;  ///< the paper's figures it makes, e.g. "2", "B.7"
  std::string title;
  QuickScale quick;
};

/// Every experiment of the suite, in report order.
const std::vector<SuiteExperiment>& paper_suite();

/// The experiment called `name`; throws InputError listing the valid names.
const SuiteExperiment& find_suite_experiment(std::string_view name);

/// The shipped experiments/ folder (next to the data folder, data::data_dir()).
std::filesystem::path default_experiments_dir();

/// Loads EXPERIMENTS_DIR/NAME.toml; with `quick`, applies the experiment's QuickScale
/// (never more than the config's own sizes) and validates the result.
Config suite_config(const SuiteExperiment& experiment, const std::filesystem::path& experiments_dir,
                    bool quick);

/// Seconds per repetition of `config` measured on this machine: one repetition of a few
/// epochs (with the config's MI schedule) timed and scaled to config.total_epochs().
/// `probe_epochs` 0: chosen from the data set's size.
double probe_seconds_per_repetition(const Config& config, std::size_t probe_epochs = 0);

/// Projected wall time of a whole experiment from its seconds per repetition: the
/// repetitions spread over `threads` workers (0 = all cores).
double projected_seconds(const Config& config, double seconds_per_repetition, std::size_t threads);

/// "45 s", "12 min", "3.4 h".
std::string format_duration(double seconds);

}  // namespace infoplane::experiment
