/// @brief How far each classic estimator of a run is from the exact MI, per layer.
#include "infoplane/report/compare.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/files.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/info/spec.h"
#include "infoplane/store/csv.h"
#include "infoplane/report/aggregate.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

namespace {

constexpr double kDpiTolerance = 1e-9;
constexpr std::size_t npos = static_cast<std::size_t>(-1);

std::string yes_no(const PhaseResult& p) {
  if (!p.has_data()) return "n/a";
  return p.detected ? "yes" : "no";
}

/// Position of `value` in an ascending list, or npos.
std::size_t position(std::span<const int> list, int value) {
  const auto it = std::lower_bound(list.begin(), list.end(), value);
  return it != list.end() && *it == value ? static_cast<std::size_t>(it - list.begin())
                                          : static_cast<std::size_t>(-1);
}

struct ErrorSums {
  std::size_t n = 0;
  double abs = 0.0, signed_sum = 0.0;
  void add(double estimate, double reference) {
    if (!std::isfinite(estimate) || !std::isfinite(reference)) return;
    ++n;
    abs += std::abs(estimate - reference);
    signed_sum += estimate - reference;
  }
  double mae() const { return n ? abs / static_cast<double>(n) : kMissing; }
  double bias() const { return n ? signed_sum / static_cast<double>(n) : kMissing; }
};

struct DpiSums {
  std::size_t n = 0, broken = 0;
  double excess = 0.0;
  void add(double later, double earlier) {
    if (!std::isfinite(later) || !std::isfinite(earlier)) return;
    ++n;
    const double d = later - earlier;
    if (d > kDpiTolerance) ++broken;
    excess = std::max(excess, d);
  }
  double share() const { return n ? static_cast<double>(broken) / static_cast<double>(n) : kMissing; }
  double largest() const { return n ? excess : kMissing; }
};

}  // namespace

std::string phase_agreement(const PhaseResult& reference, const PhaseResult& estimate) {
  if (!reference.has_data() || !estimate.has_data()) return "n/a";
  if (reference.detected) return estimate.detected ? "both" : "missed";
  return estimate.detected ? "spurious" : "neither";
}

std::string reference_estimator(const RunMi& run, const CompareOptions& options) {
  if (!options.reference.empty()) return options.reference;
  for (const MiSeries& s : run.mi)  // the quantized codes' exact MI first, then an unquantized run's
    if (s.estimator == "exact") return s.estimator;
  for (const MiSeries& s : run.mi)
    if (info::is_exact_estimator(s.estimator)) return s.estimator;
  return {};
}

