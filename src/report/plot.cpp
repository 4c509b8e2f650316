/// @brief Figures of a run directory and comparisons of several runs, drawn with gnuplot.
#include "infoplane/report/plot.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/files.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <set>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/info/spec.h"
#include "infoplane/report/aggregate.h"
#include "infoplane/report/figures.h"
#include "infoplane/report/gnuplot.h"
#include "infoplane/report/run_data.h"
#include "infoplane/report/summary.h"

namespace infoplane::report {

namespace {

constexpr std::string_view kFigureNames[] = {"plane", "mi", "accuracy", "variance", "range",
                                             "activations2d"};
constexpr std::string_view kFormatNames[] = {"png", "svg", "pdf"};

bool parse_int(std::string_view s, int& value) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && ptr == s.data() + s.size() && value >= 0;
}

bool parse_double(std::string_view s, double& value) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(value);
}

const MiSeries& pick_estimator(const std::vector<MiSeries>& all, const std::string& wanted,
                               const std::filesystem::path& run_dir) {
  std::string names;
  for (const MiSeries& s : all) {
    const bool quote = s.estimator.find(',') != std::string::npos;
    names += (names.empty() ? "" : ", ") + (quote ? "\"" + s.estimator + "\"" : s.estimator);
  }
  if (all.empty())
    input_error("plot: {}: mi.csv has no rows; expected the MI of at least one epoch",
                (run_dir / store::k_mi_file).string());
  for (const MiSeries& s : all) {
    if (wanted.empty() ? info::is_exact_estimator(s.estimator) : info::same_estimator(s.estimator, wanted)) return s;
  }
  if (wanted.empty()) return all.front();
  input_error("plot: --estimator: {} has no estimator '{}'; got {}, expected one of {}",
              (run_dir / store::k_mi_file).string(), wanted, wanted, names);
}

void check_options(const PlotOptions& options) {
  if (options.formats.empty()) input_error("plot: --format: no format given; expected png, svg or pdf");
  if (options.figures.empty()) input_error("plot: --what: no figure given; expected plane, mi, "
                                           "accuracy, variance or range");
  if (!(options.min_train_accuracy >= 0.0 && options.min_train_accuracy <= 1.0))
    input_error("plot: --min-accuracy must be in [0, 1]; got {}", options.min_train_accuracy);
  if (options.epochs.last != 0 && options.epochs.last < options.epochs.first)
    input_error("plot: --epochs {}:{}: the window is empty; expected A <= B",
                options.epochs.first, options.epochs.last);
}

bool wants(const PlotOptions& options, Figure f) {
  return std::find(options.figures.begin(), options.figures.end(), f) != options.figures.end();
}

