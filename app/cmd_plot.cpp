/// @brief `infoplane plot`: figures of a run directory, or several side by side.
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.h"
#include "validators.h"
#include "infoplane/common.h"
#include "infoplane/report/plot.h"

namespace infoplane::cli {

namespace {

struct PlotCliOptions {
  std::vector<std::string> run_dirs;
  std::vector<std::string> what{"plane"};
  std::vector<std::string> formats{"png"};
  std::vector<std::string> estimators;
  std::vector<std::string> labels;
  std::string out;
  std::string epochs;
  std::string zoom_box;
  std::size_t max_epochs = 500;
  long repetition = -1;
  double min_accuracy = 0.55;
  bool no_zoom = false;
  bool log_epochs = false;
  bool no_summary = false;
  bool no_render = false;
  bool no_title = false;
};

void print_report(const report::PlotReport& r) {
  for (const auto& f : r.figures) fmt::print("figure   {}\n", f.string());
  if (r.figures.empty())
    for (const auto& s : r.scripts) fmt::print("script   {}\n", s.string());
  if (!r.summaries.empty())
    fmt::print("summary  {} ({} files)\n", r.summaries.front().parent_path().string(),
               r.summaries.size());
  for (const auto& note : r.notes) fmt::print("repetitions: {}\n", note);
}

void run_plot(const PlotCliOptions& o) {
  report::PlotOptions options;
  options.figures.clear();
  for (const std::string& w : o.what) {
    if (w == "all") {
      for (const char* name : {"plane", "mi", "accuracy", "variance", "range"})
        options.figures.push_back(report::parse_figure(name));
    } else {
      options.figures.push_back(report::parse_figure(w));
    }
  }
  options.formats.clear();
  for (const std::string& f : o.formats) options.formats.push_back(report::parse_format(f));
  options.out_dir = o.out;
  if (!o.epochs.empty()) options.epochs = report::parse_epoch_range(o.epochs);
  if (!o.zoom_box.empty()) options.zoom_box = report::parse_zoom_box(o.zoom_box);
  options.zoom = !o.no_zoom;
  options.max_drawn_epochs = o.max_epochs;
  options.log_epochs = o.log_epochs;
  options.min_train_accuracy = o.min_accuracy;
  options.write_summary = !o.no_summary;
  options.render = !o.no_render;
  options.titles = !o.no_title;
  if (o.repetition >= 0) options.repetition = static_cast<std::size_t>(o.repetition);

  const bool compare = o.run_dirs.size() > 1 || o.estimators.size() > 1;
  if (!compare) {
    if (!o.labels.empty())
      input_error("plot: --labels names the panels of a comparison; got {} label(s) for one run",
                  o.labels.size());
    if (!o.estimators.empty()) options.estimator = o.estimators.front();
    print_report(report::plot_run(o.run_dirs.front(), options));
    return;
  }
  std::vector<report::ComparePanel> panels;
  const std::vector<std::string> estimators =
      o.estimators.empty() ? std::vector<std::string>{""} : o.estimators;
  for (const std::string& dir : o.run_dirs)
    for (const std::string& est : estimators) panels.push_back({dir, est, ""});
  if (!o.labels.empty()) {
    if (o.labels.size() != panels.size())
      input_error("plot: --labels: got {} labels, expected one per panel ({} = {} run(s) x {} "
                  "estimator(s))", o.labels.size(), panels.size(), o.run_dirs.size(),
                  estimators.size());
    for (std::size_t i = 0; i < panels.size(); ++i) panels[i].title = o.labels[i];
  }
  print_report(report::plot_compare(panels, options));
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<PlotCliOptions>();
  CLI::App* plot = app.add_subcommand(
      "plot",
      "Draw the figures of a run directory (information plane, MI, accuracy, ...) with "
      "gnuplot; with several run directories or estimators, draw them side by side");
  plot->add_option("run_dir", o->run_dirs,
                   "Run directory written by `infoplane run`; several: a comparison")
      ->required()
      ->check(CLI::ExistingDirectory);
  plot->add_option("--what", o->what,
                   "Figures, comma-separated: plane, mi, accuracy, variance, range, "
                   "activations2d (a stored 2-unit layer by class, per epoch), or all (the first "
                   "five; comparisons: plane, accuracy)")
      ->delimiter(',')
      ->capture_default_str();
  plot->add_option("--format", o->formats, "Image formats, comma-separated: png, svg, pdf")
      ->delimiter(',')
      ->capture_default_str();
  plot->add_option("--out", o->out,
                   "Output folder (default RUN_DIR/figures; required for a comparison)");
  plot->add_option("--estimator", o->estimators,
                   "MI estimator to draw, as named in the estimator column of mi.csv "
                   "(default exact); repeat the option to draw several side by side")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  plot->add_option("--epochs", o->epochs, "Epochs to draw, A:B (A: or :B open-ended)");
  plot->add_option("--max-epochs", o->max_epochs,
                   "At most this many epochs drawn per curve, half evenly and half "
                   "log-spaced; statistics use all (0: draw all)")
      ->capture_default_str()
      ->check(whole_number(0));
  plot->add_option("--repetition", o->repetition,
                   "activations2d: the repetition whose stored layer values are drawn (default: "
                   "the first kept one that has them)")
      ->check(whole_number(0));
  plot->add_flag("--no-zoom", o->no_zoom, "No zoom panel next to the information plane");
  plot->add_option("--zoom-box", o->zoom_box,
                   "Zoomed area X0:X1,Y0:Y1 in bits (default: where the layers end)");
  plot->add_flag("--log-epochs", o->log_epochs, "Logarithmic epoch axes and colour bar");
  plot->add_option("--min-accuracy", o->min_accuracy,
                   "Leave out repetitions whose final training accuracy is below this")
      ->capture_default_str();
  plot->add_option("--labels", o->labels, "Panel titles of a comparison, comma-separated")
      ->delimiter(',');
  plot->add_flag("--no-summary", o->no_summary, "Do not write RUN_DIR/summary/*.csv");
  plot->add_flag("--no-render", o->no_render,
                 "Write the data and gnuplot scripts only, do not run gnuplot");
  plot->add_flag("--no-title", o->no_title, "No title line above the figures");
  plot->callback([o] { run_plot(*o); });
}

}  // namespace infoplane::cli
