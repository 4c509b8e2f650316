/// @brief Writing a figure's gnuplot script: the per-format wrapper, axes, colour bar,
/// epoch axis and the legend row drawn by hand.
#pragma once

#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "figure_layout.h"
#include "infoplane/report/plot.h"

namespace infoplane::report::detail {

/// A number as the scripts and data files write it: 7 significant digits, "NaN" if NaN.
std::string num(double v);

/// Accumulates a figure's script; text() wraps it in the per-format loop.
class Script {
 public:
  Script(std::string name, double width, double height) :
      m_name(std::move(name)), m_width(width), m_height(height) {}

  std::ostringstream body;

  std::string text(const std::string& description) const;

 private:
  std::string m_name;
  double m_width, m_height;
};

/// The margins of the next plot at the box's edges.
void set_box(std::ostream& gp, const Box& box);

/// Border, ticks and grid of every panel.
void axes_style(std::ostream& gp);

/// The figure's title centred at the top of a canvas of width x height points (label 1000).
void title_line(std::ostream& gp, const std::string& title, double width, double height);

/// The epoch colour bar's palette.
void palette(std::ostream& gp);

/// The colour bar's range: the first and last drawn epochs.
struct EpochScale {
  double first = 1, last = 1;
  bool log = false;
  double position(double epoch) const {
    if (last <= first) return 1.0;
    if (log) {
      const double a = std::log(std::max(first, 1.0)), b = std::log(std::max(last, 1.0));
      return b > a ? std::clamp((std::log(std::max(epoch, 1.0)) - a) / (b - a), 0.0, 1.0) : 1.0;
    }
    return std::clamp((epoch - first) / (last - first), 0.0, 1.0);
  }
  void write(std::ostream& gp) const {
    double lo = first, hi = last;
    if (log) lo = std::max(lo, 1.0);
    if (hi <= lo) {
      lo = std::max(log ? 1.0 : 0.0, lo - 1.0);
      hi = lo + 2.0;
    }
    gp << (log ? "set logscale cb\n" : "unset logscale cb\n")
       << fmt::format("set cbrange [{}:{}]\n", num(lo), num(hi));
  }
};

/// The colour bar, `width_pt` wide, right of `panel` on a canvas `canvas_width` points wide.
void colorbox(std::ostream& gp, const Box& panel, double width_pt, double canvas_width);

/// With `prefit_epochs` in the drawn epochs [first, last] (random-label prefitting): a
/// dashed line at the end of prefitting, labelled at its foot (arrow and label tag 1990).
void prefit_marker(std::ostream& gp, int prefit_epochs, double first, double last);

/// The epoch (x) axis over the drawn epochs [first, last], with the prefitting marker.
void epoch_axis(std::ostream& gp, const PlotOptions& options, double first, double last,
                int target_ticks = 5, int prefit_epochs = 0);

/// One entry of a legend drawn by hand (gnuplot's own key cannot span several panels).
struct LegendEntry {
  std::string text;
  std::string color;
  bool box = false;  // a filled box (a band) instead of a line
};

/// A one-row legend centred at the bottom of the canvas; uses label and object tags from
/// 2000 on, which plain `unset label` / `unset object` / `unset arrow` remove.
void legend_row(std::ostream& gp, const std::vector<LegendEntry>& entries, double width,
                double height);

}  // namespace infoplane::report::detail
