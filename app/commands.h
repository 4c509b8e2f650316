/// @brief The subcommands of the `infoplane` CLI; each registers itself on the app.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "infoplane/experiment/config.h"
#include "infoplane/experiment/session.h"

namespace infoplane::cli {

/// The options of `infoplane run`.
struct RunOptions {
  std::string config;  ///< the config file (recorded in the manifest)
  std::string out;     ///< empty: runs/NAME-DATE-TIME
  std::optional<std::size_t> repetitions, epochs, threads, mi_every;
  std::optional<std::uint64_t> seed;
  std::string shard;
  bool resume = false;
  bool no_plot = false;
};

/// Runs (options.resume: continues) the experiment `config` (loaded from options.config,
/// overrides applied and validated) into its run directory through experiment::run_study,
/// shows its progress, prints the per-layer summary and, unless options.no_plot, draws the
/// plane. Returns the study's result.
experiment::StudyResult run_config(const experiment::Config& config, const RunOptions& options);

void add_run_command(CLI::App& app);
void add_mi_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_estimate_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_phases_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_reproduce_command(CLI::App& app);

}  // namespace infoplane::cli
