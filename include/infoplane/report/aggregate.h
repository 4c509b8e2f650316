/// @brief Statistics over repetitions: mean, standard deviation, 95% confidence interval,
/// the bad-fit filter and the median-deviating repetition.
///
/// Every function skips missing values (NaN), so that a repetition without a value at
/// some epoch simply does not count there. Matrices are row-major
/// [n_rows x n_points], one row per repetition.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "infoplane/report/run_data.h"

namespace infoplane::report {

/// Two-sided 95% quantile of Student's t distribution, t_{0.975, dof}, for dof >= 1:
/// exact to 9 digits from a table up to 30 degrees of freedom, then the Cornish-Fisher
/// expansion around the normal quantile 1.959964 (Abramowitz & Stegun 26.7.5, error < 1e-7).
double student_t_975(std::size_t dof);

/// Summary of a sample: n finite values, their mean, the sample standard deviation
/// (divisor n - 1) and the half-width of the 95% confidence interval of the mean,
/// t_{0.975, n-1} * std / sqrt(n). With n = 0 all are NaN; with n = 1, std and ci95 are NaN.
struct Moments {
  std::size_t n = 0;
  double mean = kMissing;
  double std = kMissing;
  double ci95 = kMissing;
};

/// Moments of the finite values of a sample (NaN values are skipped).
Moments moments(std::span<const double> values);

/// Moments of every column of a [n_rows x n_points] matrix over the listed rows.
std::vector<Moments> column_moments(std::span<const double> values, std::size_t n_points,
                                    std::span<const std::size_t> rows);

/// Squared Euclidean distance of each listed row from `center` (n_points), summed over
/// the points where both are finite. Add the results of several matrices (e.g. I(X;T)
/// and I(T;Y)) and take the square root for the L2 distance of the pair.
std::vector<double> squared_distances(std::span<const double> values, std::size_t n_points,
                                      std::span<const std::size_t> rows,
                                      std::span<const double> center);

/// The median-deviating element as in the paper's appendix B: rank by distance (ties by
/// position) and take the lower median, sorted position floor((n - 1) / 2). Returns the
/// position in `distances`. Requires a non-empty input.
std::size_t median_deviating(std::span<const double> distances);

/// Which repetitions enter the statistics. Positions index the caller's repetition list.
struct FitSelection {
  double min_train_accuracy = 0.55;
  std::vector<std::size_t> kept;     ///< status ok and final training accuracy >= threshold
  std::vector<std::size_t> bad_fit;  ///< final training accuracy below the threshold
  std::vector<std::size_t> failed;   ///< status other than ok (no usable result)
};

/// The reference's bad-fit filter: a repetition whose final training accuracy is below
/// `min_train_accuracy` is left out; one whose status is not "ok" (it failed) is left out;
/// one whose accuracy is unknown (NaN) is kept. One entry per repetition in each span.
FitSelection select_fits(std::span<const double> final_train_accuracy,
                         std::span<const std::string> status, double min_train_accuracy = 0.55);

/// The repetitions of a run that enter the statistics, by repetition index.
struct RunSelection {
  double min_train_accuracy = 0.55;
  std::vector<int> kept;
  std::vector<int> bad_fit;  ///< left out: final training accuracy below the threshold
  std::vector<int> failed;   ///< left out: status other than ok
  std::size_t n_total() const { return kept.size() + bad_fit.size() + failed.size(); }
};

/// Applies select_fits to a run: the repetitions listed in the manifest plus any others
/// in `present` (e.g. those found in mi.csv). The final training accuracy comes from the
/// manifest, else from the last finite value of the repetition in `accuracy` (if given).
RunSelection select_repetitions(const RunInfo& info, const AccuracySeries* accuracy,
                                std::span<const int> present, double min_train_accuracy = 0.55);

/// One sentence for captions and the CLI, e.g. "mean over 3 of 4 repetitions; left out:
/// 1 with final training accuracy below 0.55 (repetition 2)".
std::string describe_selection(const RunSelection& selection);

/// Mean, std and CI of the MI of one estimator, per layer and epoch, over kept repetitions.
struct MiSummary {
  std::string estimator;
  std::vector<int> layers;
  std::vector<int> epochs;
  std::vector<int> repetitions;    ///< the kept repetition indices
  std::vector<Moments> i_xt;       ///< [n_layers x n_epochs]
  std::vector<Moments> i_ty;       ///< [n_layers x n_epochs]
  std::vector<double> distance;    ///< per kept repetition: L2 distance from the mean
  int median_repetition = -1;      ///< repetition index of the median-deviating one; -1 if none

  std::size_t at(std::size_t layer, std::size_t epoch) const {
    return layer * epochs.size() + epoch;
  }
};

/// Summarises an MiSeries over the repetitions whose index is in `kept_repetitions`
/// (others are ignored; indices absent from the series are skipped). The L2 distance of
/// a repetition is over all layers and epochs of both I(X;T) and I(T;Y).
MiSummary summarize_mi(const MiSeries& series, std::span<const int> kept_repetitions);

/// Mean, std and CI of the training curves per epoch over kept repetitions.
struct AccuracySummary {
  std::vector<int> epochs;
  std::vector<int> repetitions;
  std::vector<Moments> train;
  std::vector<Moments> test;
  std::vector<Moments> loss;
};
AccuracySummary summarize_accuracy(const AccuracySeries& series,
                                   std::span<const int> kept_repetitions);

/// Activation ranges per layer and epoch over kept repetitions: moments of the min and of
/// the max, and the extremes (smallest min, largest max) over repetitions.
struct RangeSummary {
  std::vector<int> layers;
  std::vector<int> epochs;
  std::vector<int> repetitions;
  std::vector<Moments> min;        ///< [n_layers x n_epochs]
  std::vector<Moments> max;
  std::vector<double> lowest;      ///< smallest min over repetitions
  std::vector<double> highest;     ///< largest max over repetitions
  std::size_t at(std::size_t layer, std::size_t epoch) const {
    return layer * epochs.size() + epoch;
  }
};
RangeSummary summarize_ranges(const RangeSeries& series, std::span<const int> kept_repetitions);

}  // namespace infoplane::report
