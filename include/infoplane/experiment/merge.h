/// @brief Combines run directories that each hold some repetitions of one experiment (the
/// shards of `infoplane run --shard I/N`) into one run directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace infoplane::experiment {

struct MergeSummary {
  std::size_t n_repetitions = 0;       ///< in the merged run
  std::vector<std::string> warnings;   ///< e.g. inputs written by different infoplane versions
  bool finished_interrupted = false;   ///< `out` held an interrupted merge of the same inputs
};

/// Merges `inputs` into the new run directory `out`. Each input must be a complete run
/// (status "complete") with the same config (experiment.threads aside) and the same labels;
/// together they must hold every repetition 0 .. repetitions-1 exactly once, each with
/// intact part files (checksums). The part files are copied into out/parts and merged in
/// repetition order, so the result files equal, byte for byte, those of one process that ran
/// all repetitions. The manifest lists the inputs under "merged_from". Throws InputError
/// naming the directory and the problem; `out` is only created once every check passed.
/// The first file written is a manifest with status "merging" (no checksums of merged
/// files), so a killed merge never leaves files that look complete; the same merge run
/// again on such an `out` finishes it, with the same result files.
MergeSummary merge_runs(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace infoplane::experiment
