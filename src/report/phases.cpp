/// @brief Fitting and compression phases of each layer, with a bootstrap over repetitions.
#include "infoplane/report/phases.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/files.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/info/spec.h"
#include "infoplane/store/csv.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

namespace {

constexpr double kOnsetFraction = 0.1;
constexpr double kEndFraction = 0.9;

/// splitmix64 (Steele, Lea & Flood 2014): the same numbers on every platform.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (the modulo bias is below n / 2^64).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

/// The largest drop of z below its running maximum, over the finite values.
struct Drop {
  std::size_t from = 0, to = 0;
  double size = 0.0;
  bool any = false;
};

Drop largest_drop(const double* z, std::size_t n) {
  Drop d;
  double best_max = 0.0;
  std::size_t at_max = 0;
  for (std::size_t e = 0; e < n; ++e) {
    const double v = z[e];
    if (!std::isfinite(v)) continue;
    if (!d.any) {
      d.any = true;
      best_max = v;
      at_max = d.from = d.to = e;
      continue;
    }
    if (v > best_max) {
      best_max = v;
      at_max = e;
    } else if (best_max - v > d.size) {
      d.size = best_max - v;
      d.from = at_max;
      d.to = e;
    }
  }
  return d;
}

/// Least-squares non-decreasing fit of the finite values of z (pool adjacent violators);
/// NaN stays NaN.
std::vector<double> isotonic(const std::vector<double>& z) {
  struct Block {
    double sum;
    std::size_t count;
  };
  std::vector<Block> blocks;
  std::vector<std::size_t> finite;
  for (std::size_t e = 0; e < z.size(); ++e) {
    if (!std::isfinite(z[e])) continue;
    finite.push_back(e);
    blocks.push_back({z[e], 1});
    while (blocks.size() >= 2) {
      const Block& b = blocks.back();
      const Block& a = blocks[blocks.size() - 2];
      if (a.sum / static_cast<double>(a.count) <= b.sum / static_cast<double>(b.count)) break;
      const Block merged{a.sum + b.sum, a.count + b.count};
      blocks.pop_back();
      blocks.back() = merged;
    }
  }
  std::vector<double> out(z.size(), kMissing);
  std::size_t k = 0;
  for (const Block& b : blocks)
    for (std::size_t i = 0; i < b.count; ++i) out[finite[k++]] = b.sum / static_cast<double>(b.count);
  return out;
}

/// Quantile q of sorted values, linear between order statistics (R's type 7).
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kMissing;
  const double h = q * static_cast<double>(sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

std::string_view phase_name(Phase phase) {
  return phase == Phase::fitting ? "fitting" : "compression";
}

void check_phase_options(const PhaseOptions& o, std::string_view command) {
  if (!(o.min_size >= 0.0) || !std::isfinite(o.min_size))
    input_error("{}: --min-size must be a number of bits >= 0; got {}", command, o.min_size);
  if (!(o.alpha > 0.0 && o.alpha < 1.0))
    input_error("{}: --alpha must be in (0, 1); got {}", command, o.alpha);
  if (o.n_bootstrap < 20 || o.n_bootstrap > 1000000)
    input_error("{}: --bootstrap must be in [20, 1000000]; got {}", command, o.n_bootstrap);
  if (!(o.min_train_accuracy >= 0.0 && o.min_train_accuracy <= 1.0))
    input_error("{}: --min-accuracy must be in [0, 1]; got {}", command, o.min_train_accuracy);
}

std::size_t smoothing_window(std::size_t n_epochs, const PhaseOptions& options) {
  std::size_t w = options.smooth;
  if (w == 0) w = static_cast<std::size_t>(std::lround(0.01 * static_cast<double>(n_epochs)));
  w = std::max<std::size_t>(w, 1);
  if (w % 2 == 0) ++w;
  return w;
}

namespace {

/// Each row smoothed by a centred moving average over `smooth` positions (cut at the ends,
/// NaN skipped); NaN where the window holds no value.
std::vector<double> smoothed_matrix(std::span<const double> values, std::size_t n_reps,
                                    std::size_t n_epochs, std::size_t smooth) {
  std::vector<double> out(n_reps * n_epochs, kMissing);
  const std::size_t half = smooth / 2;
  std::vector<double> sum(n_epochs + 1);
  std::vector<std::size_t> cnt(n_epochs + 1);
  for (std::size_t r = 0; r < n_reps; ++r) {
    const double* row = values.data() + r * n_epochs;
    for (std::size_t e = 0; e < n_epochs; ++e) {
      const bool ok = std::isfinite(row[e]);
      sum[e + 1] = sum[e] + (ok ? row[e] : 0.0);
      cnt[e + 1] = cnt[e] + (ok ? 1 : 0);
    }
    for (std::size_t e = 0; e < n_epochs; ++e) {
      const std::size_t a = e >= half ? e - half : 0;
      const std::size_t b = std::min(n_epochs, e + half + 1);
      const std::size_t c = cnt[b] - cnt[a];
      if (c > 0) out[r * n_epochs + e] = (sum[b] - sum[a]) / static_cast<double>(c);
    }
  }
  return out;
}

/// Weighted mean of the rows per column, over the rows with a finite value.
void weighted_mean(const std::vector<double>& rows, std::size_t n_epochs,
                   const std::vector<double>& weight, std::vector<double>& out) {
  const std::size_t n_reps = weight.size();
  out.assign(n_epochs, 0.0);
  std::vector<double> total(n_epochs, 0.0);
  for (std::size_t r = 0; r < n_reps; ++r) {
    const double w = weight[r];
    if (w == 0.0) continue;
    const double* row = rows.data() + r * n_epochs;
    for (std::size_t e = 0; e < n_epochs; ++e) {
      if (!std::isfinite(row[e])) continue;
      out[e] += w * row[e];
      total[e] += w;
    }
  }
  for (std::size_t e = 0; e < n_epochs; ++e)
    out[e] = total[e] > 0.0 ? out[e] / total[e] : kMissing;
}

}  // namespace

std::vector<double> smooth_rows(std::span<const double> values, std::size_t n_reps,
                                std::size_t n_epochs, std::size_t smooth) {
  IP_CHECK(values.size() == n_reps * n_epochs, "values {} != {} x {}", values.size(), n_reps,
           n_epochs);
  const std::vector<double> s = smoothed_matrix(values, n_reps, n_epochs, std::max<std::size_t>(smooth, 1));
  std::vector<double> mean;
  weighted_mean(s, n_epochs, std::vector<double>(n_reps, 1.0), mean);
  return mean;
}

PhaseResult detect_phase(std::span<const double> values, std::size_t n_reps,
                         std::span<const int> epochs, Phase phase, const PhaseOptions& options,
                         std::uint64_t stream) {
  const std::size_t n_epochs = epochs.size();
  IP_CHECK(values.size() == n_reps * n_epochs, "values {} != {} x {}", values.size(), n_reps,
           n_epochs);
  PhaseResult result;
  result.phase = phase;
  result.smooth = smoothing_window(n_epochs, options);

  // z = sign * curve: a compression is a drop of I(X;T), a fitting phase a drop of -I(T;Y).
  const double sign = phase == Phase::compression ? 1.0 : -1.0;
  std::vector<double> rows;
  rows.reserve(values.size());
  for (std::size_t r = 0; r < n_reps; ++r) {
    const double* row = values.data() + r * n_epochs;
    if (std::none_of(row, row + n_epochs, [](double v) { return std::isfinite(v); })) continue;
    for (std::size_t e = 0; e < n_epochs; ++e) rows.push_back(sign * row[e]);
  }
  const std::size_t n = n_epochs == 0 ? 0 : rows.size() / n_epochs;
  result.n = n;
  if (n == 0) return result;

  const std::vector<double> s = smoothed_matrix(rows, n, n_epochs, result.smooth);
  std::vector<double> mean;
  weighted_mean(s, n_epochs, std::vector<double>(n, 1.0), mean);
  const Drop d = largest_drop(mean.data(), n_epochs);
  if (!d.any) {
    result.n = 0;
    return result;
  }
  result.from_epoch = epochs[d.from];
  result.to_epoch = epochs[d.to];
  result.from_value = sign * mean[d.from];
  result.to_value = sign * mean[d.to];
  result.size = d.size;
  result.onset_epoch = result.end_epoch = result.from_epoch;
  bool onset_found = false;
  for (std::size_t e = d.from; e <= d.to && d.size > 0.0; ++e) {
    if (!std::isfinite(mean[e])) continue;
    const double covered = mean[d.from] - mean[e];
    if (!onset_found && covered >= kOnsetFraction * d.size) {
      result.onset_epoch = epochs[e];
      onset_found = true;
    }
    if (covered >= kEndFraction * d.size) {
      result.end_epoch = epochs[e];
      break;
    }
  }

  // Bootstrap over repetitions: the size on each resample (interval) and, around the
  // closest curve without the phase, the size that resampled noise alone produces (test).
  const std::vector<double> null_curve = isotonic(mean);
  SplitMix64 rng{options.seed ^ (0x51ed27a3c1b2f5e7ULL * (2 * stream + (phase == Phase::compression ? 1 : 0) + 1))};
  std::vector<double> weight(n), resampled, shifted(n_epochs);
  std::vector<double> sizes, null_sizes;
  sizes.reserve(options.n_bootstrap);
  std::size_t as_large = 0;
  for (std::size_t b = 0; b < options.n_bootstrap; ++b) {
    std::fill(weight.begin(), weight.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) weight[rng.below(n)] += 1.0;
    weighted_mean(s, n_epochs, weight, resampled);
    sizes.push_back(largest_drop(resampled.data(), n_epochs).size);
    for (std::size_t e = 0; e < n_epochs; ++e)
      shifted[e] = null_curve[e] + (resampled[e] - mean[e]);
    if (largest_drop(shifted.data(), n_epochs).size >= d.size - 1e-12) ++as_large;
  }
  std::sort(sizes.begin(), sizes.end());
  result.ci_low = quantile(sizes, 0.025);
  result.ci_high = quantile(sizes, 0.975);
  if (n >= 2)
    result.p_value = static_cast<double>(as_large + 1) / static_cast<double>(options.n_bootstrap + 1);
  const bool large = d.size >= options.min_size && d.size > 0.0;
  result.detected = large && (n < 2 || result.p_value <= options.alpha);
  return result;
}

std::vector<LayerPhases> detect_phases(const RunInfo& info, const MiSeries& series,
                                       std::span<const int> kept, const PhaseOptions& options) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < series.repetitions.size(); ++r)
    if (std::find(kept.begin(), kept.end(), series.repetitions[r]) != kept.end()) rows.push_back(r);
  const std::size_t n_epochs = series.epochs.size();
  std::vector<LayerPhases> out;
  std::vector<double> xt(rows.size() * n_epochs), ty(rows.size() * n_epochs);
  for (std::size_t l = 0; l < series.layers.size(); ++l) {
    const int layer = series.layers[l];
    if (layer == 0) continue;
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t e = 0; e < n_epochs; ++e) {
        xt[i * n_epochs + e] = series.i_xt[series.at(rows[i], l, e)];
        ty[i * n_epochs + e] = series.i_ty[series.at(rows[i], l, e)];
      }
    LayerPhases lp;
    lp.layer = layer;
    const LayerInfo* li = info.layer(layer);
    lp.name = li != nullptr && !li->name.empty() ? li->name : info.layer_label(layer);
    const auto stream = static_cast<std::uint64_t>(layer);
    lp.fitting = detect_phase(ty, rows.size(), series.epochs, Phase::fitting, options, stream);
    lp.compression = detect_phase(xt, rows.size(), series.epochs, Phase::compression, options, stream);
    lp.fitting.layer = lp.compression.layer = layer;
    out.push_back(std::move(lp));
  }
  return out;
}

