/// @brief Statistics over repetitions: mean, std, 95% CI, bad-fit filter, median-deviating run.
#include "infoplane/report/aggregate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "infoplane/common.h"

namespace infoplane::report {

namespace {

/// t_{0.975, dof} for dof = 1..30.
constexpr double kT975[30] = {
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
    2.364624252,  2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
    2.160368656,  2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
    2.093024054,  2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
    2.059538553,  2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456};

/// Positions in `series_repetitions` of the kept repetition indices, ascending.
std::vector<std::size_t> kept_rows(std::span<const int> series_repetitions,
                                   std::span<const int> kept, std::vector<int>& kept_indices) {
  std::vector<std::size_t> rows;
  kept_indices.clear();
  for (std::size_t r = 0; r < series_repetitions.size(); ++r)
    if (std::find(kept.begin(), kept.end(), series_repetitions[r]) != kept.end()) {
      rows.push_back(r);
      kept_indices.push_back(series_repetitions[r]);
    }
  return rows;
}

}  // namespace

double student_t_975(std::size_t dof) {
  IP_CHECK(dof >= 1, "degrees of freedom must be positive");
  if (dof <= 30) return kT975[dof - 1];
  const double z = 1.959963984540054;
  const double z2 = z * z;
  const double z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  const double n = static_cast<double>(dof);
  const double g1 = (z3 + z) / 4.0;
  const double g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
  const double g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
  const double g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
  return z + g1 / n + g2 / (n * n) + g3 / (n * n * n) + g4 / (n * n * n * n);
}

Moments moments(std::span<const double> values) {
  Moments m;
  double sum = 0.0;
  for (const double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++m.n;
    }
  if (m.n == 0) return m;
  m.mean = sum / static_cast<double>(m.n);
  if (m.n < 2) return m;
  double squares = 0.0;
  for (const double v : values)
    if (std::isfinite(v)) squares += (v - m.mean) * (v - m.mean);
  const double n = static_cast<double>(m.n);
  m.std = std::sqrt(squares / (n - 1.0));
  m.ci95 = student_t_975(m.n - 1) * m.std / std::sqrt(n);
  return m;
}

std::vector<Moments> column_moments(std::span<const double> values, std::size_t n_points,
                                    std::span<const std::size_t> rows) {
  IP_CHECK(n_points == 0 || values.size() % n_points == 0, "matrix size {} is not a multiple of {}",
           values.size(), n_points);
  std::vector<Moments> out(n_points);
  std::vector<double> sum(n_points, 0.0);
  std::vector<std::size_t> count(n_points, 0);
  for (const std::size_t r : rows) {
    IP_CHECK((r + 1) * n_points <= values.size(), "row {} out of range", r);
    const double* row = values.data() + r * n_points;
    for (std::size_t p = 0; p < n_points; ++p)
      if (std::isfinite(row[p])) {
        sum[p] += row[p];
        ++count[p];
      }
  }
  std::vector<double> squares(n_points, 0.0);
  for (std::size_t p = 0; p < n_points; ++p)
    if (count[p] > 0) out[p].mean = sum[p] / static_cast<double>(count[p]);
  for (const std::size_t r : rows) {
    const double* row = values.data() + r * n_points;
    for (std::size_t p = 0; p < n_points; ++p)
      if (std::isfinite(row[p])) squares[p] += (row[p] - out[p].mean) * (row[p] - out[p].mean);
  }
  for (std::size_t p = 0; p < n_points; ++p) {
    out[p].n = count[p];
    if (count[p] < 2) continue;
    const double n = static_cast<double>(count[p]);
    out[p].std = std::sqrt(squares[p] / (n - 1.0));
    out[p].ci95 = student_t_975(count[p] - 1) * out[p].std / std::sqrt(n);
  }
  return out;
}

std::vector<double> squared_distances(std::span<const double> values, std::size_t n_points,
                                      std::span<const std::size_t> rows,
                                      std::span<const double> center) {
  IP_CHECK(center.size() == n_points, "center has {} points, expected {}", center.size(),
           n_points);
  std::vector<double> out;
  out.reserve(rows.size());
  for (const std::size_t r : rows) {
    IP_CHECK((r + 1) * n_points <= values.size(), "row {} out of range", r);
    const double* row = values.data() + r * n_points;
    double d = 0.0;
    for (std::size_t p = 0; p < n_points; ++p) {
      const double diff = row[p] - center[p];
      if (std::isfinite(diff)) d += diff * diff;
    }
    out.push_back(d);
  }
  return out;
}

std::size_t median_deviating(std::span<const double> distances) {
  IP_CHECK(!distances.empty(), "no distances to rank");
  std::vector<std::size_t> order(distances.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return distances[a] < distances[b];
  });
  return order[(order.size() - 1) / 2];
}

FitSelection select_fits(std::span<const double> final_train_accuracy,
                         std::span<const std::string> status, double min_train_accuracy) {
  IP_CHECK(final_train_accuracy.size() == status.size(), "{} accuracies for {} repetitions",
           final_train_accuracy.size(), status.size());
  FitSelection s;
  s.min_train_accuracy = min_train_accuracy;
  for (std::size_t r = 0; r < status.size(); ++r) {
    if (status[r] != "ok") s.failed.push_back(r);
    else if (final_train_accuracy[r] < min_train_accuracy) s.bad_fit.push_back(r);
    else s.kept.push_back(r);  // NaN compares false: an unknown accuracy is kept
  }
  return s;
}

