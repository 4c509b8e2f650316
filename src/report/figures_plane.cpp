/// @brief The information plane of a run, and the planes of several runs side by side.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "figure_layout.h"
#include "figure_plane.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/common.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

FigureText plane_figure(const RunInfo& info, const RunSelection& selection, const MiSummary& mi,
                        const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "plane");
  const PlaneData p = plane_from_summary(info, mi, drawn);
  const double x_top = axis_top(info.h_x, p.max_x), y_top = axis_top(info.h_y, p.max_y);
  const std::vector<LabelAnchor> finals = final_points(p);
  std::optional<ZoomBox> zoom;
  if (options.zoom) zoom = options.zoom_box ? options.zoom_box : auto_zoom(finals, x_top, y_top);

  EpochScale scale{static_cast<double>(p.epochs.front()), static_cast<double>(p.epochs.back()),
                   options.log_epochs};
  std::ostringstream dat;
  dat << "# plane.dat: information plane of " << run_description(info) << ", estimator "
      << mi.estimator << ", mean over " << selection.kept.size() << " repetitions; bits\n";
  int index = 0;
  const int set = write_plane_data(dat, p, scale, index, "mean over repetitions");

  const std::string title = figure_title(info, selection, mi.estimator + " MI", options);
  const double height = title.empty() ? 300.0 : 316.0;
  Grid grid{zoom ? 640.0 : 340.0, height, zoom ? 2 : 1, 1};
  grid.right = 86;
  grid.top = title.empty() ? 12 : 28;
  Script script("plane", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  palette(gp);
  scale.write(gp);
  const Box main = grid.cell(0, 0);
  if (zoom) {
    gp << "unset colorbox\n";
    gp << fmt::format("set object 1 rectangle from {},{} to {},{} front fillstyle empty "
                      "border lc rgb \"#404040\" dt 2 lw 0.8\n",
                      num(zoom->x_min), num(zoom->y_min), num(zoom->x_max), num(zoom->y_max));
  } else {
    colorbox(gp, main, 9, grid.width);
  }
  plane_panel(gp, script.canvas, "plane.dat", set, main, grid.panel_width(), grid.panel_height(), 0.0, x_top,
              0.0, y_top, p, true);
  gp << "unset label 1000\n";
  if (zoom) {
    const Box right = grid.cell(0, 1);
    colorbox(gp, right, 9, grid.width);
    plane_panel(gp, script.canvas, "plane.dat", set, right, grid.panel_width(), grid.panel_height(),
                zoom->x_min, zoom->x_max, zoom->y_min, zoom->y_max, p, false);
  }

  FigureText f;
  f.canvas = script.canvas;
  f.name = "plane";
  f.data = dat.str();
  f.script = script.text("information plane of " + run_description(info));
  std::string caption = fmt::format(
      "Information plane of {}, estimator {}: I(X;T) against I(T;Y) in bits for every layer "
      "(X: the input, Ŷ: the output), {}, coloured by epoch ({}). The points of one epoch "
      "are joined by a faint line.",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn));
  if (zoom)
    caption += fmt::format(" Right: the area I(X;T) in [{:.3g}, {:.3g}], I(T;Y) in [{:.3g}, {:.3g}] "
                           "(dashed box on the left).",
                           zoom->x_min, zoom->x_max, zoom->y_min, zoom->y_max);
  f.caption = caption + "\n";
  return f;
}

FigureText compare_plane_figure(std::span<const ComparePlaneInput> panels,
                                const PlotOptions& options) {
  IP_CHECK(!panels.empty(), "no panels to compare");
  std::vector<PlaneData> planes;
  std::vector<std::vector<std::size_t>> drawn_all;
  double x_top = 0, y_top = 0, e_first = 1e300, e_last = -1e300;
  for (const ComparePlaneInput& in : panels) {
    drawn_all.push_back(require_drawn(in.mi->epochs, options, "plane of " + in.title));
    planes.push_back(plane_from_summary(*in.info, *in.mi, drawn_all.back()));
    const PlaneData& p = planes.back();
    x_top = std::max(x_top, axis_top(in.info->h_x, p.max_x));
    y_top = std::max(y_top, axis_top(in.info->h_y, p.max_y));
    e_first = std::min(e_first, static_cast<double>(p.epochs.front()));
    e_last = std::max(e_last, static_cast<double>(p.epochs.back()));
  }
  const EpochScale scale{e_first, e_last, options.log_epochs};
  std::ostringstream dat;
  dat << "# compare_plane.dat: information planes of " << panels.size() << " runs, mean over "
         "kept repetitions; bits\n";
  int index = 0;
  std::vector<int> sets;
  for (std::size_t i = 0; i < panels.size(); ++i)
    sets.push_back(write_plane_data(dat, planes[i], scale, index, panels[i].title));

  const int n = static_cast<int>(panels.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  Grid grid{cols * 270.0 + 86, rows * 262.0 + 20, cols, rows};
  grid.right = 86;
  grid.top = 34;
  grid.vgap = 64;
  Script script("compare_plane", grid.width, grid.height);
  std::ostream& gp = script.body;
  axes_style(gp);
  palette(gp);
  scale.write(gp);
  std::string caption = fmt::format(
      "Information planes side by side (shared axes and colour scale), I(X;T) against I(T;Y) "
      "in bits, mean over repetitions, coloured by epoch:");
  for (int i = 0; i < n; ++i) {
    const Box box = grid.cell(i / cols, i % cols);
    if (i == cols - 1) {
      const Box bottom = grid.cell(rows - 1, cols - 1);
      colorbox(gp, Box{box.l, box.r, bottom.b, box.t}, 9, grid.width);
    } else if (i == 0) {
      gp << "unset colorbox\n";
    }
    if (i == cols) gp << "unset colorbox\n";
    const ComparePlaneInput& in = panels[static_cast<std::size_t>(i)];
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n", gp_string(in.title), kFont);
    plane_panel(gp, script.canvas, "compare_plane.dat", sets[static_cast<std::size_t>(i)], box,
                grid.panel_width(), grid.panel_height(), 0.0, x_top, 0.0, y_top,
                planes[static_cast<std::size_t>(i)], i % cols == 0);
    caption += fmt::format(" ({}) {}: {}, {}, {};", i + 1, in.title,
                           run_description(*in.info), in.mi->estimator,
                           describe_selection(*in.selection));
  }
  caption.back() = '.';
  FigureText f;
  f.canvas = script.canvas;
  f.name = "compare_plane";
  f.data = dat.str();
  f.script = script.text("information planes of several runs side by side");
  f.caption = caption + "\n";
  return f;
}

}  // namespace infoplane::report