std::vector<std::string> format_list(const PlotOptions& options) {
  std::vector<std::string> out;
  for (const Format f : options.formats) {
    const std::string name(format_name(f));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

void check_run_dir(const std::filesystem::path& run_dir) {
  if (!std::filesystem::is_directory(run_dir))
    input_error("plot: {}: not a directory; expected a run directory written by `infoplane run`",
                run_dir.string());
}

/// Writes the text files of a figure and queues its gnuplot job.
void emit(const FigureText& f, const std::filesystem::path& dir,
          const std::vector<std::string>& formats, std::vector<GnuplotJob>& jobs,
          PlotReport& report) {
  store::write_file_atomic(dir / (f.name + ".dat"), f.data);
  store::write_file_atomic(dir / (f.name + ".gp"), f.script);
  store::write_file_atomic(dir / (f.name + ".caption.txt"), f.caption);
  report.scripts.push_back(dir / (f.name + ".gp"));
  jobs.push_back({dir, f.name, formats});
}

std::vector<int> present_repetitions(const std::vector<MiSeries>& mi, const AccuracySeries* acc) {
  std::set<int> reps;
  for (const MiSeries& s : mi) reps.insert(s.repetitions.begin(), s.repetitions.end());
  if (acc != nullptr) reps.insert(acc->repetitions.begin(), acc->repetitions.end());
  return {reps.begin(), reps.end()};
}

void require_kept(const RunSelection& s, const std::filesystem::path& run_dir) {
  if (!s.kept.empty()) return;
  if (s.n_total() == 0)
    input_error("plot: {}: the run has no repetitions with results", run_dir.string());
  input_error("plot: {}: no repetition left to draw; {} (lower --min-accuracy to include them)",
              run_dir.string(), describe_selection(s));
}

/// Everything read from one run directory.
struct LoadedRun {
  RunInfo info;
  std::vector<MiSeries> mi;
  std::optional<AccuracySeries> accuracy;
  RunSelection selection;
};

LoadedRun load_run(const std::filesystem::path& run_dir, bool need_mi, bool need_accuracy,
                   double min_train_accuracy) {
  check_run_dir(run_dir);
  LoadedRun run;
  run.info = read_run_info(run_dir);
  // The files are independent: read accuracy.csv on a second thread while mi.csv is read.
  std::future<std::optional<AccuracySeries>> accuracy = std::async(std::launch::async, [&] {
    std::optional<AccuracySeries> a;
    if (need_accuracy || std::filesystem::exists(run_dir / store::k_accuracy_file))
      a = read_accuracy(run_dir);
    return a;
  });
  if (need_mi || std::filesystem::exists(run_dir / store::k_mi_file)) run.mi = read_mi(run_dir);
  run.accuracy = accuracy.get();
  const AccuracySeries* acc = run.accuracy ? &*run.accuracy : nullptr;
  run.selection = select_repetitions(run.info, acc, present_repetitions(run.mi, acc),
                                     min_train_accuracy);
  require_kept(run.selection, run_dir);
  return run;
}

/// One stored activations file: RUN_DIR/activations/rep-NNNNNN.layer-L.csv.
struct ActivationsFile {
  std::size_t repetition = 0;
  int layer = 0;
  std::size_t width = 0;
  std::filesystem::path path;
};

/// Splits a CSV line at commas (the activations files have no quoted fields).
std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

std::vector<ActivationsFile> list_activations(const std::filesystem::path& run_dir) {
  std::vector<ActivationsFile> files;
  std::error_code ec;
  const std::filesystem::path dir = run_dir / "activations";
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    unsigned long rep = 0;
    int layer = 0;
    char tail[8] = {};
    if (std::sscanf(name.c_str(), "rep-%6lu.layer-%d.%7s", &rep, &layer, tail) != 3 ||
        std::string_view(tail) != "csv" || layer < 1)
      continue;
    ActivationsFile f{rep, layer, 0, entry.path()};
    std::ifstream in(f.path);
    std::string header;
    std::getline(in, header);
    const std::vector<std::string_view> fields = split_commas(header);
    if (fields.size() < 4 || fields[0] != "epoch" || fields[1] != "sample" || fields[2] != "label")
      input_error("plot: {}: not an activations file; expected the header epoch,sample,label,v0,...",
                  f.path.string());
    f.width = fields.size() - 3;
    files.push_back(f);
  }
  std::sort(files.begin(), files.end(), [](const ActivationsFile& a, const ActivationsFile& b) {
    return a.repetition != b.repetition ? a.repetition < b.repetition : a.layer < b.layer;
  });
  return files;
}

/// Picks the repetition (options.repetition, else the first kept one with stored values)
/// and its layer to draw (a 2-unit layer, else the narrowest wider one; the deepest of
/// equals), and reads its first two units at every stored epoch.
ActivationSnapshot read_activations(const std::filesystem::path& run_dir, const RunSelection& sel,
                                    const PlotOptions& options) {
  const std::vector<ActivationsFile> files = list_activations(run_dir);
  if (files.empty())
    input_error("plot: --what activations2d: {} has no stored layer values (no files in {}); set "
                "[experiment] store_activations = {{ layers = [L], epochs = [E1, E2, ...] }} in the "
                "config and run it again",
                run_dir.string(), (run_dir / "activations").string());
  std::set<std::size_t> stored;
  for (const ActivationsFile& f : files) stored.insert(f.repetition);
  std::size_t rep = 0;
  if (options.repetition) {
    rep = *options.repetition;
    if (!stored.count(rep)) {
      std::string have;
      for (const std::size_t r : stored) have += (have.empty() ? "" : ", ") + std::to_string(r);
      input_error("plot: --repetition {}: {} has no stored layer values of repetition {}; expected "
                  "one of {}", rep, run_dir.string(), rep, have);
    }
  } else {
    rep = *stored.begin();
    for (const int k : sel.kept)
      if (k >= 0 && stored.count(static_cast<std::size_t>(k))) {
        rep = static_cast<std::size_t>(k);
        break;
      }
  }
  const ActivationsFile* chosen = nullptr;
  for (const ActivationsFile& f : files) {
    if (f.repetition != rep || f.width < 2) continue;
    if (chosen == nullptr || (f.width == 2 && chosen->width != 2) ||
        ((f.width == 2) == (chosen->width == 2) && f.width <= chosen->width))
      chosen = &f;
  }
  if (chosen == nullptr)
    input_error("plot: --what activations2d: the stored layers of repetition {} in {} have one unit "
                "each; expected a layer with at least two units (store one with [experiment] "
                "store_activations)", rep, (run_dir / "activations").string());

  ActivationSnapshot snap;
  snap.repetition = rep;
  snap.layer = chosen->layer;
  snap.width = chosen->width;
  std::ifstream in(chosen->path);
  std::string line;
  std::getline(in, line);  // header
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string_view> fields = split_commas(line);
    int epoch = 0;
    unsigned long label = 0;
    float v0 = 0.0f, v1 = 0.0f;
    auto parse = [](std::string_view s, auto& value) {
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      return ec == std::errc() && ptr == s.data() + s.size();
    };
    if (fields.size() != chosen->width + 3 || !parse(fields[0], epoch) || !parse(fields[2], label) ||
        !parse(fields[3], v0) || !parse(fields[4], v1) || label > 1'000'000)
      input_error("plot: {}:{}: malformed row; expected epoch,sample,label and {} values, got '{}'",
                  chosen->path.string(), line_no, chosen->width, line.substr(0, 80));
    if (snap.epochs.empty() || snap.epochs.back() != epoch) {
      snap.epochs.push_back(epoch);
      snap.points.emplace_back();
    }
    snap.points.back().push_back({static_cast<std::uint32_t>(label), v0, v1});
  }
  if (snap.epochs.empty())
    input_error("plot: {}: no rows; expected the values of at least one epoch", chosen->path.string());
  return snap;
}

