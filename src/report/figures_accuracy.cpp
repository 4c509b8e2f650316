/// @brief Training and test accuracy against epoch, of one run and of several runs side by side.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "figure_layout.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/common.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

namespace {

/// Rows of an accuracy data set: the mean and the 95% confidence band clipped to [0, 1]
/// (an accuracy cannot leave it; with few repetitions the t interval is wide). Returns
/// the lowest value written.
double write_accuracy_rows(std::ostream& dat, const AccuracySummary& acc,
                           const std::vector<std::size_t>& drawn) {
  dat << "# epoch n train_mean train_low train_high test_mean test_low test_high "
         "(low/high: the 95% confidence interval of the mean, clipped to [0, 1])\n";
  double lowest = 1.0;
  auto cells = [&](const Moments& m) {
    const double half = std::isfinite(m.ci95) ? m.ci95 : 0.0;
    const double lo = std::clamp(m.mean - half, 0.0, 1.0), hi = std::clamp(m.mean + half, 0.0, 1.0);
    if (std::isfinite(m.mean)) lowest = std::min(lowest, lo);
    dat << ' ' << num(m.mean) << ' ' << num(std::isfinite(m.mean) ? lo : kMissing) << ' '
        << num(std::isfinite(m.mean) ? hi : kMissing);
  };
  std::size_t written = 0;
  for (const std::size_t e : drawn) {
    if (acc.train[e].n == 0 && acc.test[e].n == 0) continue;
    dat << acc.epochs[e] << ' ' << acc.train[e].n;
    cells(acc.train[e]);
    cells(acc.test[e]);
    dat << '\n';
    ++written;
  }
  if (written == 0) dat << "NaN 0 NaN NaN NaN NaN NaN NaN\n";
  return lowest;
}

std::string accuracy_plot(const std::string& file, const std::string& index) {
  return fmt::format(
      "plot '{2}'{3} using 1:4:5 with filledcurves lc rgb \"{0}\", \\\n"
      "     ''{3} using 1:3 with lines lw 1.4 lc rgb \"{0}\" title \"Training\", \\\n"
      "     ''{3} using 1:7:8 with filledcurves lc rgb \"{1}\", \\\n"
      "     ''{3} using 1:6 with lines lw 1.4 lc rgb \"{1}\" title \"Test\"\n",
      kTrainColor, kTestColor, file, index);
}

}  // namespace

FigureText accuracy_figure(const RunInfo& info, const RunSelection& selection,
                           const AccuracySummary& acc, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(acc.epochs, options, "accuracy");
  std::ostringstream dat;
  dat << "# accuracy.dat: accuracy of " << run_description(info) << " over "
      << selection.kept.size() << " repetitions\n";
  const double y_low = std::min(0.9, std::floor(write_accuracy_rows(dat, acc, drawn) * 20.0) / 20.0);
  const std::string title = figure_title(info, selection, "accuracy", options);
  Grid grid{400, title.empty() ? 290.0 : 306.0, 1, 1};
  grid.top = title.empty() ? 12 : 28;
  grid.right = 28;
  Script script("accuracy", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  const Box panel = grid.cell(0, 0);
  epoch_axis(gp, script.canvas, options, acc.epochs[drawn.front()], acc.epochs[drawn.back()], 4,
             info.prefit_epochs, &panel);
  set_box(gp, panel);
  gp << fmt::format("set ylabel \"Accuracy\"\nset yrange [{}:1]\n", num(std::max(0.0, y_low)))
     // the key keeps clear of the end-of-prefitting label at the foot of the panel
     << (prefit_shown(info.prefit_epochs, acc.epochs[drawn.front()], acc.epochs[drawn.back()])
             ? "set key top left"
             : "set key bottom right")
     << " samplen 1.5 opaque box lc rgb \"#cccccc\"\n"
     << "set style fill transparent solid 0.2 noborder\n"
     << accuracy_plot("accuracy.dat", "");
  FigureText f;
  f.canvas = script.canvas;
  f.name = "accuracy";
  f.data = dat.str();
  f.script = script.text("training and test accuracy of " + run_description(info));
  f.caption = fmt::format(
      "Training and test accuracy of {} against epoch: mean and 95% confidence interval of "
      "the mean (Student's t) over repetitions, {} ({}).\n",
      run_description(info), describe_selection(selection), epochs_sentence(acc.epochs, drawn));
  return f;
}

FigureText compare_accuracy_figure(std::span<const CompareAccuracyInput> panels,
                                   const PlotOptions& options) {
  IP_CHECK(!panels.empty(), "no panels to compare");
  std::ostringstream dat;
  dat << "# compare_accuracy.dat: accuracy of " << panels.size() << " runs over kept repetitions\n";
  double y_low = 1.0, e_first = 1e300, e_last = -1e300;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const AccuracySummary& acc = *panels[i].accuracy;
    const std::vector<std::size_t> drawn = require_drawn(acc.epochs, options, "accuracy of " + panels[i].title);
    e_first = std::min(e_first, static_cast<double>(acc.epochs[drawn.front()]));
    e_last = std::max(e_last, static_cast<double>(acc.epochs[drawn.back()]));
    dat << "# data set " << i << ": " << panels[i].title << "\n";
    y_low = std::min(y_low, write_accuracy_rows(dat, acc, drawn));
    dat << "\n\n";
  }
  y_low = std::clamp(std::floor(y_low * 20.0) / 20.0, 0.0, 0.9);
  const int n = static_cast<int>(panels.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  Grid grid{cols * 260.0 + 20, rows * 230.0 + 40, cols, rows};
  grid.top = 34;
  grid.vgap = 64;
  grid.bottom = 70;
  Script script("compare_accuracy", grid.width, grid.height);
  std::ostream& gp = script.body;
  axes_style(gp);
  epoch_axis(gp, script.canvas, options, e_first, e_last, 4);
  legend_row(gp, script.canvas, {{"Training", kTrainColor}, {"Test", kTestColor}});
  gp << fmt::format("set yrange [{}:1]\n", num(y_low))
     << "set style fill transparent solid 0.2 noborder\n";
  std::string caption = "Training and test accuracy side by side (shared axes): mean and 95% "
                        "confidence interval of the mean over repetitions:";
  for (int i = 0; i < n; ++i) {
    set_box(gp, grid.cell(i / cols, i % cols));
    const CompareAccuracyInput& in = panels[static_cast<std::size_t>(i)];
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n", gp_string(in.title), kFont)
       << (i % cols == 0 ? "set ylabel \"Accuracy\"\n" : "unset ylabel\n")
       << "unset key\n"
       << accuracy_plot("compare_accuracy.dat", fmt::format(" index {}", i))
       << "unset label\nunset arrow\nunset object\n";
    caption += fmt::format(" ({}) {}: {}, {};", i + 1, in.title, run_description(*in.info),
                           describe_selection(*in.selection));
  }
  caption.back() = '.';
  FigureText f;
  f.canvas = script.canvas;
  f.name = "compare_accuracy";
  f.data = dat.str();
  f.script = script.text("accuracy of several runs side by side");
  f.caption = caption + "\n";
  return f;
}

}  // namespace infoplane::report
