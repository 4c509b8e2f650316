/// @brief The layer labels of the information plane: names joined into ranges, and labels
/// in a crowded upper right corner that keep clear of the drawn points and of each other.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "../../src/report/figure_labels.h"

namespace infoplane::report::detail {
namespace {

// The box gnuplot draws around a label at 8 points (cairo draws fonts 4/3 larger): the
// text and a point on each side, 1.2 em tall, measured on the PNG. Markers have a radius
// of about 1.8 points.
constexpr double kBoxHeight = 1.2 * 8.0 * 4.0 / 3.0;
constexpr double kMarkerRadius = 1.8;

struct Panel {
  double x0 = 0.0, x1 = 12.36, y0 = 0.0, y1 = 1.03;  // bits
  double pw = 205.0, ph = 236.0;                     // points, as in plane.png
  double u(double x) const { return (x - x0) / (x1 - x0) * pw; }
  double v(double y) const { return (y - y0) / (y1 - y0) * ph; }
};

CanvasRect drawn_box(const PlacedLabel& l, const Panel& p) {
  const double w = text_width(l.text, 8.0);
  const double u = p.u(l.x), v = p.v(l.y);
  const std::string justify = l.justify;
  const double left = justify == "right" ? u - w : justify == "center" ? u - w / 2 : u;
  return {left - 1.0, left + w + 1.0, v - kBoxHeight / 2, v + kBoxHeight / 2};
}

/// The mean plane of 10 repetitions of the SZT tanh network over 8000 epochs: X and
/// dense1-4 stay at (12, 1); dense5 climbs a column just left of them, swings left and
/// runs along the top to 7.9 bits; Ŷ ends at the far left.
struct CrowdedPlane {
  std::vector<LabelAnchor> anchors;
  std::vector<std::pair<double, double>> points;
  CrowdedPlane() {
    anchors = {{12.0, 0.99916, "X"},       {12.0, 0.99916, "dense1"}, {12.0, 0.99916, "dense2"},
               {12.0, 0.99916, "dense3"},  {11.965, 0.99911, "dense4"}, {7.915, 0.99899, "dense5"},
               {2.0, 0.97, "Ŷ"}};
    const std::vector<std::pair<double, double>> dense5 = {
        {11.933, 0.9754}, {11.951, 0.9797}, {11.771, 0.9906}, {10.817, 0.9868},
        {11.017, 0.9950}, {10.851, 0.9979}, {10.509, 0.9985}, {9.287, 0.9987},
        {8.425, 0.9989},  {7.915, 0.99899}};
    for (std::size_t i = 0; i + 1 < dense5.size(); ++i)
      for (int k = 0; k < 40; ++k) {
        const double t = k / 40.0;
        points.emplace_back(dense5[i].first + t * (dense5[i + 1].first - dense5[i].first),
                            dense5[i].second + t * (dense5[i + 1].second - dense5[i].second));
      }
    for (int k = 0; k <= 100; ++k) {  // Ŷ
      const double t = k / 100.0;
      points.emplace_back(7.3 - 5.3 * t * t, 0.06 + 0.91 * std::sqrt(t));
    }
    for (const LabelAnchor& a : anchors) points.emplace_back(a.x, a.y);
  }
};

TEST(FigureLabels, JoinsConsecutiveLayersIntoARange) {
  EXPECT_EQ(join_layer_names({"X", "dense1", "dense2", "dense3", "dense4"}), "X, dense1–4");
  EXPECT_EQ(join_layer_names({"dense1", "dense2"}), "dense1, dense2");
  EXPECT_EQ(join_layer_names({"dense5"}), "dense5");
}

TEST(FigureLabels, CrowdedUpperRightKeepsClearOfThePoints) {
  const CrowdedPlane plane;
  const Panel panel;
  const std::vector<PlacedLabel> labels = place_labels(
      plane.anchors, plane.points, panel.x0, panel.x1, panel.y0, panel.y1, panel.pw, panel.ph);
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels[0].text, "X, dense1–4");
  EXPECT_EQ(labels[1].text, "dense5");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const CanvasRect box = drawn_box(labels[i], panel);
    EXPECT_TRUE(box.left >= 0 && box.right <= panel.pw && box.bottom >= 0 && box.top <= panel.ph)
        << labels[i].text << " leaves the panel: u " << box.left << ".." << box.right << ", v "
        << box.bottom << ".." << box.top;
    std::size_t covered = 0;
    for (const auto& [x, y] : plane.points) {
      const double u = panel.u(x), v = panel.v(y);
      covered += u > box.left - kMarkerRadius && u < box.right + kMarkerRadius &&
                 v > box.bottom - kMarkerRadius && v < box.top + kMarkerRadius;
    }
    EXPECT_EQ(covered, 0u) << labels[i].text << " covers drawn points: u " << box.left << ".."
                           << box.right << ", v " << box.bottom << ".." << box.top;
    // what the layout records is the box gnuplot draws
    EXPECT_NEAR(labels[i].extent.left, box.left, 1e-9) << labels[i].text;
    EXPECT_NEAR(labels[i].extent.top, box.top, 1e-9) << labels[i].text;
    for (std::size_t j = 0; j < i; ++j) {
      const CanvasRect other = drawn_box(labels[j], panel);
      const bool apart = box.right <= other.left || other.right <= box.left ||
                         box.top <= other.bottom || other.top <= box.bottom;
      EXPECT_TRUE(apart) << labels[i].text << " overlaps " << labels[j].text << ": u " << box.left << ".." << box.right << ", v " << box.bottom << ".." << box.top << " and u " << other.left << ".." << other.right << ", v " << other.bottom << ".." << other.top;
    }
  }
  // a label drawn away from its anchor is joined to it by a leader line
  for (const PlacedLabel& l : labels) {
    const double du = panel.u(l.x) - panel.u(l.ax), dv = panel.v(l.y) - panel.v(l.ay);
    if (std::abs(dv) > kBoxHeight) {
      EXPECT_TRUE(l.leader) << l.text << " at " << du << ", " << dv;
    }
  }
}

}  // namespace
}  // namespace infoplane::report::detail
