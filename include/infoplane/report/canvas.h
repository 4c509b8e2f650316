/// @brief What a figure places on its canvas by hand (title, legend entries, labels, axis
/// labels) with each one's extent in points, so that a layout can be checked without gnuplot.
///
/// Extents are estimated from the text (DejaVu Sans advance widths, as the builders size
/// their margins), in points (1/72 in) from the canvas's lower left corner. A figure whose
/// layout is sound has every extent inside [0, width] x [0, height].
#pragma once

#include <string>
#include <vector>

namespace infoplane::report {

/// A rectangle in points from the canvas's lower left corner.
struct CanvasRect {
  double left = 0, right = 0, bottom = 0, top = 0;
};

/// One thing placed on the canvas.
struct CanvasItem {
  enum class Kind {
    title,       ///< the figure's title line
    legend,      ///< a legend entry: its sample (line, band or marker) and its text
    label,       ///< a label inside a panel: a layer's name in the plane, "end of prefitting"
    axis_label,  ///< an axis's name next to its tick labels
  };
  Kind kind = Kind::label;
  std::string text;
  CanvasRect extent;
};

/// The canvas of one figure and what it places on it.
struct CanvasLayout {
  double width = 0, height = 0;  ///< points
  std::vector<CanvasItem> items;
};

/// "title", "legend", "label", "axis label".
std::string canvas_kind_name(CanvasItem::Kind kind);

}  // namespace infoplane::report
