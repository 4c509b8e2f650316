/// @brief The subcommands of the `infoplane` CLI; each registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace infoplane::cli {

void add_run_command(CLI::App& app);
void add_mi_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_estimate_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_phases_command(CLI::App& app);
void add_compare_command(CLI::App& app);

}  // namespace infoplane::cli
