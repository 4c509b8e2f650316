/// @brief A study from start to end, as a library call: validate, create or resume the run
/// directory (all repetitions or one shard), train the repetitions, merge their parts,
/// verify the result and keep the manifest's life cycle (running -> complete or failed).
/// `infoplane run` and `infoplane reproduce` are thin callers of run_study; combining the
/// shards of a study afterwards is merge_runs (merge.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/experiment/config.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/experiment/verify.h"
#include "infoplane/store/manifest.h"

namespace infoplane::experiment {

/// Parses "I/N" (1 <= I <= N), e.g. "2/8"; InputError naming `option` otherwise.
store::ManifestShard parse_shard(std::string_view text, std::string_view option = "--shard");

struct StudyOptions {
  std::filesystem::path out;  ///< the run directory; empty: runs/NAME-DATE-TIME
  bool resume = false;        ///< continue the run in `out` (same config and shard)
  /// Only the repetitions with index % count == index - 1.
  std::optional<store::ManifestShard> shard;
  std::string config_file;  ///< recorded in the manifest
};

/// What a study reports while it runs; every callback may be empty. They are called from
/// the worker threads (epoch, repetition) or the calling thread (the others).
struct StudyEvents {
  std::function<void(const std::string&)> warning;  ///< a config key without effect
  std::function<void(const std::string&)> note;     ///< resuming, a lock taken over, a part computed again
  /// Training starts: repetitions to compute, epochs each, threads, run directory.
  std::function<void(std::size_t, std::size_t, std::size_t, const std::filesystem::path&)> started;
  std::function<void(std::size_t repetition, std::size_t epoch)> epoch;  ///< an epoch of a repetition finished
  std::function<void(const RepetitionResult&)> repetition;               ///< a repetition finished and was written
};

/// Means over the repetitions that finished of one information-plane layer's exact MI
/// (the config's first estimator), in bits: at the first evaluated epoch, the largest, the last.
struct LayerTrace {
  double first_xt = 0, peak_xt = 0, final_xt = 0, first_ty = 0, peak_ty = 0, final_ty = 0;
};

struct StudyResult {
  std::filesystem::path dir;
  store::Manifest manifest;        ///< as written at the end
  std::size_t n_repetitions = 0;   ///< of this process (its shard)
  std::size_t n_ok = 0;            ///< that finished; 0: status "failed"
  std::size_t n_restarts = 0;      ///< over all of them
  double wall_seconds = 0.0;       ///< of this session
  std::size_t threads = 0;
  std::vector<LayerTrace> layers;  ///< means over the n_ok repetitions; empty when n_ok == 0
  double final_train_accuracy = 0, final_test_accuracy = 0;  ///< means over the n_ok repetitions
  VerifyReport verification;       ///< verify_run on the finished directory
};

/// Runs (or, with options.resume, continues) the study `config`, already validated. Every
/// input error is found before anything is created: the data, the network against the
/// data, the memory it needs (memory.h), the shard. The manifest is written first with
/// status "running"; each finished repetition's parts as it finishes; at the end the
/// merged files, status "complete" (or "failed" when no repetition finished), and the
/// outcome of verify_run under "verification". Throws InputError for bad input and failed
/// writes (finished repetitions are kept; the message says how to continue).
StudyResult run_study(const Config& config, const StudyOptions& options, const StudyEvents& events = {});

}  // namespace infoplane::experiment
