/// @brief The gnuplot script, data file and caption of each kind of figure.
///
/// Builders are pure: they turn summaries into text and never touch the file system, so
/// they can be tested without gnuplot. plot.h writes their output and runs gnuplot.
/// Every script renders the formats listed in its `formats` variable (default "png") to
/// `outbase.FMT` (default NAME.FMT), e.g. `gnuplot -e 'formats="png pdf"' plane.gp`.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "infoplane/report/aggregate.h"
#include "infoplane/report/canvas.h"
#include "infoplane/report/plot.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report {

/// The text files of one figure: NAME.gp, NAME.dat and NAME.caption.txt, and what the
/// script places on the canvas by hand (not written to a file; see canvas.h).
struct FigureText {
  std::string name;
  std::string script;
  std::string data;
  std::string caption;
  CanvasLayout canvas;
};

/// Positions (into `epochs`, ascending) of the epochs inside options.epochs, thinned to
/// options.max_drawn_epochs with thin_epochs().
std::vector<std::size_t> drawn_positions(std::span<const int> epochs, const PlotOptions& options);

/// The information plane (paper Fig. 2-4): mean I(X;T), I(T;Y) of every layer coloured by
/// epoch, the layers of one epoch joined by a faint line, and (options.zoom) a second
/// panel on the upper-right area.
FigureText plane_figure(const RunInfo& info, const RunSelection& selection,
                        const MiSummary& mi, const PlotOptions& options);

/// MI against epoch (paper Fig. B.7-B.9): I(X;T) and I(T;Y) per layer, mean +- one
/// standard deviation, and the information plane of the median-deviating repetition.
FigureText mi_figure(const RunInfo& info, const RunSelection& selection, const MiSummary& mi,
                     const MiSeries& series, const PlotOptions& options);

/// Training and test accuracy against epoch, mean with 95% confidence band (Fig. F.14-F.16).
FigureText accuracy_figure(const RunInfo& info, const RunSelection& selection,
                           const AccuracySummary& accuracy, const PlotOptions& options);

/// Spread between repetitions: the standard deviation of I(X;T) and I(T;Y) per layer.
FigureText variance_figure(const RunInfo& info, const RunSelection& selection,
                           const MiSummary& mi, const PlotOptions& options);

/// Activation range per layer: mean min and max over repetitions, and their extremes.
FigureText range_figure(const RunInfo& info, const RunSelection& selection,
                        const RangeSummary& ranges, const PlotOptions& options);

/// The stored values of one layer of one repetition (RUN_DIR/activations/, written with
/// [experiment].store_activations): the first two units of every sample at each epoch.
struct ActivationSnapshot {
  std::size_t repetition = 0;
  int layer = 0;           ///< information-plane layer index, >= 1
  std::size_t width = 0;   ///< units of the layer (>= 2; the first two are drawn)
  std::vector<int> epochs;  ///< ascending
  /// Per epoch: each sample's class and its first two values (before quantization).
  struct Point {
    std::uint32_t label = 0;
    float v0 = 0.0f, v1 = 0.0f;
  };
  std::vector<std::vector<Point>> points;
};

/// The values of a 2-neuron layer (or the first two units of a wider one) as a scatter
/// coloured by class, one panel per stored epoch (paper Fig. 4 style), with a class legend.
FigureText activations2d_figure(const RunInfo& info, const ActivationSnapshot& snapshot,
                                const PlotOptions& options);

/// One panel of a comparison figure.
struct ComparePlaneInput {
  std::string title;
  const RunInfo* info = nullptr;
  const RunSelection* selection = nullptr;
  const MiSummary* mi = nullptr;
};
struct CompareAccuracyInput {
  std::string title;
  const RunInfo* info = nullptr;
  const RunSelection* selection = nullptr;
  const AccuracySummary* accuracy = nullptr;
};

/// Information planes side by side, shared axes and one colour bar.
FigureText compare_plane_figure(std::span<const ComparePlaneInput> panels,
                                const PlotOptions& options);
/// Accuracy curves side by side, shared axes.
FigureText compare_accuracy_figure(std::span<const CompareAccuracyInput> panels,
                                   const PlotOptions& options);

/// The colour of an epoch on the plane's palette (blue, yellow, orange, red), as gnuplot's
/// 0xAARRGGBB with AA the transparency (0 opaque); `t` in [0, 1] is the position on the
/// colour bar.
std::uint32_t epoch_color(double t, double opacity);

}  // namespace infoplane::report
