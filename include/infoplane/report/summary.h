/// @brief The statistics behind the figures, as CSV files users can plot with their own tools.
///
/// Written into RUN_DIR/summary/ (every value over the kept repetitions; bits for MI):
///   repetitions.csv       repetition,seed,restarts,status,final_train_accuracy,
///                         final_test_accuracy,included,left_out_reason
///   deviation.csv         estimator,repetition,l2_distance,rank,median_deviating
///   mi.csv                estimator,layer,name,epoch,n,i_xt_mean,i_xt_std,i_xt_ci95,
///                         i_ty_mean,i_ty_std,i_ty_ci95
///   accuracy.csv          epoch,n,train_accuracy_mean,train_accuracy_std,
///                         train_accuracy_ci95,test_accuracy_mean,test_accuracy_std,
///                         test_accuracy_ci95,train_loss_mean,train_loss_std,train_loss_ci95
///   activation_range.csv  layer,name,epoch,n,min_mean,min_std,max_mean,max_std,
///                         min_lowest,max_highest
/// std is the sample standard deviation (divisor n - 1), ci95 the half-width of the 95%
/// confidence interval of the mean (Student's t); "nan" where undefined (n < 2). Text
/// cells with a comma (estimator names with options) are quoted as in RFC 4180.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "infoplane/report/aggregate.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {

/// Writes the summary files for which data is given (mi empty, accuracy or ranges null:
/// that file is skipped) into `dir` (created if needed). Returns the files written.
std::vector<std::filesystem::path> write_summaries(const std::filesystem::path& dir,
                                                   const RunInfo& info,
                                                   const RunSelection& selection,
                                                   std::span<const MiSummary> mi,
                                                   const AccuracySummary* accuracy,
                                                   const RangeSummary* ranges);

}  // namespace infoplane::report