RunMi read_run_mi(const std::filesystem::path& run_dir, double min_train_accuracy,
                  std::string_view command) {
  if (!std::filesystem::is_directory(run_dir))
    input_error("{}: {}: not a directory; expected a run directory written by `infoplane run`",
                command, run_dir.string());
  RunMi run;
  run.info = read_run_info(run_dir);
  run.mi = read_mi(run_dir);
  if (run.mi.empty())
    input_error("{}: {}: mi.csv has no rows; expected the MI of at least one epoch", command,
                (run_dir / store::k_mi_file).string());
  std::optional<AccuracySeries> accuracy;
  if (std::filesystem::exists(run_dir / store::k_accuracy_file)) accuracy = read_accuracy(run_dir);
  std::set<int> present;
  for (const MiSeries& s : run.mi) present.insert(s.repetitions.begin(), s.repetitions.end());
  const std::vector<int> reps(present.begin(), present.end());
  run.selection = select_repetitions(run.info, accuracy ? &*accuracy : nullptr, reps,
                                     min_train_accuracy);
  if (run.selection.kept.empty())
    input_error("{}: {}: no repetition left; {} (lower --min-accuracy to include them)", command,
                run_dir.string(), describe_selection(run.selection));
  return run;
}

const MiSeries& find_estimator(const RunMi& run, const std::filesystem::path& run_dir,
                               const std::string& estimator, std::string_view command) {
  std::string names;
  for (const MiSeries& s : run.mi) {
    if (info::same_estimator(s.estimator, estimator)) return s;
    const bool quote = s.estimator.find(',') != std::string::npos;
    names += (names.empty() ? "" : ", ") + (quote ? "\"" + s.estimator + "\"" : s.estimator);
  }
  input_error("{}: {} has no estimator '{}'; got {}, expected one of {}", command,
              (run_dir / store::k_mi_file).string(), estimator, estimator, names);
}