void count(PlotReport& report, const RunSelection& s, const std::string& who) {
  report.n_repetitions += s.n_total();
  report.n_kept += s.kept.size();
  report.n_bad_fit += s.bad_fit.size();
  report.n_failed += s.failed.size();
  report.notes.push_back(who + describe_selection(s));
}

}  // namespace

Figure parse_figure(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFigureNames); ++i)
    if (kFigureNames[i] == name) return static_cast<Figure>(i);
  input_error("plot: --what: unknown figure '{}'; got {}, expected one of plane, mi, accuracy, "
              "variance, range, activations2d", name, name);
}

std::string_view figure_name(Figure figure) {
  return kFigureNames[static_cast<std::size_t>(figure)];
}

Format parse_format(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFormatNames); ++i)
    if (kFormatNames[i] == name) return static_cast<Format>(i);
  input_error("plot: --format: unknown format '{}'; got {}, expected one of png, svg, pdf", name,
              name);
}

std::string_view format_name(Format format) {
  return kFormatNames[static_cast<std::size_t>(format)];
}

EpochRange parse_epoch_range(std::string_view text) {
  EpochRange r;
  const std::size_t colon = text.find(':');
  const std::string_view a = text.substr(0, colon);
  const std::string_view b = colon == std::string_view::npos ? a : text.substr(colon + 1);
  const bool ok = (a.empty() || parse_int(a, r.first)) && (b.empty() || parse_int(b, r.last)) &&
                  !(a.empty() && b.empty() && colon == std::string_view::npos) &&
                  (r.last == 0 || r.first <= r.last);
  if (!ok)
    input_error("plot: --epochs: got '{}', expected A:B, A: or :B with whole epochs A <= B, "
                "e.g. 100:2000", text);
  return r;
}

ZoomBox parse_zoom_box(std::string_view text) {
  ZoomBox z;
  const std::size_t comma = text.find(',');
  bool ok = comma != std::string_view::npos;
  if (ok) {
    const std::string_view xs = text.substr(0, comma), ys = text.substr(comma + 1);
    const std::size_t cx = xs.find(':'), cy = ys.find(':');
    ok = cx != std::string_view::npos && cy != std::string_view::npos &&
         parse_double(xs.substr(0, cx), z.x_min) && parse_double(xs.substr(cx + 1), z.x_max) &&
         parse_double(ys.substr(0, cy), z.y_min) && parse_double(ys.substr(cy + 1), z.y_max) &&
         z.x_min < z.x_max && z.y_min < z.y_max;
  }
  if (!ok)
    input_error("plot: --zoom-box: got '{}', expected X0:X1,Y0:Y1 in bits with X0 < X1 and "
                "Y0 < Y1, e.g. 8:12.1,0.98:1", text);
  return z;
}

