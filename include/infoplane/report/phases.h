/// @brief Fitting and compression phases of each layer, with a bootstrap over repetitions.
///
/// The rule (docs/phases.md gives the formulas):
///  1. Each repetition's curve (I(T;Y) for fitting, I(X;T) for compression) is smoothed
///     by a centred moving average over `smooth` recorded epochs; the analysed curve is
///     the mean of the smoothed curves over the kept repetitions.
///  2. The size of the phase is the largest rise of I(T;Y) above its running minimum
///     (fitting) or the largest drop of I(X;T) below its running maximum (compression,
///     the maximum drawdown), in bits. It starts at the running extreme (`from_epoch`)
///     and ends where the change is largest (`to_epoch`); the onset and end are the
///     first epochs at which 10% and 90% of the change are covered.
///  3. Repetitions are resampled with replacement (`n_bootstrap` times, seeded): the size
///     measured on each resample gives a 95% percentile interval. A drop below a running
///     maximum is never negative, so the interval alone cannot tell noise from
///     compression. The test resamples the repetitions' deviations from the mean around
///     the closest curve without the phase (the non-decreasing least-squares fit of I(X;T)
///     for compression, the non-increasing one of I(T;Y) for fitting) and counts how often
///     noise alone makes a change as large as the one observed: the p-value.
///  4. A phase is detected when its size is at least `min_size` bits and its p-value is at
///     most `alpha` (with one repetition there is no test: the size decides).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/report/aggregate.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {

enum class Phase { fitting, compression };

/// "fitting" or "compression".
std::string_view phase_name(Phase phase);

struct PhaseOptions {
  /// Moving-average window in recorded epochs (odd; an even value is raised by one);
  /// 0: automatic, the odd number nearest to 1% of the recorded epochs, at least 1.
  std::size_t smooth = 0;
  /// Smallest change, in bits, that counts as a phase.
  double min_size = 0.05;
  /// Largest p-value of the bootstrap test that counts as a phase.
  double alpha = 0.05;
  /// Bootstrap resamples of the repetitions.
  std::size_t n_bootstrap = 1000;
  /// Seed of the resampling; each layer and phase draws from its own stream.
  std::uint64_t seed = 0;
  /// Bad-fit filter of the run (as in `infoplane plot`).
  double min_train_accuracy = 0.55;
};

/// One phase of one layer. Epochs are those of the run (1-based counts); NaN / -1 where
/// there is no data (e.g. a kNN estimate, which has no I(X;T)).
struct PhaseResult {
  Phase phase = Phase::fitting;
  int layer = 0;
  std::size_t n = 0;          ///< repetitions with data
  std::size_t smooth = 1;     ///< the window used
  int from_epoch = -1;        ///< the running extreme where the change starts
  int onset_epoch = -1;       ///< first epoch with 10% of the change covered
  int end_epoch = -1;         ///< first epoch with 90% of the change covered
  int to_epoch = -1;          ///< where the change is largest
  double from_value = kMissing;  ///< analysed curve at from_epoch, bits
  double to_value = kMissing;    ///< analysed curve at to_epoch, bits
  double size = kMissing;        ///< |to_value - from_value|, bits
  double ci_low = kMissing;      ///< 95% bootstrap percentile interval of size
  double ci_high = kMissing;
  double p_value = kMissing;     ///< NaN with fewer than 2 repetitions
  bool detected = false;

  bool has_data() const { return n > 0 && from_epoch >= 0; }
  /// end_epoch - onset_epoch, or -1 without data.
  int duration() const { return has_data() ? end_epoch - onset_epoch : -1; }
};

/// The analysed curve: the mean over repetitions of the smoothed curves. `values` is
/// [n_reps x n_epochs] row-major (bits, NaN where missing); returns n_epochs values (NaN
/// where no repetition has a value). `smooth` is the (odd) window in positions; the window
/// is cut at both ends and skips NaN values.
std::vector<double> smooth_rows(std::span<const double> values, std::size_t n_reps,
                                std::size_t n_epochs, std::size_t smooth);

/// The window used for `n_epochs` recorded epochs under `options.smooth`.
std::size_t smoothing_window(std::size_t n_epochs, const PhaseOptions& options);

/// Detects one phase in [n_reps x epochs.size()] row-major `values` (bits, NaN where
/// missing), e.g. I(X;T) of one layer for Phase::compression. `stream` selects the random
/// stream (the layer index in detect_phases).
PhaseResult detect_phase(std::span<const double> values, std::size_t n_reps,
                         std::span<const int> epochs, Phase phase, const PhaseOptions& options,
                         std::uint64_t stream = 0);

/// Both phases of one layer.
struct LayerPhases {
  int layer = 0;
  std::string name;
  PhaseResult fitting;
  PhaseResult compression;
};

/// Phases of every network layer (the input, layer 0, is left out) of one estimator,
/// over the repetitions in `kept` (indices; others in the series are ignored).
std::vector<LayerPhases> detect_phases(const RunInfo& info, const MiSeries& series,
                                       std::span<const int> kept, const PhaseOptions& options);

/// The phases of one estimator of a run.
struct EstimatorPhases {
  std::string estimator;
  std::vector<LayerPhases> layers;
};

/// The MI of a run directory and the repetitions that enter its statistics.
struct RunMi {
  RunInfo info;
  std::vector<MiSeries> mi;  ///< one per estimator, in order of first appearance in mi.csv
  RunSelection selection;
};

/// Reads manifest.json, mi.csv and (if present) accuracy.csv of RUN_DIR and applies the
/// bad-fit filter. Throws InputError naming `command` on a missing directory, an empty
/// mi.csv or no repetition left.
RunMi read_run_mi(const std::filesystem::path& run_dir, double min_train_accuracy,
                  std::string_view command);

/// The series of `estimator` in `run`; throws InputError listing the run's estimators.
const MiSeries& find_estimator(const RunMi& run, const std::filesystem::path& run_dir,
                               const std::string& estimator, std::string_view command);

/// What phases_run computed and wrote.
struct PhasesReport {
  RunInfo info;
  RunSelection selection;
  std::vector<EstimatorPhases> estimators;
  std::filesystem::path csv;  ///< RUN_DIR/summary/phases.csv
};

/// Reads RUN_DIR (manifest.json, mi.csv, accuracy.csv if present), detects the phases of
/// the named estimators (empty: every estimator in mi.csv) and writes
/// RUN_DIR/summary/phases.csv. Throws InputError on a bad run directory, an unknown
/// estimator, no repetition left after the bad-fit filter, or bad options.
PhasesReport phases_run(const std::filesystem::path& run_dir,
                        std::span<const std::string> estimators, const PhaseOptions& options);

/// The phases.csv text: estimator,layer,name,phase,n,smooth,from_epoch,onset_epoch,
/// end_epoch,to_epoch,duration,from_bits,to_bits,size,ci_low,ci_high,p_value,detected.
std::string phases_csv(std::span<const EstimatorPhases> estimators);

/// Throws InputError, naming `command`, if an option is out of range.
void check_phase_options(const PhaseOptions& options, std::string_view command = "phases");

}  // namespace infoplane::report
