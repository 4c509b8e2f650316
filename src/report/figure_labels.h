/// @brief Text metrics and the placement of the layer labels inside a plane panel.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "infoplane/report/canvas.h"

namespace infoplane::report::detail {

/// Approximate width in points of `text` in DejaVu Sans at `font` points (advance widths
/// of the common characters in em; gnuplot's cairo terminals draw fonts 4/3 larger than
/// nominal, as at 96 dpi).
double text_width(std::string_view text, double font);

/// The extent of one line of `text` at `font` points whose reference point is (x, y),
/// justified "left", "right" or "center" and centred vertically, as gnuplot places labels;
/// in the same units as x and y (points).
CanvasRect text_extent(std::string_view text, double font, double x, double y,
                       std::string_view justify);

struct LabelAnchor {
  double x, y;  // data coordinates
  std::string text;
};

struct PlacedLabel {
  double x, y;
  std::string text;
  const char* justify;
  bool leader = false;      // drawn away from its anchor: join them by a thin line
  double ax = 0, ay = 0;    // the anchor
  CanvasRect extent;        // points from the panel's lower left corner
};

/// "dense1", "dense2", "dense3" -> "dense1–3"; other lists are joined with commas.
std::string join_layer_names(const std::vector<std::string>& names);

/// Places the labels of the layers' final points in a panel of pw x ph points showing
/// [x0, x1] x [y0, y1]: anchors closer than a few points share one label; each label
/// goes to the position around its anchor (next to it, or stacked further above or below)
/// that stays inside the panel and covers the fewest other labels, anchors and drawn
/// points (`obstacles`, data coordinates), nearer positions first on ties.
std::vector<PlacedLabel> place_labels(const std::vector<LabelAnchor>& anchors,
                                      const std::vector<std::pair<double, double>>& obstacles,
                                      double x0, double x1, double y0, double y1, double pw,
                                      double ph);

/// The labels as gnuplot `set label` (and `set arrow` for leader lines), tags from 1.
void write_labels(std::ostream& gp, const std::vector<PlacedLabel>& labels);

}  // namespace infoplane::report::detail
