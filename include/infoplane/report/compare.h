/// @brief How far each classic estimator of a run is from the exact MI, per layer: mean
/// absolute error, bias, phases it adds or misses, and data-processing-inequality breaks.
///
/// All values in bits, over the kept repetitions (bad-fit filter as in `infoplane plot`).
/// For estimator E and layer l, over the (repetition, epoch) pairs where both E and the
/// reference (`exact`) have a finite value:
///   mae  = mean |I_E - I_exact|        bias = mean (I_E - I_exact)
/// Phases (phases.h) of E and of the reference are detected with the same options and
/// compared: "both", "neither", "spurious" (E only) or "missed" (the reference only);
/// "n/a" where E has no values (kNN's I(X;T)). The data-processing inequality requires
/// I(X;T_l) <= I(X;T_{l-1}) and I(T_l;Y) <= I(T_{l-1};Y); `dpi_*_share` is the share of
/// (repetition, epoch) pairs where E breaks it by more than 1e-9 bits and
/// `dpi_*_excess` the largest break, I_E(T_l) - I_E(T_{l-1}).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "infoplane/report/figures.h"
#include "infoplane/report/phases.h"
#include "infoplane/report/plot.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {

/// The two phases agree or not: "both", "neither", "spurious", "missed", "n/a".
std::string phase_agreement(const PhaseResult& reference, const PhaseResult& estimate);

/// The error of one estimator at one layer.
struct LayerError {
  std::string estimator;
  int layer = 0;
  std::string name;
  std::size_t n_xt = 0;          ///< (repetition, epoch) pairs compared for I(X;T)
  double mae_xt = kMissing;
  double bias_xt = kMissing;
  std::size_t n_ty = 0;
  double mae_ty = kMissing;
  double bias_ty = kMissing;
  PhaseResult reference_compression, compression;
  PhaseResult reference_fitting, fitting;
  double dpi_xt_share = kMissing;  ///< in [0, 1]; NaN without the layer before
  double dpi_xt_excess = kMissing;
  double dpi_ty_share = kMissing;
  double dpi_ty_excess = kMissing;
};

struct CompareOptions {
  /// The estimator the others are compared with; empty: "exact", else the first estimator
  /// named "exact:..." (an unquantized run's "exact:levels=2^32").
  std::string reference;
  PhaseOptions phases;             ///< its min_train_accuracy is the bad-fit filter
  bool figure = true;              ///< draw figures/compare.png (and its .gp, .dat, .caption.txt)
  std::vector<Format> formats{Format::png};
  std::size_t max_drawn_epochs = 500;
  bool render = true;              ///< run gnuplot
};

/// What compare_run computed and wrote.
struct CompareReport {
  RunInfo info;
  RunSelection selection;
  std::string reference;           ///< the estimator the others were compared with
  std::vector<LayerError> rows;    ///< per estimator (order of mi.csv), per layer
  std::filesystem::path csv;       ///< RUN_DIR/summary/compare.csv
  std::vector<std::filesystem::path> figures;  ///< images written
  std::filesystem::path script;    ///< figures/compare.gp, if written
};

/// The reference estimator of a run under options.reference (see CompareOptions); empty if
/// the run has none.
std::string reference_estimator(const RunMi& run, const CompareOptions& options);

/// Errors of every estimator of `run` other than the reference, per network layer
/// (layer 0, the input, is left out). Requires the reference to be in the run.
std::vector<LayerError> compare_estimators(const RunMi& run, const CompareOptions& options);

/// Reads RUN_DIR, compares, writes RUN_DIR/summary/compare.csv and (options.figure)
/// RUN_DIR/figures/compare.*. Throws InputError on a bad run directory, a run without the
/// reference or without any other estimator, and (from plot) when gnuplot is missing.
CompareReport compare_run(const std::filesystem::path& run_dir, const CompareOptions& options);

/// compare.csv: estimator,layer,name,n_xt,mae_xt,bias_xt,n_ty,mae_ty,bias_ty,
/// exact_compression,estimator_compression,compression,exact_fitting,estimator_fitting,
/// fitting,dpi_xt_share,dpi_xt_excess,dpi_ty_share,dpi_ty_excess.
std::string compare_csv(std::span<const LayerError> rows);

/// The compare figure (defined with the other figures in figures.cpp): one column per
/// network layer, I(X;T) above and I(T;Y) below, against epoch; the reference's mean over
/// repetitions as a thick dark line and each estimator's mean in its colour, detected
/// compression phases marked on the I(X;T) panels.
FigureText compare_figure(const RunInfo& info, const RunSelection& selection,
                          std::span<const MiSummary> summaries, std::span<const LayerError> rows,
                          const PlotOptions& options);

}  // namespace infoplane::report
