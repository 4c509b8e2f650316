/// @brief Where things go on a figure's canvas: panel grids, axis tops and tick steps.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace infoplane::report::detail {

/// The smallest step of the form 1, 2 or 5 times a power of ten that is at least `raw`.
double nice_step(double raw);

/// A round tick step over [lo, hi] on an axis `length` points long, so that the tick labels
/// (estimated from their text) keep clear of each other.
double tick_step(double lo, double hi, double length, bool horizontal);

/// The tick labels gnuplot prints with its default format "% h" for ticks every `step` over
/// [lo, hi]: a leading space for a value >= 0, 6 significant digits.
std::vector<std::string> tick_labels(double lo, double hi, double step);

/// How far left of its axis gnuplot centres a y axis's label, in points, when the longest
/// tick label (as tick_labels writes it) has `n_chars` characters: gnuplot reserves a
/// character width per character (measured on pngcairo at kFont).
double ylabel_offset(std::size_t n_chars);

/// The top of an MI axis: the bound (H(X) or H(Y)) or the data's maximum if larger, with
/// 3% room above it.
double axis_top(double bound, double data_max);

/// A rectangle on the canvas, in screen fractions.
struct Box {
  double l = 0, r = 1, b = 0, t = 1;
};

/// A grid of equal panels with margins in points.
struct Grid {
  double width = 0, height = 0;  // canvas, points
  int cols = 1, rows = 1;
  double left = 72, right = 24, bottom = 52, top = 14, hgap = 72, vgap = 54;

  Box cell(int row, int col) const {
    const double pw = (width - left - right - (cols - 1) * hgap) / cols;
    const double ph = (height - top - bottom - (rows - 1) * vgap) / rows;
    Box box;
    box.l = (left + col * (pw + hgap)) / width;
    box.r = box.l + pw / width;
    box.t = 1.0 - (top + row * (ph + vgap)) / height;
    box.b = box.t - ph / height;
    return box;
  }
  double panel_width() const { return (width - left - right - (cols - 1) * hgap) / cols; }
  double panel_height() const { return (height - top - bottom - (rows - 1) * vgap) / rows; }
};

}  // namespace infoplane::report::detail