std::vector<std::size_t> thin_epochs(std::span<const int> epochs, std::size_t max_points) {
  const std::size_t n = epochs.size();
  std::vector<std::size_t> out;
  if (n == 0) return out;
  if (max_points == 0 || n <= max_points) {
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = i;
    return out;
  }
  max_points = std::max<std::size_t>(max_points, 2);
  std::vector<bool> take(n, false);
  take[0] = take[n - 1] = true;
  const double first = epochs.front(), last = epochs.back();
  auto nearest = [&](double target) {
    const auto it = std::lower_bound(epochs.begin(), epochs.end(), target);
    std::size_t i = static_cast<std::size_t>(it - epochs.begin());
    if (i == n) return n - 1;
    if (i > 0 && target - epochs[i - 1] < epochs[i] - target) --i;
    return i;
  };
  const std::size_t k_lin = (max_points - 2) / 2, k_log = max_points - 2 - k_lin;
  for (std::size_t i = 1; i <= k_lin; ++i)
    take[nearest(first + (last - first) * static_cast<double>(i) / static_cast<double>(k_lin + 1))] = true;
  const double l0 = std::log(std::max(first, 1.0)), l1 = std::log(std::max(last, 1.0));
  for (std::size_t i = 1; i <= k_log; ++i)
    take[nearest(std::exp(l0 + (l1 - l0) * static_cast<double>(i) / static_cast<double>(k_log + 1)))] = true;
  for (std::size_t i = 0; i < n; ++i)
    if (take[i]) out.push_back(i);
  return out;
}

PlotReport plot_run(const std::filesystem::path& run_dir, const PlotOptions& options) {
  check_options(options);
  const bool need_mi =
      wants(options, Figure::plane) || wants(options, Figure::mi) || wants(options, Figure::variance);
  const bool need_accuracy = wants(options, Figure::accuracy);
  const bool need_ranges = wants(options, Figure::range);
  check_run_dir(run_dir);
  // activation_range.csv is as large as mi.csv: read it on its own thread.
  std::future<std::optional<RangeSeries>> range_series = std::async(std::launch::async, [&] {
    std::optional<RangeSeries> r;
    if (need_ranges || (options.write_summary &&
                        std::filesystem::exists(run_dir / store::k_range_file)))
      r = read_ranges(run_dir);
    return r;
  });
  LoadedRun run = load_run(run_dir, need_mi, need_accuracy, options.min_train_accuracy);
  const RunSelection& sel = run.selection;

  PlotReport report;
  count(report, sel, "");

  // Statistics over all epochs of the kept repetitions.
  std::vector<MiSummary> mi_summaries;
  const MiSeries* series = nullptr;
  std::size_t chosen = 0;
  if (!run.mi.empty()) {
    series = &pick_estimator(run.mi, options.estimator, run_dir);
    for (std::size_t k = 0; k < run.mi.size(); ++k) {
      if (&run.mi[k] != series && !options.write_summary) continue;
      if (&run.mi[k] == series) chosen = mi_summaries.size();
      mi_summaries.push_back(summarize_mi(run.mi[k], sel.kept));
    }
  }
  std::optional<AccuracySummary> acc;
  if (run.accuracy) acc = summarize_accuracy(*run.accuracy, sel.kept);
  std::optional<RangeSummary> ranges;
  if (const std::optional<RangeSeries> r = range_series.get()) ranges = summarize_ranges(*r, sel.kept);

  if (options.write_summary)
    report.summaries = write_summaries(run_dir / "summary", run.info, sel, mi_summaries,
                                       acc ? &*acc : nullptr, ranges ? &*ranges : nullptr);

  const std::filesystem::path out_dir =
      options.out_dir.empty() ? run_dir / "figures" : options.out_dir;
  std::filesystem::create_directories(out_dir);
  const std::vector<std::string> formats = format_list(options);
  std::vector<GnuplotJob> jobs;
  std::set<Figure> done;
  for (const Figure f : options.figures) {
    if (!done.insert(f).second) continue;
    switch (f) {
      case Figure::plane:
        emit(plane_figure(run.info, sel, mi_summaries[chosen], options), out_dir, formats, jobs, report);
        break;
      case Figure::mi:
        emit(mi_figure(run.info, sel, mi_summaries[chosen], *series, options), out_dir, formats,
             jobs, report);
        break;
      case Figure::accuracy:
        emit(accuracy_figure(run.info, sel, *acc, options), out_dir, formats, jobs, report);
        break;
      case Figure::variance:
        emit(variance_figure(run.info, sel, mi_summaries[chosen], options), out_dir, formats, jobs,
             report);
        break;
      case Figure::range:
        emit(range_figure(run.info, sel, *ranges, options), out_dir, formats, jobs, report);
        break;
      case Figure::activations2d:
        emit(activations2d_figure(run.info, read_activations(run_dir, sel, options), options), out_dir,
             formats, jobs, report);
        break;
    }
  }
  if (options.render) report.figures = run_gnuplot(jobs);
  return report;
}

