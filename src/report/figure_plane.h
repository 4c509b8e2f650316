/// @brief One information-plane panel: the mean or one repetition's trajectories, their
/// data sets, the panel's script with its layer labels, and the automatic zoom area.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "figure_labels.h"
#include "figure_layout.h"
#include "figure_script.h"
#include "infoplane/report/aggregate.h"
#include "infoplane/report/plot.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report::detail {

/// Mean trajectories of all layers at the drawn epochs.
struct PlaneData {
  std::vector<int> layers;
  std::vector<std::string> labels;
  std::vector<int> epochs;  // drawn
  std::vector<double> x, y; // [layer x drawn epoch], NaN if missing
  double max_x = 0, max_y = 0;
  double at_x(std::size_t l, std::size_t e) const { return x[l * epochs.size() + e]; }
  double at_y(std::size_t l, std::size_t e) const { return y[l * epochs.size() + e]; }
};

/// The mean over the kept repetitions at the drawn positions (into mi.epochs).
PlaneData plane_from_summary(const RunInfo& info, const MiSummary& mi,
                             const std::vector<std::size_t>& drawn);

/// Repetition `rep` (a position into series.repetitions) at the drawn positions.
PlaneData plane_from_repetition(const RunInfo& info, const MiSeries& series, std::size_t rep,
                                const std::vector<std::size_t>& drawn);

/// Writes two data sets: the faint per-epoch lines, then the points. Returns the index of
/// the first; `index` counts data sets already in `dat`.
int write_plane_data(std::ostream& dat, const PlaneData& p, const EpochScale& scale, int& index,
                     const std::string& what);

/// The anchors of the layer labels: each layer's last drawn point.
std::vector<LabelAnchor> final_points(const PlaneData& p);

/// Draws one plane panel from the data sets written by write_plane_data; its layer labels
/// are recorded in `canvas`.
void plane_panel(std::ostream& gp, CanvasLayout& canvas, const std::string& dat, int first_set,
                 const Box& box, double pw, double ph, double x0, double x1, double y0,
                 double y1, const PlaneData& p, bool with_ylabel);

/// The zoom panel's area: around the final points of the layers that end in the upper
/// right (I(T;Y) >= 90% and I(X;T) >= 50% of the axes' tops), if at least two do.
std::optional<ZoomBox> auto_zoom(const std::vector<LabelAnchor>& finals, double x_top,
                                 double y_top);

}  // namespace infoplane::report::detail
