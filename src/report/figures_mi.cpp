/// @brief MI against epoch (mean and band per layer, with one repetition's plane) and its spread between repetitions.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "figure_layout.h"
#include "figure_plane.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

namespace {

/// The legend of the layers' colours, drawn at the bottom of the canvas.
std::vector<LegendEntry> layer_legend(const RunInfo& info, const MiSummary& mi) {
  std::vector<LegendEntry> legend;
  for (std::size_t l = 0; l < mi.layers.size(); ++l) legend.push_back({info.layer_label(mi.layers[l]), layer_color(l)});
  return legend;
}

/// Mean +- band lines per layer, for the MI and variance figures: writes one data set
/// per layer with columns epoch, then the given moments' mean and std.
void write_layer_curves(std::ostream& dat, const MiSummary& mi,
                        const std::vector<std::size_t>& drawn, const RunInfo& info, int& index) {
  for (std::size_t l = 0; l < mi.layers.size(); ++l) {
    dat << "# data set " << index++ << ": layer " << mi.layers[l] << " ("
        << info.layer_label(mi.layers[l]) << ")\n"
        << "# epoch n i_xt_mean i_xt_std i_ty_mean i_ty_std\n";
    std::size_t written = 0;
    for (const std::size_t e : drawn) {
      const Moments& x = mi.i_xt[mi.at(l, e)];
      const Moments& y = mi.i_ty[mi.at(l, e)];
      if (x.n == 0) continue;
      dat << mi.epochs[e] << ' ' << x.n << ' ' << num(x.mean) << ' ' << num(x.std) << ' '
          << num(y.mean) << ' ' << num(y.std) << '\n';
      ++written;
    }
    if (written == 0) dat << "NaN 0 NaN NaN NaN NaN\n";
    dat << "\n\n";
  }
}

}  // namespace

FigureText mi_figure(const RunInfo& info, const RunSelection& selection, const MiSummary& mi,
                     const MiSeries& series, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "mi");
  std::ostringstream dat;
  dat << "# mi.dat: I(X;T) and I(T;Y) of " << run_description(info) << ", estimator "
      << mi.estimator << ", over " << selection.kept.size() << " repetitions; bits\n";
  int index = 0;
  write_layer_curves(dat, mi, drawn, info, index);
  std::size_t rep = series.repetitions.size();
  for (std::size_t r = 0; r < series.repetitions.size(); ++r)
    if (series.repetitions[r] == mi.median_repetition) rep = r;
  int rep_set = -1;
  PlaneData p;
  if (rep < series.repetitions.size()) {
    p = plane_from_repetition(info, series, rep, drawn);
    rep_set = index;
  }
  EpochScale scale{static_cast<double>(mi.epochs[drawn.front()]),
                   static_cast<double>(mi.epochs[drawn.back()]), options.log_epochs};
  if (rep_set >= 0)
    write_plane_data(dat, p, scale, index,
                     fmt::format("repetition {} (median deviation from the mean)", mi.median_repetition));

  const std::string title = figure_title(info, selection, mi.estimator + " MI", options);
  Grid grid{900, title.empty() ? 314.0 : 330.0, 3, 1};
  grid.right = 86;
  grid.hgap = 78;
  grid.bottom = 70;
  grid.top = title.empty() ? 22 : 38;
  const std::vector<LegendEntry> legend = layer_legend(info, mi);
  const double legend_extra = legend_room(legend, grid.width);  // a legend of several rows
  grid.height += legend_extra;
  grid.bottom += legend_extra;
  Script script("mi", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  const Box first_panel = grid.cell(0, 0), second_panel = grid.cell(0, 1);
  epoch_axis(gp, script.canvas, options, mi.epochs[drawn.front()], mi.epochs[drawn.back()], 5,
             info.prefit_epochs, &first_panel);
  legend_row(gp, script.canvas, legend);
  gp << "set style fill transparent solid 0.18 noborder\n"
     << "unset colorbox\n";
  const char* names[2] = {"(X;T)", "(T;Y)"};
  for (int panel = 0; panel < 2; ++panel) {
    set_box(gp, grid.cell(0, panel));
    double top = 0.0;
    for (const std::vector<Moments>* m : {panel == 0 ? &mi.i_xt : &mi.i_ty})
      for (const Moments& v : *m)
        if (std::isfinite(v.mean)) top = std::max(top, v.mean + (std::isfinite(v.std) ? v.std : 0.0));
    top = axis_top(panel == 0 ? info.h_x : info.h_y, top);
    gp << fmt::format("set ylabel \"{{/:Italic I}}{} [bits]\"\n", names[panel])
       << fmt::format("set yrange [0:{}]\nset ytics {}\n", num(top),
                      num(tick_step(0.0, top, grid.panel_height(), false)));
    if (panel == 1) {
      gp << "unset label\nunset arrow\nunset object\n";
      prefit_marker(gp, script.canvas, &second_panel,
                    epoch_axis_range(options, mi.epochs[drawn.front()], mi.epochs[drawn.back()]),
                    info.prefit_epochs, mi.epochs[drawn.front()], mi.epochs[drawn.back()]);
    }
    const int mean_col = panel == 0 ? 3 : 5;
    gp << "plot ";
    for (std::size_t l = 0; l < mi.layers.size(); ++l) {
      const std::string color = layer_color(l);
      gp << (l ? ", \\\n     " : "")
         << fmt::format("'mi.dat' index {} using 1:(${}-${}):(${}+${}) with filledcurves "
                        "lc rgb \"{}\", \\\n     '' index {} using 1:{} with lines lw 1.2 "
                        "lc rgb \"{}\"",
                        l, mean_col, mean_col + 1, mean_col, mean_col + 1, color, l, mean_col,
                        color);
    }
    gp << "\n";
  }
  gp << "unset label\nunset arrow\nunset object\nunset logscale x\nset xtics autofreq\n"
     << "set xrange [*:*]\nset style fill solid 1.0\n";
  if (rep_set >= 0) {
    const Box right = grid.cell(0, 2);
    palette(gp);
    scale.write(gp);
    colorbox(gp, right, 9, grid.width);
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n",
                      gp_string(fmt::format("repetition {} (median deviation)", mi.median_repetition)),
                      kFont);
    plane_panel(gp, script.canvas, "mi.dat", rep_set, right, grid.panel_width(), grid.panel_height(), 0.0,
                axis_top(info.h_x, p.max_x), 0.0, axis_top(info.h_y, p.max_y), p, true);
    gp << "unset title\n";
  }

  FigureText f;
  f.canvas = script.canvas;
  f.name = "mi";
  f.data = dat.str();
  f.script = script.text("I(X;T) and I(T;Y) against epoch of " + run_description(info));
  f.caption = fmt::format(
      "I(X;T) (left) and I(T;Y) (centre) of every layer of {} against epoch, estimator {}: "
      "mean with a band of one standard deviation over repetitions, {} ({}). Right: the "
      "information plane of repetition {}, the median-deviating repetition ranked by the L2 "
      "distance of its (I(X;T), I(T;Y)) over all layers and epochs from the mean.\n",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn), mi.median_repetition);
  return f;
}

