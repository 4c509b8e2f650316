/// @brief Verdicts on the findings of Lorenzen, Igel & Nielsen (ICLR 2022) from the runs of
/// the paper's suite (experiment/suite.h): reproduced, not reproduced or inconclusive, with
/// the numbers behind each, and the link between activation range and compression.
///
/// Every verdict is made of checks; a check passes, fails or is unclear. A verdict is
/// "reproduced" when all its checks pass, "not reproduced" when one fails, "inconclusive"
/// when none fails and one is unclear, and "not run" when a run it needs is missing. A
/// verdict resting on a scaled-down (--quick) run is never "not reproduced": a failing
/// check there makes it inconclusive. Such a run keeps all its repetitions (it stops before
/// a network can be judged a bad fit by its final training accuracy).
/// Phases come from report/phases (detected = size >= min_size and bootstrap p <= alpha);
/// a phase check is unclear when the phase is not detected although its size reaches
/// min_size and its p-value is at most 4 alpha. The rules of each finding are in
/// docs/reproduce.md and in each verdict's `rule`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/report/phases.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {

enum class Outcome { reproduced, not_reproduced, inconclusive, not_run };

/// "reproduced", "not reproduced", "inconclusive", "not run".
std::string_view outcome_name(Outcome outcome);

struct Verdict {
  int finding = 0;            ///< the finding's number in the protocol's list (1-9)
  std::string claim;          ///< what the paper reports
  std::string variant;        ///< "" or e.g. "reference range rule"
  std::vector<std::string> experiments;  ///< the suite experiments it rests on
  std::string rule;           ///< how the checks decide
  Outcome outcome = Outcome::not_run;
  bool quick = false;         ///< rests on a --quick run: a failing check makes it inconclusive
  std::string evidence;       ///< the numbers, one sentence per check
};

/// A finished run of a suite experiment; `quick`: scaled down (`reproduce --quick`).
struct RunRef {
  RunRef(std::filesystem::path d, bool q = false) : dir(std::move(d)), quick(q) {}  // NOLINT: implicit from a path
  std::filesystem::path dir;
  bool quick = false;
};

/// The finished run of a suite experiment, if it has one.
using RunLookup = std::function<std::optional<RunRef>(std::string_view experiment)>;

/// Reads and analyses each run once (MI and the phases of every estimator).
class RunEvidence {
 public:
  RunEvidence(RunLookup lookup, PhaseOptions options);

  struct Run {
    std::filesystem::path dir;
    bool quick = false;
    RunMi mi;
    std::vector<EstimatorPhases> phases;  ///< one per estimator, as in mi
    /// The exact values' position in mi and phases: "exact", else "exact:..." (compare.h's
    /// reference_estimator), else the first estimator.
    std::size_t exact = 0;
    double wall_seconds_per_repetition = kMissing;  ///< mean over the manifest's repetitions

    /// The manifest's repetitions that enter the statistics (the selection's kept ones).
    std::vector<const RepetitionInfo*> kept_repetitions() const;
  };

  /// The analysed run of `experiment`, or nullptr when it has none.
  const Run* get(std::string_view experiment);
  const PhaseOptions& options() const { return m_options; }

 private:
  RunLookup m_lookup;
  PhaseOptions m_options;
  std::map<std::string, std::optional<Run>, std::less<>> m_runs;
};

/// The verdicts on every finding: findings 1-4 once under the paper's text (epoch range
/// rule, runs szt-*-8bit) and once under the reference code's rules (szt-*-8bit-reference).
std::vector<Verdict> paper_verdicts(RunEvidence& evidence);

/// How a layer's compression goes with the growth of its quantization range: over the
/// epochs after the layer's I(X;T) maximum, the Pearson correlation between the mean
/// (over repetitions) range width max - min and the mean I(X;T), and both values at the
/// maximum and at the last epoch.
struct RangeLink {
  int layer = 0;
  std::string name;
  int peak_epoch = -1;
  double peak_xt = kMissing, final_xt = kMissing;        ///< bits
  double peak_width = kMissing, final_width = kMissing;  ///< activation range width
  double correlation = kMissing;                         ///< NaN with fewer than 3 epochs
  /// Per repetition: the drop of I(X;T) from the repetition's own maximum to its last
  /// epoch, mean over kept repetitions, and the median epoch of those maxima. Repetitions
  /// that peak at different epochs give a mean curve with a smaller drop.
  double repetition_drop = kMissing;
  double repetition_peak_epoch = kMissing;
};

/// RangeLink of every hidden layer of the exact estimator of `run` (needs activation_range.csv).
std::vector<RangeLink> range_links(const RunEvidence::Run& run);

}  // namespace infoplane::report
