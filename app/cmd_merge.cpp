/// @brief `infoplane merge DIR... --out DIR`: combines the shards of a run.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.h"
#include "infoplane/experiment/merge.h"

namespace infoplane::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string out;
};

void merge(const MergeOptions& options) {
  const std::vector<std::filesystem::path> inputs(options.inputs.begin(), options.inputs.end());
  const experiment::MergeSummary summary = experiment::merge_runs(inputs, options.out);
  for (const std::string& w : summary.warnings) fmt::print(stderr, "infoplane: warning: {}\n", w);
  if (summary.finished_interrupted) {
    fmt::print(stderr, "infoplane: finishing the interrupted merge in {}\n", options.out);
  }
  fmt::print("Run directory: {}\n", options.out);
  fmt::print("{} repetitions merged from {} director{}\n", summary.n_repetitions, inputs.size(),
             inputs.size() == 1 ? "y" : "ies");
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine run directories holding parts of one experiment (from 'infoplane run --shard I/N') into "
      "one run directory; configs must match and every repetition must be present exactly once");
  cmd->add_option("dirs", options->inputs, "Run directories to combine (e.g. the shards' --out)")->required();
  cmd->add_option("--out", options->out, "Run directory to create")->required();
  cmd->callback([options] { merge(*options); });
}

}  // namespace infoplane::cli
