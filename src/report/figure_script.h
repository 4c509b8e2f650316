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
#include "infoplane/report/canvas.h"
#include "infoplane/report/plot.h"

namespace infoplane::report::detail {

/// A number as the scripts and data files write it: 7 significant digits, "NaN" if NaN.
std::string num(double v);

/// Accumulates a figure's script; text() wraps it in the per-format loop. `canvas` collects
/// what the helpers below place on the canvas.
class Script {
 public:
  Script(std::string name, double width, double height) :
      canvas{width, height, {}}, m_name(std::move(name)), m_width(width), m_height(height) {}

  std::ostringstream body;
  CanvasLayout canvas;

  std::string text(const std::string& description) const;

 private:
  std::string m_name;
  double m_width, m_height;
};

/// The margins of the next plot at the box's edges.
void set_box(std::ostream& gp, const Box& box);

/// Border, ticks and grid of every panel.
void axes_style(std::ostream& gp);

/// The figure's title centred at the top of the canvas (label 1000).
void title_line(std::ostream& gp, CanvasLayout& canvas, const std::string& title);

/// Records the label `text` of the y axis of `panel`, which gnuplot draws rotated, centred
/// on the panel, left of tick labels up to `n_chars` long (see ylabel_offset).
void record_ylabel(CanvasLayout& canvas, const std::string& text, const Box& panel,
                   std::size_t n_chars);

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

/// The range an epoch axis over the drawn epochs [first, last] shows.
struct EpochAxis {
  double lo = 0, hi = 1;
  bool log = false;
  /// Where `epoch` lies on the axis, 0 at lo and 1 at hi.
  double position(double epoch) const;
};
EpochAxis epoch_axis_range(const PlotOptions& options, double first, double last);

/// Whether the end of prefitting, `prefit_epochs`, lies inside the drawn epochs [first, last).
bool prefit_shown(int prefit_epochs, double first, double last);

/// With `prefit_epochs` in the drawn epochs [first, last] (random-label prefitting): a
/// dashed line at the end of prefitting, labelled at its foot (arrow and label tag 1990),
/// right of the line, or left of it where `panel` ends too soon for the label.
/// gnuplot draws it on every panel plotted until the next `unset arrow` and `unset label`;
/// `panel` (on the epoch axis `axis`), if given, is the one whose label `canvas` records.
void prefit_marker(std::ostream& gp, CanvasLayout& canvas, const Box* panel,
                   const EpochAxis& axis, int prefit_epochs, double first, double last);

/// The epoch (x) axis over the drawn epochs [first, last], with the prefitting marker
/// (recorded on `prefit_panel`, see prefit_marker).
void epoch_axis(std::ostream& gp, CanvasLayout& canvas, const PlotOptions& options,
                double first, double last, int target_ticks = 5, int prefit_epochs = 0,
                const Box* prefit_panel = nullptr);

/// One entry of a legend drawn by hand (gnuplot's own key cannot span several panels).
struct LegendEntry {
  std::string text;
  std::string color;
  bool box = false;  // a filled box (a band) instead of a line
};

/// The rows of a legend on a canvas `width` points wide: positions into `entries`, in order,
/// as many on a row as fit between margins of 8 points (at least one).
std::vector<std::vector<std::size_t>> legend_lines(const std::vector<LegendEntry>& entries,
                                                   double width);

/// The room in points a legend needs above a one-row legend: a figure adds it to its
/// canvas's height and bottom margin.
double legend_room(const std::vector<LegendEntry>& entries, double width);

/// A legend centred at the bottom of the canvas, one row (legend_lines) above the other,
/// each row centred; uses label and object tags from 2000 on, which plain `unset label` /
/// `unset object` / `unset arrow` remove.
void legend_row(std::ostream& gp, CanvasLayout& canvas, const std::vector<LegendEntry>& entries);

}  // namespace infoplane::report::detail
