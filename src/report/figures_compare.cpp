/// @brief Estimators against the reference, MI against epoch per layer, with the compression phases each one detects.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "figure_labels.h"
#include "figure_layout.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/common.h"
#include "infoplane/report/compare.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

FigureText compare_figure(const RunInfo& info, const RunSelection& selection,
                          std::span<const MiSummary> summaries, std::span<const LayerError> rows,
                          const PlotOptions& options) {
  IP_CHECK(!summaries.empty(), "no estimators to compare");
  const MiSummary& ref = summaries.front();
  std::vector<int> layers;
  for (const int l : ref.layers)
    if (l != 0) layers.push_back(l);
  IP_CHECK(!layers.empty(), "no network layer to compare");

  std::ostringstream dat;
  dat << "# compare.dat: I(X;T) and I(T;Y) of " << run_description(info)
      << ", mean over " << selection.kept.size() << " repetitions, by estimator; bits\n";
  // data set (k * n_layers + j): estimator k (0 = reference), layer layers[j]
  std::vector<std::pair<double, double>> range(2 * layers.size(), {1e300, -1e300});
  double e_first = 1e300, e_last = -1e300;
  int index = 0;
  for (const MiSummary& s : summaries) {
    const std::vector<std::size_t> drawn = require_drawn(s.epochs, options, "compare of " + s.estimator);
    e_first = std::min(e_first, static_cast<double>(s.epochs[drawn.front()]));
    e_last = std::max(e_last, static_cast<double>(s.epochs[drawn.back()]));
    for (std::size_t j = 0; j < layers.size(); ++j) {
      dat << "# data set " << index++ << ": " << s.estimator << ", layer " << layers[j] << " ("
          << info.layer_label(layers[j]) << ")\n# epoch i_xt_mean i_ty_mean\n";
      const auto it = std::find(s.layers.begin(), s.layers.end(), layers[j]);
      std::size_t written = 0;
      if (it != s.layers.end()) {
        const std::size_t l = static_cast<std::size_t>(it - s.layers.begin());
        for (const std::size_t e : drawn) {
          const double x = s.i_xt[s.at(l, e)].mean, y = s.i_ty[s.at(l, e)].mean;
          if (!std::isfinite(x) && !std::isfinite(y)) continue;
          dat << s.epochs[e] << ' ' << num(x) << ' ' << num(y) << '\n';
          ++written;
          for (int row = 0; row < 2; ++row) {
            const double v = row == 0 ? x : y;
            auto& r = range[static_cast<std::size_t>(row) * layers.size() + j];
            if (std::isfinite(v)) r = {std::min(r.first, v), std::max(r.second, v)};
          }
        }
      }
      if (written == 0) dat << "NaN NaN NaN\n";
      dat << "\n\n";
    }
  }

  const int cols = static_cast<int>(layers.size());
  const std::string title =
      options.titles ? fmt::format("{} · estimators against {} · {} of {} repetitions", info.name,
                                   ref.estimator, selection.kept.size(), selection.n_total())
                     : std::string();
  Grid grid{cols * 178.0 + 30.0, title.empty() ? 396.0 : 412.0, cols, 2};
  grid.left = 64;
  grid.right = 14;
  grid.hgap = 48;
  grid.vgap = 44;
  grid.bottom = 70;
  grid.top = title.empty() ? 24 : 46;
  std::vector<std::string> colors;
  std::vector<LegendEntry> legend;
  for (std::size_t k = 0; k < summaries.size(); ++k) {
    colors.push_back(k == 0 ? std::string("#262626") : layer_color(k));
    legend.push_back({k == 0 ? summaries[k].estimator + " (reference)" : summaries[k].estimator,
                      colors.back()});
  }
  legend.push_back({"bar at the top: compression detected", "#808080", true});
  // many estimators: the legend takes several rows below the panels
  const double legend_extra = legend_room(legend, grid.width);
  grid.height += legend_extra;
  grid.bottom += legend_extra;

  // room above the curves for one bar per estimator on the I(X;T) panels
  const double bar_step = 0.035, headroom = 0.03 + bar_step * static_cast<double>(summaries.size());
  struct Axis {
    double lo, hi, step;
  };
  std::vector<Axis> axes;  // [row x column]
  std::size_t first_chars[2] = {0, 0};  // longest tick label of the first column, by row,
                                        // as gnuplot counts it
  double other_width = 0.0;     // widest tick label of the other columns, points
  for (int row = 0; row < 2; ++row)
    for (int j = 0; j < cols; ++j) {
      auto [lo, hi] = range[static_cast<std::size_t>(row) * layers.size() + static_cast<std::size_t>(j)];
      if (!(lo <= hi)) lo = 0.0, hi = 1.0;
      const double pad = std::max(0.06 * (hi - lo), 0.01);
      lo = std::max(0.0, lo - pad);
      hi += pad;
      if (row == 0) hi += (hi - lo) * headroom / (1.0 - headroom);
      const double step = tick_step(lo, hi, grid.panel_height(), false);
      axes.push_back({lo, hi, step});
      for (const std::string& t : tick_labels(lo, hi, step)) {
        if (j == 0) first_chars[row] = std::max(first_chars[row], t.size());
        else other_width = std::max(other_width, text_width(t, kFont));
      }
    }
  // Wide tick labels (an axis spanning a few hundredths of a bit) push gnuplot's axis
  // label to the left: keep it on the canvas, and the tick labels clear of the panel before.
  const double ylabel_half = 0.5 * kFont * kCairoFontScale;
  grid.left = std::max(grid.left, ylabel_offset(std::max(first_chars[0], first_chars[1])) +
                                      ylabel_half + 3.0);
  grid.hgap = std::max(grid.hgap, other_width + 16.0);

  Script script("compare", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  legend_row(gp, script.canvas, legend);
  const char* names[2] = {"(X;T)", "(T;Y)"};
  std::string marked;
  for (int row = 0; row < 2; ++row)
    for (int j = 0; j < cols; ++j) {
      const std::size_t ju = static_cast<std::size_t>(j);
      set_box(gp, grid.cell(row, j));
      if (row == 0 && j == 0)
        epoch_axis(gp, script.canvas, options, e_first, e_last, 2);
      gp << (row == 1 ? "set xlabel \"Epoch\"\nset format x \"%g\"\n" : "unset xlabel\nset format x \"\"\n");
      gp << (row == 0 ? fmt::format("set title {} noenhanced font \",{:g}\"\n",
                                    gp_string(info.layer_label(layers[ju])), kFont)
                      : std::string("unset title\n"));
      const Axis& axis = axes[static_cast<std::size_t>(row * cols + j)];
      if (j == 0)
        record_ylabel(script.canvas, fmt::format("I{} [bits]", names[row]), grid.cell(row, 0),
                      first_chars[row]);
      gp << fmt::format("set yrange [{}:{}]\nset ytics {}\n", num(axis.lo), num(axis.hi),
                        num(axis.step))
         << (j == 0 ? fmt::format("set ylabel \"{{/:Italic I}}{} [bits]\"\n", names[row])
                    : std::string("unset ylabel\n"));
      // detected compression phases: a bar over their epochs at the top of the panel
      int tag = 3000;
      if (row == 0)
        for (std::size_t k = 0; k < summaries.size(); ++k)
          for (const LayerError& r : rows) {
            if (r.layer != layers[ju]) continue;
            const bool is_ref = k == 0;
            if (!is_ref && r.estimator != summaries[k].estimator) continue;
            const PhaseResult& p = is_ref ? r.reference_compression : r.compression;
            if (!p.detected) continue;
            const double y = 1.0 - 0.03 - bar_step * (static_cast<double>(k) + 0.5);
            gp << fmt::format("set arrow {} from first {},graph {:.4f} to first {},graph {:.4f} "
                              "nohead front lw 3.2 lc rgb \"{}\"\n",
                              tag++, p.from_epoch, y, p.to_epoch, y, colors[k]);
            marked += fmt::format("{}{} in {} ({:.2f} bits)", marked.empty() ? "" : "; ",
                                  summaries[k].estimator, info.layer_label(layers[ju]), p.size);
            if (is_ref) break;
          }
      gp << "plot ";
      for (std::size_t k = summaries.size(); k-- > 0;)  // the reference last, on top
        gp << (k + 1 < summaries.size() ? ", \\\n     " : "")
           << fmt::format("'compare.dat' index {} using 1:{} with lines lw {} lc rgb \"{}\"",
                          k * layers.size() + ju, row == 0 ? 2 : 3, k == 0 ? 2.0 : 1.3, colors[k]);
      gp << "\nunset arrow\n";
      // the title and the legend are drawn once, with the first panel
      if (row == 0 && j == 0) gp << "unset label\nunset object\n";
    }

  FigureText f;
  f.canvas = script.canvas;
  f.name = "compare";
  f.data = dat.str();
  f.script = script.text("estimators against " + ref.estimator + ", " + run_description(info));
  std::string est_list;
  for (std::size_t k = 1; k < summaries.size(); ++k)
    est_list += (k > 1 ? ", " : "") + summaries[k].estimator;
  f.caption = fmt::format(
      "I(X;T) (top) and I(T;Y) (bottom) in bits against epoch for every layer of {}, one column "
      "per layer: the mean over repetitions of {} (thick dark line) and of {}; {}. Bars at the "
      "top of the I(X;T) panels, in the estimator's colour, mark the detected compression "
      "phases, from the peak of I(X;T) to its lowest point after it (docs/phases.md){}.\n",
      run_description(info), ref.estimator, est_list, describe_selection(selection),
      marked.empty() ? ": none" : ": " + marked);
  return f;
}

}  // namespace infoplane::report
