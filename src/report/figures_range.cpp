/// @brief The activation range of every layer against epoch.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "figure_layout.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

FigureText range_figure(const RunInfo& info, const RunSelection& selection,
                        const RangeSummary& ranges, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(ranges.epochs, options, "range");
  std::ostringstream dat;
  dat << "# range.dat: activation range per layer of " << run_description(info) << " over "
      << selection.kept.size() << " repetitions\n";
  for (std::size_t l = 0; l < ranges.layers.size(); ++l) {
    dat << "# data set " << l << ": layer " << ranges.layers[l] << " ("
        << info.layer_label(ranges.layers[l]) << ")\n"
        << "# epoch min_mean max_mean min_lowest max_highest\n";
    std::size_t written = 0;
    for (const std::size_t e : drawn) {
      const std::size_t at = ranges.at(l, e);
      if (ranges.min[at].n == 0) continue;
      dat << ranges.epochs[e] << ' ' << num(ranges.min[at].mean) << ' '
          << num(ranges.max[at].mean) << ' ' << num(ranges.lowest[at]) << ' '
          << num(ranges.highest[at]) << '\n';
      ++written;
    }
    if (written == 0) dat << "NaN NaN NaN NaN NaN\n";
    dat << "\n\n";
  }
  double y_lo = 1e300, y_hi = -1e300;
  for (std::size_t l = 0; l < ranges.layers.size(); ++l)
    for (const std::size_t e : drawn) {
      const std::size_t at = ranges.at(l, e);
      if (std::isfinite(ranges.lowest[at])) y_lo = std::min(y_lo, ranges.lowest[at]);
      if (std::isfinite(ranges.highest[at])) y_hi = std::max(y_hi, ranges.highest[at]);
    }
  const int n = std::max<int>(1, static_cast<int>(ranges.layers.size()));
  const int cols = std::min(n, 3), rows = (n + cols - 1) / cols;
  const std::string title = figure_title(info, selection, "activation range", options);
  Grid grid{cols * 220.0 + 60, rows * 180.0 + 76 + (title.empty() ? 0 : 16), cols, rows};
  grid.top = title.empty() ? 26 : 42;
  grid.bottom = 70;
  grid.vgap = 44;
  grid.hgap = 34;
  Script script("range", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  const Box first_panel = grid.cell(0, 0);  // the prefitting marker is drawn on it alone
  epoch_axis(gp, script.canvas, options, ranges.epochs[drawn.front()], ranges.epochs[drawn.back()],
             4, info.prefit_epochs, &first_panel);
  legend_row(gp, script.canvas,
             {{"mean minimum and maximum", "#404040", false},
              {"smallest minimum to largest maximum", "#808080", true}});
  gp << "set style fill transparent solid 0.15 noborder\n";
  if (!(y_hi >= y_lo)) y_lo = -1.0, y_hi = 1.0;                   // no values at all
  if (y_hi - y_lo < 1e-9) y_lo -= 0.5, y_hi += 0.5;                 // a constant range
  {
    const double step = nice_step((y_hi - y_lo) / 4);
    const double lo = std::floor(y_lo / step) * step, hi = std::ceil(y_hi / step) * step;
    gp << fmt::format("set yrange [{}:{}]\nset ytics {}\n", num(lo), num(hi), num(step));
  }
  for (int i = 0; i < static_cast<int>(ranges.layers.size()); ++i) {
    const std::size_t l = static_cast<std::size_t>(i);
    const int row = i / cols, col = i % cols;
    set_box(gp, grid.cell(row, col));
    const LayerInfo* layer = info.layer(ranges.layers[l]);
    std::string name = info.layer_label(ranges.layers[l]);
    if (layer != nullptr && !layer->activation.empty()) name += " (" + layer->activation + ")";
    const std::string color = layer_color(std::min<std::size_t>(l + 1, 100));
    const bool bottom_row = i + cols >= n;
    gp << fmt::format("set title {} noenhanced offset 0,-0.7\n", gp_string(name))
       << (col == 0 ? "set ylabel \"Activation\"\nset format y \"%g\"\n"
                    : "unset ylabel\nset format y \"\"\n")
       << (bottom_row ? "set xlabel \"Epoch\"\nset format x \"%g\"\n"
                      : "unset xlabel\nset format x \"\"\n")
       << fmt::format("plot 'range.dat' index {0} using 1:4:5 with filledcurves lc rgb \"{1}\", \\\n"
                      "     '' index {0} using 1:2 with lines lw 1.2 lc rgb \"{1}\", \\\n"
                      "     '' index {0} using 1:3 with lines lw 1.2 lc rgb \"{1}\"\n",
                      l, color)
       << "unset label\nunset arrow\nunset object\n";
  }
  FigureText f;
  f.canvas = script.canvas;
  f.name = "range";
  f.data = dat.str();
  f.script = script.text("activation range per layer of " + run_description(info));
  f.caption = fmt::format(
      "Activation range of every layer of {} against epoch: the mean over repetitions of the "
      "layer's minimum and maximum activation (lines), and the band between the "
      "smallest minimum and the largest maximum over repetitions; {} ({}).\n",
      run_description(info), describe_selection(selection), epochs_sentence(ranges.epochs, drawn));
  return f;
}

}  // namespace infoplane::report