PlotReport plot_compare(std::span<const ComparePanel> panels, const PlotOptions& options) {
  check_options(options);
  if (panels.empty()) input_error("plot: nothing to compare; expected at least one run directory");
  if (options.out_dir.empty())
    input_error("plot: --out DIR is required when comparing several runs or estimators");
  for (const Figure f : options.figures)
    if (f != Figure::plane && f != Figure::accuracy)
      input_error("plot: --what {}: a comparison draws plane and accuracy; got {}, expected "
                  "plane or accuracy", figure_name(f), figure_name(f));
  const bool need_accuracy = wants(options, Figure::accuracy);

  // Read each run directory once, even if several panels show it.
  std::map<std::string, LoadedRun> runs;
  std::set<std::string> estimators;
  for (const ComparePanel& p : panels) {
    const std::string key = std::filesystem::absolute(p.run_dir).lexically_normal().string();
    if (!runs.count(key))
      runs.emplace(key, load_run(p.run_dir, true, need_accuracy, options.min_train_accuracy));
    estimators.insert(pick_estimator(runs.at(key).mi, p.estimator, p.run_dir).estimator);
  }

  PlotReport report;
  std::vector<std::string> titles;
  std::vector<MiSummary> mi(panels.size());
  std::vector<AccuracySummary> acc(panels.size());
  std::vector<const LoadedRun*> loaded;
  std::set<std::string> counted;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const ComparePanel& p = panels[i];
    const std::string key = std::filesystem::absolute(p.run_dir).lexically_normal().string();
    const LoadedRun& run = runs.at(key);
    loaded.push_back(&run);
    const MiSeries& series = pick_estimator(run.mi, p.estimator, p.run_dir);
    std::string title = p.title;
    if (title.empty()) {
      title = run.info.name;
      if (estimators.size() > 1) title += " · " + series.estimator;
    }
    titles.push_back(title);
    mi[i] = summarize_mi(series, run.selection.kept);
    if (need_accuracy) {
      if (!run.accuracy)
        input_error("plot: {}: cannot open accuracy.csv", (p.run_dir / store::k_accuracy_file).string());
      acc[i] = summarize_accuracy(*run.accuracy, run.selection.kept);
    }
    if (counted.insert(key).second) count(report, run.selection, run.info.name + ": ");
  }
  // Panels with the same automatic title get their directory's name added.
  std::map<std::string, int> title_count;
  for (const std::string& t : titles) ++title_count[t];
  for (std::size_t i = 0; i < titles.size(); ++i)
    if (panels[i].title.empty() && title_count[titles[i]] > 1) {
      std::filesystem::path d = panels[i].run_dir;
      if (d.filename().empty()) d = d.parent_path();
      titles[i] += " (" + d.filename().string() + ")";
    }

  std::filesystem::create_directories(options.out_dir);
  const std::vector<std::string> formats = format_list(options);
  std::vector<GnuplotJob> jobs;
  std::set<Figure> done;
  for (const Figure f : options.figures) {
    if (!done.insert(f).second) continue;
    if (f == Figure::plane) {
      std::vector<ComparePlaneInput> in;
      for (std::size_t i = 0; i < panels.size(); ++i)
        in.push_back({titles[i], &loaded[i]->info, &loaded[i]->selection, &mi[i]});
      emit(compare_plane_figure(in, options), options.out_dir, formats, jobs, report);
    } else {
      std::vector<CompareAccuracyInput> in;
      for (std::size_t i = 0; i < panels.size(); ++i)
        in.push_back({titles[i], &loaded[i]->info, &loaded[i]->selection, &acc[i]});
      emit(compare_accuracy_figure(in, options), options.out_dir, formats, jobs, report);
    }
  }
  if (options.render) report.figures = run_gnuplot(jobs);
  return report;
}

}  // namespace infoplane::report