RunSelection select_repetitions(const RunInfo& info, const AccuracySeries* accuracy,
                                std::span<const int> present, double min_train_accuracy) {
  std::vector<int> indices;
  for (const RepetitionInfo& r : info.repetitions) indices.push_back(r.index);
  indices.insert(indices.end(), present.begin(), present.end());
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());

  std::vector<double> final_accuracy(indices.size(), kMissing);
  std::vector<std::string> status(indices.size(), "ok");
  for (std::size_t i = 0; i < indices.size(); ++i) {
    for (const RepetitionInfo& r : info.repetitions)
      if (r.index == indices[i]) {
        status[i] = r.status;
        final_accuracy[i] = r.final_train_accuracy;
      }
    if (std::isfinite(final_accuracy[i]) || accuracy == nullptr) continue;
    const auto it = std::find(accuracy->repetitions.begin(), accuracy->repetitions.end(),
                              indices[i]);
    if (it == accuracy->repetitions.end()) continue;
    const std::size_t rep = static_cast<std::size_t>(it - accuracy->repetitions.begin());
    for (std::size_t e = accuracy->epochs.size(); e-- > 0;)
      if (std::isfinite(accuracy->train[accuracy->at(rep, e)])) {
        final_accuracy[i] = accuracy->train[accuracy->at(rep, e)];
        break;
      }
  }
  const FitSelection fits = select_fits(final_accuracy, status, min_train_accuracy);
  RunSelection s;
  s.min_train_accuracy = min_train_accuracy;
  for (const std::size_t i : fits.kept) s.kept.push_back(indices[i]);
  for (const std::size_t i : fits.bad_fit) s.bad_fit.push_back(indices[i]);
  for (const std::size_t i : fits.failed) s.failed.push_back(indices[i]);
  return s;
}

std::string describe_selection(const RunSelection& selection) {
  auto list = [](const std::vector<int>& reps) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(reps.size(), 12);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + std::to_string(reps[i]);
    if (shown < reps.size()) out += fmt::format(", ... ({} more)", reps.size() - shown);
    return out;
  };
  const std::size_t n_kept = selection.kept.size();
  std::string out = fmt::format("mean over {} of {} repetition{}", n_kept, selection.n_total(),
                                selection.n_total() == 1 ? "" : "s");
  if (selection.bad_fit.empty() && selection.failed.empty()) return out + "; none left out";
  out += "; left out:";
  if (!selection.bad_fit.empty())
    out += fmt::format(" {} with final training accuracy below {:g} (repetition{} {})",
                       selection.bad_fit.size(), selection.min_train_accuracy,
                       selection.bad_fit.size() == 1 ? "" : "s", list(selection.bad_fit));
  if (!selection.failed.empty())
    out += fmt::format("{} {} failed (repetition{} {})", selection.bad_fit.empty() ? "" : ";",
                       selection.failed.size(), selection.failed.size() == 1 ? "" : "s",
                       list(selection.failed));
  return out;
}

MiSummary summarize_mi(const MiSeries& series, std::span<const int> kept_repetitions) {
  MiSummary s;
  s.estimator = series.estimator;
  s.layers = series.layers;
  s.epochs = series.epochs;
  const std::vector<std::size_t> rows =
      kept_rows(series.repetitions, kept_repetitions, s.repetitions);
  const std::size_t n_points = series.n_points();
  s.i_xt = column_moments(series.i_xt, n_points, rows);
  s.i_ty = column_moments(series.i_ty, n_points, rows);
  if (rows.empty()) return s;

  std::vector<double> mean_xt(n_points), mean_ty(n_points);
  for (std::size_t p = 0; p < n_points; ++p) {
    mean_xt[p] = s.i_xt[p].mean;
    mean_ty[p] = s.i_ty[p].mean;
  }
  const std::vector<double> d_xt = squared_distances(series.i_xt, n_points, rows, mean_xt);
  const std::vector<double> d_ty = squared_distances(series.i_ty, n_points, rows, mean_ty);
  s.distance.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) s.distance[i] = std::sqrt(d_xt[i] + d_ty[i]);
  s.median_repetition = s.repetitions[median_deviating(s.distance)];
  return s;
}

AccuracySummary summarize_accuracy(const AccuracySeries& series,
                                   std::span<const int> kept_repetitions) {
  AccuracySummary s;
  s.epochs = series.epochs;
  const std::vector<std::size_t> rows =
      kept_rows(series.repetitions, kept_repetitions, s.repetitions);
  const std::size_t n_points = series.epochs.size();
  s.train = column_moments(series.train, n_points, rows);
  s.test = column_moments(series.test, n_points, rows);
  s.loss = column_moments(series.loss, n_points, rows);
  return s;
}

RangeSummary summarize_ranges(const RangeSeries& series, std::span<const int> kept_repetitions) {
  RangeSummary s;
  s.layers = series.layers;
  s.epochs = series.epochs;
  const std::vector<std::size_t> rows =
      kept_rows(series.repetitions, kept_repetitions, s.repetitions);
  const std::size_t n_points = series.layers.size() * series.epochs.size();
  s.min = column_moments(series.min, n_points, rows);
  s.max = column_moments(series.max, n_points, rows);
  s.lowest.assign(n_points, kMissing);
  s.highest.assign(n_points, kMissing);
  for (const std::size_t r : rows)
    for (std::size_t p = 0; p < n_points; ++p) {
      const double lo = series.min[r * n_points + p];
      const double hi = series.max[r * n_points + p];
      if (std::isfinite(lo) && !(s.lowest[p] <= lo)) s.lowest[p] = lo;
      if (std::isfinite(hi) && !(s.highest[p] >= hi)) s.highest[p] = hi;
    }
  return s;
}

}  // namespace infoplane::report
