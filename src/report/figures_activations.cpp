/// @brief The stored values of a layer as a scatter coloured by class, one panel per epoch.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "figure_labels.h"
#include "figure_layout.h"
#include "figure_script.h"
#include "figure_style.h"
#include "figure_text.h"
#include "infoplane/common.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

using namespace detail;

FigureText activations2d_figure(const RunInfo& info, const ActivationSnapshot& snap,
                                const PlotOptions& options) {
  // Ten distinct class colours (the Tableau 10 palette), repeated beyond ten classes.
  constexpr std::array<const char*, 10> kClassColors = {
      "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  IP_CHECK(!snap.epochs.empty() && snap.points.size() == snap.epochs.size());
  IP_CHECK(snap.width >= 2);
  std::uint32_t n_classes = 1;
  for (const auto& epoch : snap.points)
    for (const ActivationSnapshot::Point& p : epoch) n_classes = std::max(n_classes, p.label + 1);
  const std::string layer_name = info.layer_label(snap.layer);
  const std::string units = snap.width == 2
                                ? std::string("its two units")
                                : fmt::format("the first two of its {} units", snap.width);

  std::ostringstream dat;
  dat << "# activations2d.dat: layer " << snap.layer << " (" << layer_name << ") of "
      << run_description(info) << ", repetition " << snap.repetition << ", " << units << "\n"
      << "# data set e*" << n_classes << "+c: epoch number e (in the order below), class c\n"
      << "# v0 v1 (values before quantization)\n";
  for (std::size_t e = 0; e < snap.epochs.size(); ++e) {
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      dat << "# epoch " << snap.epochs[e] << ", class " << c << "\n";
      std::size_t written = 0;
      for (const ActivationSnapshot::Point& p : snap.points[e]) {
        if (p.label != c) continue;
        dat << num(p.v0) << ' ' << num(p.v1) << '\n';
        ++written;
      }
      if (written == 0) dat << "NaN NaN\n";
      dat << "\n\n";
    }
  }

  const int n = static_cast<int>(snap.epochs.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  const std::string title =
      options.titles ? fmt::format("{} · layer {} ({}) values{} · repetition {}", info.name, snap.layer,
                                   layer_name,
                                   snap.width == 2 ? std::string()
                                                   : fmt::format(", units 1–2 of {}", snap.width),
                                   snap.repetition)
                     : std::string();
  Grid grid{cols * 210.0 + 70, rows * 200.0 + 76 + (title.empty() ? 0 : 16), cols, rows};
  grid.top = title.empty() ? 26 : 42;
  grid.bottom = 70;
  grid.left = 74;
  grid.vgap = 50;
  grid.hgap = 48;
  Script script("activations2d", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, script.canvas, title);
  axes_style(gp);
  gp << "colors = \"";
  for (std::uint32_t c = 0; c < n_classes; ++c) gp << (c ? " " : "") << kClassColors[c % kClassColors.size()];
  gp << "\"\n"
     << fmt::format("K = {}  # classes\n", n_classes)
     << "set offsets graph 0.04, graph 0.04, graph 0.04, graph 0.04\n"
     << "set xtics autofreq\nset ytics autofreq\nset format x \"%g\"\nset format y \"%g\"\n";
  // The class legend: a coloured marker and the class, in one row at the bottom.
  {
    const double marker = 10.0, gap = 3.0, spacing = 12.0;
    const std::string lead = "Class";
    std::vector<double> widths;
    double total = text_width(lead, kFont) + spacing;
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      widths.push_back(marker + gap + text_width(std::to_string(c), kFont));
      total += widths.back() + (c + 1 < n_classes ? spacing : 0.0);
    }
    double x = (grid.width - total) / 2.0;
    const double y = 12.0 / grid.height;
    int tag = 2000;
    gp << fmt::format("set label {} \"{}\" at screen {:.4f},{:.4f} left front\n", tag++, lead,
                      x / grid.width, y);
    script.canvas.items.push_back(
        {CanvasItem::Kind::legend, lead, text_extent(lead, kFont, x, y * grid.height, "left")});
    x += text_width(lead, kFont) + spacing;
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      gp << fmt::format("set label {} \"\" at screen {:.4f},{:.4f} point pt 7 ps 0.9*S lc rgb \"{}\" front\n",
                        tag, (x + marker / 2.0) / grid.width, y, kClassColors[c % kClassColors.size()])
         << fmt::format("set label {} \"{}\" at screen {:.4f},{:.4f} left front\n", tag + 1, c,
                        (x + marker + gap) / grid.width, y);
      CanvasRect extent =
          text_extent(std::to_string(c), kFont, x + marker + gap, y * grid.height, "left");
      extent.left = x;
      script.canvas.items.push_back({CanvasItem::Kind::legend, std::to_string(c), extent});
      tag += 2;
      x += widths[c] + spacing;
    }
  }
  // Small markers for large data sets, so that the classes stay visible where they overlap.
  std::size_t n_points = 0;
  for (const auto& epoch : snap.points) n_points = std::max(n_points, epoch.size());
  const double size = n_points > 20000 ? 0.12 : n_points > 2000 ? 0.22 : 0.4;
  for (int i = 0; i < n; ++i) {
    const int row = i / cols, col = i % cols;
    set_box(gp, grid.cell(row, col));
    // About four ticks per axis, whatever the panel's range.
    float x_lo = 0.0f, x_hi = 0.0f, y_lo = 0.0f, y_hi = 0.0f;
    bool first = true;
    for (const ActivationSnapshot::Point& p : snap.points[static_cast<std::size_t>(i)]) {
      if (!std::isfinite(p.v0) || !std::isfinite(p.v1)) continue;
      x_lo = first ? p.v0 : std::min(x_lo, p.v0), x_hi = first ? p.v0 : std::max(x_hi, p.v0);
      y_lo = first ? p.v1 : std::min(y_lo, p.v1), y_hi = first ? p.v1 : std::max(y_hi, p.v1);
      first = false;
    }
    const double x_step = nice_step(std::max(1e-6, static_cast<double>(x_hi - x_lo)) / 4);
    const double y_step = nice_step(std::max(1e-6, static_cast<double>(y_hi - y_lo)) / 4);
    gp << fmt::format("set xtics {}\nset ytics {}\n", num(x_step), num(y_step));
    gp << fmt::format("set title \"Epoch {}\" offset 0,-0.7\n", snap.epochs[static_cast<std::size_t>(i)])
       << (col == 0 ? "set ylabel \"Unit 2\"\n" : "unset ylabel\n")
       << "set xlabel \"Unit 1\"\n"
       << fmt::format("plot for [c=0:K-1] 'activations2d.dat' index {}*K+c using 1:2 with points "
                      "pt 7 ps {:g}*S lc rgb word(colors, c+1)\n",
                      i, size);
    if (i == 0) gp << "unset label\n";  // the legend is drawn once
  }
  FigureText f;
  f.canvas = script.canvas;
  f.name = "activations2d";
  f.data = dat.str();
  f.script = script.text(fmt::format("layer {} values of repetition {} of {}", snap.layer, snap.repetition,
                                     run_description(info)));
  std::string epochs;
  for (std::size_t e = 0; e < snap.epochs.size(); ++e)
    epochs += (e == 0 ? "" : e + 1 == snap.epochs.size() ? " and " : ", ") + std::to_string(snap.epochs[e]);
  f.caption = fmt::format(
      "Values of layer {} ({}) of {}, repetition {}, before quantization: every sample as a point "
      "at ({}), coloured by its class ({} classes), one panel per stored epoch ({}).{}\n",
      snap.layer, layer_name, run_description(info), snap.repetition,
      snap.width == 2 ? "unit 1, unit 2" : "unit 1, unit 2 of the layer", n_classes, epochs,
      snap.width == 2 ? std::string()
                      : fmt::format(" The layer has {} units; only the first two are drawn.", snap.width));
  return f;
}

}  // namespace infoplane::report
