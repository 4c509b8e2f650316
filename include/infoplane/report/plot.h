/// @brief Figures of a run directory (information plane, MI curves, accuracy, spread,
/// activation ranges) and side-by-side comparisons of several runs, drawn with gnuplot.
///
/// For every figure NAME the plotter writes, into the output folder:
///   NAME.dat          the drawn data (thinned epochs), gnuplot blocks with a header
///   NAME.gp           the gnuplot script; edit it and run `gnuplot NAME.gp` there to redraw
///   NAME.caption.txt  what the figure shows, with the repetitions that were left out
///   NAME.png          (and NAME.svg / NAME.pdf on request), made by running the script
/// and, unless disabled, the statistics behind the figures as CSV into RUN_DIR/summary/
/// (see summary.h). Statistics always use every epoch of the kept repetitions; only what is
/// drawn is thinned to at most `max_drawn_epochs` epochs per curve.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace infoplane::report {

/// The kinds of figure. activations2d (scatter of a 2-neuron layer's values by class, one
/// panel per epoch) needs layer values stored by the run ([experiment].store_activations).
enum class Figure { plane, mi, accuracy, variance, range, activations2d };
enum class Format { png, svg, pdf };

/// "plane" -> Figure::plane, ...; throws InputError listing the valid names.
Figure parse_figure(std::string_view name);
std::string_view figure_name(Figure figure);
/// "png" -> Format::png, ...; throws InputError listing the valid names.
Format parse_format(std::string_view name);
std::string_view format_name(Format format);

/// A window of epochs to draw; 0 means "from the first" / "to the last".
struct EpochRange {
  int first = 0;
  int last = 0;
  bool contains(int epoch) const {
    return epoch >= first && (last == 0 || epoch <= last);
  }
};
/// Parses "A:B", "A:", ":B" or "A" (a single epoch); throws InputError otherwise.
EpochRange parse_epoch_range(std::string_view text);

/// The zoomed area of the information plane, in bits.
struct ZoomBox {
  double x_min = 0.0, x_max = 0.0, y_min = 0.0, y_max = 0.0;
};
/// Parses "X0:X1,Y0:Y1"; throws InputError otherwise.
ZoomBox parse_zoom_box(std::string_view text);

struct PlotOptions {
  std::vector<Figure> figures{Figure::plane};
  std::vector<Format> formats{Format::png};
  /// Where the figures go; empty: RUN_DIR/figures.
  std::filesystem::path out_dir;
  /// The MI estimator to draw (the `estimator` column of mi.csv); empty: "exact" if the
  /// run has it, else the first one in the file.
  std::string estimator;
  /// Epochs to draw (statistics and summaries always cover all epochs).
  EpochRange epochs;
  /// At most this many epochs per curve are drawn (half evenly spaced, half log-spaced,
  /// first and last always); 0 draws every epoch.
  std::size_t max_drawn_epochs = 500;
  /// The plane gets a second panel zooming on its upper-right area (Fig. 2/3 of the paper).
  bool zoom = true;
  /// The zoomed area; unset: chosen from where the layers end.
  std::optional<ZoomBox> zoom_box;
  /// Logarithmic epoch axes and colour bar.
  bool log_epochs = false;
  /// Repetitions whose final training accuracy is below this are left out of everything.
  double min_train_accuracy = 0.55;
  /// A title line above each figure (run name, estimator, repetitions).
  bool titles = true;
  /// Write RUN_DIR/summary/*.csv.
  bool write_summary = true;
  /// Run gnuplot; false writes only the data, scripts and captions.
  bool render = true;
  /// activations2d: the repetition whose stored layer values are drawn; unset: the first
  /// kept repetition that has them.
  std::optional<std::size_t> repetition;
};

/// What a plot call wrote and left out.
struct PlotReport {
  std::vector<std::filesystem::path> figures;    ///< image files
  std::vector<std::filesystem::path> scripts;    ///< NAME.gp files
  std::vector<std::filesystem::path> summaries;  ///< summary CSV files
  std::size_t n_repetitions = 0;                 ///< repetitions in the run(s)
  std::size_t n_kept = 0;
  std::size_t n_bad_fit = 0;                     ///< left out: final training accuracy too low
  std::size_t n_failed = 0;                      ///< left out: failed
  std::vector<std::string> notes;                ///< one line each, e.g. who was left out
};

/// Draws the figures of one run directory. With default options: RUN_DIR/figures/plane.png
/// (and its .gp, .dat, .caption.txt) and RUN_DIR/summary/*.csv. Throws InputError for a
/// missing or malformed run directory, an unknown estimator, an epoch window with no data,
/// a figure that needs a file the run lacks, and when gnuplot is not installed (the data
/// and scripts are written first, so they can be drawn later).
PlotReport plot_run(const std::filesystem::path& run_dir, const PlotOptions& options = {});

/// One panel of a comparison: a run directory, the estimator to draw ("" as in
/// PlotOptions::estimator) and a title ("" = the run's name, plus the estimator if the
/// comparison draws several).
struct ComparePanel {
  std::filesystem::path run_dir;
  std::string estimator;
  std::string title;
};

/// Draws several runs (or estimators of one run) side by side with shared axes and one
/// colour bar, into options.out_dir (required): compare_plane.* for Figure::plane and
/// compare_accuracy.* for Figure::accuracy (other figures are rejected). Each run's
/// bad-fit filter applies to its own panel.
PlotReport plot_compare(std::span<const ComparePanel> panels, const PlotOptions& options);

/// Positions of the epochs to draw: all of them if there are at most max_points (or
/// max_points is 0), else at most max_points positions, half evenly spaced in epoch and
/// half log-spaced, always the first and the last. `epochs` is ascending.
std::vector<std::size_t> thin_epochs(std::span<const int> epochs, std::size_t max_points);

}  // namespace infoplane::report