FigureText variance_figure(const RunInfo& info, const RunSelection& selection,
                           const MiSummary& mi, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "variance");
  std::ostringstream dat;
  dat << "# variance.dat: spread of I(X;T) and I(T;Y) over " << selection.kept.size()
      << " repetitions of " << run_description(info) << ", estimator " << mi.estimator
      << "; bits\n";
  int index = 0;
  write_layer_curves(dat, mi, drawn, info, index);
  const std::string title = figure_title(info, selection, mi.estimator + " MI spread", options);
  Grid grid{640, title.empty() ? 314.0 : 330.0, 2, 1};
  grid.bottom = 70;
  grid.hgap = 84;
  grid.top = title.empty() ? 12 : 28;
  const std::vector<LegendEntry> legend = layer_legend(info, mi);
  const double legend_extra = legend_room(legend, grid.width);  // a legend of several rows
  grid.height += legend_extra;
  grid.bottom += legend_extra;
  Script script("variance", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  const Box first_panel = grid.cell(0, 0);
  epoch_axis(gp, script.canvas, options, mi.epochs[drawn.front()], mi.epochs[drawn.back()], 5,
             info.prefit_epochs, &first_panel);
  legend_row(gp, script.canvas, legend);
  const char* names[2] = {"(X;T)", "(T;Y)"};
  for (int panel = 0; panel < 2; ++panel) {
    set_box(gp, grid.cell(0, panel));
    double top = 0.0;
    for (std::size_t l = 0; l < mi.layers.size(); ++l)
      for (const std::size_t e : drawn) {
        const Moments& m = panel == 0 ? mi.i_xt[mi.at(l, e)] : mi.i_ty[mi.at(l, e)];
        if (std::isfinite(m.std)) top = std::max(top, m.std);
      }
    top = top > 0.0 ? top * 1.05 : 1.0;  // a single repetition has no spread to show
    gp << fmt::format("set ylabel \"std of {{/:Italic I}}{} [bits]\"\nset yrange [0:{}]\n",
                      names[panel], num(top));
    if (panel == 1) gp << "unset label\nunset arrow\nunset object\n";
    gp << "plot ";
    for (std::size_t l = 0; l < mi.layers.size(); ++l)
      gp << (l ? ", \\\n     " : "")
         << fmt::format("'variance.dat' index {} using 1:{} with lines lw 1.2 lc rgb \"{}\"",
                        l, panel == 0 ? 4 : 6, layer_color(l));
    gp << "\n";
  }
  FigureText f;
  f.canvas = script.canvas;
  f.name = "variance";
  f.data = dat.str();
  f.script = script.text("spread between repetitions of " + run_description(info));
  f.caption = fmt::format(
      "Standard deviation over repetitions of I(X;T) (left) and I(T;Y) (right) of every layer "
      "of {}, estimator {}, against epoch; {} ({}).\n",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn));
  return f;
}

}  // namespace infoplane::report