std::vector<LayerError> compare_estimators(const RunMi& run, const CompareOptions& options) {
  const std::string reference = reference_estimator(run, options);
  const MiSeries* ref = nullptr;
  for (const MiSeries& s : run.mi)
    if (info::same_estimator(s.estimator, reference)) ref = &s;
  IP_CHECK(ref != nullptr, "no reference estimator '{}'", reference);
  const std::span<const int> kept = run.selection.kept;
  const std::vector<LayerPhases> ref_phases = detect_phases(run.info, *ref, kept, options.phases);

  std::vector<LayerError> rows;
  for (const MiSeries& est : run.mi) {
    if (&est == ref) continue;
    const std::vector<LayerPhases> est_phases = detect_phases(run.info, est, kept, options.phases);
    for (std::size_t l = 0; l < est.layers.size(); ++l) {
      const int layer = est.layers[l];
      if (layer == 0) continue;
      LayerError row;
      row.estimator = est.estimator;
      row.layer = layer;
      const std::size_t rl = position(ref->layers, layer);
      const std::size_t prev = l > 0 && est.layers[l - 1] == layer - 1 ? l - 1 : npos;
      const std::size_t ref_x = position(ref->layers, 0);
      ErrorSums xt, ty;
      DpiSums dxt, dty;
      for (std::size_t r = 0; r < est.repetitions.size(); ++r) {
        const int rep = est.repetitions[r];
        if (std::find(kept.begin(), kept.end(), rep) == kept.end()) continue;
        const std::size_t rr = position(ref->repetitions, rep);
        for (std::size_t e = 0; e < est.epochs.size(); ++e) {
          const double x = est.i_xt[est.at(r, l, e)], y = est.i_ty[est.at(r, l, e)];
          const std::size_t re = position(ref->epochs, est.epochs[e]);
          if (prev != npos) {
            dxt.add(x, est.i_xt[est.at(r, prev, e)]);
            dty.add(y, est.i_ty[est.at(r, prev, e)]);
          } else if (layer == 1 && ref_x != npos && rr != npos && re != npos) {
            // the input X is the same for every estimator: take the reference's H(X), H(Y)
            dxt.add(x, ref->i_xt[ref->at(rr, ref_x, re)]);
            dty.add(y, ref->i_ty[ref->at(rr, ref_x, re)]);
          }
          if (rl == npos || rr == npos || re == npos) continue;
          xt.add(x, ref->i_xt[ref->at(rr, rl, re)]);
          ty.add(y, ref->i_ty[ref->at(rr, rl, re)]);
        }
      }
      row.n_xt = xt.n;
      row.mae_xt = xt.mae();
      row.bias_xt = xt.bias();
      row.n_ty = ty.n;
      row.mae_ty = ty.mae();
      row.bias_ty = ty.bias();
      row.dpi_xt_share = dxt.share();
      row.dpi_xt_excess = dxt.largest();
      row.dpi_ty_share = dty.share();
      row.dpi_ty_excess = dty.largest();
      for (const LayerPhases& p : est_phases)
        if (p.layer == layer) {
          row.name = p.name;
          row.compression = p.compression;
          row.fitting = p.fitting;
        }
      for (const LayerPhases& p : ref_phases)
        if (p.layer == layer) {
          row.reference_compression = p.compression;
          row.reference_fitting = p.fitting;
        }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string compare_csv(std::span<const LayerError> rows) {
  std::string out =
      "estimator,layer,name,n_xt,mae_xt,bias_xt,n_ty,mae_ty,bias_ty,exact_compression,"
      "estimator_compression,compression,exact_fitting,estimator_fitting,fitting,"
      "dpi_xt_share,dpi_xt_excess,dpi_ty_share,dpi_ty_excess\n";
  for (const LayerError& r : rows)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                       store::csv_field(r.estimator), r.layer, store::csv_field(r.name), r.n_xt, store::csv_number(r.mae_xt),
                       store::csv_number(r.bias_xt), r.n_ty, store::csv_number(r.mae_ty), store::csv_number(r.bias_ty),
                       yes_no(r.reference_compression), yes_no(r.compression),
                       phase_agreement(r.reference_compression, r.compression),
                       yes_no(r.reference_fitting), yes_no(r.fitting),
                       phase_agreement(r.reference_fitting, r.fitting), store::csv_number(r.dpi_xt_share),
                       store::csv_number(r.dpi_xt_excess), store::csv_number(r.dpi_ty_share), store::csv_number(r.dpi_ty_excess));
  return out;
}

CompareReport compare_run(const std::filesystem::path& run_dir, const CompareOptions& options) {
  check_phase_options(options.phases, "compare");
  RunMi run = read_run_mi(run_dir, options.phases.min_train_accuracy, "compare");
  const std::string reference = reference_estimator(run, options);
  const MiSeries& ref = find_estimator(run, run_dir, reference.empty() ? "exact" : reference, "compare");
  if (run.mi.size() < 2)
    input_error("compare: {}: the run has only the estimator '{}'; expected at least one other "
                "estimator in mi.csv (set [experiment] estimators in the config)",
                (run_dir / store::k_mi_file).string(), ref.estimator);
  CompareReport report;
  CompareOptions resolved = options;
  resolved.reference = ref.estimator;
  report.rows = compare_estimators(run, resolved);
  report.reference = ref.estimator;
  std::filesystem::create_directories(run_dir / "summary");
  report.csv = run_dir / "summary" / "compare.csv";
  store::write_file_atomic(report.csv, compare_csv(report.rows));

  if (options.figure) {
    // the reference first, then the estimators in the order of mi.csv
    std::vector<MiSummary> summaries;
    summaries.push_back(summarize_mi(ref, run.selection.kept));
    for (const MiSeries& s : run.mi)
      if (&s != &ref) summaries.push_back(summarize_mi(s, run.selection.kept));
    PlotOptions plot;
    plot.max_drawn_epochs = options.max_drawn_epochs;
    plot.formats = options.formats;
    const FigureText f = compare_figure(run.info, run.selection, summaries, report.rows, plot);
    const std::filesystem::path dir = run_dir / "figures";
    std::filesystem::create_directories(dir);
    store::write_file_atomic(dir / (f.name + ".dat"), f.data);
    store::write_file_atomic(dir / (f.name + ".gp"), f.script);
    store::write_file_atomic(dir / (f.name + ".caption.txt"), f.caption);
    report.script = dir / (f.name + ".gp");
    if (options.render) {
      std::vector<std::string> formats;
      for (const Format fmt_ : options.formats) {
        const std::string name(format_name(fmt_));
        if (std::find(formats.begin(), formats.end(), name) == formats.end()) formats.push_back(name);
      }
      const GnuplotJob job{dir, f.name, formats};
      report.figures = run_gnuplot(std::span<const GnuplotJob>(&job, 1));
    }
  }
  report.info = std::move(run.info);
  report.selection = std::move(run.selection);
  return report;
}

}  // namespace infoplane::report
