/// @brief The statistics behind the figures, as CSV files users can plot with their own tools.
#include "infoplane/report/summary.h"
#include "infoplane/store/files.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/store/csv.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

namespace {

void moments_cells(std::string& out, const Moments& m) {
  out += ',';
  out += store::csv_number(m.mean);
  out += ',';
  out += store::csv_number(m.std);
  out += ',';
  out += store::csv_number(m.ci95);
}

std::string layer_name(const RunInfo& info, int index) {
  const LayerInfo* l = info.layer(index);
  return l != nullptr && !l->name.empty() ? l->name : info.layer_label(index);
}

}  // namespace

std::vector<std::filesystem::path> write_summaries(const std::filesystem::path& dir,
                                                   const RunInfo& info,
                                                   const RunSelection& selection,
                                                   std::span<const MiSummary> mi,
                                                   const AccuracySummary* accuracy,
                                                   const RangeSummary* ranges) {
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> written;
  auto emit = [&](const char* name, const std::string& text) {
    store::write_file_atomic(dir / name, text);
    written.push_back(dir / name);
  };

  {
    std::string out =
        "repetition,seed,restarts,status,final_train_accuracy,final_test_accuracy,included,"
        "left_out_reason\n";
    std::vector<int> all = selection.kept;
    all.insert(all.end(), selection.bad_fit.begin(), selection.bad_fit.end());
    all.insert(all.end(), selection.failed.begin(), selection.failed.end());
    std::sort(all.begin(), all.end());
    for (const int r : all) {
      const RepetitionInfo* rep = nullptr;
      for (const RepetitionInfo& x : info.repetitions)
        if (x.index == r) rep = &x;
      const bool kept = std::find(selection.kept.begin(), selection.kept.end(), r) != selection.kept.end();
      const bool bad = std::find(selection.bad_fit.begin(), selection.bad_fit.end(), r) != selection.bad_fit.end();
      std::string status = rep ? rep->status : "ok";
      std::replace(status.begin(), status.end(), '\n', ' ');
      status = store::csv_field(status);
      out += fmt::format("{},{},{},{},{},{},{},{}\n", r, rep ? rep->seed : 0, rep ? rep->restarts : 0,
                         status, store::csv_number(rep ? rep->final_train_accuracy : kMissing),
                         store::csv_number(rep ? rep->final_test_accuracy : kMissing), kept ? 1 : 0,
                         kept  ? ""
                         : bad ? fmt::format("final training accuracy below {:g}",
                                             selection.min_train_accuracy)
                               : std::string("failed"));
    }
    emit("repetitions.csv", out);
  }

  if (!mi.empty()) {
    std::string dev = "estimator,repetition,l2_distance,rank,median_deviating\n";
    std::string out =
        "estimator,layer,name,epoch,n,i_xt_mean,i_xt_std,i_xt_ci95,i_ty_mean,i_ty_std,"
        "i_ty_ci95\n";
    for (const MiSummary& s : mi) {
      std::vector<std::size_t> order(s.distance.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return s.distance[a] < s.distance[b]; });
      std::vector<std::size_t> rank(order.size());
      for (std::size_t k = 0; k < order.size(); ++k) rank[order[k]] = k + 1;
      for (std::size_t i = 0; i < s.distance.size(); ++i)
        dev += fmt::format("{},{},{},{},{}\n", store::csv_field(s.estimator), s.repetitions[i], store::csv_number(s.distance[i]),
                           rank[i], s.repetitions[i] == s.median_repetition ? 1 : 0);
      const std::string estimator = store::csv_field(s.estimator);
      for (std::size_t l = 0; l < s.layers.size(); ++l) {
        const std::string name = store::csv_field(layer_name(info, s.layers[l]));
        for (std::size_t e = 0; e < s.epochs.size(); ++e) {
          const Moments& x = s.i_xt[s.at(l, e)];
          const Moments& y = s.i_ty[s.at(l, e)];
          out += fmt::format("{},{},{},{},{}", estimator, s.layers[l], name, s.epochs[e], x.n);
          moments_cells(out, x);
          moments_cells(out, y);
          out += '\n';
        }
      }
    }
    emit("mi.csv", out);
    emit("deviation.csv", dev);
  }

  if (accuracy != nullptr) {
    std::string out =
        "epoch,n,train_accuracy_mean,train_accuracy_std,train_accuracy_ci95,test_accuracy_mean,"
        "test_accuracy_std,test_accuracy_ci95,train_loss_mean,train_loss_std,train_loss_ci95\n";
    for (std::size_t e = 0; e < accuracy->epochs.size(); ++e) {
      out += fmt::format("{},{}", accuracy->epochs[e], accuracy->train[e].n);
      moments_cells(out, accuracy->train[e]);
      moments_cells(out, accuracy->test[e]);
      moments_cells(out, accuracy->loss[e]);
      out += '\n';
    }
    emit("accuracy.csv", out);
  }

  if (ranges != nullptr) {
    std::string out =
        "layer,name,epoch,n,min_mean,min_std,max_mean,max_std,min_lowest,max_highest\n";
    for (std::size_t l = 0; l < ranges->layers.size(); ++l) {
      const std::string name = store::csv_field(layer_name(info, ranges->layers[l]));
      for (std::size_t e = 0; e < ranges->epochs.size(); ++e) {
        const std::size_t at = ranges->at(l, e);
        out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", ranges->layers[l], name,
                           ranges->epochs[e], ranges->min[at].n, store::csv_number(ranges->min[at].mean),
                           store::csv_number(ranges->min[at].std), store::csv_number(ranges->max[at].mean),
                           store::csv_number(ranges->max[at].std), store::csv_number(ranges->lowest[at]),
                           store::csv_number(ranges->highest[at]));
      }
    }
    emit("activation_range.csv", out);
  }
  return written;
}

}  // namespace infoplane::report
