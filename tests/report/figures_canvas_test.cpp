/// @brief Every title, legend entry, label and axis label a figure places by hand lies inside
/// its canvas: the plane, the epoch figures (with the prefitting marker near their right
/// edge), the class legend, runs side by side and a compare of ten estimators.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "infoplane/report/aggregate.h"
#include "infoplane/report/canvas.h"
#include "infoplane/report/compare.h"
#include "infoplane/report/figures.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {
namespace {

namespace fs = std::filesystem;

/// The fixture run (synthetic SZT, 4 repetitions, epochs 2..40) read as the plot command does.
struct Fixture {
  RunInfo info;
  RunSelection selection;
  std::vector<MiSeries> series;
  MiSummary exact;
  AccuracySummary accuracy;
  RangeSummary ranges;

  Fixture() {
    const fs::path dir = fs::path(INFOPLANE_FIXTURES) / "run_small";
    info = read_run_info(dir);
    series = read_mi(dir);
    const AccuracySeries acc = read_accuracy(dir);
    selection = select_repetitions(info, &acc, series.front().repetitions);
    exact = summarize_mi(series.front(), selection.kept);
    accuracy = summarize_accuracy(acc, selection.kept);
    ranges = summarize_ranges(read_ranges(dir), selection.kept);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

/// Checks every recorded item of `f` against its canvas; returns how many were checked.
std::size_t expect_inside(const FigureText& f) {
  const CanvasLayout& c = f.canvas;
  EXPECT_GT(c.width, 0.0) << f.name;
  EXPECT_GT(c.height, 0.0) << f.name;
  for (const CanvasItem& item : c.items) {
    const CanvasRect& r = item.extent;
    const bool inside = r.left >= 0.0 && r.right <= c.width && r.bottom >= 0.0 && r.top <= c.height;
    EXPECT_TRUE(inside) << f.name << ": " << canvas_kind_name(item.kind) << " '" << item.text
                        << "' spans x " << r.left << " to " << r.right << ", y " << r.bottom
                        << " to " << r.top << " on a canvas of " << c.width << " x " << c.height
                        << " points (" << fmt::format("x {:.2f} to {:.2f} of the width", r.left / c.width,
                                                      r.right / c.width)
                        << ")";
  }
  return c.items.size();
}

std::size_t count(const FigureText& f, CanvasItem::Kind kind) {
  return static_cast<std::size_t>(std::count_if(f.canvas.items.begin(), f.canvas.items.end(),
                                                [&](const CanvasItem& i) { return i.kind == kind; }));
}

/// Ten estimators as the compare figure draws them: the exact reference, then nine whose
/// I(X;T) lies a little below it (so that the first layer's axis spans a few hundredths of
/// a bit around 12 and gets wide tick labels) and whose I(T;Y) is scaled down.
std::vector<MiSummary> ten_estimators(const MiSummary& exact) {
  const std::vector<std::string> names = {
      "exact",
      "binning:30,bounds=fixed",
      "binning:100,bounds=layer",
      "binning:30,bounds=neuron",
      "binning:30,bounds=fixed,miller_madow=true",
      "adaptive:30",
      "adaptive:10",
      "kde:var=0.001,bound=upper",
      "kde:var=0.05,bound=lower",
      "ksg:k=4,alg=1"};
  std::vector<MiSummary> out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    MiSummary s = exact;
    s.estimator = names[k];
    for (Moments& m : s.i_xt) m.mean -= 0.002 * static_cast<double>(k);
    for (Moments& m : s.i_ty) m.mean *= 1.0 - 0.04 * static_cast<double>(k);
    out.push_back(s);
  }
  return out;
}

TEST(FiguresCanvas, PlaneLabelsAndTitleStayInside) {
  const Fixture& fx = fixture();
  for (const bool zoom : {true, false})
    for (const bool titles : {true, false}) {
      PlotOptions options;
      options.zoom = zoom;
      options.titles = titles;
      const FigureText f = plane_figure(fx.info, fx.selection, fx.exact, options);
      expect_inside(f);
      EXPECT_GE(count(f, CanvasItem::Kind::label), zoom ? 4u : 2u) << "layer labels recorded";
      EXPECT_EQ(count(f, CanvasItem::Kind::title), titles ? 1u : 0u);
    }
}

TEST(FiguresCanvas, EpochFiguresStayInsideWithThePrefittingMarkerNearTheirEnd) {
  const Fixture& fx = fixture();
  RunInfo info = fx.info;
  // Prefitting ends at epoch 36 of 2..40: its label has no room right of the dashed line.
  info.prefit_epochs = 36;
  const PlotOptions options;
  const FigureText mi = mi_figure(info, fx.selection, fx.exact, fx.series.front(), options);
  const FigureText acc = accuracy_figure(info, fx.selection, fx.accuracy, options);
  const FigureText var = variance_figure(info, fx.selection, fx.exact, options);
  const FigureText range = range_figure(info, fx.selection, fx.ranges, options);
  for (const FigureText* f : {&mi, &acc, &var, &range}) expect_inside(*f);
  EXPECT_EQ(count(mi, CanvasItem::Kind::legend), fx.exact.layers.size());
  const auto prefit_labels = [](const FigureText& f) {
    return std::count_if(f.canvas.items.begin(), f.canvas.items.end(),
                         [](const CanvasItem& i) { return i.text == "end of prefitting"; });
  };
  EXPECT_EQ(prefit_labels(mi), 2);  // on I(X;T) and on I(T;Y)
  EXPECT_EQ(prefit_labels(acc), 1);
  EXPECT_EQ(prefit_labels(var), 1);
  EXPECT_EQ(prefit_labels(range), 1);
  EXPECT_EQ(count(range, CanvasItem::Kind::legend), 2u);
}

TEST(FiguresCanvas, ClassLegendOfTenClassesStaysInside) {
  const Fixture& fx = fixture();
  ActivationSnapshot snap;
  snap.layer = 5;
  snap.width = 3;
  snap.epochs = {1, 100, 1000};
  for (std::size_t e = 0; e < snap.epochs.size(); ++e) {
    snap.points.emplace_back();
    for (std::uint32_t i = 0; i < 200; ++i)
      snap.points.back().push_back({i % 10, std::sin(0.1f * static_cast<float>(i)),
                                    std::cos(0.3f * static_cast<float>(i + e))});
  }
  const FigureText f = activations2d_figure(fx.info, snap, PlotOptions{});
  expect_inside(f);
  EXPECT_EQ(count(f, CanvasItem::Kind::legend), 11u);  // "Class" and ten classes
}

TEST(FiguresCanvas, RunsSideBySideStayInside) {
  const Fixture& fx = fixture();
  std::vector<ComparePlaneInput> planes;
  std::vector<CompareAccuracyInput> curves;
  for (int i = 0; i < 5; ++i) {
    const std::string title = fmt::format("{} · run {}", fx.info.name, i + 1);
    planes.push_back({title, &fx.info, &fx.selection, &fx.exact});
    curves.push_back({title, &fx.info, &fx.selection, &fx.accuracy});
  }
  expect_inside(compare_plane_figure(planes, PlotOptions{}));
  const FigureText acc = compare_accuracy_figure(curves, PlotOptions{});
  expect_inside(acc);
  EXPECT_EQ(count(acc, CanvasItem::Kind::legend), 2u);
}

TEST(FiguresCanvas, CompareOfTenEstimatorsKeepsItsLegendAndAxisLabelsInside) {
  const Fixture& fx = fixture();
  const std::vector<MiSummary> summaries = ten_estimators(fx.exact);
  for (const bool titles : {true, false}) {
    PlotOptions options;
    options.titles = titles;
    const FigureText f = compare_figure(fx.info, fx.selection, summaries, {}, options);
    expect_inside(f);
    // ten estimators and the bar of detected phases; I(X;T) and I(T;Y) on the left
    EXPECT_EQ(count(f, CanvasItem::Kind::legend), 11u);
    EXPECT_EQ(count(f, CanvasItem::Kind::axis_label), 2u);
  }
  // fewer estimators keep one legend row and the figure's former size
  const std::vector<MiSummary> two(summaries.begin(), summaries.begin() + 2);
  const FigureText f = compare_figure(fx.info, fx.selection, two, {}, PlotOptions{});
  expect_inside(f);
  EXPECT_DOUBLE_EQ(f.canvas.height, 412.0);
}

}  // namespace
}  // namespace infoplane::report