PhasesReport phases_run(const std::filesystem::path& run_dir,
                        std::span<const std::string> estimators, const PhaseOptions& options) {
  check_phase_options(options);
  RunMi run = read_run_mi(run_dir, options.min_train_accuracy, "phases");
  PhasesReport report;
  std::vector<const MiSeries*> chosen;
  if (estimators.empty())
    for (const MiSeries& s : run.mi) chosen.push_back(&s);
  for (const std::string& name : estimators) chosen.push_back(&find_estimator(run, run_dir, name, "phases"));
  for (const MiSeries* s : chosen)
    report.estimators.push_back({s->estimator, detect_phases(run.info, *s, run.selection.kept, options)});
  std::filesystem::create_directories(run_dir / "summary");
  report.csv = run_dir / "summary" / "phases.csv";
  store::write_file_atomic(report.csv, phases_csv(report.estimators));
  report.info = std::move(run.info);
  report.selection = std::move(run.selection);
  return report;
}

std::string phases_csv(std::span<const EstimatorPhases> estimators) {
  std::string out =
      "estimator,layer,name,phase,n,smooth,from_epoch,onset_epoch,end_epoch,to_epoch,duration,"
      "from_bits,to_bits,size,ci_low,ci_high,p_value,detected\n";
  for (const EstimatorPhases& est : estimators)
    for (const LayerPhases& lp : est.layers)
      for (const PhaseResult* p : {&lp.fitting, &lp.compression}) {
        auto epoch = [&](int e) { return p->has_data() ? std::to_string(e) : std::string("nan"); };
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                           store::csv_field(est.estimator), lp.layer, store::csv_field(lp.name),
                           phase_name(p->phase), p->n, p->smooth, epoch(p->from_epoch),
                           epoch(p->onset_epoch), epoch(p->end_epoch), epoch(p->to_epoch),
                           epoch(p->duration()), store::csv_number(p->from_value), store::csv_number(p->to_value),
                           store::csv_number(p->size), store::csv_number(p->ci_low), store::csv_number(p->ci_high), store::csv_number(p->p_value),
                           p->detected ? 1 : 0);
      }
  return out;
}

}  // namespace infoplane::report
